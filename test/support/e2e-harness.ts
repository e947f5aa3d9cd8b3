import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminService } from '../../admin/admin.service';
import { loadConfig } from '../../lambdas/shared/config';
import { createLogger } from '../../lambdas/shared/logger';
import { adminService } from '../../local/local-admin';
import { startLocalApp, type LocalApp, type LocalAppOptions } from '../../local/local-app';
import { RequestLogFile } from '../../local/request-log-file';
import { localCertificate } from '../../local/tls';
import { httpsClient } from './https-client';
import { sharedContract } from './openapi-contract';
import { createTestTable, type TestTable } from './test-table';
import { TEST_PING_SECRET } from './world';

export interface E2eHarness {
  readonly app: LocalApp;
  /** The suite's own table, reached directly (not through the runtime's endpoint). */
  readonly table: TestTable;
  readonly admin: AdminService;
  readonly client: ReturnType<typeof httpsClient>;
  readonly ca: string;
  /** The runtime's data directory (its TLS files, and `requests.jsonl` with `requestLog`). */
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The local runtime on a free port over its own table, and an HTTPS client that trusts it. */
export async function startE2e(
  suite: string,
  options: {
    authCacheTtlSeconds?: number;
    env?: Record<string, string>;
    dynamoEndpoint?: string;
    /** Receives the runtime's log lines (at debug level) instead of silence. */
    logLines?: (line: string) => void;
    timeouts?: LocalAppOptions['timeouts'];
    throttle?: LocalAppOptions['throttle'];
    /** Check every answer against the OpenAPI document (default); the benchmark turns it off. */
    checkContract?: boolean;
    /** Keep request lines in `requests.jsonl` of the data directory, as `npm start` does. */
    requestLog?: boolean;
  } = {},
): Promise<E2eHarness> {
  const table: TestTable = await createTestTable(suite);
  const dataDir = mkdtempSync(join(tmpdir(), `lead-${suite}-`));
  const tls = await localCertificate(dataDir, 'localhost');
  const requestLog = options.requestLog ? new RequestLogFile(dataDir) : undefined;
  const record = requestLog ? (line: string) => requestLog.append(line) : undefined;
  const app = await startLocalApp({
    config: loadConfig({
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: options.dynamoEndpoint ?? table.endpoint,
      PING_SECRET: TEST_PING_SECRET,
      LOG_LEVEL: options.logLines ? 'debug' : 'silent',
      ...(options.env ?? {}),
    }),
    host: 'localhost',
    port: 0,
    tls,
    authCacheTtlSeconds: options.authCacheTtlSeconds ?? 60,
    logger: options.logLines ? createLogger('debug', options.logLines, record) : createLogger('silent', undefined, record),
    timeouts: options.timeouts,
    throttle: options.throttle,
  });
  // Every answer the end-to-end tier gets must be one the OpenAPI document allows.
  const contract = options.checkContract === false ? undefined : sharedContract();
  const client = httpsClient(app.url, tls.cert, contract ? { checkAnswer: (answer) => contract.assert(answer) } : {});
  return {
    app,
    table,
    admin: adminService(table.db, table.tableName),
    client,
    ca: tls.cert,
    dataDir,
    close: async () => {
      client.close();
      await app.close();
      requestLog?.close();
      await table.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
