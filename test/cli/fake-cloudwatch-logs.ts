import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand, type StartQueryCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsQuerySender } from '../../cli/report/insights-source';

/** What the fake answers for one query: its rows, the bytes it scanned, or a status it ends in. */
export interface FakeQueryAnswer {
  readonly rows?: readonly Readonly<Record<string, string>>[];
  readonly bytesScanned?: number;
  /** @default 'Complete' */
  readonly status?: 'Complete' | 'Failed' | 'Cancelled' | 'Timeout' | 'Running';
}

/**
 * CloudWatch Logs Insights for tests: records every StartQuery (its log groups, query text and
 * time range) and answers each from `answer`, once Running then as told.
 */
export class FakeCloudWatchLogs {
  readonly started: StartQueryCommandInput[] = [];
  readonly stopped: string[] = [];
  private readonly answers = new Map<string, FakeQueryAnswer>();

  constructor(private readonly answer: (query: StartQueryCommandInput) => FakeQueryAnswer) {}

  readonly client: LogsQuerySender & { destroy(): void } = {
    send: (async (command: StartQueryCommand | GetQueryResultsCommand | StopQueryCommand) => {
      if (command instanceof StartQueryCommand) {
        const queryId = `q${this.started.length + 1}`;
        this.started.push(command.input);
        this.answers.set(queryId, this.answer(command.input));
        return { queryId };
      }
      if (command instanceof StopQueryCommand) {
        this.stopped.push(String(command.input.queryId));
        return { success: true };
      }
      const answer = this.answers.get(String(command.input.queryId));
      if (!answer) throw Object.assign(new Error('No such query'), { name: 'ResourceNotFoundException' });
      const status = answer.status ?? 'Complete';
      return {
        status,
        statistics: { bytesScanned: status === 'Complete' ? (answer.bytesScanned ?? 0) : 0, recordsMatched: 0, recordsScanned: 0 },
        results: status === 'Complete' ? (answer.rows ?? []).map((row) => Object.entries(row).map(([field, value]) => ({ field, value }))) : [],
      };
    }) as LogsQuerySender['send'],
    destroy: () => undefined,
  };

  /** Whether a query is over the access log group (its text filters on `errorType`). */
  static isAccessQuery(query: StartQueryCommandInput): boolean {
    return (query.queryString ?? '').includes('errorType');
  }
}
