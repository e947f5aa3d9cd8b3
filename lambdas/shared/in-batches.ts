/**
 * Runs `work` on every item, at most `size` at once, and gives the results in the items' order:
 * a bounded fan-out, so a search over many index partitions neither runs one query at a time
 * nor sends them all at once into the table's throughput.
 */
export async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}
