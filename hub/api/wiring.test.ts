/**
 * The hub with its modules wired in (analysis, routing, metrics, channels, supervisor floor):
 * signed webhooks land analyzed, corrections are applied / synced / learnt once, reply collisions
 * are refused until confirmed, supervisors see and act on the floor, surveys go out after a resolve.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FloorSchema, RosterSchema } from '../../shared/contract/supervisor';
import type { Db } from '../db/db';
import { DEFAULT_SURVEY_SETTINGS, updateMetricsSettings } from '../metrics/store';
import { startHub, type Hub } from '../hub';
import { xSignature } from '../connectors/signatures';
import { xTweetCreatePayload } from '../connectors/standins/x';
import { openTestDb, writeCounts } from '../../testing/hub/testdb';
import { call, login, streamUrl } from '../../testing/hub/client';
import { conversation, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { createTeam } from '../accounts/admin';
import { loadConnectorConfig } from '../connectors';
import type { Loose } from '../../testing/json';

/** Polls until check gives a truthy value (pushes and background delivery have no commit to wait on). */
async function waitFor<T>(check: () => T | Promise<T>, limitMs: number): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SECRET = 'x-consumer-secret-for-tests';
let db: Db;
let hub: Hub;
let w: World;
let tokA: string, tokB: string, tokBoss: string;

beforeAll(async () => {
  db = await openTestDb('wiring');
  hub = await startHub({
    database: db, routing: { tickMs: 50 }, surveys: true, outbound: { dispatcher: { pollMs: 20, leaseMs: 5000, maxAttempts: 3, baseBackoffMs: 10, maxBackoffMs: 50 } },
    channels: loadConnectorConfig({ TEND_X_CONSUMER_SECRET: SECRET }),
  });
  w = await seedWorld(hub.log);
  [tokA, tokB, tokBoss] = await Promise.all([login(hub.url, w.emails.a), login(hub.url, w.emails.b), login(hub.url, w.emails.supervisor)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const mutate = (token: string, mutations: Array<{ id?: string; type: string; args: unknown }>) =>
  call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: mutations.map((m) => ({ id: m.id ?? randomUUID(), ...m })) } });
const convRow = async (id: string) => (await db.query<Loose>('SELECT * FROM conversations WHERE id = $1', [id]))[0];

describe('channels and analysis', () => {
  it('a signed X delivery is stored analyzed, with the analysis priority when routing sets none; an unsigned one is refused', async () => {
    const body = JSON.stringify(xTweetCreatePayload('999', [{
      id: '1800000000000000001', text: '@brand my refund never arrived and nobody answers, this is the worst service',
      user: { id: '42', screen_name: 'angry_ann', name: 'Ann', followers_count: 120_000 },
    }]));
    const before = await writeCounts(db);
    const bad = await call(hub.url, 'POST', '/webhooks/x', { raw: body, headers: { 'x-twitter-webhooks-signature': 'sha256=AAAA' } });
    expect(bad.status).toBe(401);
    expect(await writeCounts(db)).toEqual(before);
    const ok = await call(hub.url, 'POST', '/webhooks/x', { raw: body, headers: { 'x-twitter-webhooks-signature': xSignature(body, SECRET) } });
    expect(ok.status).toBe(200);
    expect(ok.json.stored).toBe(1);
    const [c] = await db.query<Loose>(
      `SELECT c.* FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.platform_id = '1800000000000000001'`);
    expect(c.analysis.sentiment.label).toBe('negative');
    expect(typeof c.analysis.reason).toBe('string');
    expect(['low', 'normal', 'high', 'urgent']).toContain(c.analysis.priority);
  });
});

describe('correct_label', () => {
  it('sets the label, syncs it, learns once per mutation id, and a priority correction moves the priority', async () => {
    const conv = await conversation(hub.log, w, { assignee: w.agentA, handle: 'labelled' });
    const id = randomUUID();
    const m = { id, type: 'correct_label', args: { conversation_id: conv.id, task: 'intent', label: 'warranty_claim' } };
    const r1 = await mutate(tokA, [m]);
    expect(r1.status).toBe(200);
    expect(r1.json.results[0].ok).toBe(true);
    const row = await convRow(conv.id);
    expect(row.analysis.intent).toBe('warranty_claim');
    expect(row.analysis.reason).toContain('corrected by Agent A');
    const [change] = await db.query<Loose>(`SELECT data FROM changes WHERE entity = 'conversation' AND entity_id = $1 ORDER BY sync_id DESC LIMIT 1`, [conv.id]);
    expect(change.data.analysis.intent).toBe('warranty_claim');
    const learnt = async () => ((await db.query<Loose>('SELECT model FROM analysis_models WHERE workspace_id = $1', [w.ws]))[0]?.model.corrections.intent ?? 0);
    expect(await learnt()).toBe(1);
    const r2 = await mutate(tokA, [m]); // the same mutation again: stored answer, nothing learnt twice
    expect(r2.json.results).toEqual(r1.json.results);
    expect(await learnt()).toBe(1);
    // the workspace's analyzer now knows the label
    const a = await hub.analysis!.forWorkspace(w.ws);
    expect(a.analyze({ text: 'hello from labelled', author: { followers: 10, verified: false, handle: 'x' }, visibility: 'public' }).intent).toBeDefined();

    const p = await mutate(tokA, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'priority', label: 'urgent' } }]);
    expect(p.json.results[0].ok).toBe(true);
    expect((await convRow(conv.id)).priority).toBe('urgent');
    const s = await mutate(tokA, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'sentiment', label: 'positive' } }]);
    expect(s.json.results[0].ok).toBe(true);
    const after = (await convRow(conv.id)).analysis;
    expect(after.sentiment).toMatchObject({ label: 'positive' });
    // each correction adds to the reason; none replaces what was there
    expect(after.reason).toContain('intent warranty_claim: corrected by Agent A');
    expect(after.reason).toContain('priority urgent: corrected by Agent A');
    expect(after.reason).toMatch(/sentiment positive: corrected by Agent A$/);
    // "other" is an intent an agent may choose when none fits (issue 13, item 6)
    const o = await mutate(tokA, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'intent', label: 'other' } }]);
    expect(o.json.results[0].ok).toBe(true);
    expect((await convRow(conv.id)).analysis).toMatchObject({ intent: 'other', reason: expect.stringMatching(/intent other: corrected by Agent A$/) });
  });

  it('refuses bad labels as a batch (nothing written) and corrections outside the agent scope', async () => {
    const conv = await conversation(hub.log, w, { assignee: w.agentA, handle: 'labelled2' });
    await hub.routing!.settled(); // routing writes due times of the new conversation in the background
    const before = await writeCounts(db);
    const bad = await mutate(tokA, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'priority', label: 'huge' } }]);
    expect(bad.status).toBe(400);
    const badSentiment = await mutate(tokA, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'sentiment', label: 'meh' } }]);
    expect(badSentiment.status).toBe(400);
    expect(await writeCounts(db)).toEqual(before);
    const other = await mutate(tokB, [{ type: 'correct_label', args: { conversation_id: conv.id, task: 'intent', label: 'praise' } }]);
    expect(other.json.results[0]).toMatchObject({ ok: false, error: { code: 'conversation_reassigned' } });
    expect((await convRow(conv.id)).analysis.intent).not.toBe('praise');
  });
});

