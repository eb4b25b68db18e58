import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server';
import type { AgentContext } from '../sync/scope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { up as oneCalendar } from '../db/migrations/0610-one-calendar';
import { openTestDb } from '../../testing/hub/testdb';
import { BusinessCalendar } from '../routing/calendar';
import { runReport, withMetricsMigration } from './cli';
import {
  FIXTURE_AS_OF, FIXTURE_CALENDAR, FIXTURE_CONVERSATIONS, FIXTURE_FROM, FIXTURE_INSIGHTS, FIXTURE_SLA, FIXTURE_SURVEYS, FIXTURE_TO,
} from '../../testing/hub/metrics-fixture';
import { computeReport } from './report';
import { registerMetricsRoutes } from './routes';
import { createSurveyRequests, getMetricsSettings, loadMetricInput, recordSurveyAnswer, reportFromDb, saveInsight, updateMetricsSettings } from './store';
import { flushMetricFacts } from './facts';

const iso = (t: number) => new Date(t).toISOString();
let db: Db;
let app: FastifyInstance;
const callers: Record<string, AgentContext> = {
  'tok-sup': { id: 'sup', workspace_id: 'w1', name: 'Sup', role: 'supervisor', team_ids: [] },
  'tok-adm': { id: 'adm', workspace_id: 'w1', name: 'Adm', role: 'admin', team_ids: [] },
  'tok-a1': { id: 'a1', workspace_id: 'w1', name: 'A1', role: 'agent', team_ids: [] },
};

