/**
 * Business-hours calendars: opening hours per weekday in an IANA time zone, minus holidays.
 * Durations in the metrics are measured in open time only, so a post at Friday 23:00 answered
 * Monday 09:05 counts as 5 minutes in a Mon–Fri 09:00–17:00 calendar.
 *
 * Built on Intl (no tz database of our own). Queries are O(log n): the calendar's open intervals
 * are materialised lazily in UTC with a running sum, and a duration is the difference of two sums.
 */
import { z } from 'zod';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export const BusinessCalendarSchema = z.object({
  timeZone: z.string().min(1),
  /** Weekday (0 = Sunday … 6 = Saturday) → open ranges as ["HH:MM", "HH:MM"], end exclusive; "24:00" allowed as end. */
  weekly: z.partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(z.tuple([z.string().regex(HHMM), z.string().regex(HHMM)]))),
  /** Local dates on which the calendar is closed all day. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
}).strict();
export type BusinessCalendarSpec = z.input<typeof BusinessCalendarSchema>;

const DAY = 86_400_000;

/** Measures elapsed time. The 24/7 clock is the default when a workspace has no calendar. */
export interface Clock {
  readonly kind: 'always' | 'business';
  /** Open milliseconds in [a, b); 0 when b <= a. */
  openMs(a: number, b: number): number;
}

export const ALWAYS_OPEN: Clock = {
  kind: 'always',
  openMs: (a, b) => (b > a ? b - a : 0),
};

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** UTC offset (ms) of a time zone at an instant, from Intl's wall-clock rendering. */
function makeOffsetFn(timeZone: string): (utc: number) => number {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw new Error(`unknown time zone "${timeZone}" (expected an IANA name such as "Europe/Warsaw")`);
  }
  return (utc: number) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utc))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - Math.floor(utc / 1000) * 1000;
  };
}

export class BusinessCalendar implements Clock {
  readonly kind = 'business' as const;
  private readonly spec: z.output<typeof BusinessCalendarSchema>;
  private readonly offset: (utc: number) => number;
  private readonly ranges: Array<Array<[number, number]>>;
  private readonly holidays: Set<string>;
  // Materialised open intervals [starts[i], ends[i]) in UTC ms, and open ms before each.
  private starts: number[] = [];
  private ends: number[] = [];
  private before: number[] = [];
  /** Local day numbers (days since 1970-01-01 in local wall time) covered by the arrays. */
  private firstDay = 0;
  private lastDay = -1;

  constructor(spec: BusinessCalendarSpec) {
    const parsed = BusinessCalendarSchema.safeParse(spec);
    if (!parsed.success) throw new Error(`invalid business calendar: ${z.prettifyError(parsed.error)}`);
    this.spec = parsed.data;
    this.offset = makeOffsetFn(this.spec.timeZone);
    this.holidays = new Set(this.spec.holidays);
    this.ranges = [];
    for (let wd = 0; wd < 7; wd++) {
      const list = (this.spec.weekly[String(wd) as '0'] ?? []).map(([s, e]) => [minutesOf(s), minutesOf(e)] as [number, number]);
      for (const [s, e] of list) if (e <= s) throw new Error(`invalid business calendar: range ends before it starts on weekday ${wd}`);
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) {
        if (list[i][0] < list[i - 1][1]) throw new Error(`invalid business calendar: overlapping ranges on weekday ${wd}`);
      }
      this.ranges.push(list);
    }
  }

  get timeZone(): string { return this.spec.timeZone; }

  /** The local day number of an instant. */
  private localDay(utc: number): number {
    return Math.floor((utc + this.offset(utc)) / DAY);
  }

  /** UTC instant of a local wall time (day number + minutes), resolving DST folds the usual way. */
  private toUtc(day: number, minutes: number): number {
    const wall = day * DAY + minutes * 60_000;
    const first = wall - this.offset(wall);
    const second = wall - this.offset(first);
    return second;
  }

  private build(fromDay: number, toDay: number): void {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let day = fromDay; day <= toDay; day++) {
      const date = new Date(day * DAY);
      if (this.holidays.has(date.toISOString().slice(0, 10))) continue;
      for (const [s, e] of this.ranges[date.getUTCDay()]) {
        const a = this.toUtc(day, s);
        const b = this.toUtc(day, e);
        if (b > a) { starts.push(a); ends.push(b); }
      }
    }
    const before: number[] = new Array(starts.length);
    let sum = 0;
    for (let i = 0; i < starts.length; i++) { before[i] = sum; sum += ends[i] - starts[i]; }
    this.starts = starts; this.ends = ends; this.before = before;
    this.firstDay = fromDay; this.lastDay = toDay;
  }

  private ensure(utc: number): void {
    // Fast path without Intl: offsets are under a day, so two days of margin keep the local day,
    // and the day either side of it, inside the materialised range.
    if (utc >= (this.firstDay + 2) * DAY && utc < (this.lastDay - 1) * DAY) return;
    const day = this.localDay(utc);
    if (this.lastDay < this.firstDay) { this.build(day - 32, day + 32); return; }
    // Grow generously so a scan over a long history rebuilds only a few times.
    const span = Math.max(64, this.lastDay - this.firstDay);
    this.build(Math.min(this.firstDay, day - span), Math.max(this.lastDay, day + span));
  }

  /** Open milliseconds before instant t within the materialised range. */
  private cumulative(t: number): number {
    const starts = this.starts;
    let lo = 0; let hi = starts.length - 1; let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { i = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (i < 0) return 0;
    return this.before[i] + Math.min(t, this.ends[i]) - starts[i];
  }

  openMs(a: number, b: number): number {
    if (!(b > a)) return 0;
    this.ensure(a);
    this.ensure(b);
    return this.cumulative(b) - this.cumulative(a);
  }

  /** Whether the calendar is open at instant t. */
  isOpen(t: number): boolean {
    return this.openMs(t, t + 1) === 1;
  }
}

/** A clock from an optional spec: no spec means 24/7. */
export function clockFor(spec: BusinessCalendarSpec | null | undefined): Clock {
  return spec ? new BusinessCalendar(spec) : ALWAYS_OPEN;
}

const ROUTING_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** hub/routing's calendar shape ({time_zone, hours: {mon: [...]}, holidays}), so a workspace keeps one calendar. */
export interface RoutingCalendarLike {
  time_zone: string;
  hours: Partial<Record<(typeof ROUTING_DAYS)[number], Array<[string, string]>>>;
  holidays?: string[];
}

export function isRoutingCalendar(x: unknown): x is RoutingCalendarLike {
  return typeof x === 'object' && x !== null && 'time_zone' in x && 'hours' in x;
}

export function calendarFromRouting(c: RoutingCalendarLike): BusinessCalendarSpec {
  const weekly: BusinessCalendarSpec['weekly'] = {};
  ROUTING_DAYS.forEach((day, i) => {
    const ranges = c.hours[day];
    if (ranges && ranges.length) weekly[String(i) as '0'] = ranges.map(([a, b]) => [a, b] as [string, string]);
  });
  return { timeZone: c.time_zone, weekly, holidays: c.holidays ?? [] };
}
