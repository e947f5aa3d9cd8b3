import type { WireCall } from '../../test/support/fault-proxy';

/**
 * Units as AWS bills them on demand, by its documented rules (Amazon DynamoDB Developer Guide:
 * "Read consistency" and "DynamoDB throughput capacity" for 1 write unit per 1 KB and 1 read unit
 * per 4 KB, half for an eventually consistent read; "Managing capacity with transactions" for 2x
 * on every item of a transaction; "Global secondary indexes: throughput considerations" for a
 * write per index whose key the item carries, by the projected size). A BatchGetItem key with no
 * item is billed as a read of the minimum size. ConditionCheck items are counted as
 * transactional writes of the checked item, the conservative reading.
 */
export function billedUnits(call: WireCall): { read: number; write: number } {
  const request = (call.request ?? {}) as Record<string, any>;
  const response = (call.response ?? {}) as Record<string, any>;
  const kb = (item: Record<string, unknown> | undefined) => Math.max(1, Math.ceil(itemBytes(item) / 1024));
  const reads4k = (item: Record<string, unknown> | undefined) => Math.max(1, Math.ceil(itemBytes(item) / 4096));
  const indexWrites = (item: Record<string, unknown>) => ['GSI1PK', 'GSI2PK', 'GSI3PK', 'GSI4PK'].filter((name) => name in item).length;
  switch (call.operation) {
    case 'PutItem':
      return { read: 0, write: kb(request.Item) * (1 + indexWrites(request.Item)) };
    case 'UpdateItem':
      return { read: 0, write: 1 };
    case 'TransactWriteItems': {
      let write = 0;
      for (const action of request.TransactItems ?? []) {
        if (action.Put) write += 2 * kb(action.Put.Item) * (1 + indexWrites(action.Put.Item));
        else write += 2; // Update of a counter, ConditionCheck of one: items well under 1 KB
      }
      return { read: 0, write };
    }
    case 'GetItem':
      return { read: reads4k(response.Item) * (request.ConsistentRead ? 1 : 0.5), write: 0 };
    case 'BatchGetItem': {
      const table = Object.keys(request.RequestItems ?? {})[0];
      const keys: unknown[] = request.RequestItems?.[table]?.Keys ?? [];
      const found: Record<string, unknown>[] = response.Responses?.[table] ?? [];
      const consistent = request.RequestItems?.[table]?.ConsistentRead ? 1 : 0.5;
      const units = found.reduce((sum, item) => sum + reads4k(item), 0) + (keys.length - found.length);
      return { read: units * consistent, write: 0 };
    }
    case 'Query': {
      const bytes = (response.Items ?? []).reduce((sum: number, item: Record<string, unknown>) => sum + itemBytes(item), 0);
      // Index queries are eventually consistent.
      return { read: Math.max(1, Math.ceil(bytes / 4096)) * (request.IndexName ? 0.5 : 1), write: 0 };
    }
    default:
      return { read: 0, write: 0 };
  }
}

/** An item's size by DynamoDB's rules: attribute names plus values, in its wire format. */
function itemBytes(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  const typed = value as Record<string, any>;
  if ('S' in typed) return Buffer.byteLength(typed.S);
  if ('N' in typed) return Math.ceil(String(typed.N).replace(/[-.]/g, '').length / 2) + 1;
  if ('BOOL' in typed || 'NULL' in typed) return 1;
  if ('M' in typed) return 3 + itemBytes(typed.M);
  if ('L' in typed) return 3 + (typed.L as unknown[]).reduce((sum: number, entry) => sum + 1 + valueBytes(entry), 0);
  return 0;
}
