/**
 * Quality review on the hub (PGlite, and the PostgreSQL server in test:pg): every resolve is scored in its
 * own transaction, whichever way it comes (one mutation, a batch as bulk actions and macros send, again
 * after a reopen); reviewers see the week's sample and override items with notes beside the automatic
 * score, never over it, audited; an agent sees their own scores and the notes, nobody else's; the metrics
 * report carries automatic and reviewed figures apart. Bad input is refused and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QualitySampleSchema, QualityScoresSchema, QualityScoreViewSchema, type QualityScoreView } from '../../shared/contract/quality';
import { createAgent } from '../accounts/admin';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { conversation, PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { guardedScore } from './on-resolve';

let db: Db;
let hub: Hub;
let w: World;
let tokens: { a: string; b: string; boss: string; admin: string };

beforeAll(async () => {
  db = await openTestDb('quality');
  hub = await startHub({ database: db, analysis: false });
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});
beforeEach(async () => {
  await truncateAll(db);
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'admin@test.tend', name: 'Admin', password: PASSWORD, role: 'admin', teamIds: [] });
  tokens = {
    a: await login(hub.url, w.emails.a), b: await login(hub.url, w.emails.b),
    boss: await login(hub.url, w.emails.supervisor), admin: await login(hub.url, 'admin@test.tend'),
  };
});

type Mutation = { type: string; args: Record<string, unknown> };
async function mutate(token: string, ...mutations: Mutation[]) {
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: mutations.map((m) => ({ id: randomUUID(), ...m })) } });
  expect(r.status, r.text).toBe(200);
  for (const res of r.json.results) expect(res.ok, JSON.stringify(res)).toBe(true);
}
const reply = (convId: string, text: string): Mutation => ({ type: 'reply', args: { conversation_id: convId, message_id: randomUUID(), text, visibility: 'public' } });
const status = (convId: string, s: string): Mutation => ({ type: 'set_status', args: { conversation_id: convId, status: s } });
const mine = async (token: string) => {
  const r = await call(hub.url, 'GET', '/v1/quality/mine', { token });
  expect(r.status, r.text).toBe(200);
  return QualityScoresSchema.parse(r.json).scores;
};
const sample = async (query = '', token = tokens.boss) => call(hub.url, 'GET', `/v1/quality/sample${query}`, { token });
const review = (id: string, body: unknown, token = tokens.boss) => call(hub.url, 'POST', `/v1/quality/scores/${id}/review`, { token, body });
const counts = async () => (await db.query<{ s: number; r: number; a: number }>(
  `SELECT (SELECT count(*)::int FROM quality_scores) AS s, (SELECT count(*)::int FROM quality_reviews) AS r, (SELECT count(*)::int FROM audit_log WHERE action = 'quality.reviewed') AS a`))[0];
const item = (v: QualityScoreView, id: string, which: 'auto' | 'review' = 'auto') => (which === 'auto' ? v.auto : v.review!).items.find((i) => i.id === id)!;

/** Agent A answers a customer and resolves: the automatic score is there at once. */
async function answeredAndResolved(text = 'Could you please tell us your order number?') {
  const c = await conversation(hub.log, w, { assignee: w.agentA });
  await mutate(tokens.a, reply(c.id, text));
  await mutate(tokens.a, status(c.id, 'resolved'));
  return c;
}

