/**
 * Due times of SLA clocks that pause (conversation pending or snoozed: waiting on the customer).
 *
 * A clock counts business time from its start, except inside pauses: closed intervals
 * [from, to) that ended, plus the current pause [since, ∞) while one is running. The due time is
 * the first instant where the counted time reaches the target. While paused, a clock that has
 * not reached its target has no due time (null): it resumes with the business time it had left.
 * A clock whose target was reached before the pause keeps that (past) due time.
 */
import type { BusinessCalendar } from './calendar';

export type Pause = readonly [from: number, to: number];

export interface PauseState {
  /** start of the running pause, or null */
  since: number | null;
  /** ended pauses, in order, not overlapping */
  intervals: Pause[];
}

export function pausedDue(cal: BusinessCalendar, from: number, ms: number, pause: PauseState): number | null {
  let cursor = from;
  let left = ms;
  if (left === 0) return from;
  for (const [a, b] of pause.intervals) {
    if (b <= cursor) continue;
    if (a > cursor) {
      const avail = cal.businessTimeBetween(cursor, a);
      if (avail >= left) return cal.addBusinessTime(cursor, left);
      left -= avail;
    }
    cursor = Math.max(cursor, b);
  }
  if (pause.since !== null) {
    if (pause.since > cursor && cal.businessTimeBetween(cursor, pause.since) >= left) return cal.addBusinessTime(cursor, left);
    return null;
  }
  return cal.addBusinessTime(cursor, left);
}

/** Business time counted by a clock between `from` and `until`, leaving out pauses. */
export function countedTime(cal: BusinessCalendar, from: number, until: number, pause: PauseState): number {
  let total = 0;
  let cursor = from;
  const stops: Pause[] = pause.since !== null ? [...pause.intervals, [pause.since, Infinity]] : pause.intervals;
  for (const [a, b] of stops) {
    if (cursor >= until) break;
    if (b <= cursor) continue;
    if (a > cursor) total += cal.businessTimeBetween(cursor, Math.min(a, until));
    cursor = Math.max(cursor, b);
  }
  if (cursor < until) total += cal.businessTimeBetween(cursor, until);
  return total;
}

/** Check restored pause state: finite numbers, each interval non-empty, in order, not overlapping. */
export function validPauseState(p: PauseState): string | null {
  let last = -Infinity;
  for (const iv of p.intervals) {
    if (!Array.isArray(iv) || iv.length !== 2 || !iv.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'each pause must be [from, to] in ms';
    if (iv[1] < iv[0]) return `pause [${iv[0]}, ${iv[1]}] ends before it starts`;
    if (iv[0] < last) return 'pauses must be in order and not overlap';
    last = iv[1];
  }
  if (p.since !== null && (!Number.isFinite(p.since) || p.since < last)) return 'the running pause must start after the ended ones';
  return null;
}
