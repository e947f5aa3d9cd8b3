import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRequestEntries } from '../../cli/report/local-request-source';
import { REPORT_KEYS, ReportCounts } from '../../cli/report/report-counts';
import { createLogger } from '../../lambdas/shared/logger';
import { REQUEST_LINE_MESSAGE, type RequestLine } from '../../lambdas/shared/request-outcome';
import { RequestLogFile } from '../../local/request-log-file';

const OUTCOMES = ['accepted', 'accepted', 'accepted', 'test', 'replayed', 'duplicate_lead', 'lead_cap_reached', 'filtered', 'validation_failed', 'rate_limited'] as const;

/**
 * `leadctl report`'s local read: `lines` request lines, written through the runtime's own logger
 * into a request log file (rotation off: one file), then counted by all four keys as the command
 * does. Prints the time and the heap before, at its peak during, and after the read: the read
 * streams, so the heap stays flat whatever the number of lines.
 */
export async function reportRead(lines: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const file = new RequestLogFile(dir, { maxBytes: Number.MAX_SAFE_INTEGER, keptFiles: 1 });
    const logger = createLogger('silent', undefined, (line) => file.append(line));
    const writeStarted = performance.now();
    for (let index = 0; index < lines; index += 1) {
      const line: RequestLine = {
        route: 'Ingest',
        campaignId: `cmp_${(index % 20).toString(16).padStart(20, '0')}`,
        supplierId: `sup_${(index % 50).toString(16).padStart(20, '0')}`,
        keyId: `key_${(index % 50).toString(16).padStart(20, '0')}`,
        status: 201,
        outcome: OUTCOMES[index % OUTCOMES.length],
        latencyMs: 12,
        requestId: '8f0e2b8c-3d0a-4d7e-9a57-1f6c7c1f2b3a',
      };
      logger.metric(REQUEST_LINE_MESSAGE, { ...line });
    }
    file.close();
    const writeMs = performance.now() - writeStarted;

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const samples: number[] = [];
    const counts = new ReportCounts(REPORT_KEYS, 'America/New_York');
    const now = new Date();
    const range = { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 86_400_000), timeZone: 'America/New_York' };
    const started = performance.now();
    let read = 0;
    for await (const entries of localRequestEntries(dir, range, 1)) {
      for (const entry of entries) counts.add(entry);
      const before = read;
      read += entries.length;
      if (Math.floor(read / 100_000) > Math.floor(before / 100_000)) samples.push(process.memoryUsage().heapUsed);
    }
    const readMs = performance.now() - started;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log('\nleadctl report, local (all four --by keys, days in America/New_York)');
    console.log(`  ${lines} request lines written through the logger in ${(writeMs / 1000).toFixed(1)} s`);
    console.log(`  read and counted ${read} lines into ${counts.rows().length} rows in ${(readMs / 1000).toFixed(2)} s (${Math.round(read / (readMs / 1000))} lines/s)`);
    console.log(`  heap: ${mb(heapBefore)} before; every 100,000 lines: ${samples.map(mb).join(', ')} (garbage between collections, not growing with the lines)`);
    console.log('  Accounting adds no DynamoDB call and no DynamoDB write to any request: the request line is built from what the');
    console.log('  request already knew (see the calls per request above, counted with it on, and test/e2e/round-trips.test.ts).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
