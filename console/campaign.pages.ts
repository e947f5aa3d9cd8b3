import type { Campaign } from '../lambdas/campaigns/campaign';
import { FIELD_TYPES } from '../lambdas/campaigns/campaign.fields';
import { describeDuplicates } from '../lambdas/campaigns/setting-descriptor';
import { AdminError } from '../admin/admin-error';
import type { AdminService } from '../admin/admin.service';
import { describeHeadroom } from '../cli/commands/supplier.commands';
import { campaignCommands } from '../cli/commands/campaign.commands';
import { settingsLines, SETTINGS_OPTIONS } from '../cli/commands/campaign-settings.flags';
import { inBatches } from '../lambdas/shared/in-batches';
import { command, READS_AT_ONCE, runCommand } from './console-actions';
import { checkbox, h, hidden, input, link, postForm, table } from './console-html';
import type { PageContext, Reply } from './console-routes';
import { outcomesSection } from './report.pages';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** Campaigns: the list, and a form to create one. */
export async function campaignsPage({ request, context }: PageContext): Promise<Reply> {
  const campaigns = await (await context.admin()).listCampaigns();
  const list = table(
    ['Campaign', 'Name', 'Mode', 'Duplicates', 'Created'],
    campaigns.map((campaign) => [link(campaignHref(campaign.campaignId), campaign.campaignId), h(campaign.name), h(campaign.mode), h(describeDuplicates(campaign)), h(campaign.createdAt)]),
    'No campaigns yet.',
  );
  const create = postForm(request.csrf, 'campaign-create', `${input('Name', 'name', { required: true })}${settingsFields('More settings (optional)')}`, 'Create campaign');
  return { kind: 'page', title: 'Campaigns', body: `${list}<h2>New campaign</h2>${create}` };
}

/** A campaign: its settings and a form to change them, its suppliers with their caps, today's outcomes, its posting spec. */
export async function campaignPage(pageContext: PageContext, campaignId: string): Promise<Reply> {
  const { request, context } = pageContext;
  const admin = await context.admin();
  const campaign = await admin.showCampaign(campaignId);
  const settings = table(['Setting', 'Value'], [['id', h(campaign.campaignId)], ['name', h(campaign.name)], ...settingsLines(campaign).map(([label, value]) => [h(label), h(value)])]);
  const edit = postForm(
    request.csrf,
    'campaign-update',
    `${hidden('campaign', campaign.campaignId)}${input('Name', 'name', { value: campaign.name })}${settingsFields('Change settings (an empty field stays as it is)')}`,
    'Save changes',
  );
  const id = encodeURIComponent(campaign.campaignId);
  const spec = `<p>${link(`/campaigns/${id}/spec?format=md`, 'Posting spec (Markdown)')} · ${link(`/campaigns/${id}/spec?format=openapi`, 'OpenAPI document')} · ${link(`/reports?campaign=${id}`, 'Reports')}</p>`;
  const body = [
    spec,
    '<h2>Settings</h2>',
    settings,
    '<h2>Suppliers</h2>',
    await attachedSuppliers(admin, campaign),
    `<p>${link('/suppliers', 'Attach a supplier from its page')}</p>`,
    await outcomesSection(pageContext, { heading: "Today's outcomes", counts: "today's outcomes", daysBefore: 0, filter: { campaign: campaign.campaignId }, by: 'supplier,outcome' }),
    '<h2>Custom fields</h2>',
    customFields(request.csrf, campaign),
    '<h2>Change</h2>',
    edit,
  ].join('\n');
  return { kind: 'page', title: `Campaign ${campaign.name}`, body };
}

