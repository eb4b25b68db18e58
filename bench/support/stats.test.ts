import { describe, expect, it } from 'vitest';
import { percentile, slopePerMinute } from './stats';

describe('percentile', () => {
  it('is the nearest-rank quantile of unsorted samples, null without samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('slopePerMinute', () => {
  it('is ≈ 0 for a flat series and the growth per minute for a rising one, over the last window only', () => {
    const flat = Array.from({ length: 60 }, (_, i) => ({ t_s: i * 5, v: 500 + (i % 2) }));
    expect(Math.abs(slopePerMinute(flat, 240)!)).toBeLessThan(0.1);
    // grows 10 MB a minute for the first 2 minutes, then flat: the last 2 minutes are flat
    const settled = Array.from({ length: 49 }, (_, i) => ({ t_s: i * 5, v: 400 + Math.min(i * 5, 120) * (10 / 60) }));
    expect(slopePerMinute(settled, 240)).toBeGreaterThan(0);
    expect(slopePerMinute(settled, 115)).toBe(0);
    const rising = Array.from({ length: 10 }, (_, i) => ({ t_s: i * 6, v: 300 + i }));
    expect(slopePerMinute(rising, 240)).toBe(10);
  });
  it('is null without two samples in time', () => {
    expect(slopePerMinute([], 240)).toBeNull();
    expect(slopePerMinute([{ t_s: 3, v: 1 }], 240)).toBeNull();
    expect(slopePerMinute([{ t_s: 3, v: 1 }, { t_s: 3, v: 2 }], 240)).toBeNull();
  });
});
