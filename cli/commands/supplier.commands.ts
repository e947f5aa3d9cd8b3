import type { Headroom } from '../../lambdas/leads/submission-rules';
import { isTimeZone } from '../../lambdas/shared/config';
import { CAP_WINDOWS, type Attachment, type Supplier } from '../../lambdas/suppliers/supplier';
import { capValue, oneOf, textOption } from '../arguments.parser';
import { UsageError } from '../cli-errors';
import type { Command, CommandGroup, OptionValues } from '../command.types';
import { details, printable, table, yesNo } from '../output.format';

const create: Command = {
  name: 'create',
  summary: 'Creates a supplier with its first ingest key; the key is printed this once.',
  args: [],
  options: { name: { type: 'string', value: 'NAME', description: 'The supplier name.', required: true } },
  async run({ options }, context) {
    const { supplier, key } = await (await context.admin()).createSupplier(String(options.name));
    return {
      json: { supplierId: supplier.supplierId, name: supplier.name, keyId: key.keyId, apiKey: key.apiKey, scope: key.scope },
      text: [
        `Created supplier ${supplier.supplierId} (${printable(supplier.name)}) with an ${key.scope} key.`,
        '',
        'API key, shown once: only its hash is stored, so copy it now.',
        `  ${key.apiKey}`,
        `  key id ${key.keyId}`,
        '',
        `Let it send leads into a campaign with: leadctl supplier attach ${supplier.supplierId} CAMPAIGN_ID`,
      ].join('\n'),
    };
  },
};

const attach: Command = {
  name: 'attach',
  summary: 'Lets the supplier send into the campaign, with optional caps that pause it when hit. A cap left out keeps its current value.',
  args: ['SUPPLIER_ID', 'CAMPAIGN_ID'],
  options: {
    'lead-cap': { type: 'string', value: 'N|none', description: 'Live leads accepted per window; none removes the cap.' },
    'ping-cap': { type: 'string', value: 'N|none', description: 'Live pings accepted per window; none removes the cap.' },
    'cap-window': { type: 'string', value: CAP_WINDOWS.join('|'), description: 'The window caps count over (default: day, or the current one).' },
  },
  async run({ args: [supplierId, campaignId], options }, context) {
    const leadCap = capOption(options, 'lead-cap');
    const pingCap = capOption(options, 'ping-cap');
    const window = textOption(options, 'cap-window');
    const capWindow = window === undefined ? undefined : oneOf(window, CAP_WINDOWS, '--cap-window');
    const attachment = await (await context.admin()).attach(supplierId, campaignId, { leadCap, pingCap, capWindow });
    return {
      json: attachmentJson(attachment),
      text: `Attached supplier ${supplierId} to campaign ${campaignId}: ${capSummary(attachment)}.`,
    };
  },
};

const detach: Command = {
  name: 'detach',
  summary: 'Stops the supplier sending into the campaign (its cap counters are kept).',
  args: ['SUPPLIER_ID', 'CAMPAIGN_ID'],
  options: {},
  async run({ args: [supplierId, campaignId] }, context) {
    await (await context.admin()).detach(supplierId, campaignId);
    return {
      json: { supplierId, campaignId, attached: false },
      text: `Detached supplier ${supplierId} from campaign ${campaignId}.`,
    };
  },
};

const remove: Command = {
  name: 'delete',
  summary:
    "Deletes the supplier: every key is revoked (401 once the authorizer's cache expires) and its attachments removed. " +
    'Run it again to finish a delete that was cut short.',
  args: ['SUPPLIER_ID'],
  options: {},
  async run({ args: [supplierId] }, context) {
    const { revokedKeys, alreadyDeleted } = await (await context.admin()).deleteSupplier(supplierId);
    return {
      json: { supplierId, deleted: true, alreadyDeleted, revokedKeys },
      text: alreadyDeleted
        ? `Supplier ${supplierId} was already deleted; its API keys are removed.`
        : `Deleted supplier ${supplierId}; revoked ${revokedKeys.length} key(s)${revokedKeys.length ? `: ${revokedKeys.join(', ')}` : ''}.`,
    };
  },
};

