import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, WEEKDAYS, type Calendar } from './calendar';
import { arbWeeklyHours as arbHours, calendarOracle } from '../../testing/hub/calendar-oracle';

const MIN = 60_000;
const ZONES = ['Europe/Warsaw', 'America/New_York', 'America/Sao_Paulo', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Tokyo', 'UTC', 'Europe/London', 'America/Santiago', 'Asia/Tehran'];


// Instants around DST changes and holidays in 2026–2027, on whole minutes.
const arbStart = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / MIN, max: Date.parse('2027-12-31T00:00:00Z') / MIN }).map((m) => m * MIN);
const dstStarts = ['2026-03-08T00:00:00Z', '2026-03-29T00:00:00Z', '2026-10-25T00:00:00Z', '2026-11-01T00:00:00Z', '2026-04-05T00:00:00Z', '2026-10-04T00:00:00Z', '2026-09-06T00:00:00Z']
  .map(Date.parse);
const arbNearDst = fc.tuple(fc.constantFrom(...dstStarts), fc.integer({ min: -36 * 60, max: 36 * 60 })).map(([d, m]) => d + m * MIN);

/** Open minutes in one week, counting each window once (for bounding durations a calendar can hold). */
function weeklyOpenMs(cal: Calendar): number {
  const toMin = (x: string) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3));
  return Object.values(cal.hours as Record<string, Array<[string, string]>>)
    .flat().reduce((sum, [a, b]) => sum + (toMin(b) - toMin(a)) * MIN, 0);
}

const arbCalendar = fc.record({
  tz: fc.constantFrom(...ZONES),
  hours: arbHours,
  holidays: fc.array(fc.integer({ min: 0, max: 729 }), { maxLength: 30 }).map((ds) => ds.map((d) => new Date(Date.parse('2026-01-01') + d * 86_400_000).toISOString().slice(0, 10))),
}).map(({ tz, hours, holidays }) => ({ id: 'c', time_zone: tz, hours, holidays }) as Calendar);

