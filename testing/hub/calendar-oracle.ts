/**
 * Tests' independent oracle for business hours: is instant t open? It reads the local wall clock
 * with its own Intl formatter and compares minutes of the day with the windows, sharing no
 * interval arithmetic with calendar.ts; and the random weekly hours the property tests draw
 * (used by calendar.test.ts and sla-clock.test.ts).
 */
import fc from 'fast-check';
import { WEEKDAYS, type Calendar } from '../../hub/routing/calendar';

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Random weekly hours: per day 0–2 windows on 30-minute steps (DST transitions happen at such boundaries or inside). */
export const arbWeeklyHours = fc.array(fc.array(fc.integer({ min: 0, max: 48 }), { minLength: 0, maxLength: 4 }), { minLength: 7, maxLength: 7 })
  .map((perDay) => Object.fromEntries(WEEKDAYS.map((d, i) => {
    const cuts = [...new Set(perDay[i].map((x) => x * 30))].sort((a, b) => a - b);
    const windows: Array<[string, string]> = [];
    for (let j = 0; j + 1 < cuts.length; j += 2) windows.push([hhmm(cuts[j]), cuts[j + 1] === 1440 ? '24:00' : hhmm(cuts[j + 1])]);
    return [d, windows];
  })))
  .filter((h) => Object.values(h).some((w) => w.length > 0));

export function calendarOracle(cal: Calendar): (t: number) => boolean {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: cal.time_zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const days: Record<string, string> = { Sun: 'sun', Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat' };
  const hol = new Set(cal.holidays ?? []);
  const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));
  return (t: number): boolean => {
    const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
    if (hol.has(`${p.year}-${p.month}-${p.day}`)) return false;
    const m = Number(p.hour) * 60 + Number(p.minute);
    const windows = (cal.hours as Record<string, Array<[string, string]>>)[days[p.weekday]] ?? [];
    return windows.some(([a, b]) => minutes(a) <= m && m < minutes(b));
  };
}