describe('reply collision', () => {
  it('a reply after another agent replied since seen_up_to is refused with a token; the confirmed re-send goes out once', async () => {
    const conv = await conversation(hub.log, w, { assignee: w.agentA, handle: 'collide' });
    const seen = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const boss = await mutate(tokBoss, [{ type: 'reply', args: { conversation_id: conv.id, message_id: randomUUID(), text: 'On it!', visibility: 'public' } }]);
    expect(boss.json.results[0].ok).toBe(true);
    await hub.routing!.settled();
    const messageId = randomUUID();
    const mutationId = randomUUID();
    const args = { conversation_id: conv.id, message_id: messageId, text: 'Sorry about that!', visibility: 'public', seen_up_to: seen };
    const first = await mutate(tokA, [{ id: mutationId, type: 'reply', args }]);
    expect(first.status).toBe(200);
    const res = first.json.results[0];
    expect(res).toMatchObject({ ok: false, error: { code: 'collision' } });
    expect(res.error.details.conflicts[0]).toMatchObject({ kind: 'replied_meanwhile', agent_id: w.supervisor });
    expect(typeof res.error.details.confirm_token).toBe('string');
    expect(await db.query('SELECT 1 FROM messages WHERE id = $1', [messageId])).toHaveLength(0);
    const wrong = await mutate(tokA, [{ id: mutationId, type: 'reply', args: { ...args, confirm_collision: 'not-the-token' } }]);
    expect(wrong.json.results[0]).toMatchObject({ ok: false, error: { code: 'collision' } });
    const confirmed = await mutate(tokA, [{ id: mutationId, type: 'reply', args: { ...args, confirm_collision: res.error.details.confirm_token } }]);
    expect(confirmed.json.results[0].ok).toBe(true);
    const again = await mutate(tokA, [{ id: mutationId, type: 'reply', args: { ...args, confirm_collision: res.error.details.confirm_token } }]);
    expect(again.json.results[0].ok).toBe(true);
    expect(await db.query('SELECT 1 FROM messages WHERE id = $1', [messageId])).toHaveLength(1);
    // having seen the supervisor's reply, the next reply is not a collision
    const later = await mutate(tokA, [{ type: 'reply', args: { conversation_id: conv.id, message_id: randomUUID(), text: 'Anything else?', visibility: 'public', seen_up_to: new Date().toISOString() } }]);
    expect(later.json.results[0].ok).toBe(true);
  });

  it('a live composing claim of another agent warns too (not the assignee: a claim never holds them back); private notes to the team are never checked', async () => {
    // unassigned in A's team: A may reply, and is not its assignee
    const conv = await conversation(hub.log, w, { handle: 'claimed', team: w.teamA });
    const claim = await call(hub.url, 'POST', '/v1/routing/collision/claim', { token: tokBoss, body: { conversation_id: conv.id } });
    expect(claim.status).toBe(200);
    const r = await mutate(tokA, [{ type: 'reply', args: { conversation_id: conv.id, message_id: randomUUID(), text: 'hi', visibility: 'public', seen_up_to: new Date().toISOString() } }]);
    expect(r.json.results[0]).toMatchObject({ ok: false, error: { code: 'collision' } });
    expect(r.json.results[0].error.details.conflicts[0]).toMatchObject({ kind: 'claimed_by_other', agent_id: w.supervisor });
    const priv = await mutate(tokA, [{ type: 'reply', args: { conversation_id: conv.id, message_id: randomUUID(), text: 'psst', visibility: 'private' } }]);
    expect(priv.json.results[0].ok).toBe(true);
  });
});

