import { REQUEST_OUTCOMES } from '../lambdas/shared/request-outcome';
import { h } from './console-html';

/** A row of `leadctl report --format json`: some of day, supplier_id, campaign_id and outcome, and its count. */
export type ChartRow = Readonly<Record<string, unknown>>;

export interface OutcomeChartOptions {
  /** The column each bar stands for: `day`, `supplier_id`, `campaign_id` or `outcome`. */
  readonly x: string;
  /** At most this many bars. @default 31 for days, 20 otherwise */
  readonly limit?: number;
  /** Prefix of the ids of the chart's title and caption, unique on the page. @default 'outcome-chart' */
  readonly id?: string;
}

/** The one green: what a supplier is paid for. */
export const ACCEPTED_COLOUR = '#117733';
/**
 * Every other outcome's colour, in stacking order: Okabe-Ito and Paul Tol hues that stay apart
 * for the common colour-vision deficiencies, each at least 3:1 against white.
 */
export const OTHER_COLOURS = ['#0072B2', '#D55E00', '#AA3377', '#332288', '#CC6677', '#882255', '#999933', '#666666'] as const;

const NONE = '(none)';
const NOUNS: Readonly<Record<string, readonly [string, string]>> = {
  day: ['day', 'days'],
  supplier_id: ['supplier', 'suppliers'],
  campaign_id: ['campaign', 'campaigns'],
  outcome: ['outcome', 'outcomes'],
};

// The drawing's own units (the viewBox): CSS scales it to the page's width.
const WIDTH = 400;
const ROW = 18;
const BAR = 12;
const CHAR = 7.3; // a monospace character at FONT
const FONT = 12;
const MAX_LABEL = 24;
const TOTAL_ROOM = 48;
const TOP = 4;

interface Bar {
  readonly label: string;
  readonly counts: Map<string, number>;
  total: number;
}

/**
 * The report's rows as an inline SVG bar chart, one horizontal bar per value of `x`, stacked by
 * outcome when the rows have one (`accepted` first, in green). Shapes carry presentation
 * attributes only (the console's CSP allows no style attribute), every text goes through `h`,
 * and the figures stay in the table the caption points to. No rows, or no requests: ''.
 * Too many bars: the latest days, or the largest others, and the caption says so.
 */
export function outcomeChart(rows: readonly ChartRow[], options: OutcomeChartOptions): string {
  const { x } = options;
  const stacked = rows.some((row) => 'outcome' in row);
  const all = bars(rows, x, stacked);
  if (all.length === 0) return '';
  const limit = options.limit ?? (x === 'day' ? 31 : 20);
  const shown = x === 'day' ? all.sort((a, b) => compare(a.label, b.label)).slice(-limit) : all.sort((a, b) => b.total - a.total || compare(a.label, b.label)).slice(0, limit);
  const id = options.id ?? 'outcome-chart';
  const [noun, nouns] = NOUNS[x] ?? [x, x];
  const keys = stackOrder(new Set(shown.flatMap((bar) => [...bar.counts.keys()])));
  const colours = new Map(keys.map((key, index) => [key, colourOf(key, keys, index, stacked)]));

  const labelWidth = Math.min(MAX_LABEL, Math.max(...shown.map((bar) => bar.label.length))) * CHAR + 8;
  const scale = (WIDTH - labelWidth - TOTAL_ROOM) / Math.max(...shown.map((bar) => bar.total));
  const drawn = shown.map((bar, index) => barSvg(bar, TOP + index * ROW, labelWidth, scale, keys, colours));
  const legendTop = TOP + shown.length * ROW + 10;
  const legend = stacked && x !== 'outcome' ? legendSvg(keys, colours, legendTop) : { svg: '', height: 0 };
  const height = round(legendTop + legend.height);

  const title = `Requests by ${noun}${stacked && x !== 'outcome' ? ', stacked by outcome' : ''}`;
  const capped = shown.length < all.length ? ` It shows the ${x === 'day' ? 'latest' : 'largest'} ${shown.length} of ${all.length} ${nouns}; the rest are in the table.` : '';
  const caption = `${title}. The table below holds the figures.${capped}`;
  return (
    `<figure class="chart"><svg class="chart" width="100%" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${h(id)}-title" aria-describedby="${h(id)}-caption" ` +
    `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT}" fill="#1d2430">` +
    `<title id="${h(id)}-title">${h(title)}</title>${drawn.join('')}${legend.svg}</svg>` +
    `<figcaption id="${h(id)}-caption" class="note">${h(caption)}</figcaption></figure>`
  );
}

