import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type Calendar } from './calendar';
import { arbWeeklyHours as arbHours, calendarOracle } from '../../testing/hub/calendar-oracle';
import { countedTime, pausedDue, validPauseState, type Pause, type PauseState } from './sla-clock';

const MIN = 60_000;
const ZONES = ['Europe/Warsaw', 'America/New_York', 'Australia/Sydney', 'America/Santiago', 'Europe/London', 'Asia/Kolkata', 'UTC'];

/**
 * Oracle for a pausing clock: walk minute by minute from `from`, counting a minute when the
 * calendar is open and no pause covers it. null when the running pause comes first.
 */
function oracleDue(cal: Calendar, from: number, minutes: number, pause: PauseState): number | null | 'too_far' {
  const open = calendarOracle(cal);
  const paused = (t: number) => (pause.since !== null && t >= pause.since) || pause.intervals.some(([a, b]) => a <= t && t < b);
  if (minutes === 0) return from;
  let counted = 0;
  for (let t = from, guard = 0; guard < 60 * 24 * 30; t += MIN, guard++) {
    if (pause.since !== null && t >= pause.since) return null;
    if (open(t) && !paused(t)) counted++;
    if (counted === minutes) return t + MIN;
  }
  return 'too_far';
}

const arbCalendar = fc.record({
  tz: fc.constantFrom(...ZONES), hours: arbHours,
  holidays: fc.array(fc.integer({ min: 0, max: 729 }), { maxLength: 20 }).map((ds) => ds.map((d) => new Date(Date.parse('2026-01-01') + d * 86_400_000).toISOString().slice(0, 10))),
}).map(({ tz, hours, holidays }) => ({ id: 'c', time_zone: tz, hours, holidays }) as Calendar);

// Starts near the 2026 DST changes of the zones above (and anywhere in 2026 now and then), whole minutes.
const DST = ['2026-03-08T00:00:00Z', '2026-03-29T00:00:00Z', '2026-04-05T00:00:00Z', '2026-09-06T00:00:00Z', '2026-10-04T00:00:00Z', '2026-10-25T00:00:00Z', '2026-11-01T00:00:00Z'].map(Date.parse);
const arbStart = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...DST), fc.integer({ min: -36 * 60, max: 12 * 60 })).map(([d, m]) => d + m * MIN) },
  { weight: 1, arbitrary: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / MIN, max: Date.parse('2026-12-20T00:00:00Z') / MIN }).map((m) => m * MIN) },
);

/** Pauses: sorted cut points (minutes after `from`, some before it) paired into intervals, maybe a running pause after them. */
const arbPauses = (from: number) => fc.tuple(
  fc.array(fc.integer({ min: -120, max: 4 * 24 * 60 }), { maxLength: 8 }),
  fc.option(fc.integer({ min: 0, max: 4 * 24 * 60 }), { nil: null }),
).map(([cuts, running]): PauseState => {
  const c = [...new Set(cuts)].sort((a, b) => a - b);
  const intervals: Pause[] = [];
  for (let i = 0; i + 1 < c.length; i += 2) intervals.push([from + c[i] * MIN, from + c[i + 1] * MIN]);
  const last = intervals.length ? intervals[intervals.length - 1][1] : -Infinity;
  const since = running === null ? null : Math.max(from + running * MIN, last);
  return { since, intervals };
});

describe('pausing SLA clocks (property tests)', () => {
  it('due time = where the oracle has counted the target in open, unpaused minutes; null while paused short of it', () => {
    fc.assert(fc.property(arbCalendar, arbStart.chain((from) => fc.tuple(fc.constant(from), arbPauses(from))), fc.integer({ min: 0, max: 2 * 24 * 60 }), (cal, [from, pause], minutes) => {
      const want = oracleDue(cal, from, minutes, pause);
      if (want === 'too_far') return; // sparse calendars: the oracle walk is bounded
      expect(pausedDue(new BusinessCalendar(cal), from, minutes * MIN, pause)).toBe(want);
    }), { numRuns: 150 });
  });

  it('without pauses it is addBusinessTime; pauses in closed time change nothing; pauses never make a due earlier', () => {
    fc.assert(fc.property(arbCalendar, arbStart.chain((from) => fc.tuple(fc.constant(from), arbPauses(from))), fc.integer({ min: 1, max: 3 * 24 * 60 }), (cal, [from, pause], minutes) => {
      const bc = new BusinessCalendar(cal);
      const ms = minutes * MIN;
      let plain: number;
      try { plain = bc.addBusinessTime(from, ms); } catch { return; } // a calendar that cannot hold it
      expect(pausedDue(bc, from, ms, { since: null, intervals: [] })).toBe(plain);
      const ended = { since: null, intervals: pause.intervals };
      const due = pausedDue(bc, from, ms, ended)!;
      expect(due).toBeGreaterThanOrEqual(plain);
      // the time counted up to the due is exactly the target
      expect(countedTime(bc, from, due, ended)).toBe(ms);
      const pausedOpen = pause.intervals.reduce((s, [a, b]) => s + bc.businessTimeBetween(Math.max(a, from), b), 0);
      if (pausedOpen === 0) expect(due).toBe(plain);
    }), { numRuns: 300 });
  });

  it('resuming keeps the business time left: due after resume = resume + what was left at the pause', () => {
    fc.assert(fc.property(arbCalendar, arbStart, fc.integer({ min: 1, max: 2 * 24 * 60 }), fc.integer({ min: 0, max: 3 * 24 * 60 }), fc.integer({ min: 0, max: 5 * 24 * 60 }), (cal, from, minutes, pauseAfter, pauseFor) => {
      const bc = new BusinessCalendar(cal);
      const ms = minutes * MIN;
      const since = from + pauseAfter * MIN, until = since + pauseFor * MIN;
      const left = ms - bc.businessTimeBetween(from, since);
      fc.pre(left > 0); // a clock already due before the pause keeps its due time (other property)
      expect(pausedDue(bc, from, ms, { since, intervals: [] })).toBeNull();
      let want: number;
      try { want = bc.addBusinessTime(until, left); } catch { return; }
      expect(pausedDue(bc, from, ms, { since: null, intervals: [[since, until]] })).toBe(want);
    }), { numRuns: 300 });
  });
});

describe('pause state checks', () => {
  it('refuses overlapping, reversed or non-finite pauses', () => {
    expect(validPauseState({ since: null, intervals: [[1, 2], [2, 5]] })).toBeNull();
    expect(validPauseState({ since: 9, intervals: [[1, 2]] })).toBeNull();
    expect(validPauseState({ since: null, intervals: [[3, 2]] })).toMatch(/ends before/);
    expect(validPauseState({ since: null, intervals: [[1, 5], [4, 6]] })).toMatch(/overlap/);
    expect(validPauseState({ since: 1, intervals: [[1, 5]] })).toMatch(/after/);
    expect(validPauseState({ since: null, intervals: [[1, Number.NaN]] })).toMatch(/ms/);
  });
});
