import { describe, expect, it } from 'vitest';
import { INTERVAL_MS, SpikeDetector, type SpikePost } from './detector';

const T0 = Date.parse('2026-11-02T00:00:00.000Z'); // a Monday
const DAY = 24 * 3_600_000;
const CALM = ['where is my parcel', 'how do I change my password', 'thanks for the help', 'my invoice looks wrong', 'can I get a refund'];

/**
 * Three weeks of a workspace's ordinary life: two posts every 15 minutes, and every Monday 09:00–10:00
 * its weekly rush of twelve per interval. Returns the posts in time order.
 */
function ordinaryWeeks(weeks: number): SpikePost[] {
  const posts: SpikePost[] = [];
  for (let i = 0; i < weeks * 7 * 96; i++) {
    const start = T0 + i * INTERVAL_MS;
    const d = new Date(start);
    const rush = d.getUTCDay() === 1 && d.getUTCHours() === 9;
    const n = rush ? 12 : 2;
    for (let k = 0; k < n; k++) {
      posts.push({ id: `p${i}-${k}`, at: start + Math.floor(((k + 0.5) * INTERVAL_MS) / n), text: CALM[(i + k) % CALM.length], keys: ['channel:x', 'topic:account'], sentiment: 0 });
    }
  }
  return posts;
}

function burst(at: number, n: number, text: (i: number) => string): SpikePost[] {
  return Array.from({ length: n }, (_, i) => ({ id: `b${at}-${i}`, at: at + Math.floor((i * INTERVAL_MS) / (n + 1)), text: text(i), keys: ['channel:x', 'topic:outage'], sentiment: -0.6 }));
}

describe('SpikeDetector', () => {
  it('learns the week: the weekly Monday rush is news the first time only, and ordinary days raise nothing', () => {
    const det = new SpikeDetector();
    const raised = ordinaryWeeks(3).flatMap((p) => det.observe(p));
    // the first Monday after a day of warm-up is still unknown; from the second week on it is expected
    expect(raised.filter((a) => !a.merged_into).map((a) => [a.key, new Date(a.started_at).getUTCDay(), new Date(a.started_at).getUTCHours()]))
      .toEqual([['all', 1, 9]]);
    expect(raised.every((a) => Date.parse(a.started_at) < T0 + 14 * DAY)).toBe(true);
  });

  it('a burst about an outage raises one alert, with severity, examples, the terms that grew and the sentiment shift, and closes after', () => {
    const det = new SpikeDetector();
    for (const p of ordinaryWeeks(3)) det.observe(p);
    const at = T0 + 21 * DAY + 3 * 3_600_000; // Monday 03:00 of week 4
    for (const p of burst(at, 40, (i) => `app down? outage ${i % 2 ? 'again' : 'since noon'}`)) det.observe(p);
    const raised = det.alerts().filter((a) => Date.parse(a.started_at) >= at);
    expect(raised).toHaveLength(1);
    const [alert] = raised;
    expect(alert.key).toBe('all');
    expect(alert.started_at).toBe(new Date(at).toISOString());
    // raised by the post that crossed the threshold, not at the end of the interval
    expect(Date.parse(alert.raised_at)).toBeLessThan(at + INTERVAL_MS / 2);
    expect(alert.severity).toBe('critical');
    expect(alert.observed).toBe(40);
    expect(alert.expected).toBeCloseTo(2, 0);
    expect(alert.examples).toHaveLength(3);
    expect(alert.terms.slice(0, 3).map((t) => t.term).sort()).toEqual(['app', 'down', 'outag']);
    expect(alert.sentiment_shift).toBeLessThan(-0.4);
    // the channel and the new topic say the same (the same posts): one alert, which covers them and the words
    expect(alert.covers).toEqual(expect.arrayContaining(['channel:x', 'topic:outage', 'keyword:outag']));
    expect(det.openAlerts(at + INTERVAL_MS).map((a) => a.key)).toEqual(['all']);
    // an ordinary interval after it closes it; it lasted one interval
    for (const p of ordinaryWeeks(4).filter((q) => q.at >= at + INTERVAL_MS && q.at < at + 3 * INTERVAL_MS)) det.observe(p);
    expect(det.openAlerts(at + 3 * INTERVAL_MS)).toEqual([]);
    expect(det.alerts().find((a) => a.started_at === alert.started_at)).toMatchObject({ lasted_min: 15, open: false });
  });

  it('a rush that is normal on Monday at 09:00 is a spike at 03:00', () => {
    const det = new SpikeDetector();
    for (const p of ordinaryWeeks(3)) det.observe(p);
    const rush = (start: number) => Array.from({ length: 12 }, (_, k) => ({ id: `r${start}-${k}`, at: start + k * 60_000, text: CALM[k % CALM.length], keys: ['channel:x'] }));
    expect(rush(T0 + 21 * DAY + 9 * 3_600_000).flatMap((p) => det.observe(p))).toEqual([]);
    expect(rush(T0 + 22 * DAY + 3 * 3_600_000).flatMap((p) => det.observe(p)).map((a) => a.key)).toEqual(['all']);
  });

  it('a topic rising inside a busy interval is its own alert; a long spike lasts as long as its intervals stay high', () => {
    const det = new SpikeDetector();
    for (const p of ordinaryWeeks(3)) det.observe(p);
    const start = T0 + 21 * DAY + 14 * 3_600_000;
    const raised: string[] = [];
    for (let i = 0; i < 3; i++) {
      // each interval: 12 ordinary posts about accounts (6× usual) and 10 about billing errors (new)
      const at = start + i * INTERVAL_MS;
      const posts = [
        ...Array.from({ length: 12 }, (_, k) => ({ id: `o${i}-${k}`, at: at + k * 60_000, text: CALM[k % CALM.length], keys: ['channel:x', 'topic:account'] })),
        ...Array.from({ length: 10 }, (_, k) => ({ id: `c${i}-${k}`, at: at + k * 60_000 + 30_000, text: 'charged twice for my order', keys: ['channel:x', 'topic:billing'] })),
      ].sort((a, b) => a.at - b.at);
      for (const p of posts) raised.push(...det.observe(p).map((a) => a.key));
    }
    expect(raised.sort()).toEqual(['all', 'topic:account', 'topic:billing']);
    expect(det.alerts().find((a) => a.key === 'topic:billing')).toMatchObject({ lasted_min: 45, open: true });
  });

  it('raises nothing while it has less than a day of history', () => {
    const det = new SpikeDetector();
    expect(burst(T0, 40, () => 'outage').flatMap((p) => det.observe(p))).toEqual([]);
  });
});
