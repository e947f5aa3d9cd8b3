import { SCOPES } from '../lambdas/keys/api-key';
import { CAP_WINDOWS } from '../lambdas/suppliers/supplier';
import { describeHeadroom } from '../cli/commands/supplier.commands';
import { keyCommands } from '../cli/commands/key.commands';
import { campaignHref } from './campaign.pages';
import { inBatches } from '../lambdas/shared/in-batches';
import { command, READS_AT_ONCE, runCommand } from './console-actions';
import { checkbox, h, hidden, input, link, postForm, table } from './console-html';
import type { PageContext, Reply } from './console-routes';
import { outcomesSection } from './report.pages';

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** Suppliers: the list, and a form to create one (its first key is shown once). */
export async function suppliersPage({ request, context }: PageContext): Promise<Reply> {
  const suppliers = await (await context.admin()).listSuppliers();
  const list = table(
    ['Supplier', 'Name', 'Paused', 'Test mode', 'Created'],
    suppliers.map((supplier) => [link(supplierHref(supplier.supplierId), supplier.supplierId), h(supplier.name), h(yesNo(supplier.paused)), h(yesNo(supplier.testMode)), h(supplier.createdAt)]),
    'No suppliers yet.',
  );
  const create = postForm(request.csrf, 'supplier-create', input('Name', 'name', { required: true }), 'Create supplier');
  return { kind: 'page', title: 'Suppliers', body: `${list}<h2>New supplier</h2>${create}` };
}

/** A supplier: pause, test mode, its campaigns with caps, its outcomes by day over the last 7 days, its keys, and delete. */
export async function supplierPage(pageContext: PageContext, supplierId: string): Promise<Reply> {
  const { request, context } = pageContext;
  const { csrf } = request;
  const admin = await context.admin();
  const { supplier, attachments } = await admin.showSupplier(supplierId);
  const id = hidden('supplier', supplier.supplierId);
  const state = [
    table(['', ''], [['Paused', h(supplier.paused ? 'yes, for every campaign' : 'no')], ['Test mode', h(yesNo(supplier.testMode))], ['Created', h(supplier.createdAt)]]),
    postForm(csrf, supplier.paused ? 'supplier-resume' : 'supplier-pause', id, supplier.paused ? 'Resume (every campaign)' : 'Pause (every campaign)', { inline: true }),
    postForm(csrf, 'supplier-test-mode', `${id}${hidden('state', supplier.testMode ? 'off' : 'on')}`, supplier.testMode ? 'Leave test mode' : 'Test mode on', { inline: true, quiet: true }),
    `${link(`/reports?supplier=${encodeURIComponent(supplier.supplierId)}`, 'Reports')}`,
  ].join('\n');
  const rows = await inBatches(attachments, READS_AT_ONCE, async (attached) => {
    const { attachment, lead, ping } = await admin.caps(supplier.supplierId, attached.campaignId);
    const campaign = hidden('campaign', attachment.campaignId);
    return [
      link(campaignHref(attachment.campaignId), attachment.campaignId),
      h(yesNo(attachment.paused)),
      h(describeHeadroom(lead)),
      h(describeHeadroom(ping)),
      h(attachment.capWindow),
      [
        postForm(csrf, attachment.paused ? 'supplier-resume' : 'supplier-pause', `${id}${campaign}`, attachment.paused ? 'Resume' : 'Pause', { inline: true, quiet: true }),
        postForm(csrf, 'supplier-detach', `${id}${campaign}${checkbox('Yes, detach', 'confirm', true)}`, 'Detach', { inline: true, danger: true }),
      ].join(''),
    ];
  });
  const campaigns = await admin.listCampaigns();
  const attach = postForm(
    csrf,
    'supplier-attach',
    [
      id,
      input('Campaign', 'campaign', { choices: campaigns.map((campaign) => campaign.campaignId), required: true, hint: 'Attached again, its caps change; a cap left empty keeps its value.' }),
      input('Lead cap', 'lead-cap', { hint: 'Live leads per window, or none.' }),
      input('Ping cap', 'ping-cap', { hint: 'Live pings per window, or none.' }),
      input('Cap window', 'cap-window', { choices: ['', ...CAP_WINDOWS] }),
    ].join(''),
    'Attach',
  );
  const body = [
    state,
    '<h2>Campaigns</h2>',
    table(['Campaign', 'Paused', 'Lead cap', 'Ping cap', 'Window', ''], rows, 'Not attached to any campaign.'),
    campaigns.length > 0 ? `<h3>Attach or change caps</h3>${attach}` : '<p class="note">Create a campaign first.</p>',
    await outcomesSection(pageContext, { heading: 'Outcomes by day (last 7 days)', counts: "the last 7 days' outcomes", daysBefore: 6, filter: { supplier: supplier.supplierId }, by: 'day,outcome' }),
    '<h2>Keys</h2>',
    await keysTable(csrf, supplier.supplierId, context),
    postForm(csrf, 'key-create', `${id}${input('Scope', 'scope', { choices: SCOPES, hint: 'ingest: ingest, ping and lookup; read-only: lookup only.' })}`, 'Create key'),
    '<h2>Delete</h2>',
    postForm(
      csrf,
      'supplier-delete',
      `${id}${input(`Type ${supplier.supplierId} to confirm`, 'confirm', { required: true, hint: 'Every key is revoked and every attachment removed.' })}`,
      'Delete supplier',
      { danger: true },
    ),
  ].join('\n');
  return { kind: 'page', title: `Supplier ${supplier.name}`, body };
}

/**
 * The supplier's keys as `leadctl key list --json` gives them, so a fact a key gains there
 * (say, the day it was last used) shows here too. Never the key itself.
 */
async function keysTable(csrf: string, supplierId: string, context: PageContext['context']): Promise<string> {
  const result = await runCommand(command(keyCommands, 'list'), ['supplier'], new URLSearchParams({ supplier: supplierId }), context);
  const keys = (result.json as { keys: Record<string, unknown>[] }).keys;
  const columns = [...new Set(keys.flatMap((key) => Object.keys(key)))].filter((column) => column !== 'supplierId');
  const rows = keys.map((key) => [
    ...columns.map((column) => h(key[column] ?? '')),
    key.status === 'active' ? postForm(csrf, 'key-revoke', `${hidden('supplier', supplierId)}${hidden('key', String(key.keyId))}${checkbox('Yes, revoke', 'confirm', true)}`, 'Revoke', { inline: true, danger: true }) : '',
  ]);
  return table([...columns, ''], rows, 'No keys.');
}

export function supplierHref(supplierId: string): string {
  return `/suppliers/${encodeURIComponent(supplierId)}`;
}
