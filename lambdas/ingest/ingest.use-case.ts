import type { Campaign } from '../campaigns/campaign';
import { checkedLeadFields, dedupeEntries, filterErrors, throwIfFiltered } from '../campaigns/campaign.rules';
import { IDEMPOTENCY_TTL_SECONDS, type IdempotencyRecord } from '../idempotency/idempotency-record';
import type { Caller } from '../keys/caller';
import { normalizeEmail, normalizePhone } from '../leads/contact';
import type { Lead } from '../leads/lead';
import { submittedValues, type LeadSubmission } from '../leads/submission';
import { RETRY, untilSettled } from '../leads/retry';
import { capReachedError, checkAccess, planCap, type Headroom } from '../leads/submission-rules';
import type { PingKeys } from '../ping/ping-keys';
import { hashFields, verifyPingToken } from '../ping/ping-token';
import { ROUTING_FIELD_ANSWERS } from '../shared/error-codes';
import { BadRequestError, ConflictError, ForbiddenError, UnprocessableError, ValidationError } from '../shared/errors';
import { sha256 } from '../shared/fingerprint';
import { newId } from '../shared/ids';
import type { SubmissionPlan, SubmissionStore } from '../submissions/submission-store';
import { CAP_WINDOWS } from '../suppliers/supplier';

export interface IngestCommand {
  readonly caller: Caller;
  readonly submission: LeadSubmission;
  /** The Idempotency-Key header, already validated. */
  readonly idempotencyKey?: string;
}

/** A stored lead, as its 201 reports it. */
export interface AcceptedLead {
  readonly leadId: string;
  readonly status: Lead['status'];
  readonly campaignId: string;
  readonly supplierId: string;
  readonly createdAt: string;
  readonly isTest: boolean;
  /** The lead cap's headroom after this lead; absent without a cap (and for test leads). */
  readonly leadCap?: Headroom;
  /** True when this answers a retry with the first attempt's result. */
  readonly replayed: boolean;
}

export interface IngestDependencies {
  readonly store: SubmissionStore;
  readonly clock: () => Date;
  readonly capTimeZone: string;
  /** Verifies ping ids with the current key, else the previous one (a rotation refuses no valid ping). */
  readonly pingKeys: Pick<PingKeys, 'verify'>;
}

const DAY_SECONDS = 86400;

/** Single-use ping markers outlive their token by this margin. */
const PING_MARKER_MARGIN_SECONDS = 3600;

/**
 * Accepts a lead in one write.
 *
 * 1. The key's supplier must be the one the lead names, if it names one.
 * 2. Campaign, supplier and attachment (from the store's short-lived cache) must allow it:
 *    404, 401, 403; then the campaign's field rules (contact, consent evidence, declared types): 400; then the
 *    ping (ping/post campaigns) and the campaign's filters: 400, 422.
 *    A refusal here first rules out a replay of an Idempotency-Key already used.
 * 3. A cap already known to be used up answers 429 at once.
 * 4. One conditional write stores the lead with its cap count, duplicate entries, idempotency
 *    record and ping marker; a failed condition says which rule refused it (replay, 409, 429),
 *    a lost race plans again.
 */
export class IngestUseCase {
  constructor(private readonly deps: IngestDependencies) {}

  async execute(command: IngestCommand): Promise<AcceptedLead> {
    const { caller, submission } = command;
    if (submission.supplierId !== undefined && submission.supplierId !== caller.supplierId) {
      throw new ForbiddenError(ROUTING_FIELD_ANSWERS.otherSupplier);
    }
    const { campaignId } = submission;
    const idempotency = command.idempotencyKey
      ? { keyHash: sha256(command.idempotencyKey), bodyHash: submission.fingerprint }
      : undefined;

    return untilSettled(async () => {
      const now = this.deps.clock();
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const config = await this.deps.store.load(caller.supplierId, campaignId);
      const checked = await this.replayingRefusals(caller, idempotency, nowSeconds, async () => {
        const access = checkAccess(config, campaignId);
        const fields = checkedLeadFields(access.campaign, submission, now);
        const pingUse = await this.checkPing(access.campaign, caller, submission, nowSeconds);
        throwIfFiltered(filterErrors(access.campaign, submittedValues(submission)));
        const isTest = submission.isTest || access.supplier.testMode;
        const { capWindow, leadCap } = access.attachment;
        const cap = isTest ? undefined : planCap('lead', leadCap, capWindow, config.counters.lead, now, this.deps.capTimeZone);
        return { ...access, fields, pingUse, isTest, cap };
      });
      if ('replayed' in checked) return checked;
      const { campaign, fields, pingUse, isTest, cap } = checked;

      const lead: Lead = {
        leadId: newId('lead'),
        supplierId: caller.supplierId,
        campaignId,
        status: 'ACCEPTED',
        isTest,
        createdAt: now.toISOString(),
        fields,
        phone: submission.phone === undefined ? undefined : normalizePhone(submission.phone),
        email: submission.email === undefined ? undefined : normalizeEmail(submission.email),
        pingNonce: pingUse?.nonce,
        ...(campaign.retentionDays ? { expiresAt: nowSeconds + campaign.retentionDays * DAY_SECONDS } : {}),
      };
      const result: AcceptedLead = {
        leadId: lead.leadId,
        status: lead.status,
        campaignId,
        supplierId: caller.supplierId,
        createdAt: lead.createdAt,
        isTest,
        ...(cap ? { leadCap: cap.headroom } : {}),
        replayed: false,
      };
      const plan: SubmissionPlan = {
        supplierId: caller.supplierId,
        campaignId,
        now,
        lead,
        increment: cap?.increment,
        dedupe: dedupeEntries(campaign, lead),
        dedupeDays: campaign.dedupeDays,
        pingUse,
        idempotency: idempotency && {
          keyHash: idempotency.keyHash,
          record: { bodyHash: idempotency.bodyHash, result, expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS },
        },
      };

      const outcome = await this.deps.store.commit(plan);
      switch (outcome.status) {
        case 'committed':
          return result;
        case 'replay':
          return replay(outcome.record, idempotency?.bodyHash);
        case 'ping_used':
          throw new ConflictError('ping_already_used', 'This ping_id has already been posted.');
        case 'duplicate':
          throw new ConflictError('duplicate_lead', `A lead with this ${outcome.field} was already accepted in this campaign.`, {
            field: outcome.field,
          });
        case 'cap_reached':
          throw capReachedError('lead', checked.attachment.capWindow, now, this.deps.capTimeZone);
        case 'retry':
          return RETRY;
      }
    });
  }

