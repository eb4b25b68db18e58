/**
 * Adherence (issue 15): does an agent's presence match their schedule? Pure.
 *
 * What the schedule asks at a moment: a shift of another activity (`break`, `training`…) wins over the
 * work shift it sits in; no shift, nothing asked. A work shift asks the agent to be working: any
 * presence but offline, break and away. Another activity asks the agent off the queue: that activity,
 * or not working at all (an agent who goes offline for a scheduled break is where the plan says).
 * Working with no shift is "working unscheduled": shown on the Floor, not counted against adherence.
 */

export interface PlannedShift { agent_id: string; starts_at: number; ends_at: number; activity: string }
export interface PresenceChange { at: number; activity: string }

const NOT_WORKING = new Set(['offline', 'break', 'away']);
export const isWorking = (presence: string): boolean => !NOT_WORKING.has(presence.toLowerCase());

export function inAdherence(expected: string, presence: string): boolean {
  if (expected === 'work') return isWorking(presence);
  return presence.toLowerCase() === expected || !isWorking(presence);
}

/** The shift that says what the agent should do at `t` (one agent's shifts), or null. */
export function scheduledAt(shifts: PlannedShift[], t: number): PlannedShift | null {
  let work: PlannedShift | null = null;
  for (const s of shifts) {
    if (s.starts_at > t || s.ends_at <= t) continue;
    if (s.activity !== 'work') return s;
    work = s;
  }
  return work;
}

export type LiveAdherence =
  | { state: 'in' | 'out'; shift: PlannedShift; since: number }
  | { state: 'unscheduled'; shift: null; since: number }
  | null;

/**
 * One agent's adherence now: in or out (since the later of the presence's start and the moment the
 * schedule last changed what it asks), working unscheduled (since the later of the presence's start
 * and the last shift's end), or null (no shift and not working: nothing to show).
 */
export function liveAdherence(shifts: PlannedShift[], presence: string, presenceSince: number, now: number): LiveAdherence {
  const shift = scheduledAt(shifts, now);
  let boundary = -Infinity;
  for (const s of shifts) for (const b of [s.starts_at, s.ends_at]) if (b <= now && b > boundary) boundary = b;
  const since = Math.max(presenceSince, boundary);
  if (shift) return { state: inAdherence(shift.activity, presence) ? 'in' : 'out', shift, since };
  return isWorking(presence) ? { state: 'unscheduled', shift: null, since } : null;
}

export interface AdherenceFigures { scheduled_ms: number; in_adherence_ms: number; unscheduled_work_ms: number }

/**
 * One agent over [from, to): time scheduled, time in adherence, time working unscheduled. `initial` is
 * the presence at `from`; `changes` the presence changes after it (any order).
 */
export function adherenceOver(shifts: PlannedShift[], initial: string, changes: PresenceChange[], from: number, to: number): AdherenceFigures {
  const out: AdherenceFigures = { scheduled_ms: 0, in_adherence_ms: 0, unscheduled_work_ms: 0 };
  if (to <= from) return out;
  const moves = changes.filter((c) => c.at > from && c.at < to).sort((a, b) => a.at - b.at);
  const cuts = new Set<number>([from, to, ...moves.map((m) => m.at)]);
  for (const s of shifts) for (const b of [s.starts_at, s.ends_at]) if (b > from && b < to) cuts.add(b);
  const points = [...cuts].sort((a, b) => a - b);
  let presence = initial;
  let m = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const len = points[i + 1]! - a;
    while (m < moves.length && moves[m]!.at <= a) presence = moves[m++]!.activity;
    const shift = scheduledAt(shifts, a);
    if (shift) {
      out.scheduled_ms += len;
      if (inAdherence(shift.activity, presence)) out.in_adherence_ms += len;
    } else if (isWorking(presence)) out.unscheduled_work_ms += len;
  }
  return out;
}
