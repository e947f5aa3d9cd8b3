import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync as esbuildBuildSync, type Metafile } from 'esbuild';
import { AUTHORIZER_ENTRY, PUBLIC_ROUTES, ROUTES } from '../../lambdas/routes';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '../../lib/function-bundling';
import { ROOT } from './root';

/** Cold start: module load of each function bundle against a bundle of the AWS SDK clients it uses. */
export function moduleLoad(): void {
  const directory = join(ROOT, '.local', 'bench-bundles');
  mkdirSync(directory, { recursive: true });
  const entries = [
    ...ROUTES.map((route) => ({ name: route.name, entry: route.entry })),
    { name: 'Authorizer', entry: AUTHORIZER_ENTRY },
    // The docs function serves both public routes from one module.
    { name: 'Docs', entry: PUBLIC_ROUTES[0].entry },
  ];
  console.log(`Cold start: each function bundle as the stack builds it (FUNCTION_BUNDLING: the AWS SDK bundled, minified, source maps),`);
  console.log(`loaded with NODE_OPTIONS=${FUNCTION_NODE_OPTIONS} as on Lambda; median of 15 fresh processes each, against a bundle of`);
  console.log('the SDK clients alone that the function uses (built the same way), and against the same bundle with the SDK left');
  console.log("external and loaded from node_modules, as the runtime's own SDK would be");
  console.log('  function     bundle KB   map KB   load ms   SDK clients only KB   load ms   ratio   SDK external KB   load ms   SDK clients');
  for (const { name, entry } of entries) {
    const bundle = join(directory, `${name}.js`);
    const clients = sdkClientsOf(buildSync(join(ROOT, 'lambdas', entry), bundle));
    // Inside the project, so that the external SDK resolves from its node_modules.
    const external = join(directory, `${name}.sdk-external.js`);
    buildSync(join(ROOT, 'lambdas', entry), external, ['@aws-sdk/*', '@smithy/*']);
    const baselineEntry = join(directory, `${name}.sdk-only.ts`);
    const baseline = join(directory, `${name}.sdk-only.js`);
    // The client classes only: what any caller of these clients loads, without our code or commands.
    writeFileSync(baselineEntry, clients.map((client) => `export { ${clientClass(client)} } from ${JSON.stringify(client)};`).join('\n'));
    if (clients.length > 0) buildSync(baselineEntry, baseline);
    // Alternate the two in each round, so that a busy moment on the machine weighs on both alike.
    const once = (file: string) =>
      Number(
        execFileSync(
          process.execPath,
          [FUNCTION_NODE_OPTIONS, '-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`],
          { cwd: directory },
        ).toString(),
      );
    const ownSamples: number[] = [];
    const sdkSamples: number[] = [];
    const externalSamples: number[] = [];
    for (let round = 0; round < 15; round += 1) {
      ownSamples.push(once(bundle));
      if (clients.length > 0) sdkSamples.push(once(baseline));
      externalSamples.push(once(external));
    }
    const median = (samples: number[]) => [...samples].sort((x, y) => x - y)[Math.floor(samples.length / 2)];
    const kb = (file: string) => (statSync(file).size / 1024).toFixed(0);
    const own = median(ownSamples);
    // A function that uses no SDK client (docs) has no baseline to compare with.
    const sdk = clients.length > 0 ? median(sdkSamples) : undefined;
    console.log(
      `  ${name.padEnd(12)} ${kb(bundle).padStart(9)}   ${kb(`${bundle}.map`).padStart(6)}   ${own.toFixed(1).padStart(7)}   ${(sdk === undefined ? '-' : kb(baseline)).padStart(19)}   ${(sdk === undefined ? '-' : sdk.toFixed(1)).padStart(7)}   ${(sdk === undefined ? 'n/a' : (own / sdk).toFixed(2)).padStart(5)}   ${kb(external).padStart(15)}   ${median(externalSamples).toFixed(1).padStart(7)}   ${clients.join(', ') || 'none'}`,
    );
  }
}

/** The AWS SDK client packages a bundle took in (from esbuild's metafile). */
function sdkClientsOf(metafile: Metafile): string[] {
  const packages = Object.keys(metafile.inputs)
    .map((input) => /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb))\//.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(packages)].sort();
}

/** The package's client class, e.g. `DynamoDBClient` or `DynamoDBDocumentClient`. */
function clientClass(client: string): string {
  const names = Object.keys(require(client) as Record<string, unknown>).filter((key) => /^[A-Z]\w*Client$/.test(key));
  if (names.length !== 1) throw new Error(`${client}: expected one client class, found ${names.join(', ') || 'none'}`);
  return names[0];
}

/** Bundles exactly as the stack does (`esbuildOptions` reads `FUNCTION_BUNDLING`), or with `external` left out for comparison. */
function buildSync(entry: string, outfile: string, external?: string[]): Metafile {
  const result = esbuildBuildSync({ ...esbuildOptions(entry, outfile), metafile: true, ...(external ? { external } : {}) });
  return result.metafile;
}