describe('business-hours due times (property tests)', () => {
  it('due time = the instant where the oracle has counted exactly the duration of open minutes', () => {
    fc.assert(fc.property(arbCalendar, fc.oneof({ arbitrary: arbNearDst, weight: 3 }, { arbitrary: arbStart, weight: 1 }), fc.integer({ min: 1, max: 2 * 24 * 60 }), (cal, start, minutes) => {
      const bc = new BusinessCalendar(cal);
      const isOpen = calendarOracle(cal);
      const due = bc.addBusinessTime(start, minutes * MIN);
      // walk minute by minute with the oracle (bounded: skip closed stretches a day at most at a time)
      let t = start, counted = 0, guard = 0;
      while (counted < minutes) {
        if (isOpen(t)) counted++;
        t += MIN;
        if (++guard > 60 * 24 * 40) return; // a calendar with almost no hours: covered by the other properties
      }
      expect(due).toBe(t);
    }), { numRuns: 120 });
  });

  it('open/closed agrees with the wall-clock oracle around DST changes', () => {
    fc.assert(fc.property(arbCalendar, arbNearDst, (cal, t) => {
      const bc = new BusinessCalendar(cal);
      expect(bc.isOpen(t)).toBe(calendarOracle(cal)(t));
    }), { numRuns: 2000 });
  });

  it('is additive, monotonic and inverse to businessTimeBetween', () => {
    fc.assert(fc.property(arbCalendar, fc.oneof(arbStart, arbNearDst), fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.integer({ min: 0, max: 20 * 86_400_000 }), (cal, start, a, b) => {
      // The calendar refuses (RangeError) durations it cannot hold within ten years; a sparse random
      // calendar (30 minutes a week) cannot hold 20 days: keep to what five years of it can.
      fc.pre(a + b <= weeklyOpenMs(cal) * 52 * 5);
      const bc = new BusinessCalendar(cal);
      const da = bc.addBusinessTime(start, a);
      expect(da).toBeGreaterThanOrEqual(start);
      expect(bc.addBusinessTime(da, b)).toBe(bc.addBusinessTime(start, a + b));
      expect(bc.businessTimeBetween(start, da)).toBe(a);
      if (a <= b) expect(da).toBeLessThanOrEqual(bc.addBusinessTime(start, b));
      // a due time never lands in closed time, except exactly at a window's end
      if (a > 0) expect(bc.isOpen(da) || bc.isOpen(da - 1)).toBe(true);
    }), { numRuns: 300 });
  });

  it('no business time is counted on holidays', () => {
    fc.assert(fc.property(arbCalendar, fc.integer({ min: 0, max: 700 }), (cal, d) => {
      const day = new Date(Date.parse('2026-01-01') + d * 86_400_000).toISOString().slice(0, 10);
      const bc = new BusinessCalendar({ ...cal, holidays: [day] });
      const isOpen = calendarOracle({ ...cal, holidays: [day] });
      // every minute of the two UTC days around the local date: open minutes are never on the holiday
      const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: cal.time_zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (let t = Date.parse(day) - 86_400_000; t < Date.parse(day) + 2 * 86_400_000; t += 15 * MIN) {
        if (bc.isOpen(t)) expect(fmt.format(t)).not.toBe(day);
        expect(bc.isOpen(t)).toBe(isOpen(t));
      }
    }), { numRuns: 60 });
  });

  it('a 24×7 calendar adds real time exactly, across DST', () => {
    fc.assert(fc.property(fc.constantFrom(...ZONES), fc.oneof(arbStart, arbNearDst), fc.integer({ min: 0, max: 10 * 86_400_000 }), (tz, start, ms) => {
      const bc = new BusinessCalendar({ id: 'all', time_zone: tz, hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '24:00']]])) as Calendar['hours'] });
      expect(bc.addBusinessTime(start, ms)).toBe(start + ms);
    }), { numRuns: 300 });
  });

  it('known DST cases in Warsaw and New York', () => {
    const nine5: Calendar['hours'] = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']], sat: [], sun: [['01:30', '03:30']] };
    const waw = new BusinessCalendar({ id: 'w', time_zone: 'Europe/Warsaw', hours: nine5 });
    // Fall back (25 Oct 2026): the Sunday window 01:30–03:30 holds 3 real hours (02:00–03:00 happens twice)
    const sun = Date.parse('2026-10-24T23:30:00Z');
    expect(waw.businessTimeBetween(sun, sun + 4 * 3600_000)).toBe(3 * 3600_000);
    // Spring forward (29 Mar 2026): only 1 real hour (02:00–03:00 does not exist)
    const sun2 = Date.parse('2026-03-29T00:00:00Z');
    expect(waw.businessTimeBetween(sun2, sun2 + 3 * 3600_000)).toBe(3600_000);
    const ny = new BusinessCalendar({ id: 'n', time_zone: 'America/New_York', hours: nine5, holidays: ['2026-11-26'] });
    // Wed 25 Nov 16:00 EST + 2 h → 1 h Wed, Thanksgiving closed, Fri 10:00 EST = 15:00Z
    expect(new Date(ny.addBusinessTime(Date.parse('2026-11-25T21:00:00Z'), 2 * 3600_000)).toISOString()).toBe('2026-11-27T15:00:00.000Z');
  });
});

