import { leadsCommands, personContact } from '../cli/commands/leads.commands';
import type { Lead } from '../lambdas/leads/lead';
import { SEARCH_CONCURRENCY } from '../lambdas/leads/lead-erasure.repository';
import { inBatches } from '../lambdas/shared/in-batches';
import { campaignHref, safeName } from './campaign.pages';
import { command, runCommand } from './console-actions';
import { checkbox, h, input, link, postForm, table } from './console-html';
import type { PageContext, Reply } from './console-routes';
import { supplierHref } from './supplier.pages';

/** The most leads a lookup by phone or e-mail lists per campaign and supplier. */
const LOOKUP_LIMIT = 20;

/** Leads: look up, export a campaign's, erase a person's. The one place personal data is shown. */
export async function leadsPage({ request, context }: PageContext): Promise<Reply> {
  const campaigns = (await (await context.admin()).listCampaigns()).map((campaign) => campaign.campaignId);
  const lookup =
    `<form method="get" action="/leads/lookup">${input('Lead id', 'id')}${input('or phone', 'phone')}${input('or e-mail', 'email')}` +
    `${input('In campaign', 'campaign', { choices: ['', ...campaigns], hint: 'By phone or e-mail: empty searches every campaign (one query per campaign and supplier).' })}<button type="submit">Look up</button></form>`;
  const exportForm =
    `<form method="get" action="/leads/export">` +
    input('Campaign', 'campaign', { choices: campaigns, required: true }) +
    input('Format', 'format', { choices: ['csv', 'jsonl'] }) +
    input('Since', 'since', { hint: "ISO date or date-time with a zone; default: the campaign's creation." }) +
    input('Until', 'until', { hint: 'Exclusive; default: now.' }) +
    input('Supplier', 'supplier', { hint: "Only this supplier's leads (optional)." }) +
    checkbox('Include test leads', 'include-test') +
    `<button type="submit">Export</button></form>`;
  const erase = postForm(
    request.csrf,
    'leads-erase',
    [
      input('Phone', 'phone'),
      input('or e-mail', 'email'),
      input('Campaign', 'campaign', { choices: ['', ...campaigns], hint: 'Empty: every campaign.' }),
      input('Type erase to confirm', 'confirm', { required: true, hint: 'The leads and every entry derived from them are deleted for good.' }),
    ].join(''),
    'Erase leads',
    { danger: true },
  );
  const exportHelp = '<p class="note">CSV cells starting with = + - @ tab or CR get a leading \' so spreadsheets do not run them.</p>';
  return {
    kind: 'page',
    title: 'Leads',
    body: `<h2>Look up</h2>${lookup}<h2>Export</h2>${campaigns.length ? `${exportForm}${exportHelp}` : '<p class="note">No campaigns yet.</p>'}<h2>Erase a person</h2>${erase}`,
  };
}

/**
 * Leads by id, or by phone or e-mail across every campaign and supplier (deleted ones too) or
 * one campaign's: the contact indexes are partitioned per campaign and supplier, so each pair
 * is one query, run a few at once (as an erasure searches them).
 */
export async function leadsLookupPage({ request, context }: PageContext): Promise<Reply> {
  const given = (name: string) => request.query.get(name)?.trim() || undefined;
  const { lookup } = await context.leads();
  let leads: Lead[];
  let searched = '';
  const leadId = given('id');
  if (leadId !== undefined) {
    const lead = await lookup.get(leadId);
    leads = lead ? [lead] : [];
  } else {
    const contact = personContact(given('phone'), given('email'));
    const by = contact.field === 'phone' ? { phone: contact.value } : { email: contact.value };
    const admin = await context.admin();
    const onlyCampaign = given('campaign');
    const campaignIds = onlyCampaign !== undefined ? [(await admin.showCampaign(onlyCampaign)).campaignId] : (await admin.listCampaigns()).map((campaign) => campaign.campaignId);
    const supplierIds = (await admin.listSuppliers({ includeDeleted: true })).map((supplier) => supplier.supplierId);
    const pairs = campaignIds.flatMap((campaignId) => supplierIds.map((supplierId) => ({ campaignId, supplierId })));
    leads = (await inBatches(pairs, SEARCH_CONCURRENCY, (pair) => lookup.findByContact(pair.campaignId, pair.supplierId, by, LOOKUP_LIMIT))).flat();
    searched = `<p class="note">Searched ${pairs.length} campaign and supplier ${pairs.length === 1 ? 'pair' : 'pairs'}; at most ${LOOKUP_LIMIT} leads each, newest first.</p>`;
  }
  const rows = leads.map((lead) => [
    h(lead.leadId),
    link(campaignHref(lead.campaignId), lead.campaignId),
    link(supplierHref(lead.supplierId), lead.supplierId),
    h(lead.createdAt),
    h(lead.isTest ? 'yes' : 'no'),
    `<code>${h(JSON.stringify(lead.fields))}</code>`,
  ]);
  const body = `${table(['Lead', 'Campaign', 'Supplier', 'Created', 'Test', 'Fields'], rows, 'No lead found.')}${searched}<p>${link('/leads', 'Back to leads')}</p>`;
  return { kind: 'page', title: 'Leads found', body };
}

/** `leadctl leads export` as a download; CSV always neutralised against formulas. */
export async function leadsExport({ request, context }: PageContext): Promise<Reply> {
  const format = request.query.get('format') === 'jsonl' ? 'jsonl' : 'csv';
  const form = new URLSearchParams(request.query);
  form.set('format', format);
  // The console never offers --raw: a download opened in a spreadsheet must not run formulas.
  form.delete('raw');
  const campaignId = form.get('campaign') ?? '';
  return {
    kind: 'download',
    filename: `${safeName(campaignId)}-leads.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    write: async (chunk) => {
      await runCommand(command(leadsCommands, 'export'), [], form, { ...context, stdout: chunk });
    },
  };
}