const list: Command = {
  name: 'list',
  summary: 'Lists the suppliers that are not deleted.',
  args: [],
  options: {},
  async run(_input, context) {
    const suppliers = await (await context.admin()).listSuppliers();
    const text =
      suppliers.length === 0
        ? 'No suppliers yet. Create one with: leadctl supplier create --name NAME'
        : table(
            ['SUPPLIER', 'NAME', 'PAUSED', 'TEST MODE', 'CREATED'],
            suppliers.map((supplier) => [supplier.supplierId, supplier.name, yesNo(supplier.paused), yesNo(supplier.testMode), supplier.createdAt]),
          );
    return { json: { suppliers: suppliers.map(supplierJson) }, text };
  },
};

const show: Command = {
  name: 'show',
  summary: 'Shows a supplier and the campaigns it is attached to, with their caps.',
  args: ['SUPPLIER_ID'],
  options: {},
  async run({ args: [supplierId] }, context) {
    const { supplier, attachments } = await (await context.admin()).showSupplier(supplierId);
    const heading = [
      `Supplier ${supplier.supplierId} (${printable(supplier.name)})`,
      details([
        ['paused', supplier.paused ? 'yes, for every campaign' : 'no'],
        ['test mode', yesNo(supplier.testMode)],
        ['created', supplier.createdAt],
      ]),
      '',
    ];
    const body =
      attachments.length === 0
        ? ['Not attached to any campaign.']
        : [
            table(
              ['CAMPAIGN', 'PAUSED', 'LEAD CAP', 'PING CAP', 'WINDOW', 'ATTACHED'],
              attachments.map((attachment) => [
                attachment.campaignId,
                yesNo(attachment.paused),
                attachment.leadCap === undefined ? 'none' : String(attachment.leadCap),
                attachment.pingCap === undefined ? 'none' : String(attachment.pingCap),
                attachment.capWindow,
                attachment.attachedAt,
              ]),
            ),
          ];
    return { json: { ...supplierJson(supplier), attachments: attachments.map(attachmentJson) }, text: [...heading, ...body].join('\n') };
  },
};

const caps: Command = {
  name: 'caps',
  summary: "Shows the attachment's caps as of now: limit, used, remaining and when the window resets.",
  args: ['SUPPLIER_ID', 'CAMPAIGN_ID'],
  options: {
    'time-zone': {
      type: 'string',
      value: 'ZONE',
      description: "IANA time zone of the cap windows (default: CAP_TIME_ZONE, else the local runtime's or the stack's).",
    },
  },
  async run({ args: [supplierId, campaignId], options }, context) {
    const zone = textOption(options, 'time-zone');
    if (zone !== undefined && !isTimeZone(zone)) throw new UsageError(`--time-zone must be an IANA time zone such as UTC or America/New_York, not '${zone}'.`);
    const { attachment, timeZone, lead, ping } = await (await context.admin(zone)).caps(supplierId, campaignId);
    return {
      json: {
        supplierId,
        campaignId,
        capWindow: attachment.capWindow,
        timeZone,
        paused: attachment.paused,
        lead: headroomJson(lead),
        ping: headroomJson(ping),
      },
      text: [
        `Caps of supplier ${supplierId} on campaign ${campaignId} (window: ${attachment.capWindow}, time zone ${timeZone})`,
        details([
          ['lead cap', describeHeadroom(lead)],
          ['ping cap', describeHeadroom(ping)],
          ['paused', yesNo(attachment.paused)],
        ]),
      ].join('\n'),
    };
  },
};

const pause = pauseCommand(true);
const resume = pauseCommand(false);

