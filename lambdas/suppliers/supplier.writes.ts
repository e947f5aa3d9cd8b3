/**
 * The supplier's writes as transaction items, so that the repository sends them together with
 * other aggregates' items (keys, campaigns) and reads each refusal from its position.
 */
import type { TransactItem } from '../keys/key.repository';
import { itemKeys } from '../shared/item-keys';
import { BUMP_VERSION, FIRST_VERSION, unchangedSince, type ReadVersion } from '../shared/versioned-write';
import type { Attachment } from './supplier';
import { attachmentItem } from './supplier.item';

/** Marks the supplier deleted at `at`, if it is active and still at the version read (the old item comes back on refusal). */
export function supplierDeletion(tableName: string, supplierId: string, readVersion: ReadVersion, at: string): TransactItem {
  const unchanged = unchangedSince(readVersion);
  return {
    Update: {
      TableName: tableName,
      Key: itemKeys.supplier(supplierId),
      UpdateExpression: `SET #status = :deleted, deletedAt = :at, ${BUMP_VERSION.set}`,
      ConditionExpression: `attribute_exists(PK) AND #status = :active AND ${unchanged.condition}`,
      ExpressionAttributeNames: { '#status': 'status', ...BUMP_VERSION.names, ...unchanged.names },
      ExpressionAttributeValues: { ':deleted': 'deleted', ':active': 'active', ':at': at, ...BUMP_VERSION.values, ...unchanged.values },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Checks that the campaign exists. */
export function campaignExists(tableName: string, campaignId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: itemKeys.campaign(campaignId),
      ConditionExpression: 'attribute_exists(PK)',
    },
  };
}

/** Checks that the supplier is active (not deleted). */
export function supplierActive(tableName: string, supplierId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: itemKeys.supplier(supplierId),
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'active' },
    },
  };
}

/** Puts a new attachment at its first version; refused if one exists. */
export function newAttachment(tableName: string, attachment: Attachment): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...attachmentItem(attachment), version: FIRST_VERSION },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * Changes an attachment's caps and window (a cap left out is removed, the pause is never
 * written), if it is still at the version `read`.
 */
export function attachmentChange(tableName: string, attachment: Attachment, read: ReadVersion): TransactItem {
  const unchanged = unchangedSince(read);
  const sets = ['capWindow = :capWindow', BUMP_VERSION.set];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':capWindow': attachment.capWindow, ...BUMP_VERSION.values, ...unchanged.values };
  for (const cap of ['leadCap', 'pingCap'] as const) {
    const value = attachment[cap];
    if (value === undefined) {
      removes.push(cap);
    } else {
      sets.push(`${cap} = :${cap}`);
      values[`:${cap}`] = value;
    }
  }
  return {
    Update: {
      TableName: tableName,
      Key: itemKeys.attachment(attachment.supplierId, attachment.campaignId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: `attribute_exists(PK) AND ${unchanged.condition}`,
      ExpressionAttributeNames: { ...BUMP_VERSION.names, ...unchanged.names },
      ExpressionAttributeValues: values,
    },
  };
}
