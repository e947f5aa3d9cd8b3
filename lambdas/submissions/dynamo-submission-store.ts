import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CounterKind } from '../caps/cap-counter';
import type { IdempotencyRecord } from '../idempotency/idempotency-record';
import { SubmissionConfigCache, type SubmissionConfigOptions } from './submission-config.cache';
import type { CommitOutcome, SubmissionConfig, SubmissionPlan, SubmissionStore } from './submission-store';
import { SubmissionWriter } from './submission-writer';

/**
 * The submission store on the single table: the configuration cache in front of the one
 * conditional write. A warm ingest is that write alone; what the write learns of the cap
 * counters (one more counted, or the count that refused it) goes back into the cache's estimate.
 */
export class DynamoSubmissionStore implements SubmissionStore {
  private readonly config: SubmissionConfigCache;
  private readonly writer: SubmissionWriter;

  constructor(db: DynamoDBDocumentClient, tableName: string, options: SubmissionConfigOptions) {
    this.config = new SubmissionConfigCache(db, tableName, options);
    this.writer = new SubmissionWriter(db, tableName);
  }

  load(supplierId: string, campaignId: string): Promise<SubmissionConfig> {
    return this.config.load(supplierId, campaignId);
  }

  usage(supplierId: string, campaignId: string, kind: CounterKind, window: string): Promise<number> {
    return this.config.usage(supplierId, campaignId, kind, window);
  }

  idempotencyRecord(supplierId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    return this.writer.idempotencyRecord(supplierId, keyHash);
  }

  async commit(plan: SubmissionPlan): Promise<CommitOutcome> {
    const outcome = await this.writer.commit(plan);
    if (outcome.status === 'committed' && plan.increment) this.config.counted(plan.supplierId, plan.campaignId, plan.increment);
    if (outcome.status === 'cap_reached') {
      const window = outcome.kind === plan.increment?.kind ? plan.increment.window : plan.check?.window;
      if (window) this.config.remember(plan.supplierId, plan.campaignId, outcome.kind, { window, used: outcome.used });
    }
    return outcome;
  }
}