describe('quality scores', () => {
  it('a resolve is scored in its transaction with each item and its reason; the agent sees it, nobody else as their own', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    // the customer wrote 42 minutes ago and the first response was due 30 minutes after: the SLA item says how late the reply came
    await db.query(`UPDATE messages SET created_at = now() - interval '42 minutes' WHERE id = $1`, [c.message_id]);
    await db.query(`UPDATE conversations SET first_response_due_at = now() - interval '12 minutes' WHERE id = $1`, [c.id]);
    await mutate(tokens.a, reply(c.id, 'Hi there, sorry about that! Please DM us your order number and we will fix it. Let us know!'));
    expect((await counts()).s).toBe(0);
    await mutate(tokens.a, status(c.id, 'resolved'));
    const [s] = await mine(tokens.a);
    expect(s).toMatchObject({ conversation_id: c.id, agent_id: w.agentA, agent_name: 'Agent A', team_id: w.teamA, review: null });
    expect(s.auto.items.map((i) => [i.id, i.result])).toEqual([
      ['greeting', 'pass'], ['empathy', 'pass'], ['solution', 'pass'], ['closing', 'pass'], ['tone', 'pass'], ['personal_data', 'pass'], ['sla', 'fail'],
    ]);
    expect(item(s, 'sla').reason).toMatch(/^first reply 4[23] min after the post, 1[23] min after it was due \(SLA 1 h\)$/);
    expect(s.auto).toMatchObject({ passed: 6, applicable: 7, score: 86 });
    expect(s.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(await mine(tokens.b)).toEqual([]);
    expect((await call(hub.url, 'GET', `/v1/quality/scores/${s.id}`, { token: tokens.b })).status).toBe(403);
    expect((await call(hub.url, 'GET', `/v1/quality/scores/${s.id}`, { token: tokens.a })).json).toMatchObject({ id: s.id });
  });

  it('reads the SLA policy and calendar the workspace saved, as routing does; a configuration that no longer parses scores without targets', async () => {
    // as stored: the input the engine accepted, without the defaults it fills in (no priorities, channels, calendar_id)
    const saved = { queues: [], default_queue_id: `q-${w.teamA}`, sla_policies: [{ id: 'fast', first_response_seconds: 1800, next_response_seconds: 600 }] };
    await db.query('INSERT INTO routing_config (workspace_id, config) VALUES ($1, $2::jsonb)', [w.ws, JSON.stringify(saved)]);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    await db.query(`UPDATE messages SET created_at = now() - interval '50 minutes' WHERE id = $1`, [c.message_id]);
    await db.query('UPDATE conversations SET first_response_due_at = NULL WHERE id = $1', [c.id]);
    await mutate(tokens.a, reply(c.id, 'Hi, sorry! Try restarting the app.'), status(c.id, 'resolved'));
    expect(item((await mine(tokens.a))[0], 'sla').reason).toMatch(/^first reply 5[01] min after the post, SLA 30 min$/);

    await db.query(`UPDATE routing_config SET config = '{"sla_policies": "none"}'::jsonb WHERE workspace_id = $1`, [w.ws]);
    const d = await conversation(hub.log, w, { assignee: w.agentA, handle: 'other' });
    await db.query('UPDATE conversations SET first_response_due_at = NULL WHERE id = $1', [d.id]);
    await mutate(tokens.a, reply(d.id, 'Hi, sorry! Try restarting the app.'), status(d.id, 'resolved'));
    const scored = (await mine(tokens.a)).find((s) => s.conversation_id === d.id)!;
    expect(item(scored, 'sla')).toEqual({ id: 'sla', result: 'na', reason: 'no SLA applies to this conversation' });
  });

  it('a batch resolving several (bulk, macros, the API) scores each; a resolve of a resolved one does not score twice', async () => {
    const c1 = await conversation(hub.log, w, { assignee: w.agentA, handle: 'one' });
    const c2 = await conversation(hub.log, w, { assignee: w.agentA, handle: 'two' });
    await mutate(tokens.a, reply(c1.id, 'Hello! You can reset it in Settings.'), reply(c2.id, 'ok'));
    await mutate(tokens.a, status(c1.id, 'resolved'), status(c2.id, 'resolved'));
    await mutate(tokens.a, status(c1.id, 'resolved'));
    const scores = await mine(tokens.a);
    expect(scores.map((s) => s.conversation_id).sort()).toEqual([c1.id, c2.id].sort());
    expect((await counts()).s).toBe(2);
    expect(item(scores.find((s) => s.conversation_id === c2.id)!, 'greeting')).toEqual({ id: 'greeting', result: 'fail', reason: 'no greeting in the first reply ("ok")' });
  });

  it('a score never blocks a resolve: when its write fails the conversation is resolved and synced without one', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    await mutate(tokens.a, reply(c.id, 'Hello, we are on it'));
    // the score's write fails (a full disk, a constraint): rolled back to its savepoint, the resolve commits
    await db.exec(`CREATE FUNCTION quality_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
                   CREATE TRIGGER quality_test_fail BEFORE INSERT ON quality_scores FOR EACH ROW EXECUTE FUNCTION quality_test_fail();`);
    try {
      await mutate(tokens.a, status(c.id, 'resolved'));
    } finally {
      await db.exec('DROP TRIGGER quality_test_fail ON quality_scores; DROP FUNCTION quality_test_fail();');
    }
    const [conv] = await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [c.id]);
    expect(conv.status).toBe('resolved');
    const [synced] = await db.query<{ status: string }>(
      `SELECT data->>'status' AS status FROM changes WHERE entity = 'conversation' AND entity_id = $1 ORDER BY sync_id DESC LIMIT 1`, [c.id]);
    expect(synced.status).toBe('resolved');
    expect((await counts()).s).toBe(0);
    // the next resolve (after a reopen) is scored as usual
    await mutate(tokens.a, status(c.id, 'open'), status(c.id, 'resolved'));
    expect((await mine(tokens.a)).map((s) => s.conversation_id)).toEqual([c.id]);
  });

  it('a scorer that throws is logged with the conversation, and the rest of the resolve\'s transaction commits', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const [before] = await db.query<{ subject: string }>('SELECT subject FROM conversations WHERE id = $1', [c.id]);
    const logged: Array<{ obj: object; msg: string }> = [];
    const hook = guardedScore({ error: (obj, msg) => logged.push({ obj, msg }) }, async (wr) => {
      await wr.query(`UPDATE conversations SET subject = 'half written' WHERE id = $1`, [c.id]);
      throw new TypeError("Cannot read properties of undefined (reading 'length')");
    });
    await hub.log.write(async (wr) => {
      await wr.update('conversation', c.id, { status: 'resolved' });
      await hook(wr, { id: c.id, workspace_id: w.ws }, w.agentA);
    });
    const [conv] = await db.query<{ status: string; subject: string }>('SELECT status, subject FROM conversations WHERE id = $1', [c.id]);
    // resolved; what the failing scorer wrote before it threw is rolled back with its savepoint
    expect(conv).toEqual({ status: 'resolved', subject: before.subject });
    expect(before.subject).not.toBe('half written');
    expect(logged).toEqual([{ obj: expect.objectContaining({ conversation_id: c.id, err: expect.any(TypeError) }), msg: 'quality score failed: the conversation is resolved without one' }]);
  });

  it('resolving again after a reopen scores again: the new score is the latest, the earlier one stays', async () => {
    const c = await answeredAndResolved();
    await mutate(tokens.a, status(c.id, 'open'));
    await mutate(tokens.a, reply(c.id, 'Thanks, we have refunded it. Have a great day!'));
    await mutate(tokens.a, status(c.id, 'resolved'));
    const rows = await db.query<{ latest: boolean; closing: string }>(
      `SELECT latest, (SELECT i->>'result' FROM jsonb_array_elements(items) i WHERE i->>'id' = 'closing') AS closing FROM quality_scores WHERE conversation_id = $1 ORDER BY id`, [c.id]);
    expect(rows).toEqual([{ latest: false, closing: 'fail' }, { latest: true, closing: 'pass' }]);
    const scores = await mine(tokens.a);
    expect(scores).toHaveLength(1);
    expect(item(scores[0], 'closing').result).toBe('pass');
  });
});

