/**
 * Business-hours calendars: weekly opening windows in an IANA time zone, plus holidays. The one
 * calendar of the hub: routing's SLA due times (`addBusinessTime`) and the metrics' durations and
 * SLA hit rates (`businessTimeBetween`) are computed from the same open intervals, so a reply at
 * its due time is within the SLA for both.
 *
 * Semantics (the property tests check exactly this against an independent oracle):
 * an instant is "open" when its local wall-clock date is not a holiday and its local
 * wall-clock time falls inside one of that weekday's windows [start, end).
 * So on a spring-forward day a window starting inside the skipped hour opens at the
 * transition; on a fall-back day a repeated wall-clock hour inside a window counts twice.
 * Business time is real elapsed time while open.
 *
 * Built on Intl (full ICU ships with Node), no date library needed.
 */
import { z } from 'zod';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'time must be HH:MM (00:00–24:00)');
const Window = z.tuple([HHMM, HHMM]);

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const CalendarSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().max(200).optional(),
  time_zone: z.string().refine(isValidTimeZone, { error: (iss) => `unknown IANA time zone "${String(iss.input)}"` }),
  hours: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(Window).max(10).default([])])) as Record<Weekday, z.ZodDefault<z.ZodArray<typeof Window>>>).strict(),
  holidays: z.array(z.iso.date()).max(2000).default([]),
}).strict().superRefine((cal, ctx) => {
  let open = 0;
  for (const day of WEEKDAYS) {
    const windows = cal.hours[day].map(([a, b]) => [toMinutes(a), toMinutes(b)] as const);
    windows.forEach(([a, b], i) => {
      if (b <= a) ctx.addIssue({ code: 'custom', path: ['hours', day, i], message: `window ${cal.hours[day][i].join('–')} ends before it starts` });
      const prev = windows[i - 1];
      if (prev && a < prev[1]) ctx.addIssue({ code: 'custom', path: ['hours', day, i], message: 'windows must be in order and not overlap' });
      open += Math.max(0, b - a);
    });
  }
  if (open === 0) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'a calendar needs at least one opening window in the week' });
});
export type Calendar = z.input<typeof CalendarSchema>;

/** A calendar open all the time, in UTC: used when a policy names no calendar. */
export const ALWAYS_OPEN: Calendar = {
  id: '24x7', time_zone: 'UTC',
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '24:00']]])) as Calendar['hours'],
  holidays: [],
};

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Local wall-clock reading of instants in one zone, with the offset (wall − UTC) in ms. */
export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }
  /** Wall-clock time of instant t, expressed as if it were a UTC instant (ms). */
  wall(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of this.fmt.formatToParts(whole)) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) + (t - whole);
  }
  offset(t: number): number {
    return this.wall(t) - t;
  }
  /** Days since 1970-01-01 of the local date of t. */
  localDay(t: number): number {
    return Math.floor(this.wall(t) / DAY);
  }
}

