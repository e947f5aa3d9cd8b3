import type { ExportedLead } from './lead-export.repository';
import { CONSENT_FIELDS } from './submission';

/** The columns every export line starts with; the lead's own fields follow. */
export const EXPORT_COLUMNS = ['lead_id', 'campaign_id', 'supplier_id', 'created_at', 'is_test'] as const;

/**
 * The field columns of a CSV export of leads carrying these field names: the consent evidence
 * first, all of its columns in a fixed order as soon as any lead carries one (so a buyer's
 * import finds them in one place), then the other fields sorted.
 */
export function exportFieldNames(names: Iterable<string>): string[] {
  const consent: readonly string[] = CONSENT_FIELDS;
  const all = [...new Set(names)];
  const others = all.filter((name) => !consent.includes(name)).sort();
  return all.some((name) => consent.includes(name)) ? [...consent, ...others] : others;
}

const EXPORT_COLUMN_NAMES: ReadonlySet<string> = new Set(EXPORT_COLUMNS);

/**
 * True for a name a CSV reader could take for one of the export's own columns (any case):
 * ingest refuses such custom field names.
 */
export function isExportColumn(name: string): boolean {
  return EXPORT_COLUMN_NAMES.has(name.toLowerCase());
}

/** One lead as an export (and event) record: the shape of a `Lead Accepted` detail. */
export function exportRecord(lead: ExportedLead): Record<string, unknown> {
  return {
    lead_id: lead.leadId,
    campaign_id: lead.campaignId,
    supplier_id: lead.supplierId,
    created_at: lead.createdAt,
    is_test: lead.isTest,
    fields: lead.fields,
  };
}

export function jsonLine(lead: ExportedLead): string {
  return `${JSON.stringify(exportRecord(lead))}\n`;
}

export interface CsvOptions {
  /**
   * Writes text starting with `=`, `+`, `-`, `@`, tab or CR as it is, instead of behind a `'`
   * (for a reader that is not a spreadsheet).
   */
  readonly raw?: boolean;
}

/**
 * The CSV header: the fixed columns, then the union of field names (sorted), RFC 4180. A field
 * stored before ingest reserved the export's column names is headed `<name> (field)`, a name
 * no field can have, so no column is named twice.
 */
export function csvHeader(fieldNames: readonly string[], options: CsvOptions = {}): string {
  const fieldHeads = fieldNames.map((name) => (isExportColumn(name) ? `${name} (field)` : name));
  return csvRow([...EXPORT_COLUMNS, ...fieldHeads].map((name) => csvField(name, options)));
}

/** A lead as a CSV row under `csvHeader(fieldNames)`. */
export function csvLine(lead: ExportedLead, fieldNames: readonly string[], options: CsvOptions = {}): string {
  const fixed = [lead.leadId, lead.campaignId, lead.supplierId, lead.createdAt, lead.isTest];
  const own = fieldNames.map((name) => (Object.hasOwn(lead.fields, name) ? lead.fields[name] : undefined));
  return csvRow([...fixed, ...own].map((value) => csvField(value, options)));
}

/**
 * Text a spreadsheet would run as a formula (OWASP, CSV injection): `=`, `+`, `-`, `@`, tab or
 * CR first.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Control characters other than tab, CR and LF (C0, DEL and C1). CSV has no escape for them and
 * many readers stop at a NUL, so they are written as the text `\uXXXX`.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** A character CSV only holds inside double quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One value as an RFC 4180 field. Absent and null are an empty field; an empty string is `""`,
 * so the two stay apart. Numbers and booleans are written as they are (no number is a formula);
 * text has its control characters escaped and, unless `raw`, a formula-like start neutralised
 * with a leading `'`. A field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes, and a double quote inside it is doubled.
 */
export function csvField(value: unknown, options: CsvOptions = {}): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === '') return '""';
  const escaped = text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const safe = !options.raw && FORMULA_START.test(escaped) ? `'${escaped}` : escaped;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Fields already written by `csvField`, as one record ending with CRLF (RFC 4180). */
export function csvRow(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`;
}
