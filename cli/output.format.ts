/** Plain-text layout helpers for the human-readable output. */

/**
 * The text with control characters (C0, DEL, C1) shown as `\u001b` escapes: stored values
 * (names written before they were refused) must not move the cursor, ring or forge lines.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Columns padded to their widest cell, with a header row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const shown = rows.map((row) => row.map(printable));
  const widths = headers.map((header, column) => Math.max(header.length, ...shown.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...shown.map(line)].join('\n');
}

/** `label  value` lines with the labels aligned, indented under a heading. */
export function details(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `  ${label.padEnd(width)}  ${printable(value)}`).join('\n');
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
