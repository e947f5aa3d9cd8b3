import { itemKeys, listPartitions } from '../shared/item-keys';
import type { Attachment, Supplier } from './supplier';

/** A supplier and its attachments as stored, and back. */
export function supplierItem(supplier: Supplier): Record<string, unknown> {
  return {
    ...itemKeys.supplier(supplier.supplierId),
    type: 'supplier',
    ...supplier,
    GSI1PK: listPartitions.suppliers,
    GSI1SK: `${supplier.createdAt}#${supplier.supplierId}`,
  };
}

export function attachmentItem(attachment: Attachment): Record<string, unknown> {
  return { ...itemKeys.attachment(attachment.supplierId, attachment.campaignId), type: 'attachment', ...attachment };
}

export function toSupplier(item: Record<string, unknown>): Supplier {
  return {
    supplierId: item.supplierId as string,
    name: item.name as string,
    status: item.status as Supplier['status'],
    paused: item.paused === true,
    testMode: item.testMode === true,
    createdAt: item.createdAt as string,
  };
}

export function toAttachment(item: Record<string, unknown>): Attachment {
  return {
    supplierId: item.supplierId as string,
    campaignId: item.campaignId as string,
    paused: item.paused === true,
    leadCap: item.leadCap as number | undefined,
    pingCap: item.pingCap as number | undefined,
    capWindow: (item.capWindow as Attachment['capWindow']) ?? 'day',
    attachedAt: item.attachedAt as string,
  };
}
