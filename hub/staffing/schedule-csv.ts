/**
 * A schedule file (shared/contract/staffing.ts ImportShiftsSchema): a CSV with a header naming
 * `agent_email`, `start`, `end` and optionally `activity`, in any order, parsed with csv-parse. Times are
 * ISO 8601 with an offset, or a local `YYYY-MM-DD HH:MM[:SS]` (also with a `T`) read in the workspace's
 * time zone. Pure: every bad row is reported with its line (the header is line 1), nothing is guessed.
 */
import { parse } from 'csv-parse/sync';
import { ShiftActivitySchema, SHIFT_MAX_HOURS, type ShiftRowError } from '../../shared/contract/staffing';
import { ZoneClock } from '../routing/calendar';

export interface ParsedShiftRow { line: number; agent_email: string; starts_at: number; ends_at: number; activity: string }

type Column = 'agent_email' | 'start' | 'end' | 'activity';
const ALIASES: Record<string, Column> = {
  agent_email: 'agent_email', email: 'agent_email', agent: 'agent_email',
  start: 'start', starts_at: 'start', end: 'end', ends_at: 'end', activity: 'activity',
};
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** A local wall-clock time in `timeZone` as an instant; null when it is not a time. */
export function parseShiftTime(text: string, timeZone: string): number | null {
  const t = text.trim();
  if (WITH_OFFSET.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : null;
  }
  const m = LOCAL.exec(t);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) return null;
  return instantOfWall(wall, timeZone);
}

/** The instant whose wall clock in `timeZone` reads `wall` (a wall time written as if UTC); twice round, as the offset may change across a DST change. */
export function instantOfWall(wall: number, timeZone: string): number {
  const zone = new ZoneClock(timeZone);
  const at = wall - zone.offset(wall);
  return wall - zone.offset(at);
}

/** The start of the local day of `t` in `timeZone`. */
export function localDayStart(t: number, timeZone: string): number {
  const wall = new ZoneClock(timeZone).wall(t);
  return instantOfWall(Math.floor(wall / 86_400_000) * 86_400_000, timeZone);
}

/** The file's rows, or every problem with it. */
export function parseScheduleCsv(csv: string, timeZone: string): { rows: ParsedShiftRow[]; errors: ShiftRowError[] } {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, message: `not a CSV file: ${(e as Error).message}` }] };
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 1, message: 'the file is empty: it needs a header agent_email,start,end[,activity] and a row per shift' }] };
  const header = records[0]!.map((h) => h.trim().toLowerCase());
  const at: Partial<Record<Column, number>> = {};
  const errors: ShiftRowError[] = [];
  header.forEach((h, i) => {
    const col = ALIASES[h];
    if (!col) errors.push({ line: 1, message: `unknown column "${records[0]![i]}" (the columns are agent_email, start, end and optionally activity)` });
    else if (at[col] !== undefined) errors.push({ line: 1, message: `column ${col} is given twice` });
    else at[col] = i;
  });
  for (const need of ['agent_email', 'start', 'end'] as const) if (at[need] === undefined) errors.push({ line: 1, message: `the header has no ${need} column` });
  if (errors.length) return { rows: [], errors };
  if (records.length === 1) return { rows: [], errors: [{ line: 2, message: 'the file has a header but no shifts' }] };

  const rows: ParsedShiftRow[] = [];
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const cell = (c: Column) => (at[c] === undefined ? '' : (r[at[c]!] ?? '').trim());
    const problems: string[] = [];
    if (r.length > header.length) problems.push(`${r.length} cells for ${header.length} columns`);
    const email = cell('agent_email');
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) problems.push(email ? `"${email}" is not an email address` : 'no agent_email');
    const start = parseShiftTime(cell('start'), timeZone);
    const end = parseShiftTime(cell('end'), timeZone);
    if (start === null) problems.push(cell('start') ? `start "${cell('start')}" is not a time like 2026-12-07 09:00 or 2026-12-07T09:00:00Z` : 'no start');
    if (end === null) problems.push(cell('end') ? `end "${cell('end')}" is not a time like 2026-12-07 17:00 or 2026-12-07T17:00:00Z` : 'no end');
    if (start !== null && end !== null) {
      if (end <= start) problems.push('the shift ends before it starts');
      else if (end - start > SHIFT_MAX_HOURS * 3_600_000) problems.push(`the shift is longer than ${SHIFT_MAX_HOURS} hours`);
    }
    const activityText = cell('activity') || 'work';
    const activity = ShiftActivitySchema.safeParse(activityText);
    if (!activity.success) problems.push(`activity "${activityText}": ${activity.error.issues[0]?.message}`);
    if (problems.length) errors.push({ line, message: problems.join('; ') });
    else rows.push({ line, agent_email: email.toLowerCase(), starts_at: start!, ends_at: end!, activity: activity.data! });
  });
  return { rows, errors };
}
