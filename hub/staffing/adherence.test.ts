/** Adherence (pure): what the schedule asks, live state with since-when, and figures over a range. */
import { describe, expect, it } from 'vitest';
import { adherenceOver, inAdherence, liveAdherence, scheduledAt, type PlannedShift } from './adherence';
import { localDayStart, parseScheduleCsv, parseShiftTime } from './schedule-csv';

const M = 60_000;
const work: PlannedShift = { agent_id: 'a', starts_at: 0, ends_at: 480 * M, activity: 'work' };
const brk: PlannedShift = { agent_id: 'a', starts_at: 180 * M, ends_at: 210 * M, activity: 'break' };

describe('adherence', () => {
  it('a break inside a work shift is what the schedule asks during it', () => {
    expect(scheduledAt([work, brk], 100 * M)).toBe(work);
    expect(scheduledAt([work, brk], 190 * M)).toBe(brk);
    expect(scheduledAt([work, brk], 480 * M)).toBeNull();
    expect(inAdherence('work', 'available')).toBe(true);
    expect(inAdherence('work', 'busy')).toBe(true);
    expect(inAdherence('work', 'offline')).toBe(false);
    expect(inAdherence('break', 'break')).toBe(true);
    expect(inAdherence('break', 'offline')).toBe(true);
    expect(inAdherence('break', 'available')).toBe(false);
  });

  it('live: out of adherence since the later of the presence change and the schedule change', () => {
    expect(liveAdherence([work, brk], 'offline', 50 * M, 100 * M)).toEqual({ state: 'out', shift: work, since: 50 * M });
    // still available when the break began: out since the break's start
    expect(liveAdherence([work, brk], 'available', 10 * M, 200 * M)).toEqual({ state: 'out', shift: brk, since: 180 * M });
    expect(liveAdherence([work], 'available', 400 * M, 500 * M)).toEqual({ state: 'unscheduled', shift: null, since: 480 * M });
    expect(liveAdherence([work], 'offline', 400 * M, 500 * M)).toBeNull();
  });

  it('over a range: scheduled, in adherence and unscheduled work, cut at every change', () => {
    const f = adherenceOver([work, brk], 'offline', [{ at: 30 * M, activity: 'available' }, { at: 500 * M, activity: 'offline' }], -60 * M, 600 * M);
    // scheduled 480 min; in adherence 450 (late 30) − 30 (available through the break) = 420; available 20 min after the shift
    expect(f).toEqual({ scheduled_ms: 480 * M, in_adherence_ms: 420 * M, unscheduled_work_ms: 20 * M });
    expect(adherenceOver([work], 'available', [], 100 * M, 100 * M)).toEqual({ scheduled_ms: 0, in_adherence_ms: 0, unscheduled_work_ms: 0 });
  });
});

describe('schedule CSV', () => {
  it('reads local times in the zone, across a DST change too, and instants with offsets as they are', () => {
    expect(parseShiftTime('2026-12-07 09:00', 'Europe/Paris')).toBe(Date.parse('2026-12-07T08:00:00Z'));
    expect(parseShiftTime('2026-07-07T09:00', 'Europe/Paris')).toBe(Date.parse('2026-07-07T07:00:00Z'));
    expect(parseShiftTime('2026-12-07T09:00:00-05:00', 'Europe/Paris')).toBe(Date.parse('2026-12-07T14:00:00Z'));
    expect(parseShiftTime('2026-02-30 09:00', 'UTC')).toBeNull();
    expect(parseShiftTime('9am', 'UTC')).toBeNull();
    expect(localDayStart(Date.parse('2026-12-07T23:30:00Z'), 'Europe/Paris')).toBe(Date.parse('2026-12-07T23:00:00Z'));
  });

  it('takes the columns in any order and names each bad row', () => {
    const ok = parseScheduleCsv('end,agent_email,start\n2026-12-07T17:00:00Z,Ana@Demo.tend,2026-12-07T09:00:00Z\n', 'UTC');
    expect(ok).toEqual({ errors: [], rows: [{ line: 2, agent_email: 'ana@demo.tend', starts_at: Date.parse('2026-12-07T09:00:00Z'), ends_at: Date.parse('2026-12-07T17:00:00Z'), activity: 'work' }] });
    const bad = parseScheduleCsv('agent_email,start,end,activity\nana,2026-12-07 09:00,2026-12-08 09:00,\nben@demo.tend,2026-12-07 09:00,2026-12-07 10:00,tea time\n', 'UTC');
    expect(bad.rows).toEqual([]);
    expect(bad.errors).toEqual([
      { line: 2, message: '"ana" is not an email address; the shift is longer than 16 hours' },
      { line: 3, message: expect.stringMatching(/^activity "tea time": /) },
    ]);
    expect(parseScheduleCsv('', 'UTC').errors[0]!.message).toMatch(/empty/);
    expect(parseScheduleCsv('agent_email,start\n', 'UTC').errors).toEqual([{ line: 1, message: 'the header has no end column' }]);
  });
});
