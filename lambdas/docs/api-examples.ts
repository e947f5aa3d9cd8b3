import type { Campaign } from '../campaigns/campaign';
import { filterErrors, throwIfFiltered } from '../campaigns/campaign.rules';
import { DEFAULT_CAMPAIGN_SETTINGS } from '../campaigns/campaign.settings';
import { EDGE_ANSWERS, GATEWAY_ANSWERS, gatewayAnswerBody, type GatewayAnswer } from '../gateway-responses';
import { IDEMPOTENCY_TTL_SECONDS } from '../idempotency/idempotency-record';
import { parseIngestBody } from '../ingest/ingest.schema';
import { capReachedError, checkAccess } from '../leads/submission-rules';
import { signPingToken } from '../ping/ping-token';
import { LookupQuerySchema } from '../lookup/lookup.schema';
import { parsePingBody } from '../ping/ping.schema';
import type { RouteDefinition } from '../routes';
import { parseWith } from '../shared/validation';
import { type ErrorCode } from '../shared/error-codes';
import {
  ConflictError,
  InternalError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnprocessableError,
  BadRequestError,
} from '../shared/errors';
import { errorBody, toAppError } from '../shared/http';
import { MAX_BODY_BYTES, parseRequestBody } from '../shared/request-body';
import { SETTINGS } from '../shared/settings';
import type { Attachment, Supplier } from '../suppliers/supplier';

/**
 * The document's examples. Error bodies are what the real code answers: each comes from running
 * the rule that refuses (the body parser, the campaign's filters, the cap plan, the gateway's
 * answers), so an example cannot say something the API would not. Ids and times are fixed so
 * the generated document is stable.
 */
export const EXAMPLE_CAMPAIGN_ID = 'cmp_3f9a1c0d5e7b2a4c6d8e';
export const EXAMPLE_SUPPLIER_ID = 'sup_9b1e4d2c7a0f3e5d8c6b';
/** A campaign id no campaign has: its example answers 404. */
export const UNKNOWN_CAMPAIGN_ID = 'cmp_00000000000000000000';
export const EXAMPLE_LEAD_ID = 'lead_5c2e8a1f9d3b7e0a4c6d';
export const EXAMPLE_API_KEY = 'YOUR_API_KEY';
const NOW = new Date('2026-01-15T14:03:07.123Z');
/** When the example ping expires: a ping lives the default time, counted in whole seconds. */
const PING_EXPIRES_AT = new Date((Math.floor(NOW.getTime() / 1000) + SETTINGS.pingTtlSeconds.default) * 1000);

export interface NamedExample {
  readonly summary: string;
  readonly value: unknown;
}

/** Request bodies, each answered by the response example of the same name. */
export const INGEST_EXAMPLES = {
  lead: {
    summary: 'A lead',
    value: {
      flo_campaign_id: EXAMPLE_CAMPAIGN_ID,
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@example.com',
      phone: '+1 555 010 2030',
      state: 'CA',
      zip: '94107',
    },
  },
  test_lead: {
    summary: 'A test lead: stored and flagged, every check runs, no cap counts',
    value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, email: 'test@example.com', is_test: true },
  },
  invalid_fields: {
    summary: 'A lead with a phone too short and a state that is not a US state',
    value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, email: 'jane.doe@example.com', phone: '555-0102', state: 'XX' },
  },
  unknown_campaign: {
    summary: 'A campaign id that does not exist',
    value: { flo_campaign_id: UNKNOWN_CAMPAIGN_ID, email: 'jane.doe@example.com' },
  },
} satisfies Record<string, NamedExample>;

export const INGEST_FORM_EXAMPLES = {
  lead_form: {
    summary: 'A lead, form-encoded',
    value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, first_name: 'Jane', email: 'jane.doe@example.com', state: 'CA', is_test: 'true' },
  },
} satisfies Record<string, NamedExample>;

export const PING_EXAMPLES = {
  ping: { summary: 'Would this lead be taken?', value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, state: 'CA', zip: '94107' } },
  personal_data: {
    summary: 'A ping carrying personal data',
    value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, email: 'jane.doe@example.com', state: 'CA' },
  },
} satisfies Record<string, NamedExample>;

export const PING_FORM_EXAMPLES = {
  ping_form: { summary: 'A ping, form-encoded', value: { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, state: 'CA' } },
} satisfies Record<string, NamedExample>;

const headroom = (limit: number, used: number) => ({
  limit,
  used,
  remaining: limit - used,
  window: 'day' as const,
  resets_at: '2026-01-16T00:00:00.000Z',
  exact: false,
});

