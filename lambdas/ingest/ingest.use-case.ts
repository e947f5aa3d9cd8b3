import { createHash } from 'node:crypto';
import type { Campaign } from '../campaigns/campaign';
import { normalizeEmail, normalizePhone } from '../leads/contact';
import type { Lead } from '../leads/lead';
import type { IdempotencyRecord, LeadCommit, LeadRepository } from '../leads/lead.repository';
import { RETRY, untilSettled } from '../leads/retry';
import { checkAccess, filterErrors, planCap, throwIfFiltered, type Headroom } from '../leads/submission-rules';
import { hashFields, verifyPingToken } from '../ping/ping-token';
import { BadRequestError, ConflictError, ForbiddenError, UnprocessableError, ValidationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Caller } from '../shared/middleware';
import { leadFields, type IngestBody } from './ingest.schema';

export interface IngestCommand {
  readonly caller: Caller;
  readonly body: IngestBody;
  /** The Idempotency-Key header, already validated. */
  readonly idempotencyKey?: string;
}

export interface IngestResult {
  readonly statusCode: number;
  readonly body: unknown;
  /** True when this answers a retry with the first attempt's response. */
  readonly replayed: boolean;
}

export interface IngestDependencies {
  readonly leads: Pick<LeadRepository, 'loadContext' | 'commit' | 'getIdempotency'>;
  readonly clock: () => Date;
  readonly capTimeZone: string;
  readonly pingSecret: () => Promise<Buffer>;
}

/** Idempotency records are kept a day. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Single-use ping markers outlive their token by this margin. */
const PING_MARKER_MARGIN_SECONDS = 3600;

/**
 * Accepts a lead: every rule is decided on one consistent read (campaign, supplier, attachment,
 * cap counters, idempotency record) and the lead, its cap count, duplicate entries, idempotency
 * record and ping marker are written in one transaction, so a 201 means stored and any error
 * means nothing was written.
 */
export class IngestUseCase {
  constructor(private readonly deps: IngestDependencies) {}

  async execute(command: IngestCommand): Promise<IngestResult> {
    const { caller, body } = command;
    if (body.flo_supplier_id !== undefined && body.flo_supplier_id !== caller.supplierId) {
      throw new ForbiddenError('flo_supplier_id names another supplier than this key.');
    }
    const campaignId = body.flo_campaign_id;
    const idempotency = command.idempotencyKey
      ? { keyHash: sha256(command.idempotencyKey), bodyHash: sha256(canonicalJson(body)) }
      : undefined;

    return untilSettled(async () => {
      const now = this.deps.clock();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const context = await this.deps.leads.loadContext(caller.supplierId, campaignId, {
        counters: ['lead'],
        idempotencyKeyHash: idempotency?.keyHash,
      });
      if (idempotency && context.idempotency && context.idempotency.expiresAt > nowSeconds) {
        return replay(context.idempotency, idempotency.bodyHash);
      }
      const { campaign, supplier, attachment } = checkAccess(context, campaignId);
      const pingUse = await this.checkPing(campaign, caller, body, nowSeconds);
      throwIfFiltered(filterErrors(campaign, body));

      const isTest = body.is_test === true || supplier.testMode;
      const cap = isTest ? undefined : planCap('lead', attachment.leadCap, attachment.capWindow, context.leadCounter, now, this.deps.capTimeZone);
      const lead: Lead = {
        leadId: newId('lead'),
        supplierId: caller.supplierId,
        campaignId,
        status: 'ACCEPTED',
        isTest,
        createdAt: now.toISOString(),
        fields: leadFields(body),
        phone: body.phone === undefined ? undefined : normalizePhone(body.phone),
        email: normalizeEmail(body.email),
        pingNonce: pingUse?.nonce,
      };
      const response = { statusCode: 201, body: { data: accepted(lead, cap?.headroom) } };
      const commit: LeadCommit = {
        lead,
        counter: cap?.increment,
        dedupe: dedupeEntries(campaign, lead),
        dedupeDays: campaign.dedupeDays,
        pingUse,
        idempotency: idempotency && {
          keyHash: idempotency.keyHash,
          record: { bodyHash: idempotency.bodyHash, ...response, expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS },
        },
      };

      const failure = await this.deps.leads.commit(commit, now);
      if (!failure) return { ...response, replayed: false };
      switch (failure.reason) {
        case 'idempotency_key_taken': {
          const record = idempotency && (await this.deps.leads.getIdempotency(caller.supplierId, idempotency.keyHash));
          return record && idempotency ? replay(record, idempotency.bodyHash) : RETRY;
        }
        case 'ping_used':
          throw new ConflictError('ping_already_used', 'This ping_id has already been posted.');
        case 'duplicate':
          throw new ConflictError('duplicate_lead', `A lead with this ${failure.field} was already accepted in this campaign.`, {
            field: failure.field,
          });
        default:
          // A cap filled or its window rolled since the read, or a race on the same items:
          // read again and decide afresh.
          return RETRY;
      }
    });
  }

