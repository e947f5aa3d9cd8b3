import { leadEventEntry } from '../../lambdas/events/lead-event';
import { publishEntries } from '../../lambdas/events/lead-event-publisher';
import type { Command, CommandGroup } from '../command.types';
import { campaignRange } from './leads.commands';

/** Leads put per batch: 10 PutEvents calls at most. */
const REPLAY_BATCH = 100;

const replay: Command = {
  name: 'replay',
  summary: "Publishes a campaign's stored leads again as Lead Accepted events (after the stream's 24 hours, or a dead-letter alarm).",
  args: [],
  options: {
    campaign: { type: 'string', value: 'CAMPAIGN_ID', description: 'The campaign.', required: true },
    since: { type: 'string', value: 'ISO', description: 'From this instant (inclusive).', required: true },
    until: { type: 'string', value: 'ISO', description: 'Until this instant (exclusive; default: now).' },
  },
  async run({ options }, context) {
    const range = await campaignRange(options, context, true);
    const tools = await context.leads();
    const { exports } = tools;
    const events = tools.events();
    let published = 0;
    let failed: string[] = [];
    let batch: { entry: NonNullable<ReturnType<typeof leadEventEntry>>; leadId: string }[] = [];
    const flush = async () => {
      const result = await publishEntries(batch, events.put);
      published += result.published;
      failed = [...failed, ...result.failed.map((item) => item.leadId)];
      batch = [];
    };
    for await (const lead of exports.leads(range)) {
      // The same mapping as the stream publisher's, from the same attributes.
      const entry = leadEventEntry({ ...lead });
      if (entry) batch.push({ entry, leadId: lead.leadId });
      if (batch.length >= REPLAY_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    const text = [
      `Replayed ${published} lead events of campaign ${range.campaignId} to ${events.destination}.`,
      ...(failed.length > 0 ? [`Not put after retries (${failed.length}): ${failed.join(', ')}; run the replay again.`] : []),
    ].join('\n');
    if (failed.length > 0) throw new Error(text);
    return { json: { published, failed, destination: events.destination }, text };
  },
};

/** `leadctl events ...` */
export const eventsCommands: CommandGroup = {
  name: 'events',
  summary: 'Re-publish lead events from the table.',
  commands: [replay],
};
