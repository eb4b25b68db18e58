/**
 * Agents' shifts (issue 15): listed, created, changed, deleted and imported from CSV by supervisors and
 * admins (module.ts checks the role). A shift plans `work` or another activity (`break`, `training`…) for
 * one agent; a break may sit inside a work shift, but two work shifts (or two other ones) of an agent
 * never overlap. Every change is checked whole before anything is written, in the transaction that
 * writes it (the agent's row is locked, so two changes of one agent's schedule are taken one at a time).
 * A refusal is a ScheduleError with the reason (and an import's bad rows); it changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { SHIFT_MAX_HOURS, type Shift, type ShiftInput, type ShiftRowError } from '../../shared/contract/staffing';
import type { Db, Queryable } from '../db/db';
import { isValidTimeZone } from '../routing/calendar';
import { parseScheduleCsv, type ParsedShiftRow } from './schedule-csv';

export class ScheduleError extends Error {
  constructor(readonly status: 400 | 404 | 409, message: string, readonly rows?: ShiftRowError[]) { super(message); }
}

const DAY = 86_400_000;
const iso = (d: Date | string | number) => new Date(d).toISOString();
type ShiftRow = { id: string; agent_id: string; agent_name: string; agent_email: string; starts_at: Date; ends_at: Date; activity: string; updated_at: Date };
const view = (r: ShiftRow): Shift => ({
  id: r.id, agent_id: r.agent_id, agent_name: r.agent_name, agent_email: r.agent_email,
  starts_at: iso(r.starts_at), ends_at: iso(r.ends_at), activity: r.activity, updated_at: iso(r.updated_at),
});
const SELECT = `SELECT s.id, s.agent_id, a.name AS agent_name, a.email AS agent_email, s.starts_at, s.ends_at, s.activity, s.updated_at
  FROM shifts s JOIN agents a ON a.id = s.agent_id`;
/** work overlaps work, anything else overlaps anything else (a break inside a work shift is the usual plan) */
const sameKind = (a: string, b: string) => (a === 'work') === (b === 'work');

/** The workspace's time zone (set in Administration), UTC when none is set. */
export async function workspaceTimeZone(db: Queryable, workspaceId: string): Promise<string> {
  const [w] = await db.query<{ time_zone: string | null }>('SELECT time_zone FROM workspaces WHERE id = $1', [workspaceId]);
  return w?.time_zone && isValidTimeZone(w.time_zone) ? w.time_zone : 'UTC';
}

export async function listShifts(db: Queryable, workspaceId: string, q: { from?: number; to?: number; agent_id?: string }, now = Date.now()): Promise<Shift[]> {
  const from = q.from ?? Math.floor(now / DAY) * DAY - DAY;
  const to = q.to ?? from + 9 * DAY;
  const rows = await db.query<ShiftRow>(`${SELECT}
    WHERE s.workspace_id = $1 AND s.ends_at > $2 AND s.starts_at < $3 AND ($4::text IS NULL OR s.agent_id = $4)
    ORDER BY s.starts_at, a.name, s.id LIMIT 5000`, [workspaceId, iso(from), iso(to), q.agent_id ?? null]);
  return rows.map(view);
}

function checkTimes(starts: number, ends: number): void {
  if (ends <= starts) throw new ScheduleError(400, 'the shift ends before it starts');
  if (ends - starts > SHIFT_MAX_HOURS * 3_600_000) throw new ScheduleError(400, `a shift is at most ${SHIFT_MAX_HOURS} hours`);
}

