/**
 * Schedules, staffing on the Floor and adherence in the report (issue 15), over HTTP on a real hub
 * (PGlite, or PostgreSQL with TEST_DATABASE_URL): supervisors create, change, delete and import shifts;
 * bad input is refused with its reasons and changes nothing; an import is all or nothing; the Floor
 * shows forecast vs actual, required and scheduled agents and each agent's adherence from live presence;
 * the metrics report has adherence per agent and team.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHub, type Hub } from '../hub';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { FloorSchema } from '../../shared/contract/supervisor';
import { ImportShiftsResponseSchema, ShiftListSchema, ShiftOneSchema } from '../../shared/contract/staffing';

let db: Db;
let hub: Hub;
let w: World;
let boss: string;
let agent: string;
const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

const shifts = async () => ShiftListSchema.parse((await call(hub.url, 'GET', `/v1/staffing/shifts?from=${iso(Date.now() - 10 * 24 * HOUR)}&to=${iso(Date.now() + 10 * 24 * HOUR)}`, { token: boss })).json).shifts;
const floor = async () => FloorSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: boss })).json);
const setPresence = async (token: string, activity_id: string) => {
  const r = await call(hub.url, 'PUT', '/v1/routing/presence', { token, body: { activity_id } });
  expect(r.status, r.text).toBe(200);
};

beforeAll(async () => {
  db = await openTestDb('staffing_schedules');
  hub = await startHub({ database: db, channels: false, outbound: { dispatcher: false }, snoozeCheckMs: 0, routing: { tickMs: 50 }, spikes: false });
  w = await seedWorld(hub.log);
  await hub.routing!.teamsChanged(w.ws);
  boss = await login(hub.url, w.emails.supervisor);
  agent = await login(hub.url, w.emails.a);
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await db?.close();
});

beforeEach(async () => {
  await hub.db.query('DELETE FROM shifts');
  await hub.db.query('UPDATE workspaces SET time_zone = NULL');
});

describe('shifts', () => {
  it('a supervisor creates, lists, changes and deletes a shift; each change is audited; agents are refused', async () => {
    const start = Date.parse('2026-12-08T09:00:00Z');
    const made = await call(hub.url, 'POST', '/v1/staffing/shifts', { token: boss, body: { agent_id: w.agentA, starts_at: iso(start), ends_at: iso(start + 8 * HOUR) } });
    expect(made.status, made.text).toBe(200);
    const shift = ShiftOneSchema.parse(made.json).shift;
    expect(shift).toMatchObject({ agent_id: w.agentA, agent_name: 'Agent A', agent_email: w.emails.a, activity: 'work', starts_at: iso(start), ends_at: iso(start + 8 * HOUR) });
    // a break inside the work shift is the usual plan
    const brk = await call(hub.url, 'POST', '/v1/staffing/shifts', { token: boss, body: { agent_id: w.agentA, starts_at: iso(start + 3 * HOUR), ends_at: iso(start + 3.5 * HOUR), activity: 'Break' } });
    expect(brk.status, brk.text).toBe(200);
    expect(ShiftOneSchema.parse(brk.json).shift.activity).toBe('break');

    const changed = await call(hub.url, 'PUT', `/v1/staffing/shifts/${shift.id}`, { token: boss, body: { agent_id: w.agentA, starts_at: iso(start + HOUR), ends_at: iso(start + 9 * HOUR) } });
    expect(changed.status, changed.text).toBe(200);
    expect((await shifts()).map((s) => [s.activity, s.starts_at])).toEqual([['work', iso(start + HOUR)], ['break', iso(start + 3 * HOUR)]]);

    const asAgent = await call(hub.url, 'POST', '/v1/staffing/shifts', { token: agent, body: { agent_id: w.agentA, starts_at: iso(start), ends_at: iso(start + HOUR) } });
    expect(asAgent.status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/staffing/shifts', { token: agent })).status).toBe(403);

    expect((await call(hub.url, 'DELETE', `/v1/staffing/shifts/${shift.id}`, { token: boss })).status).toBe(200);
    expect((await call(hub.url, 'DELETE', `/v1/staffing/shifts/${shift.id}`, { token: boss })).status).toBe(404);
    expect((await shifts()).map((s) => s.activity)).toEqual(['break']);
    const audit = await hub.db.query<{ action: string; actor_id: string; target_id: string | null }>(
      `SELECT action, actor_id, target_id FROM audit_log WHERE action LIKE 'staffing.%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['staffing.shift_created', 'staffing.shift_created', 'staffing.shift_changed', 'staffing.shift_deleted']);
    expect(audit.every((a) => a.actor_id === w.supervisor)).toBe(true);
    expect(audit[2]!.target_id).toBe(shift.id);
  });

  it('refuses a shift that ends before it starts, is too long, overlaps another of its kind or names an unknown agent, and changes nothing', async () => {
    const start = Date.parse('2026-12-09T09:00:00Z');
    const ok = await call(hub.url, 'POST', '/v1/staffing/shifts', { token: boss, body: { agent_id: w.agentB, starts_at: iso(start), ends_at: iso(start + 8 * HOUR) } });
    expect(ok.status, ok.text).toBe(200);
    const bad = [
      [{ agent_id: w.agentB, starts_at: iso(start + 9 * HOUR), ends_at: iso(start + 9 * HOUR) }, 400, /ends before it starts/],
      [{ agent_id: w.agentB, starts_at: iso(start + 9 * HOUR), ends_at: iso(start + 30 * HOUR) }, 400, /at most 16 hours/],
      [{ agent_id: w.agentB, starts_at: iso(start + 7 * HOUR), ends_at: iso(start + 10 * HOUR) }, 409, /Agent B already has a work shift/],
      [{ agent_id: 'nobody', starts_at: iso(start), ends_at: iso(start + HOUR) }, 404, /agent nobody not found/],
      [{ agent_id: w.agentB, starts_at: 'tomorrow', ends_at: iso(start + HOUR) }, 400, /starts_at/],
      [{ agent_id: w.agentB, starts_at: iso(start), ends_at: iso(start + HOUR), activity: 'on lunch!' }, 400, /activity/],
    ] as const;
    for (const [body, status, message] of bad) {
      const r = await call(hub.url, 'POST', '/v1/staffing/shifts', { token: boss, body });
      expect(r.status, r.text).toBe(status);
      expect(r.json.error.message).toMatch(message);
    }
    expect((await shifts()).length).toBe(1);
  });
});

describe('import from CSV', () => {
  it('imports every row, reading local times in the workspace time zone, and replaces a re-imported span on request', async () => {
    await hub.db.query('UPDATE workspaces SET time_zone = $1 WHERE id = $2', ['Europe/Paris', w.ws]);
    const csv = `agent_email,start,end,activity\n${w.emails.a},2026-12-10 09:00,2026-12-10 17:00,\n"${w.emails.a.toUpperCase()}",2026-12-10 12:00,2026-12-10 12:30,break\n${w.emails.b},2026-12-10T08:00:00Z,2026-12-10T16:00:00Z,work\n`;
    const r = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv } });
    expect(r.status, r.text).toBe(200);
    const out = ImportShiftsResponseSchema.parse(r.json);
    expect(out.imported).toBe(3);
    expect(out.shifts.map((s) => [s.agent_email, s.starts_at, s.ends_at, s.activity])).toEqual([
      [w.emails.a, '2026-12-10T08:00:00.000Z', '2026-12-10T16:00:00.000Z', 'work'],
      [w.emails.b, '2026-12-10T08:00:00.000Z', '2026-12-10T16:00:00.000Z', 'work'],
      [w.emails.a, '2026-12-10T11:00:00.000Z', '2026-12-10T11:30:00.000Z', 'break'],
    ]);
    // the same file again clashes with what is stored; with replace it takes the span's place
    const again = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv } });
    expect(again.status).toBe(400);
    const replaced = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv, replace: true } });
    expect(replaced.status, replaced.text).toBe(200);
    expect(ImportShiftsResponseSchema.parse(replaced.json)).toMatchObject({ imported: 3, replaced: 3 });
    expect((await shifts()).length).toBe(3);
    const audit = await hub.db.query(`SELECT 1 FROM audit_log WHERE action = 'staffing.shifts_imported'`);
    expect(audit.length).toBe(2);
  });

  it('is all or nothing: every bad row is reported with its line and nothing is stored', async () => {
    const csv = [
      'agent_email,start,end',
      `${w.emails.a},2026-12-11T09:00:00Z,2026-12-11T17:00:00Z`,
      'stranger@nowhere.tend,2026-12-11T09:00:00Z,2026-12-11T17:00:00Z',
      `${w.emails.b},2026-12-11T17:00:00Z,2026-12-11T09:00:00Z`,
      `${w.emails.b},next tuesday,2026-12-11T09:00:00Z`,
      `${w.emails.a},2026-12-11T16:00:00Z,2026-12-11T20:00:00Z`,
    ].join('\n');
    const r = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv } });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.message).toMatch(/^nothing imported: 4 bad rows/);
    const rows = r.json.error.details.rows as Array<{ line: number; message: string }>;
    expect(rows.map((x) => x.line)).toEqual([3, 4, 5, 6]);
    expect(rows[0]!.message).toMatch(/no agent with the email stranger@nowhere.tend/);
    expect(rows[1]!.message).toMatch(/ends before it starts/);
    expect(rows[2]!.message).toMatch(/start "next tuesday" is not a time/);
    expect(rows[3]!.message).toMatch(/overlaps line 2/);
    expect(await shifts()).toEqual([]);

    const noHeader = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv: `${w.emails.a},2026-12-11T09:00:00Z,2026-12-11T17:00:00Z` } });
    expect(noHeader.status).toBe(400);
    expect(noHeader.json.error.message).toMatch(/unknown column/);
    expect((await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: agent, body: { csv } })).status).toBe(403);
    expect(await shifts()).toEqual([]);
  });
});

describe('an import that fails half-way', () => {
  it('stores nothing: the database refusing the third shift rolls back the two before it', async () => {
    // the fault: the database itself refuses one row in the middle of the import's writes
    await hub.db.exec(`CREATE FUNCTION shifts_fault() RETURNS trigger AS $$ BEGIN
        IF NEW.activity = 'boom' THEN RAISE EXCEPTION 'disk full (injected)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER shifts_fault BEFORE INSERT ON shifts FOR EACH ROW EXECUTE FUNCTION shifts_fault();`);
    try {
      const csv = `agent_email,start,end,activity\n${w.emails.a},2026-12-12T09:00:00Z,2026-12-12T17:00:00Z,work\n${w.emails.b},2026-12-12T09:00:00Z,2026-12-12T17:00:00Z,work\n${w.emails.a},2026-12-12T12:00:00Z,2026-12-12T12:30:00Z,boom\n`;
      const r = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv } });
      expect(r.status).toBe(500);
      expect(await shifts()).toEqual([]);
    } finally {
      await hub.db.exec('DROP TRIGGER shifts_fault ON shifts; DROP FUNCTION shifts_fault();');
    }
    // and the same file without the bad row goes in whole
    const ok = await call(hub.url, 'POST', '/v1/staffing/shifts/import', { token: boss, body: { csv: `agent_email,start,end\n${w.emails.a},2026-12-12T09:00:00Z,2026-12-12T17:00:00Z\n` } });
    expect(ok.status, ok.text).toBe(200);
    expect((await shifts()).length).toBe(1);
  });
});

describe('staffing on the Floor', () => {
  it('shows forecast vs actual, required and scheduled agents per interval, and adherence from live presence', async () => {
    const now = Date.now();
    // history: 4 conversations in this hour of the week, each of the last 3 weeks
    for (let wk = 1; wk <= 3; wk++) {
      for (let i = 0; i < 4; i++) {
        await hub.ingestor(w.ws).ingest(post({ handle: `past${wk}-${i}`, text: `where is my order ${wk} ${i}`, created_at: iso(now - wk * 7 * 24 * HOUR + i * 60_000) }));
      }
    }
    await hub.ingestor(w.ws).ingest(post({ handle: 'today', text: 'my order is late again', created_at: iso(now - 1) }));
    await hub.db.query(`UPDATE conversations SET created_at = $1 WHERE id IN (SELECT conversation_id FROM messages WHERE text = 'my order is late again')`, [iso(now - 1)]);
    // A works now, B's work shift starts in an hour
    for (const [id, s, e] of [[w.agentA, now - HOUR, now + HOUR], [w.agentB, now + HOUR, now + 3 * HOUR]] as const) {
      expect((await call(hub.url, 'POST', '/v1/staffing/shifts', { token: boss, body: { agent_id: id, starts_at: iso(s), ends_at: iso(e) } })).status).toBe(200);
    }
    await setPresence(agent, 'available');
    let f = await floor();
    const st = f.staffing!;
    expect(st.time_zone).toBe('UTC');
    const inInterval = (t: number) => (x: { start: string }) => Date.parse(x.start) <= t && t < Date.parse(x.start) + 15 * 60_000;
    const current = st.intervals.find(inInterval(now))!;
    // today's conversation (a millisecond ago) counts in its interval
    expect(st.intervals.find(inInterval(now - 1))!.actual).toBe(1);
    // some interval of this hour expects the history's volume (4 an hour, a quarter of it per interval, times the trend)
    expect(st.intervals.filter((x) => Math.abs(Date.parse(x.start) - now) < HOUR).some((x) => x.forecast > 0)).toBe(true);
    expect(current.scheduled).toBe(1);
    expect(st.intervals.find((x) => Date.parse(x.start) > now + 2 * HOUR && Date.parse(x.start) < now + 2.75 * HOUR)?.scheduled).toBe(1);
    const busy = st.intervals.filter((x) => x.forecast > 0);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((x) => x.required >= 1 && x.required_scheduled >= x.required)).toBe(true);
    expect(st.intervals.every((x) => x.understaffed === x.scheduled < x.required_scheduled)).toBe(true);
    expect(st.intervals.filter((x) => Date.parse(x.start) > now + 15 * 60_000).every((x) => x.actual === null)).toBe(true);
    expect(st.handle_time_sec).toBe(600);
    expect(st.adherence).toEqual([expect.objectContaining({ agent_id: w.agentA, state: 'in', scheduled: 'work', presence: 'available' })]);

    // A goes offline during the shift: out of adherence; B works before the shift: working unscheduled
    await setPresence(agent, 'offline');
    const agentB = await login(hub.url, w.emails.b);
    await setPresence(agentB, 'available');
    f = await floor();
    const byAgent = new Map(f.staffing!.adherence.map((a) => [a.agent_id, a]));
    expect(byAgent.get(w.agentA)).toMatchObject({ state: 'out', presence: 'offline', scheduled: 'work' });
    expect(Date.parse(byAgent.get(w.agentA)!.since)).toBeGreaterThan(now - HOUR);
    expect(byAgent.get(w.agentB)).toMatchObject({ state: 'unscheduled', scheduled: null, presence: 'available' });
    expect(f.staffing!.adherence[0]!.state).toBe('out');
    await setPresence(agentB, 'offline');
    // the report reads presence over time from routing's presence.changed events: A's moves are there
    await vi.waitFor(async () => {
      const moves = await hub.db.query<{ activity: string }>(
        `SELECT data->>'activity_id' AS activity FROM routing_events WHERE type = 'presence.changed' AND agent_id = $1 ORDER BY at, id`, [w.agentA]);
      expect(moves.map((m) => m.activity).slice(-2)).toEqual(['available', 'offline']);
    }, { timeout: 15_000, interval: 50 });
  });

  it('uses the workspace settings (admins change them; a bad value is refused and changes nothing)', async () => {
    const r = await call(hub.url, 'PUT', '/v1/staffing/settings', { token: boss, body: { shrinkage: 0.5 } });
    expect(r.status).toBe(403);
    const admin = await hub.db.query<{ id: string }>(`UPDATE agents SET role = 'admin' WHERE id = $1 RETURNING id`, [w.supervisor]);
    expect(admin.length).toBe(1);
    const adminToken = await login(hub.url, w.emails.supervisor);
    const bad = await call(hub.url, 'PUT', '/v1/staffing/settings', { token: adminToken, body: { shrinkage: 1.5 } });
    expect(bad.status).toBe(400);
    const set = await call(hub.url, 'PUT', '/v1/staffing/settings', { token: adminToken, body: { handle_time_sec: 1200, concurrency: 1 } });
    expect(set.status, set.text).toBe(200);
    expect(set.json.settings).toMatchObject({ handle_time_sec: 1200, concurrency: 1, shrinkage: 0.3 });
    expect((await floor()).staffing!).toMatchObject({ handle_time_sec: 1200, handle_time_measured: false, settings: { concurrency: 1 } });
    await hub.db.query(`UPDATE agents SET role = 'supervisor' WHERE id = $1`, [w.supervisor]);
    await hub.db.query('DELETE FROM staffing_settings');
    boss = await login(hub.url, w.emails.supervisor);
  });
});

describe('adherence in the metrics report', () => {
  it('has scheduled minutes, minutes in adherence and the share per agent, per team and for the workspace', async () => {
    const to = Date.now();
    const from = to - 4 * HOUR;
    // A: scheduled the last 2 hours; routing recorded A available for the first of them and offline for the second
    await hub.db.query(`INSERT INTO shifts (id, workspace_id, agent_id, starts_at, ends_at) VALUES ('s-a', $1, $2, $3, $4)`, [w.ws, w.agentA, iso(to - 2 * HOUR), iso(to + HOUR)]);
    await hub.db.query(`DELETE FROM routing_events WHERE type = 'presence.changed'`);
    await hub.db.query(`INSERT INTO routing_events (workspace_id, at, type, agent_id, data) VALUES
      ($1, $3, 'presence.changed', $2, '{"activity_id":"available"}'), ($1, $4, 'presence.changed', $2, '{"activity_id":"offline"}')`,
    [w.ws, w.agentA, iso(to - 2.5 * HOUR), iso(to - HOUR)]);
    const r = await call(hub.url, 'GET', `/v1/metrics/report?from=${iso(from)}&to=${iso(to)}`, { token: boss });
    expect(r.status, r.text).toBe(200);
    const adh = r.json.adherence;
    const a = adh.agents.find((x: { agent_id: string }) => x.agent_id === w.agentA);
    expect(a.scheduled_min).toBeCloseTo(120, 0);
    expect(a.in_adherence_min).toBeCloseTo(60, 0);
    expect(a.adherence_pct).toBeCloseTo(50, 0);
    // available for half an hour before the shift
    expect(a.unscheduled_work_min).toBeCloseTo(30, 0);
    expect(adh.teams).toEqual([expect.objectContaining({ team_id: w.teamA, scheduled_min: a.scheduled_min, in_adherence_min: a.in_adherence_min })]);
    expect(adh.adherence_pct).toBeCloseTo(50, 0);
    // the CSV export holds it too (the workspace's figure on the total row)
    const csv = await call(hub.url, 'GET', `/v1/metrics/report?from=${iso(from)}&to=${iso(to)}&format=csv`, { token: boss });
    expect(csv.status, csv.text).toBe(200);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n').map((l: string) => l.split(','));
    const total = rows.at(-1)!;
    expect(total[0]).toBe('total');
    expect(Number(total[header.indexOf('adherence_pct')])).toBeCloseTo(50, 0);
    expect(Number(total[header.indexOf('adherence_scheduled_min')])).toBeCloseTo(120, 0);
  });
});
