/**
 * The files one warm plain ingest executes, as V8 coverage of that one request lists them: the
 * README's layout walk is checked against this. It runs the local runtime in this process over a
 * DynamoDB Local of its own, posts one lead to warm every cache, resets the coverage counters,
 * posts a second lead, and prints each project file in which a function ran, with the functions.
 *
 * `npm run layout-walk`
 */
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoLocal } from '../local/dynamodb-local';
import { freePort } from '../test/support/free-port';
import { ROOT } from './bench/root';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; endOffset: number; count: number }[];
}

/** The loader's own helpers in a transformed module: export getters (`name: () => name`) and `__name`. */
function loaderHelper(fn: FunctionCoverage, source: string): boolean {
  const range = fn.ranges[0]!;
  return fn.functionName === '__name' || /^\(\)\s*=>\s*[\w$.[\]]+$/.test(source.slice(range.startOffset, range.endOffset));
}

async function main(): Promise<void> {
  const dynamo = await startDynamoLocal({ port: await freePort() });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  const session = new Session();
  session.connect();
  try {
    // Loaded after the endpoint is set: the test table reads it.
    const { startE2e } = await import('../test/support/e2e-harness');
    const harness = await startE2e('layout-walk', { checkContract: false });
    const campaign = await harness.admin.createCampaign('Layout walk');
    const { supplier, key } = await harness.admin.createSupplier('Layout supplier');
    await harness.admin.attach(supplier.supplierId, campaign.campaignId);
    const ingest = (n: number) =>
      harness.client.send('POST', '/api/v1/ingest', {
        headers: { 'x-api-key': key.apiKey },
        body: { flo_campaign_id: campaign.campaignId, first_name: 'Walk', last_name: 'Lead', state: 'CA', email: `walk${n}@example.com` },
      });
    await session.post('Debugger.enable');
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    const warm = await ingest(1);
    await session.post('Profiler.takePreciseCoverage'); // resets the counters
    const measured = await ingest(2);
    const { result } = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    console.log(`warm-up ${warm.status}, measured ${measured.status}`);

    const ran = new Map<string, string[]>();
    for (const script of result) {
      if (!script.url.startsWith('file://')) continue;
      const file = relative(ROOT, fileURLToPath(script.url));
      if (file.startsWith('..') || file.startsWith('node_modules') || file.startsWith('scripts') || file.startsWith('test')) continue;
      const { scriptSource } = await session.post('Debugger.getScriptSource', { scriptId: script.scriptId });
      const names = (script.functions as FunctionCoverage[])
        .filter((fn) => fn.ranges[0] !== undefined && fn.ranges[0].count > 0 && !loaderHelper(fn, scriptSource))
        .map((fn) => fn.functionName || '(anonymous)');
      if (names.length > 0) ran.set(file, [...new Set(names)]);
    }
    const files = [...ran.keys()].sort();
    for (const area of ['local', 'lambdas']) {
      const inArea = files.filter((file) => file.startsWith(`${area}/`));
      console.log(`\n${area}/: ${inArea.length} files`);
      for (const file of inArea) console.log(`  ${file}: ${ran.get(file)!.join(', ')}`);
    }
    await harness.close();
  } finally {
    session.disconnect();
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
