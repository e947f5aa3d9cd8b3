import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { entryPath, ROUTES } from '../../lambdas/routes';
import { esbuildOptions, FUNCTION_BUNDLING } from '../../lib/function-bundling';
import { LeadIngestStack } from '../../lib/lead-ingest-stack';

const ROOT = path.join(__dirname, '..', '..');
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
const LOCK = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };

/** The version package-lock.json pins for a package. */
const locked = (name: string) => LOCK.packages[`node_modules/${name}`].version;

/** The package's own name and version as the SDK embeds them (its user agent reads them), minified. */
const embedded = (name: string) => `name:"${name}",version:"${locked(name)}"`;

/**
 * A call that loads an SDK module from outside the bundle. (The bundled signature code carries
 * an error message quoting `[require("@aws-sdk/signature-v4-crt");]`, which is text, not a call.)
 */
const EXTERNAL_SDK_REQUIRE = /require\("@(?:aws-sdk|smithy)\/[^"]+"\)(?!;\])/;

/** What runs on AWS is what the tests ran: the SDK of package-lock.json, inside every bundle. */
describe('function bundles', () => {
  it('leaves no module to the runtime in the one bundling definition', () => {
    expect(FUNCTION_BUNDLING.externalModules).toEqual([]);
    expect(FUNCTION_BUNDLING.bundleAwsSDK).toBe(true);
  });

  it("builds an entry with the stack's options into one file holding the locked SDK versions", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      const outfile = path.join(outdir, 'index.js');
      const result = buildSync({ ...esbuildOptions(entryPath(ROUTES.find((route) => route.name === 'Ingest')!.entry), outfile), metafile: true });
      const bundle = fs.readFileSync(outfile, 'utf8');

      const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
      expect(imports.filter((imported) => imported.external && /^@(aws-sdk|smithy)\//.test(imported.path))).toEqual([]);
      expect(bundle).toContain(embedded('@aws-sdk/client-dynamodb'));
      // Loaded on first use only (ping ids), but bundled all the same.
      expect(bundle).toContain(embedded('@aws-sdk/client-secrets-manager'));
      expect(bundle).not.toMatch(EXTERNAL_SDK_REQUIRE);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('as the stack synthesizes them', () => {
    let outdir: string;
    let functions: { id: string; bundle: string; environment: Record<string, unknown> }[];

    beforeAll(() => {
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
      const app = new App({ outdir, context: CDK_JSON_CONTEXT });
      const template = Template.fromStack(new LeadIngestStack(app, 'LeadIngestApi'));
      functions = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } })).map(([id, resource]) => {
        const hash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, '');
        return {
          id,
          bundle: fs.readFileSync(path.join(outdir, `asset.${hash}`, 'index.js'), 'utf8'),
          environment: resource.Properties.Environment?.Variables ?? {},
        };
      });
    });
    afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

    it('bundles every function with nothing of the SDK left external', () => {
      expect(functions.length).toBeGreaterThanOrEqual(ROUTES.length + 2);
      for (const { id, bundle } of functions) {
        expect({ id, external: EXTERNAL_SDK_REQUIRE.exec(bundle)?.[0] }).toEqual({ id, external: undefined });
      }
    });

    it('puts the DynamoDB client of package-lock.json into every function that reads the table', () => {
      const tableFunctions = functions.filter(({ environment }) => 'TABLE_NAME' in environment);
      expect(tableFunctions.length).toBeGreaterThanOrEqual(ROUTES.length + 1);
      for (const { id, bundle } of tableFunctions) {
        expect({ id, bundled: bundle.includes(embedded('@aws-sdk/client-dynamodb')) }).toEqual({ id, bundled: true });
      }
    });
  });
});
