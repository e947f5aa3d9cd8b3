import { THROTTLE } from '../routes';
import { MAX_CUSTOM_FIELDS, customValue } from '../leads/lead.schema';
import { FIELD_NAME_MAX_LENGTH } from '../leads/submission';
import { FIELD_ERROR_CODES, type ErrorCodeInfo } from '../shared/error-codes';
import { MAX_BODY_BYTES } from '../shared/request-body';
import { SETTINGS } from '../shared/settings';
import { MIN_MAGNITUDE } from '../shared/strict-json.parser';
import { IDEMPOTENCY_HOURS, INGEST_EXAMPLES } from './api-examples';
import { pingThenPostSamples, postSamples, sampleBlocks } from './code-samples';
import { convert, textMaxLength, type JsonSchema } from './json-schema';

/**
 * The prose of the OpenAPI document: its introduction (the guide) and the notes beside the
 * operations. Every number in it is read from the settings, the schemas or the route table.
 */

/** The local runtime's URL; a served copy names the URL it was fetched from instead. */
export const LOCAL_SERVER_URL = 'https://localhost:8443';

/**
 * A curl command's start for a server, as the posting spec prints it for the platform owner:
 * the local runtime's self-signed certificate needs `--cacert`. The supplier docs never name
 * the local runtime, so their samples are plain.
 */
export function curlStart(serverUrl: string): string {
  return `curl${serverUrl.startsWith('https://localhost') ? ' --cacert .local/tls/cert.pem' : ''} ${serverUrl}`;
}

/** The longest string a custom field may hold, as its schema says. */
const CUSTOM_TEXT_MAX_LENGTH = textMaxLength((convert({ CustomValue: customValue }, 'input').CustomValue.anyOf ?? []) as JsonSchema[]);

/** The custom fields a lead may carry beside the named ones. */
export const CUSTOM_FIELDS_NOTE =
  `Any further flat field is kept as the lead's custom field: a name of a letter then at most ${FIELD_NAME_MAX_LENGTH - 1} letters, digits, \`_\`, \`.\` or \`-\` ` +
  `(not starting with \`flo_\`), a string of at most ${CUSTOM_TEXT_MAX_LENGTH} characters, a number, a boolean or null; at most ${MAX_CUSTOM_FIELDS} of them.`;