/** `leadctl campaign spec`, as a download. */
export async function campaignSpecDownload({ request, context }: PageContext, campaignId: string): Promise<Reply> {
  const format = request.query.get('format') === 'openapi' ? 'openapi' : 'md';
  const form = new URLSearchParams({ campaign: campaignId, format });
  const result = await runCommand(command(campaignCommands, 'spec'), ['campaign'], form, context);
  return {
    kind: 'download',
    filename: `${safeName(campaignId)}-spec.${format === 'md' ? 'md' : 'openapi.json'}`,
    contentType: format === 'md' ? 'text/markdown; charset=utf-8' : 'application/json',
    write: async (chunk) => chunk(`${result.text}\n`),
  };
}

/** The suppliers attached to the campaign, with their caps as of now (a few suppliers read at once). */
async function attachedSuppliers(admin: AdminService, campaign: Campaign): Promise<string> {
  const rows = await inBatches(await admin.listSuppliers(), READS_AT_ONCE, async (supplier) => {
    // One read of the attachment (and, when there is one, of its counters) per supplier.
    const caps = await admin.caps(supplier.supplierId, campaign.campaignId).catch((error: unknown) => {
      if (error instanceof AdminError && error.code === 'not_found') return undefined;
      throw error;
    });
    if (caps === undefined) return undefined;
    const { attachment, lead, ping } = caps;
    return [
      link(`/suppliers/${encodeURIComponent(supplier.supplierId)}`, supplier.supplierId),
      h(supplier.name),
      h(supplier.paused ? 'yes (every campaign)' : yesNo(attachment.paused)),
      h(describeHeadroom(lead)),
      h(describeHeadroom(ping)),
      h(attachment.capWindow),
    ];
  });
  return table(['Supplier', 'Name', 'Paused', 'Lead cap', 'Ping cap', 'Window'], rows.filter((row) => row !== undefined), 'No supplier is attached.');
}

/** The declared custom fields, each with Remove, and a form to declare one: `leadctl campaign field add|remove`. */
function customFields(csrf: string, campaign: Campaign): string {
  const ids = `${hidden('campaign', campaign.campaignId)}`;
  const rows = campaign.customFields.map((field) => {
    const { name, type, ...options } = field;
    return [
      h(name),
      h(type),
      h(yesNo(campaign.requiredFields.includes(name))),
      h(Object.entries(options).map(([option, value]) => `${option} ${Array.isArray(value) ? value.join(',') : String(value)}`).join('; ')),
      postForm(csrf, 'campaign-field', `${ids}${hidden('verb', 'remove')}${hidden('name', name)}`, 'Remove', { inline: true, quiet: true }),
    ];
  });
  const add = postForm(
    csrf,
    'campaign-field',
    [
      ids,
      hidden('verb', 'add'),
      input('Field name', 'name', { required: true, hint: 'Declared again, its type and options are replaced.' }),
      input('Type', 'type', { choices: FIELD_TYPES, required: true }),
      checkbox('Required on every lead', 'required'),
      input('max-length', 'max-length', { hint: 'string: the longest value, 1 to 1000.' }),
      input('pattern', 'pattern', { hint: 'string: an RE2 regular expression (anchor with ^...$).' }),
      input('min', 'min', { hint: 'integer, number: the smallest value.' }),
      input('max', 'max', { hint: 'integer, number: the largest value.' }),
      input('values', 'values', { hint: 'enum: the values taken, a,b,c.' }),
    ].join(''),
    'Declare field',
  );
  return `${table(['Field', 'Type', 'Required', 'Options', ''], rows, 'No custom field declared.')}${add}`;
}

/** One field per campaign setting, named like its leadctl flag, inside a `<details>`. */
function settingsFields(summary: string): string {
  const fields = Object.entries(SETTINGS_OPTIONS).map(([flag, spec]) => input(flag, flag, { hint: spec.description, placeholder: spec.value }));
  return `<details><summary>${h(summary)}</summary>${fields.join('')}</details>`;
}

export function campaignHref(campaignId: string): string {
  return `/campaigns/${encodeURIComponent(campaignId)}`;
}

/** An id as a file name: letters, digits, `-` and `_` only. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'file';
}
