import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_API_KEY, EXAMPLE_CAMPAIGN_ID } from '../../lambdas/docs/api-examples';
import { renderDocsPage } from '../../lambdas/docs/docs-page';
import { buildOpenApiDocument } from '../../lambdas/docs/openapi.document';
import { startE2e, type E2eHarness } from '../support/e2e-harness';

/**
 * Every code sample on the served /docs page, run as a supplier would run it against the local
 * runtime: curl and Node always, Python with Debian's python3-requests and PHP with php-cli.
 * Only the placeholders change (the key and the campaign; the page already names the server
 * it was fetched from). The runtime's self-signed certificate is trusted through each tool's
 * own environment variable, so no sample is edited for the test.
 */

/** How each language runs: the file it is written to and the program that runs it. */
const RUNNERS = {
  sh: { file: 'sample.sh', command: 'bash' },
  js: { file: 'sample.js', command: process.execPath },
  python: { file: 'sample.py', command: '/usr/bin/python3' },
  php: { file: 'sample.php', command: '/usr/bin/php' },
} as const;
type Language = keyof typeof RUNNERS;

interface Sample {
  readonly label: string;
  readonly language: Language;
  readonly code: string;
  /** A guide sample: it must end with a stored lead. A route's example may be an error's request. */
  readonly fromGuide: boolean;
}

const SERVER_PLACEHOLDER = 'https://docs-samples.invalid';

/** The code blocks of a docs page, each with its language: the fence's tag, or curl for a route's example. */
function codeSamples(html: string): { samples: Sample[]; unknown: string[] } {
  const samples: Sample[] = [];
  const unknown: string[] = [];
  for (const [, language, escaped] of html.matchAll(/<pre><code(?: class="language-([a-z]+)")?>([\s\S]*?)<\/code><\/pre>/g)) {
    const code = unescapeHtml(escaped);
    const tagged = language as Language | undefined;
    if (tagged && tagged in RUNNERS) samples.push({ label: `${tagged} #${samples.length + 1}`, language: tagged, code, fromGuide: true });
    else if (!tagged && code.startsWith('curl ')) samples.push({ label: `curl example #${samples.length + 1}`, language: 'sh', code, fromGuide: false });
    else if (!tagged && isJson(code)) continue; // an answer's example, not a request
    else unknown.push(code.slice(0, 80));
  }
  return { samples, unknown };
}

describe('the code samples on /docs', () => {
  const expected = codeSamples(renderDocsPage(buildOpenApiDocument({ serverUrl: SERVER_PLACEHOLDER })).html);
  let harness: E2eHarness;
  let served: Sample[];
  let workDir: string;
  let caFile: string;

  beforeAll(async () => {
    harness = await startE2e('docs-samples');
    workDir = mkdtempSync(join(tmpdir(), 'docs-samples-'));
    caFile = join(workDir, 'ca.pem');
    writeFileSync(caFile, harness.ca);
    const page = await harness.client.send('GET', '/docs');
    served = codeSamples(page.text).samples;
  });

  afterAll(async () => {
    await harness.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('are all of a known language, in all four languages, and the served page has them all', () => {
    expect(expected.unknown).toEqual([]);
    const languages = expected.samples.filter((sample) => sample.fromGuide).map((sample) => sample.language);
    for (const language of Object.keys(RUNNERS)) expect(languages.filter((name) => name === language).length).toBeGreaterThanOrEqual(2);
    expect(served.map((sample) => sample.code)).toEqual(expected.samples.map((sample) => sample.code.split(SERVER_PLACEHOLDER).join(harness.app.url)));
  });

  it.each(expected.samples.map((sample, index) => [sample.label, index] as const))('%s runs and gets its answer', async (_label, index) => {
    const sample = served[index];
    const pingThenPost = sample.code.includes('/api/v1/ping') && sample.code.includes('/api/v1/ingest');
    const campaign = await harness.admin.createCampaign(`Sample ${index}`, pingThenPost ? { mode: 'ping_post' } : {});
    const created = await harness.admin.createSupplier(`Sample supplier ${index}`);
    await harness.admin.attach(created.supplier.supplierId, campaign.campaignId);
    const code = sample.code.split(EXAMPLE_API_KEY).join(created.key.apiKey).split(EXAMPLE_CAMPAIGN_ID).join(campaign.campaignId);

    const result = await run(sample.language, code, workDir, caFile);

    // curl draws its progress meter on stderr when its output is not a terminal; the others print nothing there.
    expect({ exit: result.code, stderr: sample.language === 'sh' ? '' : result.stderr }).toEqual({ exit: 0, stderr: '' });
    if (sample.fromGuide) {
      // A stored lead: its id, and no error code, in whatever form the language prints.
      expect(result.stdout).toMatch(/lead_[0-9a-f]{20}/);
      expect(result.stdout).not.toMatch(/["']error["']/);
    } else {
      // A route's example: curl prints the answer, which is the API's JSON (a lead, a ping or an error).
      const answer = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(Boolean(answer.data ?? answer.ping_id ?? answer.error)).toBe(true);
    }
  });
});

async function run(language: Language, code: string, dir: string, caFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const runner = RUNNERS[language];
  const file = join(dir, runner.file);
  writeFileSync(file, code);
  return new Promise((resolve) => {
    execFile(
      runner.command,
      [file],
      {
        cwd: dir,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          // Each tool's own way to trust another CA: the samples stay as a supplier reads them.
          CURL_CA_BUNDLE: caFile,
          NODE_EXTRA_CA_CERTS: caFile,
          REQUESTS_CA_BUNDLE: caFile,
          SSL_CERT_FILE: caFile,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