/** The document's introduction: how to authenticate and post, and every error code. */
export function guide(catalogue: Record<string, ErrorCodeInfo>): string {
  const errorRows = Object.entries(catalogue)
    .sort(([, a], [, b]) => a.status - b.status)
    .map(([code, info]) => `| ${info.status} | \`${code}\` | ${info.when.replace(/\|/g, '\\|')} |`);
  const lead = INGEST_EXAMPLES.lead.value;
  return [
    'Lead suppliers post leads into campaigns, server to server. Every request but the two documentation routes carries the supplier\'s key in `x-api-key`.',
    '',
    '## Quick start',
    '',
    'Put your key and campaign id in this request; a `201` with the lead\'s `id` means it is stored exactly once.',
    '',
    ...sampleBlocks(postSamples(LOCAL_SERVER_URL, '/api/v1/ingest', lead)),
    '## Authentication',
    '',
    '- **Header.** `x-api-key: <your supplier key>` on every request. The header name is case-insensitive; the value is opaque (it looks like `lsk_<key id>_<secret>`; do not parse it). `Authorization: Bearer ...` and a key in the URL or the body are not recognised and answer 401.',
    '- **401 or 403.** 401 `unauthorized`: the key is missing, malformed, unknown or revoked, or the supplier was deleted: fix the key. 403 `forbidden`: the key is valid but the supplier is not attached to `flo_campaign_id` (or the key\'s scope does not allow the route): check the campaign id, or ask for access to the campaign.',
    `- **Several keys at once, so rotation needs no downtime.** Ask for a second key, switch to it, then have the old one revoked. A revoked key stops working within ${SETTINGS.authCacheTtlSeconds.default} s.`,
    '- **Scopes.** An `ingest` key may ingest, ping and look up; a `read-only` key may only look up.',
    `- **Rate limit:** per key, a token bucket of ${THROTTLE.burstLimit} refilled at ${THROTTLE.rateLimit}/s: a burst of ${THROTTLE.burstLimit} is let through at once, then ${THROTTLE.rateLimit} more each second. Above it, 429 \`rate_limited\` with \`Retry-After\`. A campaign may also cap your leads and pings per window (429 \`lead_cap_reached\` / \`ping_cap_reached\` until the window resets).`,
    '- **HTTPS only**, TLS 1.2 minimum. Plain HTTP and older TLS are refused before they reach the API.',
    '- **Server to server only.** Never put a key in browser JavaScript, a mobile app or anything a user can read: the API sends no CORS headers, and this documentation has no "try it" console that would invite a key into a browser.',
    '',
    '## Posting a lead',
    '',
    '- **Direct campaigns:** `POST /api/v1/ingest` with `flo_campaign_id` and the contact the campaign requires (`email` unless it says otherwise), and any other fields. 201 means stored exactly once; any error means nothing was written.',
    '- **Ping/post campaigns:** first `POST /api/v1/ping` with the non-personal fields; a 200 gives a `ping_id`. Then post the lead with `flo_ping_id` before `expires_at`, repeating the pinged fields unchanged. A ping is used once.',
    `- **Bodies** are JSON or \`application/x-www-form-urlencoded\` (UTF-8), at most ${MAX_BODY_BYTES / 1024} KiB. Every problem with the body is listed at once in \`field_errors\`.`,
    `- **Stored exactly as sent, or refused:** nothing in a body is silently changed. A field given twice (\`duplicate_field\`), bytes that are not UTF-8 (\`invalid_encoding\`), a number a double cannot hold exactly — more than 15-17 significant digits, beyond ±${Number.MAX_SAFE_INTEGER}, or closer to 0 than ${MIN_MAGNITUDE} (\`invalid_number\`: send such values as strings) — and a \`phone\` written with anything but digits, spaces, \`(\`, \`)\`, \`-\`, \`.\` and a leading \`+\`, or not starting with a digit, \`(\` or \`+\` (\`invalid_phone\`) are answered 400 with that field error. At most ${MAX_CUSTOM_FIELDS} custom fields, each a string of at most ${CUSTOM_TEXT_MAX_LENGTH} characters, a number, a boolean or null; their names start with a letter and hold at most ${FIELD_NAME_MAX_LENGTH} letters, digits, \`_\`, \`.\` or \`-\`. Also refused (\`reserved_field_name\`): ` + FIELD_ERROR_CODES.reserved_field_name.when + '.',
    `- **Retries:** send an \`Idempotency-Key\` header; a retry with the same key and body within ${IDEMPOTENCY_HOURS} h answers the first response again with \`Idempotent-Replayed: true\`. After a 5xx or a timeout, retrying with the same key is always safe.`,
    '- **Campaign rules:** required fields and allowed states (422 `filtered`, `filter_errors` lists each), a duplicate window on phone and/or email (409 `duplicate_lead`), and per-supplier caps. Every 201 and ping 200 carries the caps\' headroom: `caps.lead` / `caps.ping` with `limit`, `used`, `remaining`, `window`, `resets_at`, `exact`.',
    '- **Contact and consent evidence:** each campaign states the contact a lead must carry (`email` by default; `phone`, either or both: `campaign spec` says which; missing, 400 `required`) and may require consent evidence: a TrustedForm certificate (`trustedform_cert_url`), a Jornaya LeadiD (`jornaya_leadid`) or either (missing, 400 `consent_required`), with `consented_at` no older than a bound it sets. `ip_address`, `user_agent`, `landing_page_url`, `consent_text` and `consented_at` are checked for format only. They are stored, exported and carried in lead events, never sent in a ping (`personal_data_not_allowed`). Checking a certificate with TrustedForm or Jornaya over the network is a downstream step on the lead events, not part of the request.',
    '- **Typed custom fields:** a campaign may declare its custom fields with a type (string with a maximum length and an RE2 pattern, integer, number with bounds, boolean, date `YYYY-MM-DD`, enum, zip: a US ZIP of 5 or 9 digits), require them (422 `filtered` when missing) and refuse undeclared ones (400 `unknown_field`). A value not of its type answers 400 (`invalid_type`, `too_long`, `pattern_mismatch`, `out_of_range`, `invalid_date`, `invalid_value`, `invalid_zip`). JSON bodies send the declared type; form bodies send numbers and booleans as text (`true`/`false`/`1`/`0`). Ask the platform owner for your campaign\'s posting spec: it lists exactly that campaign\'s fields, with an OpenAPI schema of them.',
    '- **Test leads:** `is_test: true` runs every check and stores the lead flagged; it counts against no cap and is checked for duplicates only against test leads.',
    '',
    '## Ping then post: a walkthrough',
    '',
    'A ping/post campaign takes a lead in two steps. First ping with the fields that are not personal (here `state` and `zip`): a `200` answers a `ping_id` and `expires_at`. Then post the whole lead to `/api/v1/ingest` with `flo_ping_id` set to that `ping_id` before it expires, repeating every pinged field unchanged. A `201` means the lead is stored; a ping is used once, so ping again for the next lead.',
    '',
    ...sampleBlocks(pingThenPostSamples(LOCAL_SERVER_URL)),
    '## Errors',
    '',
    'Every error has the same envelope: `{"error": "<code>", "message": "<for people>"}` plus details: `field_errors` (400 `validation_failed`), `filter_errors` (422 `filtered`), `field` (409 `duplicate_lead`), `retry_after` in seconds with a `Retry-After` header (429, 503), `outcome` on a 5xx (`not_written`: nothing was stored; `unknown`: the lead may have been stored, so retry with the same `Idempotency-Key`). A 5xx never shows internals. An unknown path answers 404 `not_found`, listing the routes; a route\'s path called with another method answers 405 `method_not_allowed` with an `Allow` header.',
    '',
    '| status | code | when |',
    '|---|---|---|',
    ...errorRows,
  ].join('\n');
}
