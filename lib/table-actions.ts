import type { RouteDefinition } from '../lambdas/routes';
import { itemKeys } from '../lambdas/shared/item-keys';
import { TABLE_SCHEMA } from '../lambdas/shared/table-schema';

/** DynamoDB actions a function may be granted on the table, by IAM name without the `dynamodb:` prefix. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'ConditionCheckItem' | 'TransactWriteItems';

export type IndexName = (typeof TABLE_SCHEMA.indexes)[number]['name'];

/**
 * Actions allowed only on the items of some partitions (a `dynamodb:LeadingKeys` condition on
 * the partition key's prefix) and only on the named attributes (`dynamodb:Attributes`).
 */
export interface ItemGrant {
  readonly actions: readonly TableAction[];
  /** Partition key prefix of the items, such as `KEY#`. */
  readonly partitionPrefix: string;
  /** The attributes the actions may name, besides the table's own key attributes. */
  readonly attributes: readonly string[];
}

/** What a function may do on the table: `Query` applies to `queryIndexes` only, every other action to the table. */
export interface TableGrant {
  readonly actions: readonly TableAction[];
  /** @default - none */
  readonly queryIndexes?: readonly IndexName[];
  /** @default - none */
  readonly onItems?: ItemGrant;
}

/** Actions that change the table; a route whose `tableAccess` is `read` may hold none. */
export const WRITE_ACTIONS: readonly TableAction[] = ['PutItem', 'UpdateItem', 'TransactWriteItems'];

/**
 * Exactly the DynamoDB calls each function's code makes, so each is granted no more (no Scan,
 * DeleteItem, BatchWriteItem or stream reads, which CDK's coarse read/write grants add).
 * A repository method that starts sending another command must add its action here; the
 * infra tests pin these sets by name.
 */
export const TABLE_GRANTS = {
  /**
   * One consistent read of the key record; at most once a day per key, the key's last-use day
   * (an UpdateItem on key items only, naming only that attribute).
   */
  Authorizer: { actions: ['GetItem'], onItems: { actions: ['UpdateItem'], partitionPrefix: itemKeys.apiKeyPrefix, attributes: ['lastUsedDay'] } },
  /**
   * The submission store: campaign, supplier, attachment and counters read at once, the
   * idempotency record read on a replay, and the lead's conditional write (one Put alone, or a
   * transaction of Puts and the cap counter's Update; IAM checks each item's own action as well
   * as TransactWriteItems).
   */
  Ingest: { actions: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem', 'TransactWriteItems'] },
  /**
   * The same read, a counter read for the lead-cap headroom, and the ping cap's count: a
   * transaction of the counter's Update and the lead cap's ConditionCheck.
   */
  Ping: { actions: ['BatchGetItem', 'GetItem', 'UpdateItem', 'ConditionCheckItem', 'TransactWriteItems'] },
  /** A lead by id, the submission store's read, and the phone (GSI2) and email (GSI3) index queries. */
  Lookup: { actions: ['GetItem', 'BatchGetItem', 'Query'], queryIndexes: ['GSI2', 'GSI3'] },
} as const satisfies Record<RouteDefinition['name'] | 'Authorizer', TableGrant>;

/** The route's grant, checked against the coarse access the route table declares. */
export function tableGrantFor(route: Pick<RouteDefinition, 'name' | 'tableAccess'>): TableGrant {
  const grant: TableGrant = TABLE_GRANTS[route.name];
  const actions = allActions(grant);
  if (route.tableAccess === 'read' && actions.some((action) => WRITE_ACTIONS.includes(action))) {
    throw new Error(`Route ${route.name} is declared read-only but would be granted ${actions.join(', ')}`);
  }
  return grant;
}

/** Every action of a grant, on the table or on some items only. */
export function allActions(grant: TableGrant): TableAction[] {
  return [...grant.actions, ...(grant.onItems?.actions ?? [])];
}
