import type { Campaign } from '../campaigns/campaign';
import { postedRuleLines, postedRules, type PostedRules } from '../campaigns/posted-rules';
import type { Headroom } from '../leads/submission-rules';
import { PERSONAL_FIELDS } from '../leads/submission';
import { routeNamed, type RouteName } from '../routes';
import type { ErrorCode } from '../shared/error-codes';
import { MAX_BODY_BYTES } from '../shared/request-body';
import type { Attachment, Supplier } from '../suppliers/supplier';
import { EXAMPLE_API_KEY, INGEST_EXAMPLES, LEAD_ACCEPTED_EXAMPLES, PING_ACCEPTED_EXAMPLES } from './api-examples';
import { isCustomField } from '../campaigns/campaign.fields';
import { exampleConsent, exampleValue, narrowFields } from './campaign-fields.schema';
import { buildOpenApiDocument, curlStart, errorCatalogue, type JsonSchema, type OpenApiDocument } from './openapi.document';
import { routeErrors } from './route-errors';

/**
 * A campaign's posting spec: what a supplier attached to it must send, the requests to copy and
 * the answers to expect; as data, as Markdown, and as the OpenAPI document narrowed to the
 * campaign's rules. Built from the campaign as stored, so it says what the API will enforce.
 */
export interface SupplierView {
  readonly supplier: Supplier;
  readonly attachment?: Attachment;
  readonly lead?: Headroom;
  readonly ping?: Headroom;
  readonly timeZone: string;
}

export interface ExampleRequest {
  readonly step: string;
  readonly method: 'POST';
  readonly url: string;
  readonly contentType: 'application/json';
  readonly body: Record<string, unknown>;
  /** Ready to paste, with a placeholder key (and ping id, for the post of a ping/post pair). */
  readonly curl: string;
}

export interface Answer {
  readonly status: number;
  readonly code: string;
  readonly when: string;
}

/** The campaign's rules (`PostedRules`: mode, required fields, allowed states, duplicates) sit between the endpoint and the supplier. */
export type CampaignSpec = SpecHead & PostedRules & SpecTail;

interface SpecHead {
  readonly campaignId: string;
  readonly name: string;
  readonly endpoint: string;
}

interface SpecTail {
  readonly supplier?: {
    readonly supplierId: string;
    readonly attached: boolean;
    readonly paused: boolean;
    readonly testMode: boolean;
    readonly capWindow?: string;
    readonly leadCap?: Headroom;
    readonly pingCap?: Headroom;
  };
  readonly requests: readonly ExampleRequest[];
  readonly answers: readonly Answer[];
}

/** The placeholder the post of a ping/post pair carries where the ping's answer goes. */
export const PING_ID_PLACEHOLDER = 'PING_ID_FROM_THE_PING';

const SAMPLE_VALUES: Record<string, unknown> = INGEST_EXAMPLES.lead.value;

export function campaignSpec(campaign: Campaign, apiUrl: string, supplier?: SupplierView): CampaignSpec {
  const base = apiUrl.replace(/\/+$/, '');
  const lead = exampleLead(campaign);
  const requests: ExampleRequest[] = [];
  if (campaign.mode === 'ping_post') {
    const ping = pingBody(lead);
    requests.push(request('1. ping', base, routeNamed('Ping').path, ping));
    requests.push(request('2. post, with the ping_id of the answer', base, routeNamed('Ingest').path, { ...lead, flo_ping_id: PING_ID_PLACEHOLDER }));
  } else {
    requests.push(request('post', base, routeNamed('Ingest').path, lead));
  }
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    endpoint: `${base}/${routeNamed('Ingest').path}`,
    ...postedRules(campaign),
    ...(supplier
      ? {
          supplier: {
            supplierId: supplier.supplier.supplierId,
            attached: supplier.attachment !== undefined,
            paused: supplier.supplier.paused || supplier.attachment?.paused === true,
            testMode: supplier.supplier.testMode,
            capWindow: supplier.attachment?.capWindow,
            ...(supplier.lead ? { leadCap: supplier.lead } : {}),
            ...(supplier.ping ? { pingCap: supplier.ping } : {}),
          },
        }
      : {}),
    requests,
    answers: answers(campaign, supplier),
  };
}

/**
 * A lead this campaign takes: the contract's example, in an allowed state, with its declared
 * fields' values (only those when it refuses undeclared ones), its consent evidence and every
 * required field.
 */
