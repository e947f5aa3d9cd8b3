import type { ExportedLead } from './lead-export.repository';

/** The columns every export line starts with; the lead's own fields follow. */
export const EXPORT_COLUMNS = ['lead_id', 'campaign_id', 'supplier_id', 'created_at', 'is_test'] as const;

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

/** The CSV header: the fixed columns, then the union of field names (sorted), RFC 4180. */
export function csvHeader(fieldNames: readonly string[]): string {
  return csvRow([...EXPORT_COLUMNS, ...fieldNames]);
}

/** A lead as a CSV row under `csvHeader(fieldNames)`: an absent field or a null is empty. */
export function csvLine(lead: ExportedLead, fieldNames: readonly string[]): string {
  const fixed = [lead.leadId, lead.campaignId, lead.supplierId, lead.createdAt, String(lead.isTest)];
  return csvRow([...fixed, ...fieldNames.map((name) => cellText(Object.hasOwn(lead.fields, name) ? lead.fields[name] : undefined))]);
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * RFC 4180: records end with CRLF; a field holding a comma, a double quote, CR or LF is
 * enclosed in double quotes, and a double quote inside it is doubled.
 */
export function csvRow(cells: readonly string[]): string {
  return `${cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')}\r\n`;
}