describe('business time over long spans (what the metrics measure)', () => {
  const H = 3_600_000;
  const t = (iso: string) => Date.parse(iso);
  const weekdays9to5: Calendar['hours'] = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] };
  const warsaw = new BusinessCalendar({ id: 'w', time_zone: 'Europe/Warsaw', hours: weekdays9to5, holidays: ['2026-11-11'] });

  it('counts only open hours in the local time zone, skipping weekends and holidays', () => {
    // Monday 2026-11-09, Warsaw is UTC+1: open 08:00–16:00 UTC.
    expect(warsaw.businessTimeBetween(t('2026-11-09T07:00:00Z'), t('2026-11-09T09:00:00Z'))).toBe(1 * H);
    expect(warsaw.businessTimeBetween(t('2026-11-09T00:00:00Z'), t('2026-11-10T00:00:00Z'))).toBe(8 * H);
    expect(warsaw.businessTimeBetween(t('2026-11-06T15:00:00Z'), t('2026-11-09T09:00:00Z'))).toBe(2 * H);
    expect(warsaw.businessTimeBetween(t('2026-11-10T15:00:00Z'), t('2026-11-12T09:00:00Z'))).toBe(2 * H); // Wed 11th closed
    // Friday 16:00 CEST (14:00Z) → Monday 10:00 CET (09:00Z) over the end of daylight saving time: one hour each side
    expect(warsaw.businessTimeBetween(t('2026-10-23T14:00:00Z'), t('2026-10-26T09:00:00Z'))).toBe(2 * H);
    // a year, measured from both ends of a long scan (the materialised run grows both ways)
    expect(warsaw.businessTimeBetween(t('2027-01-04T00:00:00Z'), t('2027-01-05T00:00:00Z'))).toBe(8 * H);
    expect(warsaw.businessTimeBetween(t('2025-01-06T00:00:00Z'), t('2025-01-07T00:00:00Z'))).toBe(8 * H);
  });

  it('handles a split shift and a window ending at 24:00 over the spring change in New York', () => {
    const ny = new BusinessCalendar({ id: 'n', time_zone: 'America/New_York', hours: { sun: [['00:00', '03:00'], ['20:00', '24:00']] } });
    // Sunday 2026-03-08: clocks jump 02:00 → 03:00, so 00:00–03:00 holds two real hours.
    expect(ny.businessTimeBetween(t('2026-03-08T00:00:00Z'), t('2026-03-09T12:00:00Z'))).toBe(6 * H);
  });

  it('refuses bad calendars with the reason', () => {
    const bad = (c: unknown) => () => new BusinessCalendar(c as Calendar);
    expect(bad({ id: 'x', time_zone: 'Mars/Olympus', hours: { mon: [['09:00', '17:00']] } })).toThrow(/unknown IANA time zone "Mars\/Olympus"/);
    expect(bad({ id: 'x', time_zone: 'UTC', hours: { mon: [['17:00', '09:00']] } })).toThrow(/ends before it starts/);
    expect(bad({ id: 'x', time_zone: 'UTC', hours: { mon: [['09:00', '12:00'], ['11:00', '13:00']] } })).toThrow(/not overlap/);
    expect(bad({ id: 'x', time_zone: 'UTC', hours: { mon: [['9:00', '12:00']] } })).toThrow(/HH:MM/);
    expect(bad({ id: 'x', time_zone: 'UTC', hours: { mon: [['09:00', '12:00']] }, holidays: ['11/11/2026'] })).toThrow();
  });

  it('agrees with a quarter-hour brute force across time zones, DST changes and years', () => {
    const zones = ['Europe/Warsaw', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    const holidays = ['2026-03-30', '2026-10-27', '2027-01-01'];
    const hours: Calendar['hours'] = { mon: [['08:30', '12:00'], ['13:00', '17:45']], tue: [['09:00', '17:00']], wed: [['00:00', '24:00']], fri: [['22:00', '24:00']], sat: [['00:00', '02:15']] };
    const calendars = zones.map((time_zone) => new BusinessCalendar({ id: 'q', time_zone, hours, holidays }));
    const oracles = zones.map((time_zone) => calendarOracle({ id: 'q', time_zone, hours, holidays }));
    const Q = 15 * 60_000;
    const base = t('2026-01-01T00:00:00Z');
    fc.assert(fc.property(
      fc.integer({ min: 0, max: zones.length - 1 }),
      fc.integer({ min: 0, max: 4 * 365 * 24 * 2 }), // half-hour steps over ~2 years (Kolkata is +05:30)
      fc.integer({ min: 0, max: 4 * 24 * 4 }), // up to four days long
      (zi, startHalfHours, lenQ) => {
        const a = base + startHalfHours * 30 * 60_000;
        const b = a + lenQ * Q;
        let expected = 0;
        for (let x = a; x < b; x += Q) if (oracles[zi](x)) expected += Q;
        expect(calendars[zi].businessTimeBetween(a, b)).toBe(expected);
      },
    ), { numRuns: 300, seed: 20261127 });
  });

  it('SLA due times and SLA hit rates agree: a reply is within the target exactly when it comes by the due time', () => {
    fc.assert(fc.property(arbCalendar, fc.oneof(arbStart, arbNearDst), fc.integer({ min: 1, max: 3 * 24 * 60 }), fc.integer({ min: -120, max: 120 }), (cal, start, minutes, offsetMin) => {
      fc.pre(minutes * MIN <= weeklyOpenMs(cal) * 52 * 5);
      const bc = new BusinessCalendar(cal);
      const target = minutes * MIN;
      const due = bc.addBusinessTime(start, target); // routing: the first-response due time
      const reply = due + offsetMin * MIN;
      // metrics: met when the open time waited is within the target
      const met = bc.businessTimeBetween(start, reply) <= target;
      if (reply <= due) expect(met).toBe(true);
      // after the due time a reply is late as soon as open time has passed (closed time after the due time is no breach yet)
      else expect(met).toBe(bc.businessTimeBetween(due, reply) === 0);
    }), { numRuns: 300 });
  });
});
