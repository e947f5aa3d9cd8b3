import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, errorCatalogue, errorSchemaName } from '../../lambdas/docs/openapi.document';
import { EDGE_ANSWERS, GATEWAY_ANSWERS } from '../../lambdas/gateway-responses';
import { IngestBodySchema } from '../../lambdas/ingest/ingest.schema';
import { ERROR_CODES } from '../../lambdas/shared/error-codes';
import { OPENAPI_FILE, openApiFileText } from '../../scripts/openapi';
import { anyCasePattern } from '../../lambdas/docs/campaign-spec';
import { parseIngestBody } from '../../lambdas/ingest/ingest.schema';

/** Whether the server's ingest schema takes the body. */
function serverTakes(body: Record<string, unknown>): boolean {
  try {
    parseIngestBody(body);
    return true;
  } catch {
    return false;
  }
}

const ROOT = join(__dirname, '..', '..');

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  describe('the committed copy', () => {
    it('is what `npm run openapi` generates now', () => {
      const committed = readFileSync(OPENAPI_FILE, 'utf8');

      // On failure: run `npm run openapi` and commit docs/openapi.json.
      expect(committed).toBe(openApiFileText());
    });

    it('passes `redocly lint` with the recommended-strict rules, offline', async () => {
      const result = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', OPENAPI_FILE, '--config', join(ROOT, 'redocly.yaml'), '--format', 'stylish'],
          { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
        );
      });

      expect(result.output).not.toMatch(/\b(error|warning)\b.*\bat #\//);
      expect(result.code).toBe(0);
    });
  });

  describe('its request schemas', () => {
    it('come from the zod schemas that validate requests', () => {
      const ingest = document.components.schemas.IngestBody as { properties: Record<string, unknown>; required: string[] };

      expect(Object.keys(ingest.properties).sort()).toEqual(Object.keys(IngestBodySchema.def.shape).sort());
      // The contact a lead must carry (email by default) is each campaign's rule: the per-campaign spec requires it.
      expect([...ingest.required].sort()).toEqual(['flo_campaign_id']);
      expect(ingest.properties.flo_campaign_id).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' });
    });

    it('say in metadata what a refinement checks', () => {
      const ingest = document.components.schemas.IngestBody as { properties: Record<string, { description?: string; pattern?: string }> };

      expect(ingest.properties.state.description).toContain('US state');
      expect(ingest.properties.phone.description).toContain('8 to 15 digits');
    });

    it('say what the server takes for phone, email, state and is_test', () => {
      const properties = (document.components.schemas.IngestBody as { properties: Record<string, { type?: string; pattern?: string; minLength?: number; maxLength?: number }> }).properties;
      const fits = (name: string, value: string) =>
        new RegExp(properties[name].pattern ?? '').test(value) && value.length >= (properties[name].minLength ?? 0) && value.length <= (properties[name].maxLength ?? Infinity);
      const lead = (fields: Record<string, unknown>) => ({ flo_campaign_id: 'cmp_1', email: 'a@example.com', ...fields });

      for (const phone of ['+1 555 010 2030', '(555) 010-2030', '55501020', '-5550102030', '555-12', '5550102030; x']) {
        if (serverTakes(lead({ phone }))) expect(`${phone}: ${String(fits('phone', phone))}`).toBe(`${phone}: true`);
        else expect(`${phone}: ${String(fits('phone', phone))}`).toBe(`${phone}: false`);
      }
      for (const state of [' ca ', 'Ca', 'CA']) expect(serverTakes(lead({ state })) && fits('state', state)).toBe(true);
      expect(properties.email).toMatchObject({ format: 'email', minLength: 6, maxLength: 254 });
      expect(serverTakes(lead({ email: 'a@b.co' }))).toBe(true);
      expect(properties.is_test.type).toBe('boolean');
      expect(serverTakes(lead({ is_test: 'true' }))).toBe(false);
    });

    it('narrow a campaign\'s states to a pattern that takes them as the server does', () => {
      const pattern = new RegExp(anyCasePattern(['CA', 'NV']));

      expect([' ca ', 'Nv', 'CA'].map((state) => pattern.test(state))).toEqual([true, true, true]);
      expect(['TX', 'CAL', 'C A'].map((state) => pattern.test(state))).toEqual([false, false, false]);
    });

    it('state the lookup\'s one-query rule in the operation and in each of its parameters', () => {
      const lookup = document.paths['/api/v1/leads/lookup'].get;

      expect(lookup.description).toContain('**one** of two queries');
      for (const parameter of lookup.parameters as { name: string; description: string }[]) {
        if (parameter.name !== 'limit') expect(`${parameter.name}: ${parameter.description}`).toMatch(/alone|not with|never with/);
      }
    });

    it('have a form-encoded twin in which every value is a string', () => {
      const form = document.components.schemas.IngestForm as { properties: Record<string, { type: string; enum?: string[] }>; additionalProperties: { type: string } };

      expect(Object.values(form.properties).every((property) => property.type === 'string')).toBe(true);
      expect(form.properties.is_test.enum).toEqual(['true', 'false', '1', '0']);
      expect(form.additionalProperties.type).toBe('string');
    });
  });

  describe('its success answers', () => {
    /** A member's path and those of its members: `data.caps.lead.limit`, `data[].id`; a lead's own `fields` are the supplier's. */
    const paths = (value: unknown, path: string): string[] => {
      const list = Array.isArray(value);
      const item: unknown = list ? value[0] : value;
      const base = list ? `${path}[]` : path;
      const here = list ? [path, base] : [path];
      if (!item || typeof item !== 'object' || path.endsWith('fields')) return here;
      return [...here, ...Object.entries(item).flatMap(([name, member]) => paths(member, `${base}.${name}`))];
    };

    it.each([
      ['/api/v1/ingest', 'post', '201'],
      ['/api/v1/ping', 'post', '200'],
      ['/api/v1/leads/lookup', 'get', '200'],
    ])('%s has a field table naming every member its examples carry', (path, method, status) => {
      const response = document.paths[path][method].responses[status];

      expect(response.description).toContain('| member | type | present | meaning |');
      for (const example of Object.values(response.content['application/json'].examples ?? {})) {
        for (const member of Object.entries(example.value as object).flatMap(([name, value]) => paths(value, name))) expect(response.description).toContain(`| \`${member}\` |`);
      }
    });
  });

  describe('its error codes', () => {
    it('cover every code of the catalogue and every answer of the gateway and the firewall', () => {
      const codes = [...Object.keys(ERROR_CODES), ...[...Object.values(GATEWAY_ANSWERS), ...Object.values(EDGE_ANSWERS)].map((answer) => answer.code)];
      const responses = JSON.stringify(document.paths);

      for (const code of codes) {
        expect(document.components.schemas[errorSchemaName(code)]).toBeDefined();
        expect(responses).toContain(`#/components/schemas/${errorSchemaName(code)}"`);
      }
    });

    it('put each code under its own status', () => {
      const catalogue = errorCatalogue();
      for (const methods of Object.values(document.paths)) {
        for (const operation of Object.values(methods)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            const refs = JSON.stringify(response.content).match(/Error_[a-z_]+/g) ?? [];
            for (const ref of refs) expect(catalogue[ref.slice('Error_'.length)].status).toBe(Number(status));
          }
        }
      }
    });

    it('give every code with details exactly those details', () => {
      const duplicate = document.components.schemas.Error_duplicate_lead as { required: string[]; additionalProperties: boolean };
      const capped = document.components.schemas.Error_lead_cap_reached as { required: string[]; properties: Record<string, unknown> };

      expect([...duplicate.required].sort()).toEqual(['error', 'field', 'message']);
      expect(duplicate.additionalProperties).toBe(false);
      expect(capped.required).not.toContain('retry_after');
      expect(capped.properties.retry_after).toBeDefined();
    });
  });

  describe('a copy served by a deployment', () => {
    it('names the URL it was fetched from, in its introduction\'s request too, and nothing else changes', () => {
      const served = buildOpenApiDocument({ serverUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod' });

      expect(served.servers).toEqual([{ url: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod', description: 'This deployment.' }]);
      expect(served.info.description).toContain('curl https://abc.execute-api.eu-west-1.amazonaws.com/prod/api/v1/ingest');
      expect(served.info.description).not.toContain('localhost');
      expect({ ...served, servers: document.servers, info: document.info }).toEqual(document);
    });
  });
});
