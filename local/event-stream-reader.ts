import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { streamRecordEntry, type LeadEventEntry } from '../lambdas/events/lead-event';

/** Where a reader got to: per shard of one stream, the last record whose event was written. */
interface Checkpoint {
  readonly streamArn: string;
  readonly shards: Record<string, { readonly after?: string; readonly done?: boolean }>;
}

export interface EventStreamReaderOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** Holds `events.jsonl` and the reader's checkpoint. */
  readonly dataDir: string;
  /** @default 500 */
  readonly pollMs?: number;
  /** Told once when reading fails (DynamoDB Local restarting, say), and when it works again. */
  readonly report?: (line: string) => void;
  /** Called after a batch's events are appended and before its checkpoint is saved (tests kill the reader here). */
  readonly beforeCheckpoint?: () => void;
}

export const EVENTS_FILE = 'events.jsonl';
const CHECKPOINT_FILE = 'events.checkpoint.json';

/**
 * The local stand-in for the stream publisher: reads the table's stream from DynamoDB Local
 * and appends each new lead's event, as the PutEvents entry the publisher would send (mapped
 * by the same code), to `events.jsonl` in the data directory, one JSON object a line.
 *
 * Checkpointed: a batch's events are appended (and synced) before the checkpoint moves past
 * it, so a reader killed in between repeats that batch on restart and loses none of it; at
 * least once, as on AWS. Records older than the stream's 24 hours are gone from the stream:
 * `leadctl events replay` re-emits from the table.
 */
export class EventStreamReader {
  private readonly streams: DynamoDBStreamsClient;
  private readonly checkpointPath: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;
  private stopped = false;

  constructor(private readonly options: EventStreamReaderOptions) {
    this.streams = new DynamoDBStreamsClient({
      region: 'us-east-1',
      endpoint: options.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.checkpointPath = join(options.dataDir, CHECKPOINT_FILE);
  }

  /** Polls until `stop`. */
  start(): void {
    const tick = () => {
      this.running = this.drain()
        .then(() => {
          if (this.failing) this.options.report?.('Lead events: reading the table stream again.');
          this.failing = false;
        })
        .catch((error: unknown) => {
          if (!this.failing) this.options.report?.(`Lead events: cannot read the table stream yet (${(error as Error).name}); retrying.`);
          this.failing = true;
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 500);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.streams.destroy();
  }

  /** Reads every record available now; returns how many events it appended. */
  async drain(): Promise<number> {
    const streamArn = await this.streamArn();
    if (!streamArn) return 0;
    let checkpoint = this.loadCheckpoint();
    if (checkpoint.streamArn !== streamArn) checkpoint = { streamArn, shards: {} };
    const shards = await this.shards(streamArn);
    const known = new Set(shards.map((shard) => shard.ShardId));
    let appended = 0;
    for (const shard of shards) {
      const id = shard.ShardId ?? '';
      if (checkpoint.shards[id]?.done) continue;
      // A child shard continues its parent's records: read it only once the parent is done.
      const parent = shard.ParentShardId;
      if (parent && known.has(parent) && !checkpoint.shards[parent]?.done) continue;
      const read = await this.readShard(streamArn, id, checkpoint);
      checkpoint = read.checkpoint;
      appended += read.appended;
    }
    return appended;
  }

  private async readShard(streamArn: string, shardId: string, start: Checkpoint): Promise<{ checkpoint: Checkpoint; appended: number }> {
    let checkpoint = start;
    let appended = 0;
    let iterator = await this.iterator(streamArn, shardId, checkpoint.shards[shardId]?.after);
    while (iterator) {
      const { Records = [], NextShardIterator } = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      if (Records.length > 0) {
        appended += await this.append(Records);
        this.options.beforeCheckpoint?.();
        const last = Records[Records.length - 1].dynamodb?.SequenceNumber;
        checkpoint = { ...checkpoint, shards: { ...checkpoint.shards, [shardId]: { after: last } } };
        await this.saveCheckpoint(checkpoint);
      }
      if (!NextShardIterator) {
        // A closed shard read to its end.
        checkpoint = { ...checkpoint, shards: { ...checkpoint.shards, [shardId]: { ...checkpoint.shards[shardId], done: true } } };
        await this.saveCheckpoint(checkpoint);
        break;
      }
      // An open shard is caught up when a read returns nothing.
      if (Records.length === 0) break;
      iterator = NextShardIterator;
    }
    return { checkpoint, appended };
  }

  private async iterator(streamArn: string, shardId: string, after: string | undefined): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException' || !after) throw error;
      this.options.report?.('Lead events: the stream no longer holds records after the checkpoint (older than 24 hours); use leadctl events replay for them.');
      return this.iterator(streamArn, shardId, undefined);
    }
  }

  /** Appends the batch's events and syncs the file before the checkpoint may move. */
  private async append(records: readonly _Record[]): Promise<number> {
    const entries = records.flatMap((record) => {
      const entry = streamRecordEntry(record);
      return entry ? [entry] : [];
    });
    await appendEvents(this.options.dataDir, entries);
    return entries.length;
  }

  private async streamArn(): Promise<string | undefined> {
    const { Streams = [] } = await this.streams.send(new ListStreamsCommand({ TableName: this.options.tableName }));
    return Streams[Streams.length - 1]?.StreamArn;
  }

  private async shards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private loadCheckpoint(): Checkpoint {
    if (!existsSync(this.checkpointPath)) return { streamArn: '', shards: {} };
    return JSON.parse(readFileSync(this.checkpointPath, 'utf8')) as Checkpoint;
  }

  /**
   * Written whole to a temporary file and renamed over the old one: never half a checkpoint.
   * Asynchronous, like the append: a sync to disk can take milliseconds, and the reader runs
   * in the same process as the API, whose requests must not wait for it.
   */
  private async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const temporary = `${this.checkpointPath}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(checkpoint));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.checkpointPath);
  }
}

/**
 * Appends events to the data directory's `events.jsonl`, one PutEvents entry a line, synced
 * before it returns. Lead events hold personal data: the file is the owner's alone, like the
 * rest of the data directory.
 */
export async function appendEvents(dataDir: string, entries: readonly LeadEventEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const file = await open(join(dataDir, EVENTS_FILE), 'a', 0o600);
  try {
    await file.writeFile(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    await file.sync();
  } finally {
    await file.close();
  }
}