const testMode: Command = {
  name: 'test-mode',
  summary: "Turns the supplier's test mode on or off: test leads run every check, are stored flagged and count toward no cap.",
  args: ['SUPPLIER_ID', 'on|off'],
  options: {},
  async run({ args: [supplierId, state] }, context) {
    const on = oneOf(state, ['on', 'off'] as const, 'Test mode') === 'on';
    await (await context.admin()).setTestMode(supplierId, on);
    return {
      json: { supplierId, testMode: on },
      text: on
        ? `Supplier ${supplierId} is in test mode: its leads are stored as test leads and count toward no cap.`
        : `Supplier ${supplierId} is live: its leads count again.`,
    };
  },
};

/** `leadctl supplier ...` */
export const supplierCommands: CommandGroup = {
  name: 'supplier',
  summary: 'Create and delete suppliers, attach them to campaigns with caps, pause them, test mode.',
  commands: [create, attach, detach, remove, list, show, caps, pause, resume, testMode],
};

function pauseCommand(paused: boolean): Command {
  return {
    name: paused ? 'pause' : 'resume',
    summary: paused
      ? 'Pauses the supplier for one campaign, or for every campaign without CAMPAIGN_ID (ingest and ping answer 403 supplier_paused).'
      : 'Lifts a manual pause, for one campaign or (without CAMPAIGN_ID) the supplier-wide one.',
    args: ['SUPPLIER_ID', 'CAMPAIGN_ID?'],
    options: {},
    async run({ args: [supplierId, campaignId] }, context) {
      await (await context.admin()).setPaused(supplierId, campaignId, paused);
      const scope = campaignId ? `for campaign ${campaignId}` : 'for every campaign';
      return {
        json: { supplierId, campaignId: campaignId ?? null, paused },
        text: `${paused ? 'Paused' : 'Resumed'} supplier ${supplierId} ${scope}.`,
      };
    },
  };
}

/** undefined: flag not given; null: `none`. */
function capOption(options: OptionValues, flag: 'lead-cap' | 'ping-cap'): number | null | undefined {
  const value = textOption(options, flag);
  return value === undefined ? undefined : capValue(value, `--${flag}`);
}

function supplierJson(supplier: Supplier): Record<string, unknown> {
  return {
    supplierId: supplier.supplierId,
    name: supplier.name,
    status: supplier.status,
    paused: supplier.paused,
    testMode: supplier.testMode,
    createdAt: supplier.createdAt,
  };
}

/** No cap is printed as null rather than left out, so scripts can tell it from a typo. */
function attachmentJson(attachment: Attachment): Record<string, unknown> {
  return {
    supplierId: attachment.supplierId,
    campaignId: attachment.campaignId,
    paused: attachment.paused,
    leadCap: attachment.leadCap ?? null,
    pingCap: attachment.pingCap ?? null,
    capWindow: attachment.capWindow,
    attachedAt: attachment.attachedAt,
  };
}

function headroomJson(headroom: Headroom | undefined): Record<string, unknown> | null {
  if (!headroom) return null;
  return { limit: headroom.limit, used: headroom.used, remaining: headroom.remaining, resets_at: headroom.resets_at };
}

/** A cap as of now, in words: used, limit, left and the reset (`none` without a cap). */
export function describeHeadroom(headroom: Headroom | undefined): string {
  if (!headroom) return 'none';
  const reset = headroom.resets_at ? `resets ${headroom.resets_at}` : 'never resets';
  return `${headroom.used} of ${headroom.limit} used, ${headroom.remaining} left; ${reset}`;
}

function capSummary(attachment: Attachment): string {
  const cap = (label: string, limit: number | undefined) => (limit === undefined ? `no ${label} cap` : `${label} cap ${limit}`);
  const per = attachment.capWindow === 'total' ? 'in total' : `per ${attachment.capWindow}`;
  const capped = attachment.leadCap !== undefined || attachment.pingCap !== undefined;
  return `${cap('lead', attachment.leadCap)}, ${cap('ping', attachment.pingCap)}${capped ? ` (${per})` : ''}`;
}