export const LEAD_ACCEPTED_EXAMPLES = {
  lead: {
    summary: 'Accepted; the lead cap has 412 left today',
    value: {
      data: {
        id: EXAMPLE_LEAD_ID,
        status: 'ACCEPTED',
        campaign_id: EXAMPLE_CAMPAIGN_ID,
        supplier_id: EXAMPLE_SUPPLIER_ID,
        created_at: NOW.toISOString(),
        is_test: false,
        caps: { lead: headroom(500, 88) },
      },
    },
  },
  test_lead: {
    summary: 'A test lead: flagged, counted against no cap',
    value: {
      data: {
        id: 'lead_0a1b2c3d4e5f60718293',
        status: 'ACCEPTED',
        campaign_id: EXAMPLE_CAMPAIGN_ID,
        supplier_id: EXAMPLE_SUPPLIER_ID,
        created_at: NOW.toISOString(),
        is_test: true,
      },
    },
  },
  lead_form: {
    summary: 'The form-encoded lead, accepted',
    value: {
      data: {
        id: 'lead_7d6c5b4a39281706f5e4',
        status: 'ACCEPTED',
        campaign_id: EXAMPLE_CAMPAIGN_ID,
        supplier_id: EXAMPLE_SUPPLIER_ID,
        created_at: NOW.toISOString(),
        is_test: true,
      },
    },
  },
} satisfies Record<string, NamedExample>;

/** A ping_id in the real format, signed with a key that is not any deployment's. */
export const EXAMPLE_PING_ID = signPingToken(
  {
    nonce: 'ZXhhbXBsZS1ub25jZQ',
    supplierId: EXAMPLE_SUPPLIER_ID,
    campaignId: EXAMPLE_CAMPAIGN_ID,
    expiresAt: PING_EXPIRES_AT.getTime() / 1000,
    fields: ['state', 'zip'],
    fieldsHash: 'ZXhhbXBsZS1oYXNo',
  },
  Buffer.from('an example key, not the key of any deployment'),
);

export const PING_ACCEPTED_EXAMPLES = {
  ping: {
    summary: 'Accepted: post within five minutes with this ping_id and the same state and zip',
    value: {
      accepted: true,
      ping_id: EXAMPLE_PING_ID,
      expires_at: PING_EXPIRES_AT.toISOString(),
      campaign_id: EXAMPLE_CAMPAIGN_ID,
      is_test: false,
      caps: { ping: headroom(5000, 1204), lead: headroom(500, 87) },
    },
  },
  ping_form: {
    summary: 'The form-encoded ping, accepted',
    value: {
      accepted: true,
      ping_id: EXAMPLE_PING_ID,
      expires_at: PING_EXPIRES_AT.toISOString(),
      campaign_id: EXAMPLE_CAMPAIGN_ID,
      is_test: false,
      caps: { ping: headroom(5000, 1205), lead: headroom(500, 87) },
    },
  },
} satisfies Record<string, NamedExample>;

const EXAMPLE_LEAD_VIEW = {
  id: EXAMPLE_LEAD_ID,
  status: 'ACCEPTED',
  campaign_id: EXAMPLE_CAMPAIGN_ID,
  created_at: NOW.toISOString(),
  is_test: false,
  fields: { first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@example.com', phone: '+1 555 010 2030', state: 'CA', zip: '94107' },
};

export const LOOKUP_EXAMPLES = {
  by_id: { summary: '?id=: the lead', value: { data: EXAMPLE_LEAD_VIEW } },
  by_contact: { summary: '?flo_campaign_id= with phone or email: newest first', value: { data: [EXAMPLE_LEAD_VIEW] } },
} satisfies Record<string, NamedExample>;

/** What `run` throws, as the body the error mapper answers. */
function answerOf(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    const known = toAppError(error);
    return errorBody(known.code, known.message, known.details);
  }
  throw new Error('The example was expected to be refused.');
}

const campaign = (settings: Partial<Campaign> = {}): Campaign => ({
  campaignId: EXAMPLE_CAMPAIGN_ID,
  name: 'Solar CA',
  ...DEFAULT_CAMPAIGN_SETTINGS,
  dedupeDays: 30,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  ...settings,
});
const supplier: Supplier = { supplierId: EXAMPLE_SUPPLIER_ID, name: 'Acme Leads', status: 'active', paused: false, testMode: false, createdAt: NOW.toISOString() };
const attachment = (settings: Partial<Attachment> = {}): Attachment => ({
  supplierId: EXAMPLE_SUPPLIER_ID,
  campaignId: EXAMPLE_CAMPAIGN_ID,
  paused: false,
  capWindow: 'day',
  attachedAt: NOW.toISOString(),
  ...settings,
});
const fullCap = (kind: 'lead' | 'ping') => () => {
  throw capReachedError(kind, 'day', NOW, 'UTC');
};