/** Writes the fixture into the hub tables the way the hub would: rows, then changes over time. */
async function seedFixture(): Promise<void> {
  await db.exec(`
    INSERT INTO workspaces (id, name) VALUES ('w1', 'Tend'), ('w2', 'Other');
    INSERT INTO teams (id, workspace_id, name, kind) VALUES ('t1', 'w1', 'Care', 'support'), ('t2', 'w1', 'Mail', 'support');
    INSERT INTO agents (id, workspace_id, email, name, role, password_hash) VALUES
      ('a1', 'w1', 'a1@x', 'A One', 'agent', '-'), ('a2', 'w1', 'a2@x', 'A Two', 'agent', '-');
    INSERT INTO channel_accounts (id, workspace_id, channel, handle) VALUES ('acct-tend', 'w1', 'x', 'tend');
    INSERT INTO customers (id, workspace_id, name) VALUES ('cu1', 'w1', 'Customer'), ('cu2', 'w2', 'Else');
  `);
  for (const c of FIXTURE_CONVERSATIONS) {
    const scored = c.messages.filter((m) => m.direction === 'inbound' && typeof m.sentiment === 'number');
    const analysis = { intent: c.intent, topic: c.topic, ...(scored[0] ? { sentiment: { label: 'x', score: scored[0].sentiment } } : {}) };
    // Imported-style rows (no history, like D) arrive in their final state; the others start open.
    const imported = c.events.length === 0;
    await db.query(
      `INSERT INTO conversations (id, workspace_id, channel, channel_account_id, customer_id, priority, team_id, tags, analysis,
         first_response_due_at, resolution_due_at, created_at, updated_at, last_inbound_at, assignee_id, status, resolved_at)
       VALUES ($1, 'w1', $2, 'acct-tend', 'cu1', $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13)`,
      [c.id, c.channel, c.priority, c.team_id, c.tags, JSON.stringify(analysis),
        c.first_response_due_at === null ? null : iso(c.first_response_due_at), c.resolution_due_at === null ? null : iso(c.resolution_due_at),
        iso(c.created_at), scored[0] ? iso(scored[0].at) : null,
        imported ? c.assignee_id : null, imported ? c.status : 'open', imported && c.resolved_at !== null ? iso(c.resolved_at) : null]);
    let i = 0;
    for (const m of c.messages) {
      await db.query(
        `INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
         VALUES ($1, 'w1', $2, $3, $4, 'public', 'text', $5, $6)`,
        [`${c.id}-m${i++}`, c.id, c.channel, m.direction, m.direction === 'inbound' ? 'received' : m.failed ? 'failed' : 'sent', iso(m.at)]);
    }
    // Replay history and later customer sentiment in time order, as the hub's updates would come.
    const steps = [
      ...c.events.map((e) => ({ at: e.at, e })),
      ...scored.slice(1).map((m) => ({ at: m.at, score: m.sentiment as number })),
    ].sort((a, b) => a.at - b.at);
    for (const s of steps) {
      if ('score' in s) {
        await db.query(`UPDATE conversations SET last_inbound_at = $2, analysis = jsonb_set(analysis, '{sentiment}', $3::jsonb), updated_at = $2 WHERE id = $1`,
          [c.id, iso(s.at), JSON.stringify({ label: 'x', score: s.score })]);
      } else if (s.e.type === 'status') {
        await db.query(`UPDATE conversations SET status = $2, resolved_at = CASE WHEN $2 = 'resolved' THEN $3::timestamptz END, updated_at = $3 WHERE id = $1`,
          [c.id, s.e.status, iso(s.at)]);
      } else {
        await db.query('UPDATE conversations SET assignee_id = $2, updated_at = $3 WHERE id = $1', [c.id, s.e.agent_id, iso(s.at)]);
      }
    }
    for (const [k, a] of (c.active ?? []).entries()) {
      await db.query(`INSERT INTO handle_time (span_id, workspace_id, agent_id, conversation_id, started_at, ended_at, active_ms)
                      VALUES ($1, 'w1', $2, $3, $4, $4::timestamptz + make_interval(secs => $5::int / 1000), $5)`, [`${c.id}-h${k}`, c.assignee_id ?? 'a1', c.id, iso(a.at), a.ms]);
    }
    if (!imported) {
      // The final assignee (events may leave it unset when no assignment was recorded).
      await db.query('UPDATE conversations SET assignee_id = $2 WHERE id = $1 AND assignee_id IS DISTINCT FROM $2', [c.id, c.assignee_id]);
    }
  }
  let n = 0;
  for (const s of FIXTURE_SURVEYS) {
    await db.query(`INSERT INTO surveys (id, workspace_id, conversation_id, kind, question, asked_at, answered_at, score)
                    VALUES ($1, 'w1', $2, $3, 'q', $4, $5, $6)`,
      [`s${n++}`, s.conversation_id, s.kind, iso(s.asked_at), s.answered_at === null ? null : iso(s.answered_at), s.score]);
  }
  for (const ins of FIXTURE_INSIGHTS) {
    await saveInsight(db, 'w1', { id: ins.id, conversation_id: ins.conversation_id, department_id: ins.department_id, opened_at: ins.created_at,
      status: ins.closed_at === null ? 'open' : 'closed', closed_at: ins.closed_at });
  }
  // Another workspace's conversation never shows up in w1's figures.
  await db.query(`INSERT INTO conversations (id, workspace_id, channel, customer_id, created_at) VALUES ('other', 'w2', 'x', 'cu2', $1)`, [iso(FIXTURE_FROM + 86_400_000)]);
  await updateMetricsSettings(db, 'w1', { calendar: FIXTURE_CALENDAR, sla: FIXTURE_SLA });
}

