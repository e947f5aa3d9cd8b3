import { ACCEPTED_COLOUR, outcomeChart, type ChartRow } from '../../console/outcome-chart';

/** The bars' parts as drawn: each rect that names an outcome, with its place and size. */
function parts(svg: string): { outcome: string; x: number; y: number; width: number; fill: string }[] {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" fill="(#[0-9A-Fa-f]{6})"[^>]* data-outcome="([^"]*)">/g)].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
    width: Number(match[3]),
    fill: match[4],
    outcome: match[5],
  }));
}

/** The labels beside the bars, top to bottom. */
function labels(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*text-anchor="end"><title>[^<]*<\/title>([^<]*)<\/text>/g)].map((match) => match[1]);
}

describe('outcomeChart', () => {
  describe('with rows by supplier and outcome', () => {
    const rows: ChartRow[] = [
      { supplier_id: 'sup_a', outcome: 'supplier_paused', count: 1 },
      { supplier_id: 'sup_a', outcome: 'accepted', count: 3 },
      { supplier_id: 'sup_b', outcome: 'accepted', count: 6 },
      { supplier_id: 'sup_b', outcome: 'validation_failed', count: 2 },
    ];

    it('draws bars whose lengths are proportional to the counts', () => {
      const drawn = parts(outcomeChart(rows, { x: 'supplier_id' }));
      const total = (y: number) => drawn.filter((part) => part.y === y).reduce((sum, part) => sum + part.width, 0);
      const [first, second] = [...new Set(drawn.map((part) => part.y))];

      expect(total(first) / total(second)).toBeCloseTo(8 / 4, 2);
      const sup_b = drawn.filter((part) => part.y === first);
      expect(sup_b[0].width / sup_b[1].width).toBeCloseTo(6 / 2, 2);
    });

    it('puts the largest supplier first and stacks accepted first, in green, the refusals after it in other colours', () => {
      const svg = outcomeChart(rows, { x: 'supplier_id' });
      const drawn = parts(svg);

      expect(labels(svg)).toEqual(['sup_b', 'sup_a']);
      expect(drawn.map((part) => part.outcome)).toEqual(['accepted', 'validation_failed', 'accepted', 'supplier_paused']);
      const [accepted, refused] = drawn;
      expect(refused.x).toBeCloseTo(accepted.x + accepted.width, 1);
      expect(drawn.filter((part) => part.outcome === 'accepted').map((part) => part.fill)).toEqual([ACCEPTED_COLOUR, ACCEPTED_COLOUR]);
      expect(new Set(drawn.filter((part) => part.outcome !== 'accepted').map((part) => part.fill)).has(ACCEPTED_COLOUR)).toBe(false);
      expect(new Set(drawn.map((part) => part.fill)).size).toBe(3);
    });

    it('is an image with a title and a caption pointing to the table, and a legend naming each outcome', () => {
      const svg = outcomeChart(rows, { x: 'supplier_id', id: 'c1' });

      expect(svg).toMatch(/<svg [^>]*role="img" aria-labelledby="c1-title" aria-describedby="c1-caption"/);
      expect(svg).toContain('<title id="c1-title">Requests by supplier, stacked by outcome</title>');
      expect(svg).toMatch(/<figcaption id="c1-caption"[^>]*>[^<]*The table below holds the figures\.<\/figcaption>/);
      for (const outcome of ['accepted', 'validation_failed', 'supplier_paused']) expect(svg).toContain(`">${outcome}</text>`);
    });

    it('scales to its container: a viewBox, a width of 100% and no fixed pixel size, and no style attribute anywhere', () => {
      const svg = outcomeChart(rows, { x: 'supplier_id' });

      expect(svg).toMatch(/<svg class="chart" width="100%" viewBox="0 0 \d+ \d+(\.\d+)?"/);
      expect(svg).not.toMatch(/\bstyle\s*=/i);
      expect(svg).not.toContain('<style');
      expect(svg).not.toMatch(/px/);
    });
  });

  it('escapes a supplier id and an outcome that hold markup', () => {
    const svg = outcomeChart(
      [
        { supplier_id: '<script>alert(1)</script>', outcome: '"><img src=x>', count: 2 },
        { supplier_id: 'sup_ok', outcome: 'accepted', count: 1 },
      ],
      { x: 'supplier_id' },
    );

    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&quot;&gt;&lt;img src=x&gt;');
  });

  it('draws nothing for no rows, or rows without a request', () => {
    expect(outcomeChart([], { x: 'day' })).toBe('');
    expect(outcomeChart([{ day: '2026-12-05', outcome: 'accepted', count: 0 }], { x: 'day' })).toBe('');
  });

  it('draws single bars without a legend when the rows have no outcome', () => {
    const svg = outcomeChart(
      [
        { campaign_id: 'cmp_a', count: 4 },
        { campaign_id: 'cmp_b', count: 2 },
      ],
      { x: 'campaign_id' },
    );

    expect(parts(svg).map((part) => [part.outcome, part.fill])).toEqual([
      ['requests', parts(svg)[0].fill],
      ['requests', parts(svg)[0].fill],
    ]);
    expect(parts(svg)[0].fill).not.toBe(ACCEPTED_COLOUR);
    expect(svg).not.toContain('>requests</text>');
    expect(svg).toContain('<title id="outcome-chart-title">Requests by campaign</title>');
  });

  describe('with more x values than it draws', () => {
    const days = Array.from({ length: 40 }, (_, index) => new Date(Date.UTC(2026, 10, 1 + index)).toISOString().slice(0, 10));

    it('draws the latest 31 days in order, and says the rest are in the table', () => {
      const svg = outcomeChart(
        days.map((day, index) => ({ day, outcome: 'accepted', count: index + 1 })),
        { x: 'day' },
      );

      expect(labels(svg)).toEqual(days.slice(9));
      expect(svg).toContain('It shows the latest 31 of 40 days; the rest are in the table.');
    });

    it('draws the 20 largest suppliers, largest first', () => {
      const rows = Array.from({ length: 25 }, (_, index) => ({ supplier_id: `sup_${String(index).padStart(2, '0')}`, outcome: 'accepted', count: index + 1 }));
      const svg = outcomeChart(rows, { x: 'supplier_id' });

      expect(labels(svg)).toEqual(rows.slice(5).reverse().map((row) => row.supplier_id));
      expect(svg).toContain('It shows the largest 20 of 25 suppliers; the rest are in the table.');
    });

    it('says nothing of a rest when every value is drawn', () => {
      expect(outcomeChart([{ day: days[0], outcome: 'accepted', count: 1 }], { x: 'day' })).not.toContain('the rest');
    });
  });
});
