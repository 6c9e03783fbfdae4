// Small order statistics for benchmark figures.

/** The median of the values; NaN for none. Copies, so the input keeps its order. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  const lower = sorted[mid - 1] ?? Number.NaN;
  return (lower + upper) / 2;
}

/** The q-quantile (0..1) of a typed array of samples, by nearest rank; NaN for none. */
export function quantile(samples: Float64Array, q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
