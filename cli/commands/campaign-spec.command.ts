import { campaignOpenApi, campaignSpec, campaignSpecMarkdown, type SupplierView } from '../../lambdas/docs/campaign-spec';
import { oneOf, textOption } from '../arguments.parser';
import type { Command } from '../command.types';

/**
 * `leadctl campaign spec CAMPAIGN_ID`: the posting spec a supplier attached to the campaign
 * needs, from the campaign as stored: Markdown by default, the narrowed OpenAPI document with
 * `--format openapi`; with `--json`, the spec as data.
 */
export const specCommand: Command = {
  name: 'spec',
  summary: "Prints the campaign's posting spec for suppliers: endpoint, mode, rules, caps, a request to copy and the answers to expect.",
  args: ['CAMPAIGN_ID'],
  options: {
    format: { type: 'string', value: 'md|openapi', description: 'md (default): Markdown to hand a supplier; openapi: the OpenAPI document narrowed to this campaign.' },
    supplier: { type: 'string', value: 'SUPPLIER_ID', description: "Add this supplier's attachment, pause and caps (usage now)." },
  },
  async run({ args: [campaignId], options }, context) {
    const format = oneOf(textOption(options, 'format') ?? 'md', ['md', 'openapi'] as const, '--format');
    const supplierId = textOption(options, 'supplier');
    const admin = await context.admin();
    const campaign = await admin.showCampaign(campaignId);
    const apiUrl = await context.apiUrl();
    let supplier: SupplierView | undefined;
    if (supplierId !== undefined) {
      const { supplier: found, attachments } = await admin.showSupplier(supplierId);
      const attached = attachments.some((attachment) => attachment.campaignId === campaignId);
      supplier = attached ? { supplier: found, ...(await admin.caps(supplierId, campaignId)) } : { supplier: found, timeZone: 'UTC' };
    }
    const spec = campaignSpec(campaign, apiUrl, supplier);
    if (format === 'openapi') {
      const document = campaignOpenApi(spec, campaign, apiUrl);
      return { json: document, text: JSON.stringify(document, null, 2) };
    }
    return { json: spec, text: campaignSpecMarkdown(spec) };
  },
};
