import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toCampaign } from '../campaigns/campaign.item';
import { toCounter, type CounterKind } from '../caps/cap-counter';
import { windowPosition } from '../caps/cap-window';
import { consistentBatchGet } from '../shared/batch-get';
import { itemKeys } from '../shared/item-keys';
import type { CounterState } from '../suppliers/supplier';
import { toAttachment, toSupplier } from '../suppliers/supplier.item';
import { TtlCache } from './config-cache';
import type { CounterIncrement, SubmissionConfig } from './submission-store';

export interface SubmissionConfigOptions {
  readonly configCacheTtlSeconds: number;
  readonly capTimeZone: string;
  readonly clock: () => Date;
}

/**
 * A submission's configuration (campaign, supplier, attachment) and the cap counters as this
 * instance last knew them, read from the table on a miss and then served from a per-instance
 * cache for `configCacheTtlSeconds`, so a warm ingest reads nothing before its write.
 */
export class SubmissionConfigCache {
  private readonly cache: TtlCache<SubmissionConfig>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: SubmissionConfigOptions,
  ) {
    this.cache = new TtlCache(options.configCacheTtlSeconds, () => options.clock().getTime());
  }

  async load(supplierId: string, campaignId: string): Promise<SubmissionConfig> {
    const key = cacheKey(supplierId, campaignId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const [campaign, supplier, attachment] = await consistentBatchGet(this.db, this.tableName, [
      itemKeys.campaign(campaignId),
      itemKeys.supplier(supplierId),
      itemKeys.attachment(supplierId, campaignId),
    ]);
    const config: SubmissionConfig = {
      campaign: campaign && toCampaign(campaign),
      supplier: supplier && toSupplier(supplier),
      attachment: attachment && toAttachment(attachment),
      counters: {},
    };
    const loaded = config.attachment ? { ...config, counters: await this.currentCounters(config) } : config;
    this.cache.set(key, loaded);
    return loaded;
  }

  /** A counter's value in a window, read consistently; the cached estimate takes it. */
  async usage(supplierId: string, campaignId: string, kind: CounterKind, window: string): Promise<number> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKeys.counter(supplierId, campaignId, kind, window), ConsistentRead: true }),
    );
    const used = Item ? toCounter(Item).used : 0;
    this.remember(supplierId, campaignId, kind, { window, used });
    return used;
  }

  /** The counters of the windows current now, read once per cache fill for the headroom estimate. */
  private async currentCounters(config: SubmissionConfig): Promise<SubmissionConfig['counters']> {
    const attachment = config.attachment;
    if (!attachment || (attachment.leadCap === undefined && attachment.pingCap === undefined)) return {};
    const window = windowPosition(attachment.capWindow, this.options.clock(), this.options.capTimeZone).key;
    const [lead, ping] = await consistentBatchGet(this.db, this.tableName, [
      itemKeys.counter(attachment.supplierId, attachment.campaignId, 'lead', window),
      itemKeys.counter(attachment.supplierId, attachment.campaignId, 'ping', window),
    ]);
    return { lead: lead ? toCounter(lead) : { window, used: 0 }, ping: ping ? toCounter(ping) : { window, used: 0 } };
  }

  /** This instance counted one more in the window. */
  counted(supplierId: string, campaignId: string, increment: CounterIncrement): void {
    this.cache.update(cacheKey(supplierId, campaignId), (config) => {
      const known = config.counters[increment.kind];
      const used = known?.window === increment.window ? known.used + 1 : 1;
      return { ...config, counters: { ...config.counters, [increment.kind]: { window: increment.window, used } } };
    });
  }

  /** A counter's value as a write or a read just found it. */
  remember(supplierId: string, campaignId: string, kind: CounterKind, counter: CounterState): void {
    this.cache.update(cacheKey(supplierId, campaignId), (config) => ({ ...config, counters: { ...config.counters, [kind]: counter } }));
  }
}

function cacheKey(supplierId: string, campaignId: string): string {
  return `${supplierId}#${campaignId}`;
}