describe('supervisor floor', () => {
  it('agents get 403; supervisors get the floor in the contract shape with queues, SLA and agents', async () => {
    expect((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokA })).status).toBe(403);
    await conversation(hub.log, w, { assignee: null, team: w.teamB, handle: 'waiting' });
    await hub.routing!.settled();
    const r = await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokBoss });
    expect(r.status).toBe(200);
    const floor = FloorSchema.parse(r.json);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations WHERE workspace_id = $1 AND status = 'open' AND assignee_id IS NULL`, [w.ws]);
    expect(n).toBeGreaterThan(0);
    expect(floor.queues.reduce((k, q) => k + q.depth, 0)).toBe(n);
    expect(floor.agents.map((a) => a.id).sort()).toEqual([w.agentA, w.agentB, w.supervisor].sort());
    expect(floor.agents.find((a) => a.id === w.agentA)!.open_conversations).toBeGreaterThan(0);
    expect(floor.throughput).toHaveLength(12);
    expect(floor.throughput.reduce((n, h) => n + h.inbound, 0)).toBeGreaterThan(0);
    expect(floor.sentiment_trend.some((h) => h.count > 0)).toBe(true);
    // fixture posts are due an hour after they were written a minute ago: at risk only if due within 15 minutes
    const soon = await conversation(hub.log, w, { assignee: null, handle: 'soon' });
    await hub.log.write(async (wr) => { await wr.update('conversation', soon.id, { first_response_due_at: new Date(Date.now() + 5 * 60_000).toISOString() }); });
    const late = await conversation(hub.log, w, { assignee: null, handle: 'late' });
    await hub.routing!.settled(); // routing computes due times of new conversations; then these are overwritten by hand
    await hub.log.write(async (wr) => { await wr.update('conversation', soon.id, { first_response_due_at: new Date(Date.now() + 5 * 60_000).toISOString() }); });
    await hub.log.write(async (wr) => { await wr.update('conversation', late.id, { first_response_due_at: new Date(Date.now() - 60_000).toISOString() }); });
    const f2 = FloorSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokBoss })).json);
    expect(f2.sla.at_risk.map((x) => x.conversation_id)).toContain(soon.id);
    expect(f2.sla.breached.map((x) => x.conversation_id)).toContain(late.id);
    expect(f2.sla.at_risk.map((x) => x.conversation_id)).not.toContain(late.id);
  });

  it('every agent reads the roster: presence and load as routing knows them, for the assign pickers', async () => {
    // Break, not Available or Offline: no offers to B, and nothing of B's requeued, for the tests after this one
    const put = await call(hub.url, 'PUT', '/v1/routing/presence', { token: tokB, body: { activity_id: 'busy' } });
    expect(put.status).toBe(200);
    const r = await call(hub.url, 'GET', '/v1/supervisor/roster', { token: tokA });
    expect(r.status).toBe(200);
    const roster = RosterSchema.parse(r.json);
    expect(roster.agents.map((a) => a.id).sort()).toEqual([w.agentA, w.agentB, w.supervisor].sort());
    const b = roster.agents.find((a) => a.id === w.agentB)!;
    expect(b).toMatchObject({ presence: 'busy', routable: false });
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations WHERE assignee_id = $1 AND status <> 'resolved'`, [w.agentB]);
    expect(b.open_conversations).toBe(n);
    expect(b.capacity).toBeGreaterThan(0);
    // a move of presence shows at once (routing's live state, not a stale row)
    await call(hub.url, 'PUT', '/v1/routing/presence', { token: tokB, body: { activity_id: 'break' } });
    const after = RosterSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/roster', { token: tokA })).json);
    expect(after.agents.find((a) => a.id === w.agentB)).toMatchObject({ presence: 'break', routable: false });
    expect((await call(hub.url, 'GET', '/v1/supervisor/roster', {})).status).toBe(401);
  });

  it('replies/hour counts what each agent sent in the last hour', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentB, team: w.teamB, handle: 'rate' });
    const before = FloorSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokBoss })).json).agents.find((a) => a.id === w.agentB)!.replies_per_hour;
    const r = await mutate(tokB, [{ type: 'reply', args: { conversation_id: c.id, message_id: randomUUID(), text: 'On it', visibility: 'public' } }]);
    expect(r.json.results[0].ok).toBe(true);
    const floor = FloorSchema.parse((await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokBoss })).json);
    expect(floor.agents.find((a) => a.id === w.agentB)!.replies_per_hour).toBe(before + 1);
  });

  it('the stream pushes the floor at once and again after a change', async () => {
    const ws = new WebSocket(await streamUrl(hub.url, '/v1/supervisor/stream', tokBoss));
    const floors: Loose[] = [];
    ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'floor') floors.push(m.floor); });
    await waitFor(() => floors.length >= 1, 5000);
    const depth = (f: Loose) => f.queues.reduce((n: number, q: Loose) => n + q.depth, 0);
    const before = depth(floors.at(-1));
    await w.ingestor.ingest(post({ handle: 'new-on-the-floor' }));
    await waitFor(() => floors.length >= 2 && depth(floors.at(-1)) === before + 1, 5000).catch((e) => {
      throw new Error(`${e.message}: ${floors.length} floors, depths ${floors.map(depth).join(',')}, before ${before}`);
    });
    ws.close();
    const agentWs = new WebSocket(await streamUrl(hub.url, '/v1/supervisor/stream', tokA));
    const closed = await new Promise<number>((resolve) => agentWs.on('close', (code) => resolve(code)));
    expect(closed).toBe(4403);
  });

  it('a note that mentions a colleague ("@Boss") reaches them at once on the routing stream', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA, handle: 'mentioning' });
    const ws = new WebSocket(await streamUrl(hub.url, '/v1/routing/stream', tokBoss));
    const got: Loose[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.on('open', r));
    // the stream is subscribed once a message to its agent is delivered
    await waitFor(async () => (await call(hub.url, 'POST', '/v1/supervisor/message', { token: tokBoss, body: { agent_id: w.supervisor, text: 'ready?' } })).json.delivered === 1, 5000);
    const noteId = randomUUID();
    const r = await mutate(tokA, [{ type: 'note', args: { conversation_id: c.id, note_id: noteId, text: 'Refund over the limit, @Boss can you approve?' } }]);
    expect(r.json.results[0].ok).toBe(true);
    await waitFor(() => got.some((m) => m.type === 'mention'), 5000);
    expect(got.filter((m) => m.type === 'mention')).toEqual([expect.objectContaining({
      conversation_id: c.id, note_id: noteId, from_agent_id: w.agentA, from_name: 'Agent A', text: 'Refund over the limit, @Boss can you approve?',
    })]);
    ws.close();
  });

  it('a supervisor message reaches the agent on the routing stream; bad requests are refused', async () => {
    const ws = new WebSocket(await streamUrl(hub.url, '/v1/routing/stream', tokA));
    const got: Loose[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.on('open', r));
    await waitFor(async () => {
      const r = await call(hub.url, 'POST', '/v1/supervisor/message', { token: tokBoss, body: { agent_id: w.agentA, text: 'Please take the refund queue' } });
      expect(r.status).toBe(200);
      return r.json.delivered === 1;
    }, 5000);
    await waitFor(() => got.some((m) => m.type === 'agent_message'), 5000);
    expect(got.find((m) => m.type === 'agent_message')).toMatchObject({ from_agent_id: w.supervisor, from_name: 'Boss', text: 'Please take the refund queue' });
    ws.close();
    expect((await call(hub.url, 'POST', '/v1/supervisor/message', { token: tokA, body: { agent_id: w.agentB, text: 'hi' } })).status).toBe(403);
    expect((await call(hub.url, 'POST', '/v1/supervisor/message', { token: tokBoss, body: { agent_id: 'nobody', text: 'hi' } })).status).toBe(404);
    expect((await call(hub.url, 'POST', '/v1/supervisor/message', { token: tokBoss, body: { agent_id: w.agentA, text: '   ' } })).status).toBe(400);
  });

  it('supervisors act on any conversation of the workspace; agents only in their scope', async () => {
    // the supervisor is not in Team C and the conversation is someone else's
    const elsewhere = await createTeam(db, w.ws, 'Team C');
    const conv = await conversation(hub.log, w, { assignee: w.agentB, team: elsewhere, handle: 'team-c' });
    await hub.routing!.settled();
    const agent = await mutate(tokA, [{ type: 'set_priority', args: { conversation_id: conv.id, priority: 'high' } }]);
    expect(agent.json.results[0]).toMatchObject({ ok: false, error: { code: 'conversation_reassigned' } });
    const boss = await mutate(tokBoss, [
      { type: 'set_priority', args: { conversation_id: conv.id, priority: 'urgent' } },
      { type: 'assign', args: { conversation_id: conv.id, assignee_id: w.agentA } },
    ]);
    expect(boss.json.results.every((r: Loose) => r.ok)).toBe(true);
    const row = await convRow(conv.id);
    expect([row.priority, row.assignee_id]).toEqual(['urgent', w.agentA]);
  });
});

