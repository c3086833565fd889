/** Timing helpers the benchmarks share. */

/** One timed call; its result is ignored. */
export type Call<Result = unknown> = () => Promise<Result>;

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Mean µs per call of `iterations` sequential calls. */
export async function batch(call: Call, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await call();
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}
