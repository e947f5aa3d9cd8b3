import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PING_ID_PLACEHOLDER } from '../../lambdas/docs/campaign-spec';
import { startE2e, type E2eHarness } from '../support/e2e-harness';
import { freePort } from '../support/free-port';
import { leadctl as runLeadctl } from '../support/leadctl-runner';

const ROOT = resolve(__dirname, '..', '..');

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(file, [...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 90_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * `leadctl campaign spec`, run in this process against the local runtime's table, and the
 * requests it prints pasted into a shell (with the real key) against the running API.
 */
describe('leadctl campaign spec', () => {
  let harness: E2eHarness;
  let dataDir: string;
  let caFile: string;
  let env: Record<string, string>;
  let apiKey: string;
  let supplierId: string;
  let pingPostId: string;
  let directId: string;

  beforeAll(async () => {
    harness = await startE2e('spec');
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-spec-'));
    caFile = join(dataDir, 'ca.pem');
    writeFileSync(caFile, harness.ca);
    env = {
      DYNAMODB_PORT: new URL(harness.table.endpoint).port,
      LOCAL_TABLE_NAME: harness.table.tableName,
      LOCAL_DATA_DIR: dataDir,
      PORT: new URL(harness.app.url).port,
      HOST: 'localhost',
      CAP_TIME_ZONE: 'UTC',
    };
    pingPostId = (
      await harness.admin.createCampaign('Solar NV', {
        mode: 'ping_post',
        requiredFields: ['zip', 'roof_type'],
        allowedStates: ['NV', 'CA'],
        dedupeDays: 30,
        dedupeOn: ['phone', 'email'],
      })
    ).campaignId;
    directId = (await harness.admin.createCampaign('Direct')).campaignId;
    const created = await harness.admin.createSupplier('Spec supplier');
    supplierId = created.supplier.supplierId;
    apiKey = created.key.apiKey;
    await harness.admin.attach(supplierId, pingPostId, { leadCap: 50, pingCap: 500, capWindow: 'week' });
    await harness.admin.attach(supplierId, directId);
  });

  afterAll(async () => {
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const leadctl = (...args: string[]) => runLeadctl(args, env);
  /** The printed curl, as a user would paste it: their key, and the certificate where the test keeps it. */
  const paste = async (curl: string, replacements: Record<string, string> = {}) => {
    let command = curl.replace('YOUR_API_KEY', apiKey).replace('.local/tls/cert.pem', caFile);
    for (const [from, to] of Object.entries(replacements)) command = command.replace(from, to);
    const result = await run('bash', ['-c', `${command} -s -w '\\n%{http_code}'`]);
    const lines = result.stdout.trimEnd().split('\n');
    return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n')) };
  };

  describe('for a ping/post campaign with filters, duplicates and caps', () => {
    it('states the rules and the supplier\'s caps, and its requests pass: ping 200, then post 201', async () => {
      const result = await leadctl('campaign', 'spec', pingPostId, '--supplier', supplierId, '--json');
      expect(result.stderr).toBe('');
      const spec = JSON.parse(result.stdout);

      expect(spec).toMatchObject({
        campaignId: pingPostId,
        endpoint: `${harness.app.url}/api/v1/ingest`,
        mode: 'ping_post',
        allowedStates: ['NV', 'CA'],
        dedupe: { days: 30, on: ['phone', 'email'] },
        supplier: { supplierId, attached: true, paused: false, leadCap: { limit: 50, used: 0, window: 'week' }, pingCap: { limit: 500, window: 'week' } },
      });
      expect(spec.requiredFields).toEqual(expect.arrayContaining(['flo_campaign_id', 'email', 'flo_ping_id', 'zip', 'roof_type']));
      expect(spec.answers.map((answer: { code: string }) => answer.code)).toEqual(
        expect.arrayContaining(['ACCEPTED', 'duplicate_lead', 'filtered', 'ping_expired', 'lead_cap_reached', 'ping_cap_reached']),
      );
      expect(spec.requests).toHaveLength(2);

      const ping = await paste(spec.requests[0].curl);
      expect(ping.status).toBe(200);
      const post = await paste(spec.requests[1].curl, { [PING_ID_PLACEHOLDER]: ping.body.ping_id });
      expect(post.status).toBe(201);
      expect(post.body.data).toMatchObject({ campaign_id: pingPostId, caps: { lead: { limit: 50, used: 1 } } });
    });

    it('prints Markdown a supplier can read', async () => {
      const result = await leadctl('campaign', 'spec', pingPostId, '--supplier', supplierId);

      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`# Posting spec: Solar NV (${pingPostId})`);
      expect(result.stdout).toContain('**Mode:** ping/post');
      expect(result.stdout).toContain('**Allowed states:** NV, CA.');
      expect(result.stdout).toContain('the last 30 days answers 409 `duplicate_lead`');
      expect(result.stdout).toContain('**Lead cap:** 50 per week');
      expect(result.stdout).toContain(`curl --cacert .local/tls/cert.pem ${harness.app.url}/api/v1/ping`);
      expect(result.stdout).toContain('| 422 | `filtered` |');
      expect(result.stdout).not.toContain(apiKey);
    });

    it('with --format openapi, narrows the request schema to the campaign and still lints', async () => {
      const result = await leadctl('campaign', 'spec', pingPostId, '--format', 'openapi');
      expect(result.status).toBe(0);
      const document = JSON.parse(result.stdout);
      const file = join(dataDir, 'spec.json');
      writeFileSync(file, result.stdout);
      const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
      addFormats(ajv);
      const validate = ajv.compile(document.components.schemas.IngestBody);
      const example = document.paths['/api/v1/ingest'].post.requestBody.content['application/json'].examples.lead.value;

      expect(document.servers).toEqual([{ url: harness.app.url, description: 'This deployment.' }]);
      expect(validate(example)).toBe(true);
      expect(validate({ ...example, state: 'TX' })).toBe(false);
      // The server takes a state trimmed and in any case; so does the spec.
      expect(validate({ ...example, state: ' ca ' })).toBe(true);
      expect(validate({ ...example, flo_campaign_id: directId })).toBe(false);
      const { roof_type: _roof, ...withoutRoof } = example;
      expect(validate(withoutRoof)).toBe(false);
      const { flo_ping_id: _ping, ...withoutPing } = example;
      expect(validate(withoutPing)).toBe(false);

      const lint = await run(process.execPath, [join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--config', join(ROOT, 'redocly.yaml')], {
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      });
      expect(lint.status).toBe(0);
    });
  });

  describe('for a direct campaign', () => {
    it('prints one request, and it answers 201', async () => {
      const spec = JSON.parse((await leadctl('campaign', 'spec', directId, '--json')).stdout);

      expect(spec).toMatchObject({ mode: 'direct', allowedStates: [], dedupe: { days: 0, on: [] } });
      expect(spec.supplier).toBeUndefined();
      expect(spec.answers.map((answer: { code: string }) => answer.code)).not.toContain('duplicate_lead');
      expect(spec.requests).toHaveLength(1);
      expect((await paste(spec.requests[0].curl)).status).toBe(201);
    });
  });

  describe('for a phone-only campaign with typed fields, refusing undeclared ones and requiring TrustedForm', () => {
    it('narrows the OpenAPI to exactly its fields and types: its own example passes the schema and the API, what the API refuses the schema refuses', async () => {
      const campaignId = (await harness.admin.createCampaign('Loans', { contact: 'phone', consent: 'trustedform', consentMaxAgeHours: 24, unknownFields: 'refuse' })).campaignId;
      await harness.admin.campaigns.addCampaignField(campaignId, { name: 'loan_amount', type: 'integer', min: 1000, max: 50000 }, true);
      await harness.admin.campaigns.addCampaignField(campaignId, { name: 'purpose', type: 'enum', values: ['auto', 'home'] }, false);
      await harness.admin.attach(supplierId, campaignId);
      const document = JSON.parse((await leadctl('campaign', 'spec', campaignId, '--format', 'openapi')).stdout);
      const spec = JSON.parse((await leadctl('campaign', 'spec', campaignId, '--json')).stdout);
      const markdown = (await leadctl('campaign', 'spec', campaignId)).stdout;
      const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
      addFormats(ajv);
      const validate = ajv.compile(document.components.schemas.IngestBody);
      const validateForm = ajv.compile(document.components.schemas.IngestForm);
      const example = document.paths['/api/v1/ingest'].post.requestBody.content['application/json'].examples.lead.value;
      const { email: _email, ...withoutEmail } = example;
      const { phone: _phone, ...withoutPhone } = example;
      const { trustedform_cert_url: _cert, ...withoutCert } = example;

      expect(document.components.schemas.IngestBody.properties.loan_amount).toMatchObject({ type: 'integer', minimum: 1000, maximum: 50000 });
      expect(document.components.schemas.IngestForm.properties.loan_amount).toMatchObject({ type: 'string' });
      expect(validate(example)).toBe(true);
      expect(validate(withoutEmail)).toBe(true);
      for (const refused of [withoutPhone, withoutCert, { ...example, loan_amount: '5000' }, { ...example, loan_amount: 999 }, { ...example, purpose: 'boat' }, { ...example, notes: 'x' }]) {
        expect(validate(refused)).toBe(false);
      }
      expect(validateForm({ ...example, loan_amount: '5000' })).toBe(true);
      expect(spec.requiredFields).toEqual(['flo_campaign_id', 'phone', 'trustedform_cert_url', 'consented_at', 'loan_amount']);
      expect(markdown).toContain('**Custom fields:** `loan_amount`: integer 1000..50000; `purpose`: enum one of auto, home; any other field answers 400 `unknown_field`.');
      expect(markdown).toContain('**Consent evidence:** a TrustedForm certificate');
      expect((await paste(spec.requests[0].curl)).status).toBe(201);
      const refusedByApi = await paste(spec.requests[0].curl.replace(/"loan_amount":\d+/, '"loan_amount":"5000"'));
      expect([refusedByApi.status, refusedByApi.body.field_errors[0].field]).toEqual([400, 'loan_amount']);
    });
  });

  describe('a mistake', () => {
    it('is a usage error for an unknown format, and a failure for an unknown campaign', async () => {
      const [format, missing] = await Promise.all([
        leadctl('campaign', 'spec', directId, '--format', 'yaml'),
        leadctl('campaign', 'spec', 'cmp_nope'),
      ]);

      expect(format.status).toBe(2);
      expect(format.stderr).toContain('--format must be md or openapi');
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('cmp_nope');
    });
  });
});

/**
 * Locally, the URL in a spec is the one the running `npm start` serves, whatever PORT says in
 * the shell leadctl runs in; `--base-url` overrides it.
 */
describe('leadctl campaign spec beside a running npm start', () => {
  let dataDir: string;
  let runtime: ChildProcess;
  let runtimeUrl: string;
  let campaignId: string;
  let leadctlEnv: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'leadctl-spec-runtime-'));
    const dynamoPort = String(await freePort());
    // PORT=0: the runtime takes a free port, known only once it listens.
    runtime = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'local', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: dynamoPort, PORT: '0', LOG_LEVEL: 'warn', LOCAL_EVENTS: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = await new Promise<string>((resolve, reject) => {
      let text = '';
      runtime.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('Ctrl-C stops it')) resolve(text);
      });
      runtime.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
      runtime.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${text}`)));
    });
    runtimeUrl = /Lead ingest API on (https:\/\/\S+) /.exec(output)![1];
    campaignId = /campaign +(cmp_\S+)/.exec(output)![1];
    leadctlEnv = { LOCAL_DATA_DIR: dataDir, DYNAMODB_PORT: dynamoPort, PORT: String(await freePort()), HOST: 'localhost' };
  }, 180_000);

  afterAll(async () => {
    if (runtime?.exitCode === null) {
      const exited = new Promise((resolve) => runtime.once('exit', resolve));
      runtime.kill('SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const leadctl = (...args: string[]) => runLeadctl(args, leadctlEnv);

  it("prints the runtime's URL, not one from leadctl's own PORT, in Markdown and in the OpenAPI document's servers", async () => {
    const [markdown, openapi] = await Promise.all([leadctl('campaign', 'spec', campaignId), leadctl('campaign', 'spec', campaignId, '--format', 'openapi')]);

    expect(runtimeUrl).toMatch(/^https:\/\/localhost:[1-9][0-9]*$/);
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toContain(`${runtimeUrl}/api/v1/ingest`);
    expect(markdown.stdout).not.toContain(`:${leadctlEnv.PORT}`);
    expect(JSON.parse(openapi.stdout).servers).toEqual([{ url: runtimeUrl, description: 'This deployment.' }]);
  });

  it('prints the URL given with --base-url instead, and refuses one that is not an http(s) URL', async () => {
    const [markdown, openapi, wrong] = await Promise.all([
      leadctl('campaign', 'spec', campaignId, '--base-url', 'https://leads.example.com/'),
      leadctl('campaign', 'spec', campaignId, '--format', 'openapi', '--base-url', 'https://leads.example.com'),
      leadctl('campaign', 'spec', campaignId, '--base-url', 'leads.example.com'),
    ]);

    expect(markdown.stdout).toContain('https://leads.example.com/api/v1/ingest');
    expect(markdown.stdout).not.toContain(runtimeUrl);
    expect(JSON.parse(openapi.stdout).servers[0].url).toBe('https://leads.example.com');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--base-url must be an absolute URL');
  });
});