  /**
   * Runs the checks that precede the write. When one refuses a request that carries an
   * Idempotency-Key already used, the first outcome is answered instead: a retry after a lost
   * reply must replay even once its ping expired or the supplier was paused.
   */
  private async replayingRefusals<T>(
    caller: Caller,
    idempotency: { keyHash: string; bodyHash: string } | undefined,
    nowSeconds: number,
    checks: () => Promise<T>,
  ): Promise<T | AcceptedLead> {
    try {
      return await checks();
    } catch (refusal) {
      if (!idempotency) throw refusal;
      const record = await this.deps.store.idempotencyRecord(caller.supplierId, idempotency.keyHash);
      if (!record || record.expiresAt <= nowSeconds) throw refusal;
      return replay(record, idempotency.bodyHash);
    }
  }

  private async checkPing(campaign: Campaign, caller: Caller, submission: LeadSubmission, nowSeconds: number): Promise<SubmissionPlan['pingUse']> {
    const { pingId } = submission;
    if (pingId === undefined) {
      if (campaign.mode === 'ping_post') {
        throw new ValidationError([
          { field: ROUTING_FIELD_ANSWERS.pingIdField, code: 'required', message: 'This campaign is ping/post: post with the ping_id of an accepted ping.' },
        ]);
      }
      return undefined;
    }
    const claims = await this.deps.pingKeys.verify((key) => verifyPingToken(pingId, key));
    if (!claims) throw new BadRequestError('invalid_ping_id', ROUTING_FIELD_ANSWERS.invalidPingId);
    if (claims.supplierId !== caller.supplierId || claims.campaignId !== submission.campaignId) {
      throw new UnprocessableError('ping_mismatch', 'The ping was made by another supplier or for another campaign.');
    }
    if (claims.expiresAt <= nowSeconds) {
      throw new UnprocessableError('ping_expired', `The ping expired at ${new Date(claims.expiresAt * 1000).toISOString()}; ping again.`);
    }
    // The values by the names the ping was sent with: the hash is the one the ping signed.
    if (hashFields(claims.fields, submittedValues(submission)) !== claims.fieldsHash) {
      throw new UnprocessableError('ping_mismatch', `The post must repeat the pinged fields unchanged: ${claims.fields.join(', ')}.`);
    }
    return { nonce: claims.nonce, expiresAt: claims.expiresAt + PING_MARKER_MARGIN_SECONDS };
  }
}

/** The first outcome again, when the body is the same; another body under the key is refused. */
function replay(record: IdempotencyRecord, bodyHash: string | undefined): AcceptedLead {
  if (record.bodyHash !== bodyHash) {
    throw new UnprocessableError('idempotency_key_reused', 'This Idempotency-Key was used with another body.');
  }
  return { ...acceptedLeadFrom(record.result), replayed: true };
}

/**
 * The accepted lead an idempotency record holds: the domain result, or the 201 body
 * (`{"data": {...}}`) that records written by an earlier version held.
 */
export function acceptedLeadFrom(stored: unknown): Omit<AcceptedLead, 'replayed'> {
  const value = isRecord(stored) ? stored : {};
  if (typeof value.leadId === 'string') {
    return {
      leadId: value.leadId,
      status: 'ACCEPTED',
      campaignId: String(value.campaignId),
      supplierId: String(value.supplierId),
      createdAt: String(value.createdAt),
      isTest: value.isTest === true,
      ...(isRecord(value.leadCap) ? { leadCap: headroomFrom(value.leadCap) } : {}),
    };
  }
  const data = isRecord(value.data) ? value.data : {};
  const caps = isRecord(data.caps) ? data.caps : {};
  return {
    leadId: String(data.id),
    status: 'ACCEPTED',
    campaignId: String(data.campaign_id),
    supplierId: String(data.supplier_id),
    createdAt: String(data.created_at),
    isTest: data.is_test === true,
    ...(isRecord(caps.lead) ? { leadCap: headroomFrom(caps.lead) } : {}),
  };
}

function headroomFrom(value: Record<string, unknown>): Headroom {
  const window = CAP_WINDOWS.find((candidate) => candidate === value.window) ?? 'day';
  return {
    limit: Number(value.limit),
    used: Number(value.used),
    remaining: Number(value.remaining),
    window,
    resets_at: typeof value.resets_at === 'string' ? value.resets_at : null,
    exact: value.exact === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
