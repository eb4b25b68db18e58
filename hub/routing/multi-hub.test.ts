/**
 * Routing with several hubs on one PostgreSQL schema (leader.ts, proxy.ts): one hub leads and runs
 * the engines, the others forward routing to it; when the leader closes, another takes over from
 * the database. Needs a real server (PGlite is one process): skipped without TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openDb } from '../db/db';
import { startHub, type Hub, type StartHubOptions } from '../hub';
import { TEST_DATABASE_URL } from '../../testing/hub/testdb';
import { conversation, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login, streamUrl } from '../../testing/hub/client';
import type { RoutingPush } from '../../shared/contract/routing';
import { FORWARDED_HEADER } from './proxy';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { SECRET_HEADER } from './api';

const INTERNAL_CHECK_PATH = HUB_ROUTES.internalCheckReply.path;

const schema = `t_routing_multihub_${process.pid}`;
const opts = (retryMs: number): StartHubOptions => ({
  database: { url: TEST_DATABASE_URL, schema }, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0,
  routing: { tickMs: 50, leaderRetryMs: retryMs, flushDelayMs: 5 },
});
let one: Hub;
let two: Hub;
let three: Hub;
let w: World;

interface Stream { ws: WebSocket; seen: RoutingPush[]; closed: Promise<number>; next(pred: (m: RoutingPush) => boolean): Promise<RoutingPush> }

async function stream(base: string, token: string): Promise<Stream> {
  const at = await streamUrl(base, '/v1/routing/stream', token);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(at);
    const seen: RoutingPush[] = [];
    const waiters: Array<{ pred: (m: RoutingPush) => boolean; resolve: (m: RoutingPush) => void }> = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as RoutingPush;
      seen.push(m);
      for (const x of waiters.filter((y) => y.pred(m))) { waiters.splice(waiters.indexOf(x), 1); x.resolve(m); }
    });
    ws.on('open', () => resolve({
      ws, seen, closed,
      next: (pred) => {
        const hit = seen.find(pred);
        return hit ? Promise.resolve(hit) : new Promise((res) => waiters.push({ pred, resolve: res }));
      },
    }));
    ws.on('error', reject);
  });
}

async function until<T>(what: string, fn: () => Promise<T | null | false> | T | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const offersOf = (s: Stream, conv: string) => s.seen.filter((m) => m.type === 'offer' && m.offer.conversation_id === conv);
const offerEvents = async (hub: Hub) => hub.db.query<{ conversation_id: string; n: number }>(
  `SELECT conversation_id, count(*)::int AS n FROM routing_events WHERE type = 'offer.created' GROUP BY conversation_id`);

describe.skipIf(!TEST_DATABASE_URL)('routing with two hubs on one PostgreSQL schema', () => {
  beforeAll(async () => {
    one = await startHub(opts(100));
    two = await startHub(opts(100));
    // a follower that never retries: once the others are gone, nobody leads for it
    three = await startHub(opts(3_600_000));
    w = await seedWorld(one.log);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await three?.close();
    const admin = await openDb({ url: TEST_DATABASE_URL!, poolSize: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });

  it('one hub leads; a post ingested through hub two is offered once to an agent on hub two\'s stream', async () => {
    expect(one.routing!.isLeader).toBe(true);
    expect(two.routing!.isLeader).toBe(false);
    const [row] = await one.db.query<{ url: string }>('SELECT url FROM routing_leader');
    expect(row.url).toBe(one.url);

    const tokA = await login(two.url, w.emails.a);
    const s = await stream(two.url, tokA);
    // hub two forwards the stream to the leader with a fresh ticket of the session: an offer made before it
    // arrives there would find nobody, so wait until the leader counts it (a supervisor's message is delivered)
    const boss = await login(two.url, w.emails.supervisor);
    await until('the forwarded stream to reach the leader', async () =>
      (await call(two.url, 'POST', '/v1/supervisor/message', { token: boss, body: { agent_id: w.agentA, text: 'ready?' } })).json.delivered === 1);
    const p = await call(two.url, 'PUT', '/v1/routing/presence', { token: tokA, body: { activity_id: 'available' } });
    expect(p.status).toBe(200);
    expect(p.json.agent).toMatchObject({ id: w.agentA, activity_id: 'available', routable: true });

    const got = await two.ingestor(w.ws).ingest(post({ handle: 'across', text: 'my order is late' }));
    const offer = await s.next((m) => m.type === 'offer' && m.offer.conversation_id === got.conversation_id);
    if (offer.type !== 'offer') throw new Error('expected an offer');
    expect(offer.offer.agent_id).toBe(w.agentA);
    const ok = await call(two.url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token: tokA, body: { offer_id: offer.offer.id } });
    expect(ok.status).toBe(200);
    await one.routing!.settled();
    const [c] = await one.db.query<{ assignee_id: string }>('SELECT assignee_id FROM conversations WHERE id = $1', [got.conversation_id]);
    expect(c.assignee_id).toBe(w.agentA);
    expect(offersOf(s, got.conversation_id)).toHaveLength(1);
    expect((await offerEvents(one)).find((e) => e.conversation_id === got.conversation_id)?.n).toBe(1);
    // the followers never ran an engine
    expect(two.routing!.loadedWorkspaces()).toEqual([]);
    expect(three.routing!.loadedWorkspaces()).toEqual([]);
    s.ws.close();
  });

  it('presence set through either hub is the leader\'s; a request forwarded to a non-leader is refused, not forwarded again', async () => {
    const tokB1 = await login(one.url, w.emails.b);
    expect((await call(one.url, 'PUT', '/v1/routing/presence', { token: tokB1, body: { activity_id: 'break' } })).status).toBe(200);
    const boss = await login(three.url, w.emails.supervisor);
    expect((await call(three.url, 'PUT', '/v1/routing/presence', { token: boss, body: { activity_id: 'busy' } })).status).toBe(200);
    const seen = await call(two.url, 'GET', '/v1/routing/presence', { token: boss });
    expect(seen.status).toBe(200);
    const by = Object.fromEntries(seen.json.agents.map((a: { id: string; activity_id: string }) => [a.id, a.activity_id]));
    expect(by).toMatchObject({ [w.agentA]: 'available', [w.agentB]: 'break', [w.supervisor]: 'busy' });
    const loop = await call(two.url, 'GET', '/v1/routing/presence', { token: boss, headers: { [FORWARDED_HEADER]: '1' } });
    expect(loop.status).toBe(503);
    expect(loop.json.error.code).toBe('unavailable');
    // the followers' internal reply check needs the leader's secret
    const body = { workspace_id: w.ws, conversation_id: 'c1', agent_id: w.agentA, seen_up_to: null };
    expect((await call(one.url, 'POST', INTERNAL_CHECK_PATH, { body })).status).toBe(401);
    expect((await call(one.url, 'POST', INTERNAL_CHECK_PATH, { body, headers: { [SECRET_HEADER]: 'guess' } })).status).toBe(401);
    expect((await call(two.url, 'POST', INTERNAL_CHECK_PATH, { body })).status).toBe(503);
  });

  it('a supervisor on a follower messages an agent whose stream is on another hub', async () => {
    const tokA = await login(two.url, w.emails.a);
    const s = await stream(two.url, tokA);
    const boss = await login(three.url, w.emails.supervisor);
    const r = await call(three.url, 'POST', '/v1/supervisor/message', { token: boss, body: { agent_id: w.agentA, text: 'take the billing queue please' } });
    expect(r.status).toBe(200);
    expect(r.json.delivered).toBe(1);
    const m = await s.next((x) => x.type === 'agent_message');
    expect(m).toMatchObject({ type: 'agent_message', from_agent_id: w.supervisor, text: 'take the billing queue please' });
    s.ws.close();
  });

  it('a reply through a follower is checked against the leader\'s collision state', async () => {
    const got = await conversation(one.log, w, { assignee: w.agentA, handle: 'collide' });
    const seenUpTo = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const boss = await login(two.url, w.emails.supervisor);
    const tokA = await login(two.url, w.emails.a);
    const mutate = (token: string, args: Record<string, unknown>) => call(two.url, 'POST', '/v1/mutations', {
      token, body: { mutations: [{ id: randomUUID(), type: 'reply', args: { conversation_id: got.id, message_id: randomUUID(), visibility: 'public', ...args } }] },
    });
    expect((await mutate(boss, { text: 'On it!' })).json.results[0].ok).toBe(true);
    // the leader hears of the supervisor's reply from the change log
    await until('the leader to record the reply', async () => {
      const r = await call(two.url, 'POST', '/v1/routing/collision/check-reply', { token: tokA, body: { conversation_id: got.id, seen_up_to: seenUpTo } });
      return r.json.decision === 'warn';
    });
    const refused = await mutate(tokA, { text: 'Sorry!', seen_up_to: seenUpTo });
    expect(refused.json.results[0]).toMatchObject({ ok: false, error: { code: 'collision' } });
    expect(refused.json.results[0].error.details.conflicts[0]).toMatchObject({ kind: 'replied_meanwhile', agent_id: w.supervisor });
    const confirmed = await mutate(tokA, { text: 'Sorry!', seen_up_to: seenUpTo, confirm_collision: refused.json.results[0].error.details.confirm_token });
    expect(confirmed.json.results[0].ok).toBe(true);
  });

  it('after the leader closes, hub two takes over from the database and offers a new post', async () => {
    const tokA = await login(two.url, w.emails.a);
    // the forwarded stream is piped both ways: a heartbeat sent through hub two comes back from the leader
    // (the supervisor's: only who may reply to a conversation may show as viewing it)
    const old = await stream(two.url, await login(two.url, w.emails.supervisor));
    const viewed = await conversation(one.log, w, { assignee: w.supervisor, handle: 'viewed' });
    old.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: viewed.id, activity: 'viewing' }));
    await old.next((m) => m.type === 'collision' && m.conversation_id === viewed.id);
    await one.routing!.settled();
    // while both hubs ran, each conversation was offered once; offers still open now die with the leader
    expect((await offerEvents(one)).filter((e) => e.n !== 1)).toEqual([]);
    const open = new Set((await one.db.query<{ conversation_id: string }>(
      `SELECT conversation_id FROM routing_events o WHERE o.type = 'offer.created' AND NOT EXISTS (SELECT 1 FROM routing_events x
         WHERE x.conversation_id = o.conversation_id AND x.type IN ('offer.accepted', 'offer.rejected', 'offer.expired', 'offer.withdrawn'))`)).map((r) => r.conversation_id));
    await one.close();
    // the forwarded stream ends with the leader; the desktop reconnects
    expect(await old.closed).toBe(1012);
    await until('hub two to lead', () => two.routing!.isLeader);
    expect(three.routing!.isLeader).toBe(false);
    const s = await stream(two.url, tokA);
    // presence survived the change of leader
    const me = await call(three.url, 'GET', '/v1/routing/presence', { token: tokA });
    expect(me.status).toBe(200);
    expect(me.json.agents[0]).toMatchObject({ id: w.agentA, activity_id: 'available' });

    const got = await three.ingestor(w.ws).ingest(post({ handle: 'after', text: 'still waiting for my refund' }));
    const offer = await s.next((m) => m.type === 'offer' && m.offer.conversation_id === got.conversation_id);
    if (offer.type !== 'offer') throw new Error('expected an offer');
    expect(offer.offer.agent_id).toBe(w.agentA);
    expect((await call(three.url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token: tokA, body: { offer_id: offer.offer.id } })).status).toBe(200);
    await two.routing!.settled();
    // offered once; only an offer the old leader left open is made again, by the new leader
    const events = await offerEvents(two);
    expect(events.find((e) => e.conversation_id === got.conversation_id)?.n).toBe(1);
    expect(events.filter((e) => e.n > 2 || (e.n === 2 && !open.has(e.conversation_id)))).toEqual([]);
    expect(offersOf(s, got.conversation_id)).toHaveLength(1);
    s.ws.close();
  });

  it('a leader whose lock connection dies steps down, closes its streams, and leads again from the database', async () => {
    const tokA = await login(two.url, w.emails.a);
    const s = await stream(two.url, tokA);
    const [{ pid }] = await two.db.query<{ pid: number }>('SELECT pid FROM routing_leader');
    await two.db.query('SELECT pg_terminate_backend($1)', [pid]);
    // its streams close so desktops reconnect to whoever leads next
    expect(await s.closed).toBe(1012);
    // hub three retries only hourly: hub two takes the lock again and reloads the state from the database
    await until('hub two to lead again', async () => two.routing!.isLeader
      && (await two.db.query<{ pid: number }>('SELECT pid FROM routing_leader'))[0].pid !== pid);
    const me = await call(three.url, 'GET', '/v1/routing/presence', { token: tokA });
    expect(me.status).toBe(200);
    const mine = await two.db.query<{ id: string }>(`SELECT id FROM conversations WHERE assignee_id = $1 AND status <> 'resolved'`, [w.agentA]);
    expect(mine.length).toBeGreaterThan(0);
    expect(me.json.agents[0]).toMatchObject({ id: w.agentA, activity_id: 'available' });
    expect([...me.json.agents[0].assigned].sort()).toEqual(mine.map((r) => r.id).sort());
  });

  it('with no leader left, a follower answers 503 with the reason', async () => {
    const tok = await login(three.url, w.emails.a);
    await two.close();
    const r = await call(three.url, 'GET', '/v1/routing/config', { token: tok });
    expect(r.status).toBe(503);
    expect(r.json.error).toMatchObject({ code: 'unavailable' });
    expect(r.json.error.message).toMatch(/no hub leads routing/);
    const s = await stream(three.url, tok);
    expect(await s.closed).toBe(1013);
    expect(s.seen[0]).toMatchObject({ type: 'error', code: 'unavailable' });
  });
});
