import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain } from '../../cli/report/billable';
import { gatewayOutcome } from '../../cli/report/insights-source';
import { localRequestEntries, requestEntry } from '../../cli/report/local-request-source';
import { ReportCounts, reportKeys } from '../../cli/report/report-counts';
import { formatRows, reportFormat } from '../../cli/report/report-output';
import { addDays, dayKeys, reportRange } from '../../cli/report/report-range';
import { scanCost } from '../../cli/report/request-log-target';
import { ANSWERED_OUTCOMES, isRequestOutcome } from '../../lambdas/shared/request-outcome';

const NOW = new Date('2026-12-05T15:30:00Z');

describe('the report range', () => {
  describe('without --from and --to', () => {
    it('is today in the zone', () => {
      expect(reportRange({ timeZone: 'America/New_York' }, NOW)).toEqual({
        from: new Date('2026-12-05T05:00:00Z'),
        to: new Date('2026-12-06T05:00:00Z'),
        timeZone: 'America/New_York',
      });
    });
  });

  describe('with dates and times', () => {
    it('takes a date as its whole day, a time as wall-clock time in the zone, and an instant as it is', () => {
      expect(reportRange({ from: '2026-11-01', to: '2026-11-02', timeZone: 'America/New_York' }, NOW)).toMatchObject({
        // 1 November 2026 is the day daylight saving ends there: 04:00Z, then 05:00Z.
        from: new Date('2026-11-01T04:00:00Z'),
        to: new Date('2026-11-03T05:00:00Z'),
      });
      expect(reportRange({ from: '2026-12-05T09:30', to: '2026-12-05T10:00:00Z', timeZone: 'Europe/Berlin' }, NOW)).toMatchObject({
        from: new Date('2026-12-05T08:30:00Z'),
        to: new Date('2026-12-05T10:00:00Z'),
      });
    });

    it('reads only --to as that day, only --from as up to the end of today', () => {
      expect(reportRange({ to: '2026-12-01', timeZone: 'UTC' }, NOW)).toMatchObject({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') });
      expect(reportRange({ from: '2026-12-01', timeZone: 'UTC' }, NOW)).toMatchObject({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-06T00:00:00Z') });
    });
  });

  describe('bad input', () => {
    it.each([
      [{ from: '2026-12-06', to: '2026-12-01', timeZone: 'UTC' }, /is after --to/],
      [{ from: '2026-02-30', timeZone: 'UTC' }, /--from must be a date/],
      [{ to: 'yesterday', timeZone: 'UTC' }, /--to must be a date/],
      [{ timeZone: 'Mars/Olympus' }, /--time-zone must be an IANA time zone/],
    ])('refuses %j', (options, message) => {
      expect(() => reportRange(options, NOW)).toThrow(message);
    });
  });

  it('puts an instant on its day in the zone, across a quarter-hour cache', () => {
    const day = dayKeys('Asia/Kathmandu');
    expect(day(Date.parse('2026-12-05T18:14:00Z'))).toBe('2026-12-05');
    expect(day(Date.parse('2026-12-05T18:15:00Z'))).toBe('2026-12-06');
  });

  it('counts calendar days back across a month, a year and a leap day', () => {
    expect([addDays('2026-12-05', -6), addDays('2027-01-03', -6), addDays('2028-03-02', -2), addDays('2026-12-31', 1)]).toEqual(['2026-11-29', '2026-12-28', '2028-02-29', '2027-01-01']);
  });
});

describe('--by', () => {
  it('defaults to all four keys and keeps the order given', () => {
    expect(reportKeys(undefined)).toEqual(['day', 'supplier', 'campaign', 'outcome']);
    expect(reportKeys('outcome,supplier')).toEqual(['outcome', 'supplier']);
  });

  it.each([['route'], [''], ['day,day']])("refuses '%s'", (value) => {
    expect(() => reportKeys(value)).toThrow(/--by/);
  });
});

describe('the counts', () => {
  it('count by the keys, with the filters, null where a request had no supplier', () => {
    const counts = new ReportCounts(['supplier', 'outcome'], 'UTC', { campaignId: 'cmp_x' });
    const at = Date.parse('2026-12-05T10:00:00Z');
    counts.add({ epochMs: at, supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'accepted' });
    counts.add({ epochMs: at, supplierId: 'sup_a', campaignId: 'cmp_x', outcome: 'accepted', count: 4 });
    counts.add({ epochMs: at, supplierId: 'sup_a', campaignId: 'cmp_y', outcome: 'accepted' });
    counts.add({ epochMs: at, campaignId: 'cmp_x', outcome: 'unauthorized' });

    expect(counts.rows()).toEqual([
      { supplier_id: null, outcome: 'unauthorized', count: 1 },
      { supplier_id: 'sup_a', outcome: 'accepted', count: 5 },
    ]);
    expect(counts.requests).toBe(6);
  });
});

describe('the output', () => {
  const rows = [{ supplier_id: 'sup_"a,b"', count: 2 }, { supplier_id: null, count: 1 }];

  it('quotes CSV cells that need it and leaves absent ones empty', () => {
    expect(formatRows(rows, ['supplier_id', 'count'], 'csv')).toBe('supplier_id,count\n"sup_""a,b""",2\n,1');
  });

  it('prints JSON rows with every column, and a table with - for absent values and its footer', () => {
    expect(JSON.parse(formatRows(rows, ['supplier_id', 'count'], 'json'))).toEqual(rows);
    expect(formatRows(rows, ['supplier_id', 'count'], 'table', ['3 request(s)']).split('\n')).toEqual(['supplier_id  count', 'sup_"a,b"    2', '-            1', '3 request(s)']);
  });

  it('refuses an unknown format', () => {
    expect(() => reportFormat('xml')).toThrow(/--format must be table, csv, json/);
  });
});

describe('the billable explanation', () => {
  it('says agree, names uncertain answers for more stored, and erasure for fewer', () => {
    expect(explain(0, 3)).toBe('agrees');
    expect(explain(2, 1)).toMatch(/^2 stored without an accepted answer; 1 explained by answers of unknown outcome.*; 1 unexplained by the log/);
    expect(explain(-1, 0)).toMatch(/^1 answered accepted but not in the export index: erased/);
  });
});

describe('Logs Insights', () => {
  it('maps the gateway response types to the outcomes of the request log', () => {
    expect(gatewayOutcome('THROTTLED', '429')).toBe('rate_limited');
    expect(gatewayOutcome('UNAUTHORIZED', '401')).toBe('unauthorized');
    expect(gatewayOutcome('REQUEST_TOO_LARGE', '413')).toBe('payload_too_large');
    expect(gatewayOutcome('SOMETHING_NEW', '502')).toBe('gateway_something_new_502');
    for (const type of ['THROTTLED', 'UNAUTHORIZED', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'REQUEST_TOO_LARGE']) expect(isRequestOutcome(gatewayOutcome(type, undefined))).toBe(true);
  });

  it('prices the bytes scanned by region, and says when it knows no price', () => {
    expect(scanCost(1e9, 'us-east-1')).toContain('about $0.0050 at $0.005/GB in us-east-1');
    expect(scanCost(1e9, 'xx-nowhere-1')).toContain('no price known for xx-nowhere-1');
  });
});

describe('the local request log read', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'report-read-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const line = (time: string, outcome = 'accepted') => JSON.stringify({ level: 'info', message: 'request', time, supplierId: 'sup_a', outcome });
  const range = { from: new Date('2026-12-05T00:00:00Z'), to: new Date('2026-12-06T00:00:00Z'), timeZone: 'UTC' };
  const read = async (keptFiles: number) => {
    const entries = [];
    for await (const batch of localRequestEntries(dir, range, keptFiles)) entries.push(...batch);
    return entries;
  };

  it('reads rotated files oldest first, skips lines outside the range, other lines and a torn last line', async () => {
    writeFileSync(join(dir, 'requests.jsonl.1'), `${line('2026-12-04T23:59:59.999Z')}\n${line('2026-12-05T01:00:00.000Z', 'test')}\n`);
    writeFileSync(join(dir, 'requests.jsonl'), `${JSON.stringify({ message: 'other', time: '2026-12-05T02:00:00.000Z' })}\n${line('2026-12-05T03:00:00.000Z')}\n{"level":"info","mess`);

    expect((await read(2)).map((entry) => entry.outcome)).toEqual(['test', 'accepted']);
  });

  it('refuses a range that starts before the oldest line the rotated files still hold', async () => {
    writeFileSync(join(dir, 'requests.jsonl.1'), `${line('2026-12-05T12:00:00.000Z')}\n`);
    writeFileSync(join(dir, 'requests.jsonl'), `${line('2026-12-05T13:00:00.000Z')}\n`);

    await expect(read(1)).rejects.toThrow(/oldest line is from 2026-12-05T12:00:00.000Z/);
  });

  it('refuses a data directory without a request log', async () => {
    await expect(read(2)).rejects.toThrow(/No request log/);
  });

  it('knows a request line from any other', () => {
    expect(requestEntry(line('2026-12-05T01:00:00.000Z'))).toEqual({ epochMs: Date.parse('2026-12-05T01:00:00.000Z'), supplierId: 'sup_a', outcome: 'accepted' });
    expect(requestEntry('{"message":"request"}')).toBeUndefined();
    expect(requestEntry('not json')).toBeUndefined();
  });
});

describe('the README', () => {
  it('documents every outcome that is not an error code', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const outcome of Object.keys(ANSWERED_OUTCOMES)) expect([outcome, readme.includes(`| \`${outcome}\``)]).toEqual([outcome, true]);
  });
});