function exampleLead(campaign: Campaign): Record<string, unknown> {
  const lead: Record<string, unknown> = { ...SAMPLE_VALUES, flo_campaign_id: campaign.campaignId, ...exampleConsent(campaign, new Date()) };
  // The contract's example carries a custom field (zip): a campaign refusing undeclared ones gets only its own.
  if (campaign.unknownFields === 'refuse') for (const name of Object.keys(lead)) if (isCustomField(name)) delete lead[name];
  if (campaign.allowedStates.length > 0) lead.state = campaign.allowedStates[0];
  for (const field of campaign.customFields) {
    const value = exampleValue(field);
    if (value !== undefined) lead[field.name] = value;
  }
  for (const field of campaign.requiredFields) if (lead[field] === undefined) lead[field] = 'example';
  return lead;
}

/** A ping carries no personal data; the fields it sends, the post repeats unchanged. */
function pingBody(lead: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(lead).filter(([name]) => !PERSONAL_FIELDS.includes(name.toLowerCase())));
}

function request(step: string, base: string, path: string, body: Record<string, unknown>): ExampleRequest {
  const url = `${base}/${path}`;
  const curl = [
    `${curlStart(base)}/${path} \\`,
    `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: application/json' \\`,
    `  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`,
  ].join('\n');
  return { step, method: 'POST', url, contentType: 'application/json', body, curl };
}

/** The answers this campaign can give, most common first; codes its rules cannot produce are left out. */
function answers(campaign: Campaign, supplier: SupplierView | undefined): Answer[] {
  const pingPost = campaign.mode === 'ping_post';
  const filters = campaign.requiredFields.length > 0 || campaign.allowedStates.length > 0;
  const leadCap = supplier ? supplier.lead !== undefined : true;
  const pingCap = supplier ? supplier.ping !== undefined : true;
  const excluded = new Set<ErrorCode>([
    ...(pingPost ? [] : (['invalid_ping_id', 'ping_already_used', 'ping_expired', 'ping_mismatch', 'ping_cap_reached'] as const)),
    ...(campaign.dedupeDays > 0 ? [] : (['duplicate_lead'] as const)),
    ...(filters ? [] : (['filtered'] as const)),
    ...(leadCap ? [] : (['lead_cap_reached'] as const)),
    ...(pingCap ? [] : (['ping_cap_reached'] as const)),
  ]);
  const routes: RouteName[] = pingPost ? ['Ingest', 'Ping'] : ['Ingest'];
  const list: Answer[] = [
    { status: 201, code: 'ACCEPTED', when: 'Stored exactly once; `data.id` is the lead id, `data.caps.lead` the headroom when a lead cap is set.' },
    ...(pingPost ? [{ status: 200, code: 'accepted', when: 'The ping is accepted: post with its `ping_id` before `expires_at`.' }] : []),
  ];
  for (const [code, info] of Object.entries(errorCatalogue())) {
    if (excluded.has(code as ErrorCode)) continue;
    if (!routes.some((route) => (routeErrors(route) as readonly string[]).includes(code))) continue;
    list.push({ status: info.status, code, when: info.when });
  }
  return list;
}

/** The spec as Markdown: what a supplier's developer reads. */
export function campaignSpecMarkdown(spec: CampaignSpec): string {
  const lines = [
    `# Posting spec: ${spec.name} (${spec.campaignId})`,
    '',
    `- **Endpoint:** \`POST ${spec.endpoint}\`, body JSON or \`application/x-www-form-urlencoded\`, at most ${MAX_BODY_BYTES / 1024} KiB.`,
    '- **Authentication:** `x-api-key: <your ingest key>` on every request, HTTPS only, server to server only. 401 = fix the key; 403 = the supplier is not attached to this campaign.',
    ...postedRuleLines(spec),
  ];
  if (spec.supplier) {
    const supplier = spec.supplier;
    const cap = (headroom: Headroom | undefined) =>
      headroom ? `${headroom.limit} per ${headroom.window} (${headroom.used} used, ${headroom.remaining} left${headroom.resets_at ? `, resets ${headroom.resets_at}` : ''})` : 'none';
    lines.push(
      `- **Supplier ${supplier.supplierId}:** ${supplier.attached ? 'attached' : 'NOT attached: every request answers 403 `forbidden`'}${supplier.paused ? '; PAUSED: requests answer 403 `supplier_paused`' : ''}${supplier.testMode ? '; in test mode: every lead is a test lead' : ''}.`,
      `- **Lead cap:** ${cap(supplier.leadCap)}. **Ping cap:** ${cap(supplier.pingCap)}. Over a cap: 429 with \`Retry-After\` until the window resets.`,
    );
  }
  const duplicates = spec.dedupe.days > 0 ? ` The example's email and phone are fixed: sent twice within ${spec.dedupe.days} days, the second is a duplicate.` : '';
  lines.push('', '## Example request', '', `Replace \`YOUR_API_KEY\` with your ingest key.${duplicates}`, '');
  for (const request of spec.requests) lines.push(`${request.step}:`, '', '```sh', request.curl, '```', '');
  lines.push('## Answers to expect', '', '| status | code | when |', '|---|---|---|');
  for (const answer of spec.answers) lines.push(`| ${answer.status} | \`${answer.code}\` | ${answer.when.replace(/\|/g, '\\|')} |`);
  lines.push('', 'Every error body is `{"error": "<code>", "message": "..."}` plus its details. The full contract: `GET /api/v1/openapi.json`, or `/docs`.');
  return lines.join('\n');
}

