export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles over the first `count` samples (sorted in place). */
export function distribution(samples: Float64Array, count: number): Distribution {
  const sorted = samples.subarray(0, count).sort();
  const at = (q: number): number => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.ceil(q * count) - 1)]!);
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: at(1),
    mean: count ? sum / count : NaN,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
