/**
 * Figures the benchmarks print: percentiles, the slope of a series (is the hub's RSS flat?), the
 * machine they ran on (CPU model, load average). Pure helpers, shared by the bench/ scripts.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** The f-quantile (0..1) of xs, nearest rank, rounded to 0.1; null for no samples. */
export function percentile(xs: readonly number[], f: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(f * s.length) - 1))] * 10) / 10;
}

/**
 * Least-squares slope of `v` per minute over the samples of the last `windowS` seconds (by `t_s`,
 * seconds); null with fewer than 2 samples or no time between them. "Flat" RSS is a slope ≈ 0.
 */
export function slopePerMinute(samples: ReadonlyArray<{ t_s: number; v: number }>, windowS: number): number | null {
  if (samples.length === 0) return null;
  const end = samples[samples.length - 1].t_s;
  const w = samples.filter((s) => s.t_s >= end - windowS);
  if (w.length < 2) return null;
  const mt = w.reduce((a, s) => a + s.t_s, 0) / w.length;
  const mv = w.reduce((a, s) => a + s.v, 0) / w.length;
  let num = 0;
  let den = 0;
  for (const s of w) { num += (s.t_s - mt) * (s.v - mv); den += (s.t_s - mt) ** 2; }
  return den === 0 ? null : Math.round((num / den) * 60 * 100) / 100;
}

/** The 1, 5 and 15 minute load averages, to 2 decimals. */
export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

/** The CPU model and count ("AMD EPYC 7B13 × 2"), from /proc/cpuinfo on Linux, else from os.cpus(). */
export function cpuModel(): string {
  let model: string | undefined;
  try { model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]; } catch { /* not Linux */ }
  return `${(model ?? cpus()[0]?.model ?? 'unknown').trim()} × ${cpus().length}`;
}
