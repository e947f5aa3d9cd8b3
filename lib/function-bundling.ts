import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, in one place: the stack's functions (`ApiFunction`), the
 * bundle test and `npm run bench` all read it, so what is measured and tested is what is
 * deployed.
 *
 * The AWS SDK is bundled at the versions in package-lock.json rather than left to the one the
 * Lambda runtime ships: the bounded-time answer to a stalled DynamoDB (connection and request
 * timeouts, attempts; see `lambdas/shared/dynamo-client.ts`) rests on the SDK's request-timeout
 * behaviour, so the SDK that runs on AWS must be the one `npm test` ran. esbuild tree-shakes it
 * (ES module builds first) and minifies it; what that costs at cold start is what
 * `npm run bench` prints (README, "Cold start").
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  // Stack traces point into the TypeScript sources instead of the minified bundle; the
  // sources themselves are not shipped.
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  // No module is left to the runtime, the AWS SDK included.
  bundleAwsSDK: true,
  externalModules: [] as string[],
  // Prefer packages' ES module builds, which esbuild can tree-shake (zod's and the SDK's
  // CommonJS builds cannot be).
  mainFields: ['module', 'main'],
} satisfies BundlingOptions;

/** Node options the functions run with (`NODE_OPTIONS`), beside the bundle they load. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/**
 * The same bundle as esbuild's own options (what CDK passes on its command line), for building
 * an entry outside a synth: the bench and the bundle test.
 */
export function esbuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: FUNCTION_BUNDLING.target,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourceMap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    external: [...FUNCTION_BUNDLING.externalModules],
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    logLevel: 'silent',
  } satisfies BuildOptions;
}