  private async checkPing(
    campaign: Campaign,
    caller: Caller,
    body: IngestBody,
    nowSeconds: number,
  ): Promise<LeadCommit['pingUse']> {
    if (body.flo_ping_id === undefined) {
      if (campaign.mode === 'ping_post') {
        throw new ValidationError([
          { field: 'flo_ping_id', code: 'required', message: 'This campaign is ping/post: post with the ping_id of an accepted ping.' },
        ]);
      }
      return undefined;
    }
    const claims = verifyPingToken(body.flo_ping_id, await this.deps.pingSecret());
    if (!claims) throw new BadRequestError('invalid_ping_id', 'flo_ping_id is not a ping id issued by this API.');
    if (claims.supplierId !== caller.supplierId || claims.campaignId !== body.flo_campaign_id) {
      throw new UnprocessableError('ping_mismatch', 'The ping was made by another supplier or for another campaign.');
    }
    if (claims.expiresAt <= nowSeconds) {
      throw new UnprocessableError('ping_expired', `The ping expired at ${new Date(claims.expiresAt * 1000).toISOString()}; ping again.`);
    }
    if (hashFields(claims.fields, body) !== claims.fieldsHash) {
      throw new UnprocessableError('ping_mismatch', `The post must repeat the pinged fields unchanged: ${claims.fields.join(', ')}.`);
    }
    return { nonce: claims.nonce, expiresAt: claims.expiresAt + PING_MARKER_MARGIN_SECONDS };
  }
}

function accepted(lead: Lead, headroom: Headroom | undefined): Record<string, unknown> {
  return {
    id: lead.leadId,
    status: lead.status,
    campaign_id: lead.campaignId,
    supplier_id: lead.supplierId,
    created_at: lead.createdAt,
    is_test: lead.isTest,
    ...(headroom ? { caps: { lead: headroom } } : {}),
  };
}

function replay(record: IdempotencyRecord, bodyHash: string): IngestResult {
  if (record.bodyHash !== bodyHash) {
    throw new UnprocessableError('idempotency_key_reused', 'This Idempotency-Key was used with another body.');
  }
  return { statusCode: record.statusCode, body: record.body, replayed: true };
}

function dedupeEntries(campaign: Campaign, lead: Lead): LeadCommit['dedupe'] {
  if (campaign.dedupeDays <= 0) return [];
  const lane = lead.isTest ? 'test' : 'live';
  const entries: { lane: 'live' | 'test'; field: 'phone' | 'email'; value: string }[] = [];
  if (campaign.dedupeOn.includes('phone') && lead.phone) entries.push({ lane, field: 'phone', value: lead.phone });
  if (campaign.dedupeOn.includes('email') && lead.email) entries.push({ lane, field: 'email', value: lead.email });
  return entries;
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** JSON with sorted keys, so the same body sent with its fields reordered hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