/**
 * One example body per error code, produced by the code that refuses. A code without an entry
 * here (a new one) falls back to a body built from the catalogue, so the document still covers it.
 */
export const ERROR_EXAMPLES: Partial<Record<ErrorCode, (route?: RouteDefinition['name']) => Record<string, unknown>>> = {
  validation_failed: (route) =>
    answerOf(() =>
      route === 'Lookup' ? parseWith(LookupQuerySchema, { flo_campaign_id: EXAMPLE_CAMPAIGN_ID, phone: '555-0102' }, [], 'query') : parseIngestBody(INGEST_EXAMPLES.invalid_fields.value),
    ),
  invalid_ping_id: () => answerOf(() => {
    throw new BadRequestError('invalid_ping_id', 'flo_ping_id is not a ping id issued by this API.');
  }),
  unauthorized: () => answerOf(() => checkAccess({ campaign: campaign(), supplier: { ...supplier, status: 'deleted' }, counters: {} }, EXAMPLE_CAMPAIGN_ID)),
  forbidden: () => answerOf(() => checkAccess({ campaign: campaign(), supplier, counters: {} }, EXAMPLE_CAMPAIGN_ID)),
  supplier_paused: () =>
    answerOf(() => checkAccess({ campaign: campaign(), supplier, attachment: attachment({ paused: true }), counters: {} }, EXAMPLE_CAMPAIGN_ID)),
  campaign_not_found: () => answerOf(() => checkAccess({ counters: {} }, UNKNOWN_CAMPAIGN_ID)),
  duplicate_lead: () => answerOf(() => {
    throw new ConflictError('duplicate_lead', 'A lead with this phone was already accepted in this campaign.', { field: 'phone' });
  }),
  ping_already_used: () => answerOf(() => {
    throw new ConflictError('ping_already_used', 'This ping_id has already been posted.');
  }),
  payload_too_large: () => answerOf(() => {
    throw new PayloadTooLargeError(MAX_BODY_BYTES);
  }),
  unsupported_media_type: () => answerOf(() => parseRequestBody('flo_campaign_id', false, 'text/plain')),
  filtered: () =>
    answerOf(() =>
      throwIfFiltered(filterErrors(campaign({ requiredFields: ['zip'], allowedStates: ['CA', 'NV'] }), { email: 'jane.doe@example.com', state: 'TX' })),
    ),
  ping_expired: () => answerOf(() => {
    throw new UnprocessableError('ping_expired', `The ping expired at ${PING_EXPIRES_AT.toISOString()}; ping again.`);
  }),
  ping_mismatch: () => answerOf(() => {
    throw new UnprocessableError('ping_mismatch', 'The post must repeat the pinged fields unchanged: state, zip.');
  }),
  idempotency_key_reused: () => answerOf(() => {
    throw new UnprocessableError('idempotency_key_reused', 'This Idempotency-Key was used with another body.');
  }),
  lead_cap_reached: () => answerOf(fullCap('lead')),
  ping_cap_reached: () => answerOf(fullCap('ping')),
  service_unavailable: () => answerOf(() => {
    throw new ServiceUnavailableError(1);
  }),
  internal_error: () => answerOf(() => {
    throw new InternalError();
  }),
};

/** The gateway's own answers by code, for codes the gateway answers itself. */
export function gatewayExample(code: string): Record<string, unknown> | undefined {
  const answers: readonly GatewayAnswer[] = [...Object.values(GATEWAY_ANSWERS), ...Object.values(EDGE_ANSWERS)];
  const answer = answers.find((candidate) => candidate.code === code);
  return answer && (JSON.parse(gatewayAnswerBody(answer)) as Record<string, unknown>);
}

/** Request examples whose answers are errors, by name: the response example of the same name. */
export const PAIRED_ERROR_EXAMPLES = {
  invalid_fields: () => answerOf(() => parseIngestBody(INGEST_EXAMPLES.invalid_fields.value)),
  unknown_campaign: () => answerOf(() => checkAccess({ counters: {} }, UNKNOWN_CAMPAIGN_ID)),
  personal_data: () => answerOf(() => parsePingBody(PING_EXAMPLES.personal_data.value)),
};

export const IDEMPOTENCY_HOURS = IDEMPOTENCY_TTL_SECONDS / 3600;
