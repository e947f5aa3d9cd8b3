import { join, relative } from 'node:path';
import { THROTTLE } from '../lambdas/routes';
import { loadConfig } from '../lambdas/shared/config';
import { createLogger } from '../lambdas/shared/logger';
import { claimDataDir } from './data-dir-claim';
import { DYNAMODB_LOCAL_TIME_BUDGET, isDynamoUp, restrictDataDir, superviseDynamoLocal, type RunningDynamo } from './dynamodb-local';
import { adminService, localDocumentClient } from './local-admin';
import { EVENTS_FILE, EventStreamReader } from './event-stream-reader';
import { startLocalApp, type LocalApp } from './local-app';
import { loadLocalConfig, localPingSecret, type LocalConfig } from './local-config';
import { RequestLogFile, REQUEST_LOG_FILE } from './request-log-file';
import { ensureTable } from './table';
import { localCertificate } from './tls';

/**
 * `npm start`: DynamoDB Local with data under the data directory, the table, a demo campaign
 * and supplier on first run, and the API over HTTPS.
 */
async function main(): Promise<void> {
  // Lambda runs Node 24; locally on Node 20 the SDK's notice about future versions is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const local = loadLocalConfig();
  const print = (line = '') => process.stdout.write(`${line}\n`);

  restrictDataDir(local.dataDir);
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  let giveUp = (reason: string): void => {
    warn(`npm start failed: ${reason}`);
    process.exit(1);
  };
  const dataDir = join(local.dataDir, 'dynamodb');
  // One DynamoDB Local per data directory: the lock says who runs it. A DynamoDB Local left by
  // a crashed runtime is stopped here, so the one started below is supervised.
  const claim = await claimDataDir(local.dataDir, { owner: 'npm start', dynamoPort: local.dynamoPort, apiPort: local.port }, { report: warn });
  let dynamo: RunningDynamo;
  if (claim.kind === 'shared') {
    // Another `npm start` runs (and supervises) the data directory's DynamoDB Local.
    dynamo = { endpoint: `http://127.0.0.1:${claim.holder.dynamoPort}`, owned: false, stop: async () => undefined };
    print(`DynamoDB Local already running on ${dynamo.endpoint}, supervised by npm start (pid ${claim.holder.pid}) (data in ${relativePath(local.dataDir)})`);
  } else if (await isDynamoUp(local.dynamoEndpoint)) {
    // One started by hand on the port (none runs on this data directory): used, not supervised.
    dynamo = { endpoint: local.dynamoEndpoint, owned: false, stop: async () => undefined };
    print(`DynamoDB Local already running on ${dynamo.endpoint} (data in ${relativePath(local.dataDir)})`);
  } else {
    const { lock } = claim;
    const supervised = await superviseDynamoLocal({
      port: local.dynamoPort,
      dataDir,
      report: warn,
      giveUp: (reason) => giveUp(reason),
      spawned: (pid) => lock.update({ javaPid: pid }),
    }).catch((error: unknown) => {
      lock.release();
      throw error;
    });
    dynamo = supervised;
    print(`DynamoDB Local started (pid ${supervised.pid()}; restarted if it dies) on ${dynamo.endpoint} (data in ${relativePath(local.dataDir)})`);
  }
  try {
    const app = await serve(local, dynamo, print);
    // Where the API answers, for `leadctl campaign spec` run from another shell with other settings.
    if (claim.kind === 'own') claim.lock.update({ apiUrl: app.url });
    giveUp = (reason) => {
      warn(`npm start failed: ${reason}`);
      void app.close().finally(() => process.exit(1));
    };
  } catch (error) {
    // Leave no Java process behind when the rest cannot start (a busy port, say).
    await dynamo.stop();
    throw error;
  }
}

async function serve(local: LocalConfig, dynamo: RunningDynamo, print: (line?: string) => void): Promise<LocalApp> {
  const db = localDocumentClient(dynamo.endpoint);
  const table = await ensureTable(db, local.tableName);
  if (table === 'created') print(`Created table ${local.tableName}`);
  // A table made by an older version: leads stored before the export index existed are not in exports.
  if (typeof table === 'object') print(`Table ${local.tableName} upgraded: added ${table.upgraded.join(', ')}`);

  const config = loadConfig({
    TABLE_NAME: local.tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    CAP_TIME_ZONE: local.capTimeZone,
    PING_TTL_SECONDS: String(local.pingTtlSeconds),
    PING_SECRET: localPingSecret(local.dataDir),
    LOG_LEVEL: local.logLevel,
    CONFIG_CACHE_TTL_SECONDS: String(local.configCacheTtlSeconds),
  });
  const tls = await localCertificate(local.dataDir, local.host);
  const requestLog = new RequestLogFile(local.dataDir);
  const app = await startLocalApp({
    config,
    host: local.host,
    port: local.port,
    tls,
    authCacheTtlSeconds: local.authCacheTtlSeconds,
    logger: createLogger(local.logLevel, undefined, (line) => requestLog.append(line)),
    invocations: local.invocations,
    dynamoTimeBudget: DYNAMODB_LOCAL_TIME_BUDGET,
  });

  const admin = adminService(db, local.tableName, { capTimeZone: local.capTimeZone });
  if ((await admin.listCampaigns()).length === 0) {
    const campaign = await admin.createCampaign('Demo campaign');
    const { supplier, key } = await admin.createSupplier('Demo supplier');
    await admin.attach(supplier.supplierId, campaign.campaignId);
    const readOnly = await admin.createKey(supplier.supplierId, 'read-only');
    const cacert = relativePath(tls.certPath);
    print();
    print('First run: seeded a demo campaign and supplier. The keys are shown this once; only their hashes are stored.');
    print(`  campaign      ${campaign.campaignId}`);
    print(`  supplier      ${supplier.supplierId}`);
    print(`  ingest key    ${key.apiKey}`);
    print(`  read-only key ${readOnly.apiKey}`);
    print();
    print('Send a lead:');
    print(
      `  curl --cacert ${cacert} ${app.url}/api/v1/ingest -H 'x-api-key: ${key.apiKey}' -H 'content-type: application/json' ` +
        `-d '{"flo_campaign_id":"${campaign.campaignId}","first_name":"Jane","last_name":"Doe","email":"jane@example.com","phone":"+1 555 010 2030","state":"CA"}'`,
    );
  }
  db.destroy();

  const events = local.events
    ? new EventStreamReader({ endpoint: dynamo.endpoint, tableName: local.tableName, dataDir: local.dataDir, report: (line) => process.stderr.write(`${line}\n`) })
    : undefined;
  events?.start();

  print();
  print(`Lead ingest API on ${app.url} (HTTPS only, TLS 1.2+; ${THROTTLE.rateLimit} req/s, burst ${THROTTLE.burstLimit} per key; ` +
    `key decisions cached ${local.authCacheTtlSeconds} s). Ctrl-C stops it.`);
  print(`Supplier docs: ${app.url}/docs (OpenAPI document: ${app.url}/api/v1/openapi.json)`);
  if (events) print(`Lead events (the PutEvents entries the stack would send): tail -f ${relativePath(join(local.dataDir, EVENTS_FILE))}`);
  print(`Request log (what leadctl report counts): ${relativePath(join(local.dataDir, REQUEST_LOG_FILE))}`);
  print('Manage campaigns, suppliers and keys with: npx leadctl --help');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await events?.stop();
    await app.close();
    requestLog.close();
    await dynamo.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  return app;
}

function relativePath(path: string): string {
  const relativeToHere = relative(process.cwd(), path);
  return relativeToHere.startsWith('..') ? path : relativeToHere;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