/** The OpenAPI document narrowed to the campaign: its id, required fields, states and mode. */
export function campaignOpenApi(spec: CampaignSpec, campaign: Campaign, apiUrl: string): OpenApiDocument {
  const document = buildOpenApiDocument({ serverUrl: apiUrl.replace(/\/+$/, '') });
  document.info = {
    ...document.info,
    title: `Lead ingest API: posting spec for ${campaign.name} (${campaign.campaignId})`,
    description: campaignSpecMarkdown(spec),
  };
  const schemas = document.components.schemas;
  for (const [name, post, form] of [['IngestBody', true, false], ['IngestForm', true, true], ['PingBody', false, false], ['PingForm', false, true]] as const) {
    narrow(schemas[name], campaign, { post, form });
  }
  const [ingest, ping] = [routeNamed('Ingest'), routeNamed('Ping')].map((route) => document.paths[`/${route.path}`].post);
  const [leadRequest, pingRequest] = spec.mode === 'ping_post' ? [spec.requests[1], spec.requests[0]] : [spec.requests[0], undefined];
  // The campaign's own examples replace the generic ones, which its rules may refuse.
  ingest.requestBody = {
    required: true,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/IngestBody' }, examples: { lead: { summary: `A lead ${campaign.name} takes`, value: leadRequest.body } } },
      'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/IngestForm' } },
    },
  };
  ingest.responses['201'].content['application/json'].examples = { lead: LEAD_ACCEPTED_EXAMPLES.lead };
  if (pingRequest) {
    ping.requestBody = {
      required: true,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/PingBody' }, examples: { ping: { summary: 'The ping', value: pingRequest.body } } },
        'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/PingForm' } },
      },
    };
    ping.responses['200'].content['application/json'].examples = { ping: PING_ACCEPTED_EXAMPLES.ping };
  } else {
    // A direct campaign takes no pings.
    delete document.paths[`/${routeNamed('Ping').path}`];
  }
  for (const response of Object.values(ingest.responses)) {
    for (const media of Object.values(response.content)) {
      for (const name of Object.keys(media.examples ?? {})) if (['invalid_fields', 'unknown_campaign'].includes(name)) delete media.examples![name];
    }
  }
  return document;
}

function narrow(schema: JsonSchema, campaign: Campaign, options: { post: boolean; form: boolean }): void {
  const properties = schema.properties as Record<string, JsonSchema>;
  const required = new Set(schema.required as string[]);
  properties.flo_campaign_id = { ...properties.flo_campaign_id, const: campaign.campaignId, examples: [campaign.campaignId] };
  if (campaign.allowedStates.length > 0) {
    properties.state = {
      ...properties.state,
      pattern: anyCasePattern(campaign.allowedStates),
      description: `One of ${campaign.allowedStates.join(', ')}, in any case; spaces around it are ignored (\`ca\` and \` CA \` are CA).`,
      examples: [campaign.allowedStates[0]],
    };
    // The post must carry a state; a ping may leave it to the post.
    if (options.post) required.add('state');
  }
  if (options.post && campaign.mode === 'ping_post') required.add('flo_ping_id');
  narrowFields(schema, required, campaign, options);
  for (const field of campaign.requiredFields) {
    if (!options.post && PERSONAL_FIELDS.includes(field.toLowerCase())) continue;
    required.add(field);
    if (!properties[field]) {
      const custom = schema.additionalProperties as JsonSchema;
      properties[field] = { ...custom, description: `Required by this campaign.` };
    }
  }
  schema.required = [...required];
}

/**
 * A pattern that takes the codes as the server does (trimmed, in any case): JSON Schema
 * patterns carry no flags, so each letter is spelled both ways.
 */
export function anyCasePattern(codes: readonly string[]): string {
  const anyCase = (code: string) => [...code].map((letter) => `[${letter.toUpperCase()}${letter.toLowerCase()}]`).join('');
  return `^\\s*(?:${codes.map(anyCase).join('|')})\\s*$`;
}
