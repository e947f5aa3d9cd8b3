/**
 * Benchmark, in one run: DynamoDB calls per request type counted on the wire (a proxy between
 * the runtime and DynamoDB Local), the read and write units AWS would bill for them, ingest
 * throughput and latency through the full local runtime over HTTPS side by side with a raw SDK
 * loop issuing the same DynamoDB call, and each function bundle's size and module load (built with
 * the stack's own bundling options) against a bundle of the AWS SDK clients it uses, and the CPU a
 * campaign's lead schema costs per request. Prints figures; asserts nothing.
 *
 * It also times `leadctl report`'s local read over a million request lines (flat memory), and
 * `leadctl console`'s pages on an account of 60 suppliers with a round trip added to each call.
 *
 * `npm run bench [-- --requests N] [--only calls|load|modules|schema|report|console] [--report-lines N]` (N requests per throughput run, default 3000; report lines default 1,000,000)
 */
import { parseArgs } from 'node:util';
import { startDynamoLocal } from '../local/dynamodb-local';
import { freePort } from '../test/support/free-port';
import { callsPerRequest } from './bench/calls-per-request';
import { consolePages } from './bench/console-pages';
import { leadSchemaCost } from './bench/lead-schema';
import { moduleLoad } from './bench/module-load';
import { reportRead } from './bench/report-read';
import { throughput } from './bench/throughput';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, only: { type: 'string' }, 'report-lines': { type: 'string', default: '1000000' } } });
  const requests = Number(values.requests);
  const part = (name: 'calls' | 'load' | 'modules' | 'schema' | 'report' | 'console') => values.only === undefined || values.only === name;
  if (part('modules')) moduleLoad();
  if (part('schema')) leadSchemaCost();
  if (part('report')) await reportRead(Number(values['report-lines']));
  if (!part('calls') && !part('load') && !part('console')) return;
  const dynamo = await startDynamoLocal({ port: await freePort() });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  try {
    if (part('calls')) await callsPerRequest(dynamo.endpoint);
    if (part('load')) await throughput(dynamo.endpoint, requests);
    if (part('console')) await consolePages(dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