describe('reviews', () => {
  it('a supervisor overrides an item with a note: kept beside the automatic score, with who and when, audited; the agent reads it', async () => {
    const c = await answeredAndResolved();
    const s = await sample();
    expect(s.status, s.text).toBe(200);
    const [picked] = QualitySampleSchema.parse(s.json).scores;
    expect(picked.conversation_id).toBe(c.id);
    expect(item(picked, 'greeting').result).toBe('fail');

    const r = await review(picked.id, { overrides: [{ id: 'greeting', result: 'pass', note: 'A question first is fine on X' }] });
    expect(r.status, r.text).toBe(200);
    const v = QualityScoreViewSchema.parse(r.json);
    expect(v.auto).toEqual(picked.auto);
    expect(v.review).toMatchObject({ reviewer_id: w.supervisor, reviewer_name: 'Boss', overrides: [{ id: 'greeting', result: 'pass', note: 'A question first is fine on X' }] });
    expect(item(v, 'greeting', 'review')).toEqual({ id: 'greeting', result: 'pass', reason: 'A question first is fine on X' });
    expect(v.review!.passed).toBe(v.auto.passed + 1);
    const audit = await db.query<{ actor_id: string; target_id: string }>(`SELECT actor_id, target_id FROM audit_log WHERE action = 'quality.reviewed'`);
    expect(audit).toEqual([{ actor_id: w.supervisor, target_id: picked.id }]);

    const [seen] = await mine(tokens.a);
    expect(seen.review).toMatchObject({ reviewer_name: 'Boss', score: v.review!.score });
    expect(item(seen, 'greeting', 'review').reason).toBe('A question first is fine on X');
    expect(item(seen, 'greeting').result).toBe('fail');

    // a second review is the current one; the first stays
    const again = await review(picked.id, { overrides: [{ id: 'tone', result: 'fail', note: 'too curt' }] }, tokens.admin);
    expect(QualityScoreViewSchema.parse(again.json)).toMatchObject({ review: { reviewer_name: 'Admin' }, earlier_reviews: 1 });
  });

  it('refuses bad reviews and the wrong people, and changes nothing', async () => {
    await answeredAndResolved();
    const [s] = await mine(tokens.a);
    const before = await counts();
    const bad: Array<[unknown, RegExp]> = [
      [{ overrides: [] }, /override at least one item/],
      [{ overrides: [{ id: 'greeting', result: 'pass', note: '  ' }] }, /say why in a note/],
      [{ overrides: [{ id: 'politeness', result: 'pass', note: 'x' }] }, /overrides\.0\.id/],
      [{ overrides: [{ id: 'greeting', result: 'maybe', note: 'x' }] }, /overrides\.0\.result/],
      [{ overrides: [{ id: 'tone', result: 'pass', note: 'x' }, { id: 'tone', result: 'fail', note: 'y' }] }, /each item at most once/],
      [{ overrides: [{ id: 'tone', result: 'pass', note: 'x' }], score: 100 }, /invalid body/],
    ];
    for (const [body, why] of bad) {
      const r = await review(s.id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.message).toMatch(why);
    }
    const ok = { overrides: [{ id: 'tone', result: 'pass', note: 'fine' }] };
    expect((await review(s.id, ok, tokens.a)).status).toBe(403);
    expect((await review('999999', ok)).status).toBe(404);
    expect((await review('abc', ok)).status).toBe(400);
    expect((await sample('', tokens.a)).status).toBe(403);
    expect((await sample('?per_agent=0')).status).toBe(400);
    expect((await sample('?week=last')).status).toBe(400);
    expect(await counts()).toEqual(before);

    // a supervisor's own conversation is reviewed by someone else
    const c = await conversation(hub.log, w, { assignee: w.supervisor, handle: 'bosscase' });
    await mutate(tokens.boss, reply(c.id, 'Hi'), status(c.id, 'resolved'));
    const own = QualitySampleSchema.parse((await sample()).json).scores.find((x) => x.conversation_id === c.id)!;
    const r = await review(own.id, ok);
    expect(r.status).toBe(403);
    expect(r.json.error.message).toMatch(/reviewed by someone else/);
    expect((await review(own.id, ok, tokens.admin)).status).toBe(200);
  });

  it('the sample is a few per agent, the same for every reviewer, reviewed ones kept; `all` lists every one', async () => {
    for (let i = 0; i < 4; i++) await answeredAndResolved();
    const one = QualitySampleSchema.parse((await sample('?per_agent=2')).json);
    const two = QualitySampleSchema.parse((await sample('?per_agent=2', tokens.admin)).json);
    expect(one.scores).toHaveLength(2);
    expect(two.scores.map((s) => s.id)).toEqual(one.scores.map((s) => s.id));
    expect(one.scores.map((s) => s.resolved_at)).toEqual([...one.scores.map((s) => s.resolved_at)].sort().reverse());
    const all = QualitySampleSchema.parse((await sample('?per_agent=2&all=true')).json);
    expect(all.scores).toHaveLength(4);
    const outside = all.scores.find((s) => !one.scores.some((x) => x.id === s.id))!;
    await review(outside.id, { overrides: [{ id: 'greeting', result: 'pass', note: 'ok' }] });
    const after = QualitySampleSchema.parse((await sample('?per_agent=2')).json);
    expect(after.scores.map((s) => s.id)).toContain(outside.id);
    // another week has none of these
    expect(QualitySampleSchema.parse((await sample('?week=2020-01-01')).json)).toMatchObject({ week_start: '2019-12-30T00:00:00.000Z', scores: [] });
  });
});

