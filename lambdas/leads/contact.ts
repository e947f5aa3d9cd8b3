/** How many digits a phone number has, country code included (E.164 allows at most 15). */
export const PHONE_DIGITS = { min: 8, max: 15 } as const;

/**
 * Contact normalisation for duplicate checks and lookups: the same person sent as
 * `(555) 010-2030` and `+1 555 010 2030` is one phone.
 */
export function normalizePhone(raw: string): string | undefined {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  const inRange = digits.length >= PHONE_DIGITS.min && digits.length <= PHONE_DIGITS.max;
  if (trimmed.startsWith('+')) return inRange ? `+${digits}` : undefined;
  if (digits.length === 10) return `+1${digits}`; // a US number without its country code
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  if (inRange) return `+${digits}`;
  return undefined;
}

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
