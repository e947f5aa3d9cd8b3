import { createReadStream } from 'node:fs';
import { REQUEST_LINE_MESSAGE } from '../../lambdas/shared/request-outcome';
import { DEFAULT_REQUEST_LOG_LIMITS, REQUEST_LOG_FILE, requestLogFiles } from '../../local/request-log-file';
import { RefusedError } from '../cli-errors';
import type { RequestEntry } from './report-counts';
import type { ReportRange } from './report-range';

/** The local runtime has logged no request with this data directory yet (none answered, or another LOCAL_DATA_DIR). */
export class NoRequestLogError extends RefusedError {}

const TIME_FIELD = '"time":"';
const ISO_LENGTH = '2026-12-05T00:00:00.000Z'.length;

/**
 * The request lines of the local runtime's request log within the range, oldest file first, a
 * chunk's worth at a time (memory stays flat however large the files). A line is parsed only when its
 * time is in the range and it is a request line; a torn last line (the runtime writing it right
 * now) or any other text is skipped. Refuses a range that starts before the oldest line the
 * rotated files still hold, rather than count part of it as if it were all.
 */
export async function* localRequestEntries(dataDir: string, range: ReportRange, keptFiles = DEFAULT_REQUEST_LOG_LIMITS.keptFiles): AsyncGenerator<RequestEntry[]> {
  const files = requestLogFiles(dataDir, keptFiles);
  if (files.length === 0) {
    throw new NoRequestLogError(`No request log in ${dataDir} (${REQUEST_LOG_FILE}): npm start writes it; has it answered any request with this LOCAL_DATA_DIR?`);
  }
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  for (const [index, file] of files.entries()) {
    let first = true;
    for await (const lines of linesOf(file)) {
      const entries: RequestEntry[] = [];
      for (const line of lines) {
        const at = line.indexOf(TIME_FIELD);
        if (at < 0) continue;
        const time = line.slice(at + TIME_FIELD.length, at + TIME_FIELD.length + ISO_LENGTH);
        if (first && index === 0 && files.length > keptFiles && time > from) {
          throw new RefusedError(
            `The local request log keeps ${keptFiles + 1} files of up to ${DEFAULT_REQUEST_LOG_LIMITS.maxBytes / 1024 / 1024} MiB; its oldest line is from ${time}, ` +
              `after --from (${from}). Report from ${time} or later.`,
          );
        }
        first = false;
        if (time < from || time >= to) continue;
        const entry = requestEntry(line);
        if (entry) entries.push(entry);
      }
      yield entries;
    }
  }
}

/** The file's lines, a 1 MiB chunk's worth at a time (one await per chunk, not per line). */
async function* linesOf(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + String(chunk)).split('\n');
    rest = lines.pop() ?? '';
    yield lines;
  }
  if (rest !== '') yield [rest];
}

/** A request line's fields the report counts, or undefined for a line that is no request line. */
export function requestEntry(line: string): RequestEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { message, time, outcome, supplierId, campaignId } = parsed as Record<string, unknown>;
  if (message !== REQUEST_LINE_MESSAGE || typeof time !== 'string' || typeof outcome !== 'string') return undefined;
  return {
    epochMs: Date.parse(time),
    outcome,
    ...(typeof supplierId === 'string' ? { supplierId } : {}),
    ...(typeof campaignId === 'string' ? { campaignId } : {}),
  };
}
