import type { Caller } from '../keys/caller';
import { RETRY, untilSettled } from '../leads/retry';
import { checkPingFields, filterErrors, throwIfFiltered } from '../campaigns/campaign.rules';
import { PERSONAL_FIELDS, submittedValues, type PingSubmission } from '../leads/submission';
import { capReachedError, capWindowKey, checkAccess, currentHeadroom, planCap, type Headroom } from '../leads/submission-rules';
import type { SubmissionStore } from '../submissions/submission-store';
import type { PingKeys } from './ping-keys';
import { hashFields, newPingNonce, signPingToken } from './ping-token';

export interface PingCommand {
  readonly caller: Caller;
  readonly submission: PingSubmission;
}

/** A ping the post may follow: its signed id, when it expires, and the caps' headroom. */
export interface PingAccepted {
  readonly pingId: string;
  readonly expiresAt: Date;
  readonly campaignId: string;
  readonly isTest: boolean;
  readonly pingCap?: Headroom;
  readonly leadCap?: Headroom;
}

export interface PingDependencies {
  readonly store: SubmissionStore;
  readonly clock: () => Date;
  readonly capTimeZone: string;
  readonly pingTtlSeconds: number;
  readonly pingKeys: Pick<PingKeys, 'signingKey'>;
}

/**
 * Ping/post step one: would this lead be taken? Stores nothing personal.
 *
 * 1. Campaign, supplier and attachment (cached) must allow it; the declared fields' types (400)
 *    and the campaign's filters (422) judge the fields a ping may carry.
 * 2. Without caps (or for a test ping) nothing is read or written: the answer is signed at once.
 * 3. With a ping cap, one transaction counts the ping, on condition that the lead cap (if any)
 *    is not used up: a ping_id that no post could use is never handed out.
 * 4. With a lead cap alone, one consistent read of the lead counter decides.
 */
export class PingUseCase {
  constructor(private readonly deps: PingDependencies) {}

  async execute({ caller, submission }: PingCommand): Promise<PingAccepted> {
    const { campaignId } = submission;
    const { capTimeZone } = this.deps;
    return untilSettled(async () => {
      const now = this.deps.clock();
      const config = await this.deps.store.load(caller.supplierId, campaignId);
      const { campaign, supplier, attachment } = checkAccess(config, campaignId);
      // A ping carries no personal data and may leave state for the post: judge what it has.
      checkPingFields(campaign, submission);
      const skip = [...PERSONAL_FIELDS, ...(submission.fields.state === undefined ? ['state'] : [])];
      throwIfFiltered(filterErrors(campaign, submittedValues(submission), skip));

      const isTest = submission.isTest || supplier.testMode;
      const { capWindow, leadCap, pingCap } = attachment;
      let pingHeadroom: Headroom | undefined;
      let leadHeadroom: Headroom | undefined;
      if (!isTest && pingCap !== undefined) {
        // Refuses at once when the estimate already shows the lead cap used up.
        leadHeadroom = currentHeadroom(leadCap, capWindow, config.counters.lead, now, capTimeZone, 'lead');
        const cap = planCap('ping', pingCap, capWindow, config.counters.ping, now, capTimeZone);
        const window = capWindowKey(capWindow, now, capTimeZone);
        const outcome = await this.deps.store.commit({
          supplierId: caller.supplierId,
          campaignId,
          now,
          increment: cap?.increment,
          check: leadCap === undefined ? undefined : { kind: 'lead', limit: leadCap, window },
          dedupe: [],
          dedupeDays: 0,
        });
        if (outcome.status === 'retry') return RETRY;
        if (outcome.status === 'cap_reached') throw capReachedError(outcome.kind, capWindow, now, capTimeZone);
        pingHeadroom = cap?.headroom;
      } else if (!isTest && leadCap !== undefined) {
        const window = capWindowKey(capWindow, now, capTimeZone);
        const used = await this.deps.store.usage(caller.supplierId, campaignId, 'lead', window);
        leadHeadroom = currentHeadroom(leadCap, capWindow, { window, used }, now, capTimeZone, 'lead', true);
      } else {
        leadHeadroom = currentHeadroom(leadCap, capWindow, config.counters.lead, now, capTimeZone);
        pingHeadroom = currentHeadroom(pingCap, capWindow, config.counters.ping, now, capTimeZone);
      }

      const fields = Object.keys(submission.fields);
      const expiresAt = Math.floor(now.getTime() / 1000) + this.deps.pingTtlSeconds;
      const pingId = signPingToken(
        { nonce: newPingNonce(), supplierId: caller.supplierId, campaignId, expiresAt, fields, fieldsHash: hashFields(fields, submission.fields) },
        await this.deps.pingKeys.signingKey(),
      );
      return { pingId, expiresAt: new Date(expiresAt * 1000), campaignId, isTest, pingCap: pingHeadroom, leadCap: leadHeadroom };
    });
  }
}