beforeAll(async () => {
  // PGlite in memory, or a schema of its own on TEST_DATABASE_URL's server (testing/hub/testdb).
  db = await openTestDb('metrics_store');
  await migrate(db, withMetricsMigration());
  await seedFixture();
  // the hub's server: its auth hook (bearer tokens of `callers`) and its error envelope
  app = await buildServer({
    auth: { session: async (token) => (callers[token] ? { id: token, agent: callers[token] } : null), ticket: async () => null, streamOpened: () => {} },
  });
  registerMetricsRoutes(app, { db, now: () => FIXTURE_AS_OF });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

/** the fixture holds no reply waiting for approval: the database's report says so (hub/metrics/approval-times.ts) */
const NO_APPROVALS = {
  total: { decided: 0, approved: 0, edited: 0, rejected: 0, mean_s: null, median_s: null, p90_s: null, max_s: null },
  by_approver: [], by_team: [], pending: { count: 0, oldest_wait_s: null },
};
const pure = (by: 'agent' | 'team' | null = null) => ({
  ...computeReport(
    { conversations: FIXTURE_CONVERSATIONS, surveys: FIXTURE_SURVEYS, insights: FIXTURE_INSIGHTS },
    { from: FIXTURE_FROM, to: FIXTURE_TO, by, clock: new BusinessCalendar(FIXTURE_CALENDAR), sla: FIXTURE_SLA, asOf: FIXTURE_AS_OF },
  ),
  approvals: NO_APPROVALS,
});

describe('report over the hub database', () => {
  it('the trigger recorded status, assignment and sentiment history', async () => {
    const rows = await db.query<{ type: string; status: string | null; agent_id: string | null; score: number | null; at: Date }>(
      `SELECT type, status, agent_id, score, at FROM conversation_events WHERE conversation_id = 'C' ORDER BY at, id`);
    expect(rows.map((r) => [r.type, r.status ?? r.agent_id ?? r.score])).toEqual([
      ['status', 'open'], ['sentiment', 0.1], ['assign', 'a2'], ['status', 'resolved'], ['status', 'open'], ['sentiment', -0.5], ['status', 'resolved'],
    ]);
  });

  it('equals the pure report over the same records, for every grouping', async () => {
    for (const by of [null, 'agent', 'team'] as const) {
      const fromDb = await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, by, asOf: FIXTURE_AS_OF });
      expect(fromDb).toEqual(pure(by));
    }
  });

  it('orders messages stored out of time order (imports, late deliveries)', async () => {
    await db.query(`INSERT INTO conversations (id, workspace_id, channel, customer_id, created_at) VALUES ('R', 'w2', 'x', 'cu2', '2026-11-02T10:00:00Z')`);
    await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at) VALUES
      ('R3', 'w2', 'R', 'x', 'outbound', 'public', 'b', 'sent', '2026-11-02T10:20:00Z'),
      ('R2', 'w2', 'R', 'x', 'inbound', 'public', 'again', 'received', '2026-11-02T10:20:00Z'),
      ('R1', 'w2', 'R', 'x', 'outbound', 'public', 'a', 'sent', '2026-11-02T10:05:00Z'),
      ('R0', 'w2', 'R', 'x', 'inbound', 'public', 'help', 'received', '2026-11-02T10:00:00Z')`);
    const r = await reportFromDb(db, 'w2', { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF });
    expect(r.total.first_response).toMatchObject({ count: 1, median_s: 300 });
    expect(r.total.next_response).toMatchObject({ count: 1, median_s: 0 }); // answered in the same second
    expect(r.total.response_rate).toEqual({ inbound: 2, answered: 2, rate_pct: 100 });
  });

  it('survey questions and answers are asked, parsed, and kept out of the timings', async () => {
    await expect(createSurveyRequests(db, 'w1', 'H')).rejects.toThrow(/H is open: surveys are asked after a resolve/);
    const before = await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF });
    const [{ lastEvent }] = await db.query<{ lastEvent: number }>('SELECT max(id)::int AS "lastEvent" FROM conversation_events');
    const asked = await createSurveyRequests(db, 'w1', 'B', { kinds: ['effort'], at: Date.parse('2026-11-09T09:00:00Z'), firstName: 'Bo' });
    expect(asked).toHaveLength(1);
    expect(asked[0].text).toMatch(/^Thanks, Bo! How easy/);
    expect(await createSurveyRequests(db, 'w1', 'B', { kinds: ['effort'] })).toEqual([]); // already open
    // The question went out as a message and the customer answered in words.
    await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
      VALUES ('B-q', 'w1', 'B', 'x', 'outbound', 'public', $1, 'sent', '2026-11-09T09:00:00Z'),
             ('B-a', 'w1', 'B', 'x', 'inbound', 'public', 'very easy, thanks', 'received', '2026-11-09T09:30:00Z')`, [asked[0].text]);
    await db.query('UPDATE surveys SET question_message_id = $2 WHERE id = $1', [asked[0].survey_id, 'B-q']);
    expect(await recordSurveyAnswer(db, { conversation_id: 'B', message_id: 'B-x', at: Date.parse('2026-11-09T09:20:00Z'), text: 'why?' })).toBeNull();
    expect(await recordSurveyAnswer(db, { conversation_id: 'B', message_id: 'B-a', at: Date.parse('2026-11-09T09:30:00Z'), text: 'very easy, thanks' }))
      .toEqual({ survey_id: asked[0].survey_id, kind: 'effort', score: 5 });
    // The hub's ingest reopened the conversation when the answer came in, as it does for any customer message.
    await db.query(`UPDATE conversations SET status = 'open', resolved_at = NULL, last_inbound_at = $1, updated_at = $1,
                      analysis = jsonb_set(analysis, '{sentiment}', '{"label": "positive", "score": 0.9}') WHERE id = 'B'`, ['2026-11-09T09:30:00Z']);
    const after = await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF });
    expect(after.total.reopened).toBe(before.total.reopened);
    expect(after.total.resolution).toEqual(before.total.resolution);
    expect(after.total.sentiment_change).toEqual(before.total.sentiment_change);
    expect(after.total.effort).toEqual({ asked: 5, answered: 5, easy: 3, neutral: 1, difficult: 1, net_easy: 40 });
    // Timings and response rate are untouched by the survey messages.
    expect(after.total.first_response).toEqual(before.total.first_response);
    expect(after.total.response_rate).toEqual(before.total.response_rate);
    expect(after.total.first_contact_resolution).toEqual(before.total.first_contact_resolution);
    // Put B back as the fixture has it.
    await db.query(`UPDATE conversations SET status = 'resolved', resolved_at = '2026-11-09T08:45:00Z', last_inbound_at = '2026-11-06T20:00:00Z',
                      analysis = jsonb_set(analysis, '{sentiment}', '{"label": "x", "score": -0.8}') WHERE id = 'B'`);
    await db.query('DELETE FROM conversation_events WHERE id > $1', [lastEvent]);
    await db.exec(`DELETE FROM surveys WHERE question_message_id = 'B-q'; DELETE FROM messages WHERE id IN ('B-q', 'B-a')`);
    expect(await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF })).toEqual(before);
  });

  it('keeps the per-conversation facts current when a delivery fails, a message goes, a survey changes', async () => {
    const frtOfH = async () => (await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, by: 'agent', asOf: FIXTURE_AS_OF }))
      .groups.find((g) => g.key === 'a1')!.first_response.count;
    expect(await frtOfH()).toBe(4);
    await db.query(`UPDATE messages SET delivery = 'failed' WHERE id = 'H-m2'`);
    expect(await frtOfH()).toBe(3); // H's only delivered answer failed after all
    await db.query(`UPDATE messages SET delivery = 'sent', attempts = attempts + 1 WHERE id = 'H-m2'`);
    expect(await frtOfH()).toBe(4);
    await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
      VALUES ('H-x', 'w1', 'H', 'x', 'outbound', 'public', 'x', 'sent', '2026-11-19T08:00:30Z')`);
    expect((await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF })).total.first_response.count).toBe(5);
    await db.query(`DELETE FROM messages WHERE id = 'H-x'`);
    expect(await reportFromDb(db, 'w1', { from: FIXTURE_FROM, to: FIXTURE_TO, by: 'agent', asOf: FIXTURE_AS_OF }))
      .toEqual(pure('agent'));
    // After a flush, every stored fact equals a fresh computation and no mark is left.
    await flushMetricFacts(db);
    expect(await db.query('SELECT 1 FROM metric_facts_dirty')).toEqual([]);
    const [{ stale }] = await db.query<{ stale: number }>(`
      SELECT count(*)::int AS stale FROM conversations c LEFT JOIN metric_conversation_facts f ON f.conversation_id = c.id
      WHERE (SELECT string_agg(x, ',' ORDER BY x) FROM unnest(string_to_array(coalesce(f.msgs, ''), ',')) x)
              IS DISTINCT FROM (SELECT string_agg(x, ',' ORDER BY x) FROM unnest(string_to_array(tend_metric_msgs(c.id), ',')) x)
         OR coalesce(f.evs, '') <> tend_metric_evs(c.id) OR coalesce(f.active, '') <> tend_metric_active(c.id)`);
    expect(stale).toBe(0);
  });

  it('writes only mark the facts; a read before any flush is exact (marked conversations computed on the spot)', async () => {
    await flushMetricFacts(db);
    const window = { from: FIXTURE_FROM, to: FIXTURE_TO };
    const flushed = await loadMetricInput(db, 'w1', { ...window, flush: false });
    await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, text, delivery, created_at)
      VALUES ('H-y', 'w1', 'H', 'x', 'outbound', 'public', 'y', 'sent', '2026-11-19T08:00:30Z')`);
    await db.query(`UPDATE messages SET delivery = 'failed' WHERE id = 'H-m2'`);
    expect((await db.query<{ conversation_id: string }>('SELECT DISTINCT conversation_id FROM metric_facts_dirty')).map((r) => r.conversation_id)).toEqual(['H']);
    const stored = (await db.query<{ msgs: string }>(`SELECT msgs FROM metric_conversation_facts WHERE conversation_id = 'H'`))[0].msgs;
    const marked = await loadMetricInput(db, 'w1', { ...window, flush: false });
    const h = (r: typeof marked) => r.conversations.find((c) => c.id === 'H')!;
    expect(h(marked).messages).toHaveLength(h(flushed).messages.length + 1);
    expect(h(marked).messages.filter((m) => m.direction === 'outbound' && m.failed)).toHaveLength(h(flushed).messages.filter((m) => m.direction === 'outbound' && m.failed).length + 1);
    // the stored facts did not move; the flush brings them to what the read computed
    expect((await db.query<{ msgs: string }>(`SELECT msgs FROM metric_conversation_facts WHERE conversation_id = 'H'`))[0].msgs).toBe(stored);
    expect(await flushMetricFacts(db)).toBe(1);
    // (conversations, and messages of one instant, come in storage order: compare them as sets)
    const norm = (r: typeof marked) => r.conversations.map((c) => ({ ...c, messages: c.messages.map((m) => JSON.stringify(m)).sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(norm(await loadMetricInput(db, 'w1', { ...window, flush: false }))).toEqual(norm(marked));
    await db.query(`DELETE FROM messages WHERE id = 'H-y'`);
    await db.query(`UPDATE messages SET delivery = 'sent' WHERE id = 'H-m2'`);
    expect(await reportFromDb(db, 'w1', { ...window, by: 'agent', asOf: FIXTURE_AS_OF })).toEqual(pure('agent'));
  });

  it("a desktop's handle-time span is in the next read before any flush, and in the stored facts after it (migration 1100)", async () => {
    await flushMetricFacts(db);
    const window = { from: FIXTURE_FROM, to: FIXTURE_TO };
    const activeOfH = async () => (await loadMetricInput(db, 'w1', { ...window, flush: false })).conversations.find((c) => c.id === 'H')!.active ?? [];
    const before = await activeOfH();
    await db.query(`INSERT INTO handle_time (span_id, workspace_id, agent_id, conversation_id, started_at, ended_at, active_ms)
      VALUES ('span-h1', 'w1', 'a1', 'H', '2026-11-19T08:00:05Z', '2026-11-19T08:01:05Z', 42000)`);
    expect((await db.query<{ conversation_id: string }>('SELECT DISTINCT conversation_id FROM metric_facts_dirty')).map((r) => r.conversation_id)).toEqual(['H']);
    const span = { at: Date.parse('2026-11-19T08:00:05Z'), ms: 42000 };
    const withSpan = [...before, span].sort((a, b) => a.at - b.at); // in start order
    expect(await activeOfH()).toEqual(withSpan);
    expect((await db.query<{ active: string }>(`SELECT active FROM metric_conversation_facts WHERE conversation_id = 'H'`))[0].active).not.toContain('42000');
    expect(await flushMetricFacts(db)).toBe(1);
    expect(await activeOfH()).toEqual(withSpan);
    expect((await db.query<{ active: string }>(`SELECT active FROM metric_conversation_facts WHERE conversation_id = 'H'`))[0].active).toContain(`${span.at}:42000`);
    // a span removed is gone from the very next read too
    await db.query(`DELETE FROM handle_time WHERE span_id = 'span-h1'`);
    expect(await activeOfH()).toEqual(before);
    await flushMetricFacts(db);
    expect(await reportFromDb(db, 'w1', { ...window, by: 'agent', asOf: FIXTURE_AS_OF })).toEqual(pure('agent'));
  });

  it('settings: defaults, validated updates, nothing written on a bad one', async () => {
    const s = await getMetricsSettings(db, 'w2');
    expect(s.roi.cost_per_contact).toEqual({ phone: 5.25, email: 4.42, social: 1 });
    expect(s.calendar).toBeNull();
    await expect(updateMetricsSettings(db, 'w1', { roi: { cost_per_contact: { phone: -1 } } })).rejects.toThrow(/invalid ROI settings/);
    await expect(updateMetricsSettings(db, 'w1', { calendar: { time_zone: 'Nowhere/City', hours: { mon: [['09:00', '17:00']] } } })).rejects.toThrow(/unknown IANA time zone/);
    await expect(updateMetricsSettings(db, 'w1', { sla: { normal: { first_response_s: 0 } } })).rejects.toThrow(/invalid SLA targets/);
    expect((await getMetricsSettings(db, 'w1')).calendar).toEqual(FIXTURE_CALENDAR);
  });

  it('a calendar stored in the metrics\' former shape is rewritten into the one calendar (migration 0610)', async () => {
    const before = await getMetricsSettings(db, 'w1');
    await db.query('UPDATE metrics_settings SET calendar = $2 WHERE workspace_id = $1', ['w1', JSON.stringify({
      timeZone: 'Europe/Warsaw', weekly: { 1: [['09:00', '17:00']], 2: [['09:00', '17:00']], 3: [['09:00', '17:00']], 4: [['09:00', '17:00']], 5: [['09:00', '17:00']] },
      holidays: ['2026-11-11'],
    })]);
    await oneCalendar(db);
    const after = await getMetricsSettings(db, 'w1');
    expect(after.calendar).toEqual(FIXTURE_CALENDAR);
    expect(new BusinessCalendar(after.calendar!).businessTimeBetween(Date.parse('2026-11-09T00:00:00Z'), Date.parse('2026-11-12T00:00:00Z'))).toBe(16 * 3_600_000);
    expect(after).toEqual(before);
  });
});