async function lockAgent(tx: Queryable, workspaceId: string, agentId: string): Promise<{ name: string }> {
  const [a] = await tx.query<{ name: string }>('SELECT name FROM agents WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [agentId, workspaceId]);
  if (!a) throw new ScheduleError(404, `agent ${agentId} not found`);
  return a;
}

async function overlapping(tx: Queryable, agentId: string, activity: string, starts: number, ends: number, except: string | null) {
  const rows = await tx.query<{ id: string; starts_at: Date; ends_at: Date; activity: string }>(
    `SELECT id, starts_at, ends_at, activity FROM shifts WHERE agent_id = $1 AND ends_at > $2 AND starts_at < $3 AND id <> coalesce($4, '')`,
    [agentId, iso(starts), iso(ends), except]);
  return rows.find((r) => sameKind(r.activity, activity)) ?? null;
}

const clash = (name: string, o: { starts_at: Date; ends_at: Date; activity: string }) =>
  `${name} already has a ${o.activity} shift from ${iso(o.starts_at)} to ${iso(o.ends_at)} that overlaps it`;

/** Creates (`id` null) or changes one shift. */
export async function saveShift(db: Db, workspaceId: string, id: string | null, input: ShiftInput, by: string): Promise<Shift> {
  const starts = Date.parse(input.starts_at);
  const ends = Date.parse(input.ends_at);
  checkTimes(starts, ends);
  return db.transaction(async (tx) => {
    if (id) {
      const [old] = await tx.query<{ agent_id: string }>('SELECT agent_id FROM shifts WHERE id = $1 AND workspace_id = $2', [id, workspaceId]);
      if (!old) throw new ScheduleError(404, `shift ${id} not found`);
    }
    const agent = await lockAgent(tx, workspaceId, input.agent_id);
    const o = await overlapping(tx, input.agent_id, input.activity, starts, ends, id);
    if (o) throw new ScheduleError(409, clash(agent.name, o));
    const shiftId = id ?? randomUUID();
    await tx.query(`INSERT INTO shifts (id, workspace_id, agent_id, starts_at, ends_at, activity, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
        activity = excluded.activity, updated_at = now()`, [shiftId, workspaceId, input.agent_id, iso(starts), iso(ends), input.activity, by]);
    const [row] = await tx.query<ShiftRow>(`${SELECT} WHERE s.id = $1`, [shiftId]);
    return view(row!);
  });
}

export async function deleteShift(db: Queryable, workspaceId: string, id: string): Promise<void> {
  const rows = await db.query('DELETE FROM shifts WHERE id = $1 AND workspace_id = $2 RETURNING id', [id, workspaceId]);
  if (!rows.length) throw new ScheduleError(404, `shift ${id} not found`);
}

/**
 * Imports a schedule file: all rows or none. Every bad row (a bad cell, an unknown agent, a clash with
 * another row or a stored shift) is reported with its line. `replace`: the stored shifts of the file's
 * agents that overlap the file's span go first (a week re-imported replaces that week).
 */
export async function importShifts(db: Db, workspaceId: string, csv: string, replace: boolean, by: string): Promise<{ imported: number; replaced: number; shifts: Shift[] }> {
  const timeZone = await workspaceTimeZone(db, workspaceId);
  const { rows, errors } = parseScheduleCsv(csv, timeZone);
  if (errors.length && rows.length === 0 && errors.every((e) => e.line === 1)) throw new ScheduleError(400, errors.map((e) => e.message).join('; '), errors);
  return db.transaction(async (tx) => {
    const emails = [...new Set(rows.map((r) => r.agent_email))];
    const agents = emails.length ? await tx.query<{ id: string; name: string; email: string }>(
      `SELECT id, name, lower(email) AS email FROM agents WHERE workspace_id = $1 AND lower(email) = ANY($2::text[]) ORDER BY id FOR UPDATE`, [workspaceId, emails]) : [];
    const byEmail = new Map(agents.map((a) => [a.email, a]));
    const good: Array<ParsedShiftRow & { agent_id: string; name: string }> = [];
    for (const r of rows) {
      const a = byEmail.get(r.agent_email);
      if (!a) errors.push({ line: r.line, message: `no agent with the email ${r.agent_email} in this workspace` });
      else good.push({ ...r, agent_id: a.id, name: a.name });
    }
    // rows of one agent that clash with each other
    const byAgent = new Map<string, typeof good>();
    for (const r of good) (byAgent.get(r.agent_id) ?? byAgent.set(r.agent_id, []).get(r.agent_id)!).push(r);
    for (const list of byAgent.values()) {
      list.sort((x, y) => x.starts_at - y.starts_at);
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length && list[j]!.starts_at < list[i]!.ends_at; j++) {
          if (sameKind(list[i]!.activity, list[j]!.activity)) errors.push({ line: list[j]!.line, message: `overlaps line ${list[i]!.line} (${list[i]!.name}'s ${list[i]!.activity} shift)` });
        }
      }
    }
    let replaced = 0;
    if (replace && good.length) {
      const from = good.reduce((m, r) => Math.min(m, r.starts_at), Infinity);
      const to = good.reduce((m, r) => Math.max(m, r.ends_at), -Infinity);
      const gone = await tx.query('DELETE FROM shifts WHERE workspace_id = $1 AND agent_id = ANY($2::text[]) AND ends_at > $3 AND starts_at < $4 RETURNING id',
        [workspaceId, [...byAgent.keys()], iso(from), iso(to)]);
      replaced = gone.length;
    }
    for (const r of good) {
      const o = await overlapping(tx, r.agent_id, r.activity, r.starts_at, r.ends_at, null);
      if (o) errors.push({ line: r.line, message: clash(r.name, o) });
    }
    if (errors.length) {
      errors.sort((x, y) => x.line - y.line);
      // a line per bad row (the first 20; all of them in details.rows), so a desk can show the message as it is
      const shown = errors.slice(0, 20).map((e) => `line ${e.line}: ${e.message}`).join('\n');
      const more = errors.length > 20 ? `\n… and ${errors.length - 20} more` : '';
      // throwing rolls the transaction back: the replaced shifts stay
      throw new ScheduleError(400, `nothing imported: ${errors.length} bad row${errors.length === 1 ? '' : 's'}:\n${shown}${more}`, errors);
    }
    const ids: string[] = [];
    for (const r of good) {
      const id = randomUUID();
      ids.push(id);
      await tx.query('INSERT INTO shifts (id, workspace_id, agent_id, starts_at, ends_at, activity, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, workspaceId, r.agent_id, iso(r.starts_at), iso(r.ends_at), r.activity, by]);
    }
    const shifts = (await tx.query<ShiftRow>(`${SELECT} WHERE s.id = ANY($1::text[]) ORDER BY s.starts_at, a.name, s.id`, [ids])).map(view);
    return { imported: shifts.length, replaced, shifts };
  });
}