describe('surveys', () => {
  it('a resolve sends CSAT and effort questions through the channel; the answer is recorded and does not reopen', async () => {
    // public replies chosen (the default asks only by private message where the platform allows it: hub/metrics/survey-settings.test.ts)
    await updateMetricsSettings(db, w.ws, { surveys: { ...DEFAULT_SURVEY_SETTINGS, delivery: 'public' } });
    const conv = await conversation(hub.log, w, { assignee: w.agentA, handle: 'surveyed' });
    const r = await mutate(tokA, [{ type: 'set_status', args: { conversation_id: conv.id, status: 'resolved' } }]);
    expect(r.json.results[0].ok).toBe(true);
    const questions = await waitFor(async () => {
      const rows = await db.query<{ id: string; platform_id: string | null; delivery: string }>(
        `SELECT m.id, m.platform_id, m.delivery FROM messages m JOIN surveys s ON s.question_message_id = m.id WHERE s.conversation_id = $1`, [conv.id]);
      return rows.length === 2 && rows.every((q) => q.delivery === 'sent') ? rows : null;
    }, 5000);
    const [csat] = await db.query<{ question_message_id: string }>(`SELECT question_message_id FROM surveys WHERE conversation_id = $1 AND kind = 'csat'`, [conv.id]);
    const q = questions!.find((x) => x.id === csat.question_message_id)!;
    await hub.ingestor(w.ws).ingest(post({ handle: 'surveyed', text: '5', in_reply_to: q.platform_id, created_at: new Date().toISOString() }));
    const [s] = await db.query<Loose>(`SELECT score, answered_at FROM surveys WHERE conversation_id = $1 AND kind = 'csat'`, [conv.id]);
    expect(s.score).toBe(5);
    expect((await convRow(conv.id)).status).toBe('resolved');
    // the score reaches the conversation's synced row: the customer's history shows it on every desktop
    const [synced] = await db.query<{ csat: number }>(
      `SELECT (data->'analysis'->>'csat')::int AS csat FROM changes
        WHERE entity = 'conversation' AND entity_id = $1 ORDER BY sync_id DESC LIMIT 1`, [conv.id]);
    expect(synced.csat).toBe(5);
  });
});
