import type { LeadRepository } from '../leads/lead.repository';
import { RETRY, untilSettled } from '../leads/retry';
import { checkAccess, currentHeadroom, filterErrors, planCap, throwIfFiltered } from '../leads/submission-rules';
import type { Caller } from '../shared/middleware';
import { hashFields, newPingNonce, signPingToken } from './ping-token';
import { PERSONAL_FIELDS, pingedFields, type PingBody } from './ping.schema';

export interface PingCommand {
  readonly caller: Caller;
  readonly body: PingBody;
}

export interface PingDependencies {
  readonly leads: Pick<LeadRepository, 'loadContext' | 'countPing'>;
  readonly clock: () => Date;
  readonly capTimeZone: string;
  readonly pingTtlSeconds: number;
  readonly pingSecret: () => Promise<Buffer>;
}

/**
 * Ping/post step one: would this lead be taken? Runs the lead's checks on the fields a ping may
 * carry, counts the ping against its cap, and answers a signed `ping_id` that the post must
 * present. Stores nothing personal; without a ping cap it writes nothing at all.
 */
export class PingUseCase {
  constructor(private readonly deps: PingDependencies) {}

  async execute({ caller, body }: PingCommand): Promise<Record<string, unknown>> {
    const campaignId = body.flo_campaign_id;
    return untilSettled(async () => {
      const now = this.deps.clock();
      const context = await this.deps.leads.loadContext(caller.supplierId, campaignId, { counters: ['ping', 'lead'] });
      const { campaign, supplier, attachment } = checkAccess(context, campaignId);
      // A ping carries no personal data and may leave state for the post: judge what it has.
      const skip = [...PERSONAL_FIELDS, ...(body.state === undefined ? ['state'] : [])];
      throwIfFiltered(filterErrors(campaign, body, skip));

      const isTest = body.is_test === true || supplier.testMode;
      const { capWindow } = attachment;
      // A live post would be refused at a full lead cap: say so now rather than hand out a
      // ping_id that cannot be used.
      const leadHeadroom = currentHeadroom(attachment.leadCap, capWindow, context.leadCounter, now, this.deps.capTimeZone, isTest ? undefined : 'lead');
      const cap = isTest ? undefined : planCap('ping', attachment.pingCap, capWindow, context.pingCounter, now, this.deps.capTimeZone);
      if (cap && (await this.deps.leads.countPing(caller.supplierId, campaignId, cap.increment))) return RETRY;

      const fields = pingedFields(body);
      const expiresAt = Math.floor(now.getTime() / 1000) + this.deps.pingTtlSeconds;
      const pingId = signPingToken(
        { nonce: newPingNonce(), supplierId: caller.supplierId, campaignId, expiresAt, fields, fieldsHash: hashFields(fields, body) },
        await this.deps.pingSecret(),
      );
      const pingHeadroom = cap?.headroom ?? currentHeadroom(attachment.pingCap, capWindow, context.pingCounter, now, this.deps.capTimeZone);
      return {
        accepted: true,
        ping_id: pingId,
        expires_at: new Date(expiresAt * 1000).toISOString(),
        campaign_id: campaignId,
        is_test: isTest,
        ...(pingHeadroom || leadHeadroom ? { caps: { ...(pingHeadroom ? { ping: pingHeadroom } : {}), ...(leadHeadroom ? { lead: leadHeadroom } : {}) } } : {}),
      };
    });
  }
}
