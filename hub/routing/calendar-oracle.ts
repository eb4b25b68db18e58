/**
 * Tests' independent oracle for business hours: is instant t open? It reads the local wall clock
 * with its own Intl formatter and compares minutes of the day with the windows, sharing no
 * interval arithmetic with calendar.ts (used by calendar.test.ts and sla-clock.test.ts).
 */
import type { Calendar } from './calendar';

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