describe('HTTP routes', () => {
  const get = (url: string, token = 'tok-sup') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const range = 'from=2026-11-01&to=2026-11-29';

  it('report as JSON and CSV for a supervisor', async () => {
    const r = await get(`/v1/metrics/report?${range}&by=agent`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(pure('agent'))));
    const csv = await get(`/v1/metrics/report?${range}&by=team&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="tend-report-2026-11-01-2026-11-29.csv"');
    expect(csv.body.split('\r\n').filter((l) => l.startsWith('team,'))).toHaveLength(4);
  });

  it('filters by channel and team', async () => {
    const r = (await get(`/v1/metrics/report?${range}&channel=email`)).json();
    expect(r.total.conversations).toBe(1);
    expect(r.filter).toEqual({ channel: 'email' });
    expect((await get(`/v1/metrics/report?${range}&team=t2`)).json().total.conversations).toBe(2);
  });

  it('an agent sees only their own figures', async () => {
    const mine = (await get(`/v1/metrics/me?${range}`, 'tok-a1')).json();
    expect(mine.total.conversations).toBe(4);
    expect(mine.total.first_response.median_s).toBe(1200);
    expect((await get(`/v1/metrics/report?${range}`, 'tok-a1')).json().total.conversations).toBe(4);
    const other = await get(`/v1/metrics/report?${range}&agent=a2`, 'tok-a1');
    expect(other.statusCode).toBe(403);
    expect((await get('/v1/metrics/settings', 'tok-a1')).statusCode).toBe(403);
  });

  it('refuses bad requests with the reason', async () => {
    expect((await get(`/v1/metrics/report?${range}`, 'nope')).statusCode).toBe(401);
    const cases: Array<[string, RegExp]> = [
      ['to=2026-11-30', /--from is required/],
      ['from=2026-11-31&to=2026-12-01', /not a calendar date/],
      ['from=yesterday&to=2026-12-01', /is not a date/],
      ['from=2026-11-10&to=2026-11-01', /"to" must be after "from"/],
      [`${range}&by=planet`, /by: "planet" is not one of/],
      [`${range}&format=xml`, /format: "xml"/],
      [`${range}&channel=fax`, /channel: "fax"/],
      [`${range}&colour=red`, /unknown report parameter: colour/],
      [`${range}&by=agent&by=team`, /given more than once/],
    ];
    for (const [q, reason] of cases) {
      const r = await get(`/v1/metrics/report?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.message, q).toMatch(reason);
    }
  });

  it('settings: admins change them, others cannot, bad ones are refused', async () => {
    const put = (body: unknown, token = 'tok-adm') => app.inject({ method: 'PUT', url: '/v1/metrics/settings', headers: { authorization: `Bearer ${token}` }, payload: body as object });
    expect((await put({ roi: { currency: 'EUR' } }, 'tok-sup')).statusCode).toBe(403);
    const bad = await put({ roi: { call_substitution_rate: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/roi\.call_substitution_rate/);
    const unknown = await put({ colour: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/colour/);
    const ok = await put({ roi: { currency: 'EUR', cost_per_contact: { phone: 8 } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().roi).toMatchObject({ currency: 'EUR', cost_per_contact: { phone: 8, email: 4.42, social: 1 } });
    const report = (await get(`/v1/metrics/report?${range}`)).json();
    expect(report.total.roi.cost_saved).toBe(11.2); // 4 × 0.4 × (8 − 1)
    await put({ roi: { currency: 'USD', cost_per_contact: { phone: 5.25 } } });
    expect((await get('/v1/metrics/settings')).json().roi.currency).toBe('USD');
  });
});

describe('npm run hub -- report', () => {
  const run = async (...argv: string[]) => {
    let out = ''; let err = '';
    const code = await runReport(['report', ...argv], { db, stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, now: () => FIXTURE_AS_OF });
    return { code, out, err };
  };

  it('prints the same figures as the API, as JSON or CSV', async () => {
    const json = await run('--from', '2026-11-01', '--to', '2026-11-29', '--by', 'agent', '--workspace', 'w1');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(JSON.parse(JSON.stringify(pure('agent'))));
    const csv = await run('--from', '2026-11-01', '--to', '2026-11-29', '--by', 'channel', '--format', 'csv', '--workspace', 'w1');
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n')[0]).toMatch(/^group,key,conversations,/);
    expect(csv.out).toContain('\r\nchannel,email,1,');
  });

  it('reports over a TWCS history file with --twcs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tend-metrics-'));
    const file = join(dir, 'history.csv');
    writeFileSync(file, 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n'
      + '1,115,True,Tue Oct 31 10:00:00 +0000 2017,@Brand help,2,\n'
      + '2,Brand,False,Tue Oct 31 10:05:00 +0000 2017,@115 on it,,1\n'
      + '3,116,True,Tue Oct 31 11:00:00 +0000 2017,@Brand hello?,,\n'
      + '4,117,nope,Tue Oct 31 11:00:00 +0000 2017,bad row,,\n');
    try {
      const r = await run('--twcs', file, '--from', '2017-10-01', '--to', '2017-10-31', '--by', 'account');
      expect(r.code).toBe(0);
      expect(r.err).toBe('skipped line 5: inbound is "nope", expected True/False\n');
      const report = JSON.parse(r.out);
      expect(report.groups.map((g: { key: string; conversations: number }) => [g.key, g.conversations])).toEqual([['Brand', 2]]);
      expect(report.total.first_response).toMatchObject({ count: 1, median_s: 300 });
      expect(report.total.response_rate).toEqual({ inbound: 2, answered: 1, rate_pct: 50 });
      expect((await run('--twcs', join(dir, 'missing.csv'), '--from', '2017-10-01', '--to', '2017-10-31')).err).toMatch(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // With DATABASE_URL set the command would open that server instead of the temporary data dir.
  it.skipIf(!!process.env.DATABASE_URL)('opens the hub data dir itself and needs the metrics migration listed by the hub', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tend-metrics-hub-'));
    try {
      let err = '';
      const code = await runReport(['--from', '2026-11-01', '--to', '2026-11-29', '--data-dir', dir], { stdout: () => {}, stderr: (s) => { err += s; } });
      expect(code).toBe(2);
      // Before the integrator lists 0600 in hub/db/migrate.ts the tables are missing; after, the new hub has no workspace yet.
      expect(err).toMatch(/metrics tables missing|no workspace in this hub database/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains bad arguments with exit code 2', async () => {
    const several = await run('--from', '2026-11-01', '--to', '2026-11-29');
    expect(several.code).toBe(2);
    expect(several.err).toMatch(/several workspaces: choose one with --workspace/);
    const bad = await run('--from', '2026-11-01', '--to', '2026-11-29', '--by', 'moon', '--workspace', 'w1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/by: "moon"/);
    expect((await run('--frm', 'x')).err).toMatch(/Unknown option '--frm'/);
    expect((await run('--from', '2026-11-01', '--to', '2026-11-29', '--workspace', 'nope')).err).toMatch(/unknown workspace "nope"/);
  });
});