/** The rows summed per value of `x`, each split by outcome (or one `requests` part). */
function bars(rows: readonly ChartRow[], x: string, stacked: boolean): Bar[] {
  const byLabel = new Map<string, Bar>();
  for (const row of rows) {
    const count = Number(row.count);
    if (!Number.isFinite(count) || count <= 0) continue;
    const label = text(row[x]);
    const key = stacked ? text(row.outcome) : 'requests';
    const bar = byLabel.get(label) ?? { label, counts: new Map<string, number>(), total: 0 };
    bar.counts.set(key, (bar.counts.get(key) ?? 0) + count);
    bar.total += count;
    byLabel.set(label, bar);
  }
  return [...byLabel.values()];
}

/** One bar: its label, its parts left to right in stacking order, and its total. */
function barSvg(bar: Bar, y: number, labelWidth: number, scale: number, keys: readonly string[], colours: ReadonlyMap<string, string>): string {
  const label = bar.label.length > MAX_LABEL ? `${bar.label.slice(0, MAX_LABEL - 1)}…` : bar.label;
  const baseline = round(y + BAR - 2);
  let left = labelWidth;
  const parts: string[] = [];
  for (const key of keys) {
    const count = bar.counts.get(key);
    if (count === undefined) continue;
    const width = count * scale;
    parts.push(
      `<rect x="${round(left)}" y="${y}" width="${round(width)}" height="${BAR}" fill="${colours.get(key)}" stroke="#fff" stroke-width="0.5" data-outcome="${h(key)}">` +
        `<title>${h(bar.label)}: ${h(key)} ${count}</title></rect>`,
    );
    left += width;
  }
  return `<g><text x="${round(labelWidth - 6)}" y="${baseline}" text-anchor="end"><title>${h(bar.label)}</title>${h(label)}</text>${parts.join('')}<text x="${round(left + 4)}" y="${baseline}">${bar.total}</text></g>`;
}

/** The legend under the bars: a swatch and a name per outcome, in stacking order, wrapped to the width. */
function legendSvg(keys: readonly string[], colours: ReadonlyMap<string, string>, top: number): { svg: string; height: number } {
  const items: string[] = [];
  let left = 0;
  let line = 0;
  for (const key of keys) {
    const width = 12 + 4 + key.length * CHAR + 14;
    if (left > 0 && left + width > WIDTH) {
      left = 0;
      line += 1;
    }
    const y = top + line * ROW;
    items.push(`<rect x="${round(left)}" y="${y}" width="12" height="12" fill="${colours.get(key)}"/><text x="${round(left + 16)}" y="${y + 10}">${h(key)}</text>`);
    left += width;
  }
  return { svg: `<g>${items.join('')}</g>`, height: (line + 1) * ROW };
}

/** `accepted` first, then the outcomes in the report's vocabulary order, then any other alphabetically. */
function stackOrder(keys: ReadonlySet<string>): string[] {
  const rank = (key: string) => {
    if (key === 'accepted') return -1;
    const index = (REQUEST_OUTCOMES as readonly string[]).indexOf(key);
    return index === -1 ? REQUEST_OUTCOMES.length : index;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || compare(a, b));
}

function colourOf(key: string, keys: readonly string[], index: number, stacked: boolean): string {
  if (key === 'accepted' && stacked) return ACCEPTED_COLOUR;
  const others = keys.includes('accepted') && stacked ? index - 1 : index;
  return OTHER_COLOURS[others % OTHER_COLOURS.length];
}

function text(value: unknown): string {
  return value === undefined || value === null || value === '' ? NONE : String(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
