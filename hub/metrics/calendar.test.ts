import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, BusinessCalendar, calendarFromRouting, clockFor } from './calendar';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const warsaw = new BusinessCalendar({
  timeZone: 'Europe/Warsaw',
  weekly: { 1: [['09:00', '17:00']], 2: [['09:00', '17:00']], 3: [['09:00', '17:00']], 4: [['09:00', '17:00']], 5: [['09:00', '17:00']] },
  holidays: ['2026-11-11'],
});

describe('BusinessCalendar', () => {
  it('counts only open hours in the local time zone', () => {
    // Monday 2026-11-09, Warsaw is UTC+1: open 08:00–16:00 UTC.
    expect(warsaw.openMs(t('2026-11-09T07:00:00Z'), t('2026-11-09T09:00:00Z'))).toBe(1 * H);
    expect(warsaw.openMs(t('2026-11-09T00:00:00Z'), t('2026-11-10T00:00:00Z'))).toBe(8 * H);
    expect(warsaw.isOpen(t('2026-11-09T08:00:00Z'))).toBe(true);
    expect(warsaw.isOpen(t('2026-11-09T16:00:00Z'))).toBe(false);
  });

  it('skips weekends and holidays', () => {
    expect(warsaw.openMs(t('2026-11-06T15:00:00Z'), t('2026-11-09T09:00:00Z'))).toBe(2 * H);
    expect(warsaw.openMs(t('2026-11-10T15:00:00Z'), t('2026-11-12T09:00:00Z'))).toBe(2 * H); // Wed 11th closed
  });

  it('follows the end of daylight saving time (Sunday 2026-10-25 in Europe)', () => {
    // Friday 16:00 CEST (14:00Z) → Monday 10:00 CET (09:00Z): one hour each side.
    expect(warsaw.openMs(t('2026-10-23T14:00:00Z'), t('2026-10-26T09:00:00Z'))).toBe(2 * H);
    expect(warsaw.isOpen(t('2026-10-23T07:30:00Z'))).toBe(true); // 09:30 CEST
    expect(warsaw.isOpen(t('2026-10-26T07:30:00Z'))).toBe(false); // 08:30 CET
  });

  it('handles a New York day with a split shift and a range ending at 24:00 over the spring change', () => {
    const ny = new BusinessCalendar({ timeZone: 'America/New_York', weekly: { 0: [['00:00', '03:00'], ['20:00', '24:00']] } });
    // Sunday 2026-03-08: clocks jump 02:00 → 03:00, so 00:00–03:00 holds two real hours.
    expect(ny.openMs(t('2026-03-08T00:00:00Z'), t('2026-03-09T12:00:00Z'))).toBe(6 * H);
  });

  it("reads hub/routing's calendar shape", () => {
    const spec = calendarFromRouting({ time_zone: 'Europe/Warsaw', hours: { mon: [['09:00', '17:00']], sat: [] }, holidays: ['2026-11-11'] });
    expect(spec).toEqual({ timeZone: 'Europe/Warsaw', weekly: { 1: [['09:00', '17:00']] }, holidays: ['2026-11-11'] });
    expect(new BusinessCalendar(spec).openMs(t('2026-11-09T00:00:00Z'), t('2026-11-11T00:00:00Z'))).toBe(8 * H);
  });

  it('24/7 clock is wall time', () => {
    expect(ALWAYS_OPEN.openMs(0, 5000)).toBe(5000);
    expect(ALWAYS_OPEN.openMs(5000, 0)).toBe(0);
    expect(clockFor(null)).toBe(ALWAYS_OPEN);
  });

  it('refuses bad calendars with the reason', () => {
    expect(() => new BusinessCalendar({ timeZone: 'Mars/Olympus', weekly: {} })).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { 1: [['17:00', '09:00']] } })).toThrow(/ends before it starts/);
    expect(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { 1: [['09:00', '12:00'], ['11:00', '13:00']] } })).toThrow(/overlapping/);
    expect(() => new BusinessCalendar({ timeZone: 'UTC', weekly: { 1: [['9:00', '12:00']] } })).toThrow(/invalid business calendar/);
    expect(() => new BusinessCalendar({ timeZone: 'UTC', weekly: {}, holidays: ['11/11/2026'] })).toThrow(/invalid business calendar/);
  });

  it('agrees with a quarter-hour brute force across time zones, DST changes and years', () => {
    const zones = ['Europe/Warsaw', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    const calendars = zones.map((timeZone) => new BusinessCalendar({
      timeZone,
      weekly: { 1: [['08:30', '12:00'], ['13:00', '17:45']], 2: [['09:00', '17:00']], 3: [['00:00', '24:00']], 5: [['22:00', '24:00']], 6: [['00:00', '02:15']] },
      holidays: ['2026-03-30', '2026-10-27', '2027-01-01'],
    }));
    const local = zones.map((timeZone) => new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }));
    const Q = 15 * 60_000;
    const base = t('2026-01-01T00:00:00Z');
    const openAt = (zi: number, at: number): boolean => {
      const p = Object.fromEntries(local[zi].formatToParts(new Date(at)).map((x) => [x.type, x.value]));
      const date = `${p.year}-${p.month}-${p.day}`;
      if (['2026-03-30', '2026-10-27', '2027-01-01'].includes(date)) return false;
      const m = Number(p.hour) * 60 + Number(p.minute);
      const within = (a: string, b: string) => m >= Number(a.slice(0, 2)) * 60 + Number(a.slice(3)) && m < Number(b.slice(0, 2)) * 60 + Number(b.slice(3));
      switch (p.weekday) {
        case 'Mon': return within('08:30', '12:00') || within('13:00', '17:45');
        case 'Tue': return within('09:00', '17:00');
        case 'Wed': return true;
        case 'Fri': return within('22:00', '24:00');
        case 'Sat': return within('00:00', '02:15');
        default: return false;
      }
    };
    fc.assert(fc.property(
      fc.integer({ min: 0, max: zones.length - 1 }),
      fc.integer({ min: 0, max: 4 * 365 * 24 * 2 }), // half-hour steps over ~2 years (Kolkata is +05:30)
      fc.integer({ min: 0, max: 4 * 24 * 4 }), // up to four days long
      (zi, startHalfHours, lenQ) => {
        const a = base + startHalfHours * 30 * 60_000;
        const b = a + lenQ * Q;
        let expected = 0;
        for (let x = a; x < b; x += Q) if (openAt(zi, x)) expected += Q;
        expect(calendars[zi].openMs(a, b)).toBe(expected);
      },
    ), { numRuns: 300, seed: 20261127 });
  });
});
