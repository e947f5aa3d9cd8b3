/**
 * The `Lead Accepted` event, mapped from a stored lead item. One mapping for every path that
 * emits events: the publisher on AWS and the local stream reader (both from the table's
 * stream) and `leadctl events replay` (from the export index), so an event looks the same
 * whichever path sent it.
 */
import { CONSENT_FIELDS } from '../leads/submission';

export const LEAD_EVENT_SOURCE = 'lead-ingest';
export const LEAD_ACCEPTED = 'Lead Accepted';
/** PutEvents refuses an entry (Source, DetailType and Detail in UTF-8) over 256 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** An entry as PutEvents takes it, without the bus (which the sender adds). */
export interface LeadEventEntry {
  readonly Source: typeof LEAD_EVENT_SOURCE;
  readonly DetailType: typeof LEAD_ACCEPTED;
  /** JSON of `LeadAcceptedDetail`. */
  readonly Detail: string;
}

/** What a consumer receives; consumers deduplicate on `lead_id` (delivery is at least once). */
export interface LeadAcceptedDetail {
  readonly lead_id: string;
  readonly campaign_id: string;
  readonly supplier_id: string;
  readonly created_at: string;
  readonly is_test: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * Present (true) when the fields would make the event larger than PutEvents takes (a body
   * of escaped control characters can grow six-fold in JSON): `fields` then holds only the
   * consent evidence (the certificates a consumer checks with TrustedForm or Jornaya), or
   * nothing if even that is too large, and a consumer reads the lead with
   * `leadctl leads export` or a lookup.
   */
  readonly fields_omitted?: true;
}

/** The event of a stored lead item (plain JavaScript values); undefined for any other item. */
export function leadEventEntry(item: Readonly<Record<string, unknown>>): LeadEventEntry | undefined {
  if (item.type !== undefined && item.type !== 'lead') return undefined;
  if (typeof item.leadId !== 'string' || typeof item.campaignId !== 'string' || typeof item.supplierId !== 'string') return undefined;
  const detail: LeadAcceptedDetail = {
    lead_id: item.leadId,
    campaign_id: item.campaignId,
    supplier_id: item.supplierId,
    created_at: String(item.createdAt),
    is_test: item.isTest === true,
    fields: isRecord(item.fields) ? item.fields : {},
  };
  const entry = { Source: LEAD_EVENT_SOURCE, DetailType: LEAD_ACCEPTED, Detail: JSON.stringify(detail) } as const;
  if (entryBytes(entry) <= MAX_ENTRY_BYTES) return entry;
  // Every stored lead has its event, even one PutEvents could never take whole.
  const consent = Object.fromEntries(Object.entries(detail.fields).filter(([name]) => (CONSENT_FIELDS as readonly string[]).includes(name)));
  const slim = { ...entry, Detail: JSON.stringify({ ...detail, fields: consent, fields_omitted: true } satisfies LeadAcceptedDetail) };
  if (entryBytes(slim) <= MAX_ENTRY_BYTES) return slim;
  return { ...entry, Detail: JSON.stringify({ ...detail, fields: {}, fields_omitted: true } satisfies LeadAcceptedDetail) };
}

/** An entry's size as EventBridge counts it: Source, DetailType and Detail in UTF-8 (no Time or Resources sent). */
export function entryBytes(entry: Pick<LeadEventEntry, 'Source' | 'DetailType' | 'Detail'>): number {
  return Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
}

/**
 * A stream record's attribute value, as Lambda delivers it (JSON, binary as base64) and as
 * the DynamoDB Streams API returns it through the SDK (binary as bytes).
 */
export interface StreamAttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly M?: Readonly<Record<string, StreamAttributeValue>>;
  readonly L?: readonly StreamAttributeValue[];
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly B?: string | Uint8Array;
  readonly BS?: readonly (string | Uint8Array)[];
}

/** The part of a stream record the mapping reads (both Lambda's and the SDK's shape fit). */
export interface StreamRecordLike {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly SequenceNumber?: string;
    readonly NewImage?: Readonly<Record<string, StreamAttributeValue>>;
  };
}

/**
 * The event of a stream record: only an INSERT of a lead item is one. A lead is written once
 * and never updated, so refused submissions (nothing written), idempotent replays (nothing
 * written) and TTL or erasure deletions (REMOVE) produce none.
 */
export function streamRecordEntry(record: StreamRecordLike): LeadEventEntry | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  return leadEventEntry(fromImage(record.dynamodb.NewImage));
}

/** A stream image as plain values. The lead's numbers are doubles it validated exactly on the way in. */
export function fromImage(image: Readonly<Record<string, StreamAttributeValue>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, fromAttribute(value)]));
}

function fromAttribute(value: StreamAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromImage(value.M);
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return binary(value.B);
  if (value.BS !== undefined) return value.BS.map(binary);
  return undefined;
}

function binary(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