export function dayKey(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

type Interval = readonly [number, number];

/**
 * A validated calendar, compiled for fast arithmetic: per-day intervals are cached, and durations
 * read a materialised run of days with a running sum (O(log n) each, for reports over long histories).
 */
export class BusinessCalendar {
  readonly id: string;
  readonly timeZone: string;
  private readonly zone: ZoneClock;
  private readonly windows: Array<Array<readonly [number, number]>>; // by weekday (0 = Sunday), ms since local midnight
  private readonly holidays: Set<string>;
  private readonly cache = new Map<number, Interval[]>();
  // Open intervals [starts[i], ends[i]) of local days firstDay..lastDay, with the open ms before each.
  private starts: number[] = [];
  private ends: number[] = [];
  private before: number[] = [];
  private firstDay = 0;
  private lastDay = -1;

  constructor(input: Calendar) {
    const parsed = CalendarSchema.safeParse(input);
    if (!parsed.success) throw new RangeError(`invalid business calendar: ${z.prettifyError(parsed.error)}`);
    const cal = parsed.data;
    this.id = cal.id;
    this.timeZone = cal.time_zone;
    this.zone = new ZoneClock(cal.time_zone);
    this.windows = WEEKDAYS.map((d) => cal.hours[d].map(([a, b]) => [toMinutes(a) * 60_000, toMinutes(b) * 60_000] as const));
    this.holidays = new Set(cal.holidays);
  }

  /** Open intervals (absolute ms, sorted) of one local date. */
  intervals(day: number): Interval[] {
    const hit = this.cache.get(day);
    if (hit) return hit;
    const out: Interval[] = [];
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const windows = this.windows[weekday];
    if (windows.length > 0 && !this.holidays.has(dayKey(day))) {
      const u0 = day * DAY;
      // Every instant whose local date is `day` lies in [u0 − 15 h, u0 + 39 h] (offsets span −12..+14 h).
      const s0 = u0 - 15 * HOUR, s1 = u0 + 39 * HOUR;
      const o0 = this.zone.offset(s0), o1 = this.zone.offset(s1);
      let t = Infinity; // the offset transition inside the span, if any
      if (o0 !== o1) {
        let lo = s0, hi = s1;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.zone.offset(mid) === o0) lo = mid; else hi = mid;
        }
        t = hi;
      }
      for (const [ws, we] of windows) {
        // Before the transition wall = t + o0, after it wall = t + o1: each piece maps windows linearly.
        push(out, u0 + ws - o0, Math.min(u0 + we - o0, t));
        if (t !== Infinity) push(out, Math.max(u0 + ws - o1, t), u0 + we - o1);
      }
      out.sort((a, b) => a[0] - b[0]);
    }
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(day, out);
    return out;
  }

  isOpen(t: number): boolean {
    const d = this.zone.localDay(t);
    for (let day = d - 1; day <= d + 1; day++) {
      for (const [a, b] of this.intervals(day)) if (a <= t && t < b) return true;
    }
    return false;
  }

  /** The instant at which `ms` of business time has elapsed after `start`. */
  addBusinessTime(start: number, ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`business duration must be a finite number ≥ 0, got ${ms}`);
    if (ms === 0) return start;
    let remaining = ms;
    let cur = start;
    const first = this.zone.localDay(start) - 1;
    for (let day = first; day < first + 3700; day++) {
      for (const [a, b] of this.intervals(day)) {
        if (b <= cur) continue;
        const s = Math.max(a, cur);
        const avail = b - s;
        if (avail >= remaining) return s + remaining;
        remaining -= avail;
        cur = b;
      }
    }
    throw new RangeError(`calendar ${this.id} has no business time within ten years of ${new Date(start).toISOString()}`);
  }

  /** Business time elapsed between two instants (0 if b ≤ a). */
  businessTimeBetween(a: number, b: number): number {
    if (!(b > a)) return 0;
    this.cover(a);
    this.cover(b);
    return this.openBefore(b) - this.openBefore(a);
  }

  /** Materialise the days around instant t: its local day and the day either side hold every interval that can contain it. */
  private cover(t: number): void {
    // Fast path without Intl: offsets are under a day, so two days of margin keep the local day,
    // and the day either side of it, inside the materialised run.
    if (t >= (this.firstDay + 2) * DAY && t < (this.lastDay - 1) * DAY) return;
    const day = this.zone.localDay(t);
    if (this.lastDay < this.firstDay) { this.build(day - 32, day + 32); return; }
    // grow generously, so a scan over a long history rebuilds only a few times
    const span = Math.max(64, this.lastDay - this.firstDay);
    this.build(Math.min(this.firstDay, day - span), Math.max(this.lastDay, day + span));
  }

  private build(fromDay: number, toDay: number): void {
    const starts: number[] = [];
    const ends: number[] = [];
    // local dates never go backwards, so the days' intervals come in order and do not overlap
    for (let day = fromDay; day <= toDay; day++) {
      for (const [a, b] of this.intervals(day)) { starts.push(a); ends.push(b); }
    }
    const before: number[] = new Array(starts.length);
    let sum = 0;
    for (let i = 0; i < starts.length; i++) { before[i] = sum; sum += ends[i] - starts[i]; }
    this.starts = starts; this.ends = ends; this.before = before;
    this.firstDay = fromDay; this.lastDay = toDay;
  }

  /** Open milliseconds of the materialised run before instant t. */
  private openBefore(t: number): number {
    const starts = this.starts;
    let lo = 0, hi = starts.length - 1, i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { i = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (i < 0) return 0;
    return this.before[i] + Math.min(t, this.ends[i]) - starts[i];
  }
}

function push(out: Interval[], a: number, b: number): void {
  if (b > a) out.push([a, b]);
}