describe('the metrics report', () => {
  it('has automatic and reviewed quality apart: per item, per agent, per team; an agent\'s own figures do not', async () => {
    await answeredAndResolved('Hi, sorry! Please DM us your order number. Thanks!');
    await answeredAndResolved('send order number');
    const [s] = await mine(tokens.a);
    await review(s.id, { overrides: [{ id: 'tone', result: 'fail', note: 'too curt' }] });
    const day = new Date().toISOString().slice(0, 10);
    const r = await call(hub.url, 'GET', `/v1/metrics/report?from=${day}&to=${day}`, { token: tokens.boss });
    expect(r.status, r.text).toBe(200);
    const q = r.json.quality;
    expect(q.automatic).toMatchObject({ conversations: 2, by_agent: [{ agent_id: w.agentA, agent_name: 'Agent A', conversations: 2 }], by_team: [{ team_id: w.teamA, team_name: 'Team A', conversations: 2 }] });
    expect(q.automatic.items.greeting).toEqual({ pass: 1, fail: 1, na: 0, pass_rate_pct: 50 });
    expect(q.automatic.items.tone).toMatchObject({ pass: 2, fail: 0 });
    expect(q.reviewed).toMatchObject({ conversations: 1, by_agent: [{ agent_id: w.agentA, conversations: 1 }] });
    expect(q.reviewed.items.tone).toEqual({ pass: 0, fail: 1, na: 0, pass_rate_pct: 0 });
    expect((await call(hub.url, 'GET', `/v1/metrics/me?from=${day}&to=${day}`, { token: tokens.a })).json).not.toHaveProperty('quality');
  });
});
