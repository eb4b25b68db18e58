/**
 * The routing service against a real hub database (PGlite, or TEST_DATABASE_URL): an inbound post
 * becomes a queued conversation, is offered over the routing WebSocket, accepted over HTTP, and
 * the assignment syncs through the change log; presence, invalid rules and collision over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import type { Db } from '../db/db';
import { migrate, MIGRATIONS } from '../db/migrate';
import * as m0500 from '../db/migrations/0500-routing';
import { buildCoreApi } from '../../testing/hub/api';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login, streamUrl } from '../../testing/hub/client';
import { RoutingService } from './service';
import { registerRoutingRoutes } from './api';
import type { RoutingPush } from '../../shared/contract/routing';

let db: Db;
let log: ChangeLog;
let routing: RoutingService;
let app: FastifyInstance;
let url: string;
let w: World;
let ingest: HubIngestor;

beforeAll(async () => {
  db = await openTestDb('routing_service');
  await migrate(db, [...MIGRATIONS.filter((m) => m.version !== 500), { version: 500, name: 'routing', up: m0500.up }].sort((a, b) => a.version - b.version));
  log = new ChangeLog(db);
  routing = new RoutingService(log, { tickMs: 50, onError: (e) => { throw e; } });
  routing.start();
  app = await buildCoreApi(log);
  registerRoutingRoutes(app, { routing });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  w = await seedWorld(log);
  ingest = new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA, route: routing.routePost });
});
afterAll(async () => {
  await routing?.stop();
  await app?.close();
  await db?.close();
});

async function stream(token: string): Promise<{ ws: WebSocket; next: (pred: (m: RoutingPush) => boolean) => Promise<RoutingPush> }> {
  const at = await streamUrl(url, '/v1/routing/stream', token);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(at);
    const seen: RoutingPush[] = [];
    const waiters: Array<{ pred: (m: RoutingPush) => boolean; resolve: (m: RoutingPush) => void }> = [];
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as RoutingPush;
      const i = waiters.findIndex((x) => x.pred(m));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(m); else seen.push(m);
    });
    ws.on('open', () => resolve({
      ws,
      next: (pred) => {
        const i = seen.findIndex(pred);
        if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
        return new Promise((res) => waiters.push({ pred, resolve: res }));
      },
    }));
    ws.on('error', reject);
  });
}

const row = async (id: string) => (await db.query<{ assignee_id: string | null; team_id: string | null; first_response_due_at: Date | null; priority: string }>(
  'SELECT assignee_id, team_id, first_response_due_at, priority FROM conversations WHERE id = $1', [id]))[0];

describe('routing service on the hub', () => {
  it('offers an inbound post to an available agent over the stream; accept assigns it in the database', async () => {
    const token = await login(url, w.emails.a);
    const s = await stream(token);
    const r1 = await call(url, 'PUT', '/v1/routing/presence', { token, body: { activity_id: 'available' } });
    expect(r1.status).toBe(200);
    expect(r1.json.agent).toMatchObject({ id: w.agentA, activity_id: 'available', routable: true });

    const got = await ingest.ingest(post({ handle: 'maria', text: 'my parcel never arrived' }));
    const offer = await s.next((m) => m.type === 'offer');
    if (offer.type !== 'offer') throw new Error('expected an offer');
    expect(offer.offer).toMatchObject({ conversation_id: got.conversation_id, agent_id: w.agentA });
    expect((await row(got.conversation_id)).team_id).toBe(w.teamA);
    expect((await row(got.conversation_id)).first_response_due_at).not.toBeNull();

    // B may not accept A's offer; A accepts
    const tokenB = await login(url, w.emails.b);
    const wrong = await call(url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token: tokenB, body: {} });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error.code).toBe('offer_not_yours');
    const ok = await call(url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token, body: { offer_id: offer.offer.id } });
    expect(ok.status).toBe(200);
    await routing.settled();
    expect((await row(got.conversation_id)).assignee_id).toBe(w.agentA);
    const twice = await call(url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token, body: { offer_id: offer.offer.id } });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('already_assigned');

    // going offline sends it back to the queue (assignee cleared in the database, synced to desktops)
    expect((await call(url, 'PUT', '/v1/routing/presence', { token, body: { activity_id: 'offline' } })).status).toBe(200);
    await routing.settled();
    expect((await row(got.conversation_id)).assignee_id).toBeNull();
    const ev = await db.query<{ type: string }>('SELECT type FROM routing_events WHERE conversation_id = $1 ORDER BY id', [got.conversation_id]);
    expect(ev.map((e) => e.type)).toEqual(expect.arrayContaining(['conversation.queued', 'offer.created', 'offer.accepted', 'conversation.assigned', 'conversation.requeued']));
    const [p] = await db.query<{ activity_id: string }>('SELECT activity_id FROM agent_presence WHERE agent_id = $1', [w.agentA]);
    expect(p.activity_id).toBe('offline');
    s.ws.close();
  });

  // hub/routing/README.md listed it as not yet done: the engine kept a waiting conversation in its old queue
  it('a supervisor moves a waiting conversation to another team\'s queue: it is offered to that team\'s agents', async () => {
    const tokenB = await login(url, w.emails.b);
    const s = await stream(tokenB);
    expect((await call(url, 'PUT', '/v1/routing/presence', { token: tokenB, body: { activity_id: 'available' } })).status).toBe(200);
    // nobody in team A is available: it waits in A's queue
    const got = await ingest.ingest(post({ handle: 'moved_mo', text: 'my invoice is wrong' }));
    await routing.settled();
    expect(await row(got.conversation_id)).toMatchObject({ team_id: w.teamA, assignee_id: null });
    const sup = await login(url, w.emails.supervisor);
    const moved = await call(url, 'POST', '/v1/mutations', { token: sup, body: { mutations: [
      { id: randomUUID(), type: 'assign', args: { conversation_id: got.conversation_id, assignee_id: null, team_id: w.teamB } }] } });
    expect(moved.json.results[0], moved.text).toMatchObject({ ok: true });
    const offer = await s.next((m) => m.type === 'offer' && m.offer.conversation_id === got.conversation_id);
    if (offer.type !== 'offer') throw new Error('expected an offer');
    expect(offer.offer.agent_id).toBe(w.agentB);
    await routing.settled();
    expect(await row(got.conversation_id)).toMatchObject({ team_id: w.teamB, assignee_id: null });
    expect((await call(url, 'POST', `/v1/routing/offers/${got.conversation_id}/accept`, { token: tokenB, body: { offer_id: offer.offer.id } })).status).toBe(200);
    await routing.settled();
    expect(await row(got.conversation_id)).toMatchObject({ team_id: w.teamB, assignee_id: w.agentB });
    expect((await call(url, 'PUT', '/v1/routing/presence', { token: tokenB, body: { activity_id: 'offline' } })).status).toBe(200);
    await routing.settled();
    s.ws.close();
  });

  it('refuses invalid rules with the reason and keeps the old configuration', async () => {
    const sup = await login(url, w.emails.supervisor);
    const agent = await login(url, w.emails.a);
    const before = (await call(url, 'GET', '/v1/routing/config', { token: sup })).json.config;
    const bad = await call(url, 'PUT', '/v1/routing/rules', { token: sup, body: { rules: [{ id: 'r1', name: 'x', targets: [{ queue_id: 'nope' }] }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_rule');
    expect(bad.json.error.message).toMatch(/unknown queue "nope"/);
    expect((await call(url, 'GET', '/v1/routing/config', { token: sup })).json.config).toEqual(before);
    expect((await db.query('SELECT * FROM routing_config')).length).toBe(0);
    expect((await call(url, 'PUT', '/v1/routing/rules', { token: agent, body: { rules: [] } })).status).toBe(403);
    // a valid rule: refunds go to team B
    const good = await call(url, 'PUT', '/v1/routing/rules', { token: sup, body: { rules: [{ id: 'refunds', name: 'Refunds to B', filters: [{ field: 'keywords', op: 'any', values: ['refund'] }], targets: [{ queue_id: `q-${w.teamB}` }] }] } });
    expect(good.status).toBe(200);
    const got = await ingest.ingest(post({ handle: 'rita', text: 'I need a refund' }));
    expect((await row(got.conversation_id)).team_id).toBe(w.teamB);
    const bad2 = await call(url, 'PUT', '/v1/routing/presence', { token: agent, body: { activity_id: 'napping' } });
    expect(bad2.status).toBe(400);
    expect(bad2.json.error.code).toBe('unknown_activity');
  });

  it('collision: a second agent about to reply is warned while the first one types', async () => {
    const tokenA = await login(url, w.emails.a);
    const sup = await login(url, w.emails.supervisor);
    const got = await ingest.ingest(post({ handle: 'olga', text: 'hello?' }));
    const s = await stream(sup);
    s.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: got.conversation_id, activity: 'viewing' }));
    expect((await call(url, 'POST', '/v1/routing/collision/heartbeat', { token: tokenA, body: { conversation_id: got.conversation_id, activity: 'typing' } })).status).toBe(200);
    const pushed = await s.next((m) => m.type === 'collision' && m.agents.some((a) => a.agent_id === w.agentA && a.activity === 'typing'));
    expect(pushed.type).toBe('collision');
    const check = await call(url, 'POST', '/v1/routing/collision/check-reply', { token: sup, body: { conversation_id: got.conversation_id, seen_up_to: Date.now() } });
    expect(check.json).toMatchObject({ decision: 'warn', conflicts: [{ kind: 'claimed_by_other', agent_id: w.agentA }] });
    const claim = await call(url, 'POST', '/v1/routing/collision/claim', { token: sup, body: { conversation_id: got.conversation_id } });
    expect(claim.status).toBe(409);
    const confirmed = await call(url, 'POST', '/v1/routing/collision/check-reply', { token: sup, body: { conversation_id: got.conversation_id, seen_up_to: Date.now(), confirm_token: check.json.confirm_token } });
    expect(confirmed.json.decision).toBe('send');
    s.ws.close();
  });

  it('a breach escalation that raises the priority says so in the reason, after the analysis\' own words (issue 13, item 6)', async () => {
    const sup = await login(url, w.emails.supervisor);
    const config = (await call(url, 'GET', '/v1/routing/config', { token: sup })).json.config;
    const put = await call(url, 'PUT', '/v1/routing/config', { token: sup, body: {
      ...config,
      sla_policies: [{ id: 'fast-low', priorities: ['low'], first_response_seconds: 1, on_breach: [{ type: 'raise_priority' }] }, ...config.sla_policies.filter((p: { id: string }) => p.id !== 'fast-low')],
    } });
    expect(put.status).toBe(200);
    const analyzed = new HubIngestor(log, {
      workspaceId: w.ws, defaultTeamId: w.teamA, route: routing.routePost,
      analyzePost: () => ({ priority: 'low', reason: 'says thanks → low priority' }),
    });
    const s = await stream(sup);
    const got = await analyzed.ingest(post({ handle: 'patient_pat', text: 'thanks, whenever you can' }));
    const conv = async () => (await db.query<{ priority: string; analysis: { reason?: string } }>('SELECT priority, analysis FROM conversations WHERE id = $1', [got.conversation_id]))[0];
    expect((await conv()).priority).toBe('low');
    // the routing tick breaches the 1-second target (supervisors hear of it) and raises the priority
    await s.next((m) => m.type === 'sla' && m.event === 'breach' && m.conversation_id === got.conversation_id);
    s.ws.close();
    await routing.settled();
    const after = await conv();
    expect(after.priority).toBe('normal');
    expect(after.analysis.reason).toBe('says thanks → low priority; priority raised to normal: first response SLA breached');
  });
});
