/**
 * Contact normalisation for duplicate checks and lookups: the same person sent as
 * `(555) 010-2030` and `+1 555 010 2030` is one phone.
 */
export function normalizePhone(raw: string): string | undefined {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.length === 10) return `+1${digits}`; // a US number without its country code
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  if (digits.length >= 8 && digits.length <= 15) return `+${digits}`;
  return undefined;
}

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
