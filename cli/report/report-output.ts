import { UsageError } from '../cli-errors';
import { table } from '../output.format';

export const REPORT_FORMATS = ['table', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function reportFormat(value: string | undefined): ReportFormat {
  if (value === undefined) return 'table';
  const format = REPORT_FORMATS.find((known) => known === value);
  if (!format) throw new UsageError(`--format must be ${REPORT_FORMATS.join(', ')}, not '${value}'.`);
  return format;
}

type Cell = string | number | null | undefined;

/**
 * Rows in the chosen format, with these columns in this order: JSON an array of objects, CSV a
 * header line and one line a row (RFC 4180 quoting), the table aligned columns with `-` for an
 * absent value and `footer` lines under it.
 */
export function formatRows(rows: readonly Readonly<Record<string, Cell>>[], columns: readonly string[], format: ReportFormat, footer: readonly string[] = []): string {
  if (format === 'json') return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]))), null, 2);
  if (format === 'csv') return [columns.join(','), ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(','))].join('\n');
  const body = table(columns, rows.map((row) => columns.map((column) => (row[column] === null || row[column] === undefined ? '-' : String(row[column])))));
  return [body, ...footer].join('\n');
}

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
