/** Plain-text layout helpers for the human-readable output. */

/** Columns padded to their widest cell, with a header row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `label  value` lines with the labels aligned, indented under a heading. */
export function details(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function listOrNone(items: readonly string[], none: string): string {
  return items.length === 0 ? none : items.join(', ');
}
