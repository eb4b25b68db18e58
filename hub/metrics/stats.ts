/** Summary statistics of duration samples (seconds). */

export interface DurationStats {
  count: number;
  mean_s: number | null;
  median_s: number | null;
  /** Nearest-rank 90th percentile: the smallest sample with at least 90 % of samples at or below it. */
  p90_s: number | null;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function summarize(samples: number[]): DurationStats {
  const n = samples.length;
  if (n === 0) return { count: 0, mean_s: null, median_s: null, p90_s: null };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mid = n >> 1;
  const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p90 = sorted[Math.max(0, Math.ceil(0.9 * n) - 1)];
  return { count: n, mean_s: round3(sum / n), median_s: round3(median), p90_s: round3(p90) };
}

/** Share as a percentage with one decimal, or null when there is nothing to divide. */
export function pct(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}
