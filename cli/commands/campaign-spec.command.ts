import { campaignOpenApi, campaignSpec, campaignSpecMarkdown, type SupplierView } from '../../lambdas/docs/campaign-spec';
import { oneOf, textOption } from '../arguments.parser';
import { UsageError } from '../cli-errors';
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
    'base-url': {
      type: 'string',
      value: 'URL',
      description: "The API's URL to print (a custom domain, say). Default: the stack's ApiUrl with --stack, else the URL the running npm start serves.",
    },
  },
  async run({ args: [campaignId], options }, context) {
    const format = oneOf(textOption(options, 'format') ?? 'md', ['md', 'openapi'] as const, '--format');
    const supplierId = textOption(options, 'supplier');
    const baseUrl = textOption(options, 'base-url');
    const given = baseUrl === undefined ? undefined : apiBaseUrl(baseUrl);
    const admin = await context.admin();
    const campaign = await admin.showCampaign(campaignId);
    const apiUrl = given ?? (await context.apiUrl());
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

/** `--base-url`: an absolute http(s) URL with no query or fragment, printed without a trailing slash. */
function apiBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url must be an absolute URL such as https://api.example.com, not ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError('--base-url must be an http(s) URL without credentials, query or fragment, such as https://api.example.com');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
