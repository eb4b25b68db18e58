/**
 * Collision signals follow who may reply (issue 11, item 4): an agent cannot claim, or show as
 * viewing or typing on, a conversation assigned to someone else or outside their teams (HTTP and
 * stream), so they cannot hold its assignee's reply as a collision; a claim never holds back the
 * assignee; an agent's claims and presence end when their last stream closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login, streamUrl } from '../../testing/hub/client';
import type { Db } from '../db/db';
import type { WorkspaceRouting } from './service';

let db: Db;
let hub: Hub;
let w: World;
let routing: WorkspaceRouting;
let tok: { a: string; b: string; boss: string };

beforeAll(async () => {
  db = await openTestDb('collision_scope');
  // routing's clock stands still: a claim or a heartbeat never ends by its time-to-live here, only by what the test does
  const frozen = Date.now();
  hub = await startHub({ database: db, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0, routing: { tickMs: 50, now: () => frozen } });
  w = await seedWorld(hub.log);
  routing = await hub.routing!.workspace(w.ws);
  tok = { a: await login(hub.url, w.emails.a), b: await login(hub.url, w.emails.b), boss: await login(hub.url, w.emails.supervisor) };
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

/** Resolves once `check` holds (checked after each turn of the event loop; the test's timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

async function stream(token: string) {
  const ws = new WebSocket(await streamUrl(hub.url, '/v1/routing/stream', token));
  const errors: Array<{ code: string; message: string }> = [];
  ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.type === 'error') errors.push(m); });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return { ws, errors };
}

const reply = (token: string, conversationId: string) => call(hub.url, 'POST', '/v1/mutations', {
  token, body: { mutations: [{ id: randomUUID(), type: 'reply', args: { conversation_id: conversationId, message_id: randomUUID(), text: 'We are on it', visibility: 'public', seen_up_to: new Date().toISOString() } }] },
});

describe('collision signals only from agents who may reply', () => {
  it('over HTTP: B cannot claim or heartbeat A\'s conversation (403), nothing is recorded, and A\'s reply goes out', async () => {
    const c = await conversation(hub.log, w, { handle: 'scope-http', assignee: w.agentA });
    for (const [path, body] of [['/v1/routing/collision/claim', { conversation_id: c.id }], ['/v1/routing/collision/heartbeat', { conversation_id: c.id, activity: 'typing' }]] as const) {
      const r = await call(hub.url, 'POST', path, { token: tok.b, body });
      expect(r.status, path).toBe(403);
      expect(r.json.error.message).toMatch(/may not reply to this conversation/);
    }
    expect(routing.collision.claimOf(c.id)).toBeNull();
    expect(routing.collision.presence(c.id)).toEqual([]);
    const r = await reply(tok.a, c.id);
    expect(r.json.results[0]).toMatchObject({ ok: true });
    expect((await call(hub.url, 'POST', '/v1/routing/collision/claim', { token: tok.b, body: { conversation_id: 'no-such' } })).status).toBe(404);
  });

  it('over the stream: B\'s typing on A\'s conversation is refused once and never shows', async () => {
    const c = await conversation(hub.log, w, { handle: 'scope-stream', assignee: w.agentA });
    const b = await stream(tok.b);
    for (let i = 0; i < 3; i++) b.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: c.id, activity: 'typing' }));
    await until(() => b.errors.length >= 1);
    // a heartbeat on B's own queue after them: processed in order, so once it shows the three were handled
    const own = await conversation(hub.log, w, { handle: 'scope-own', team: w.teamB });
    b.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: own.id, activity: 'viewing' }));
    await until(() => routing.collision.presence(own.id).length === 1);
    expect(b.errors).toEqual([{ type: 'error', code: 'forbidden', message: expect.stringMatching(/may not reply/) }]);
    expect(routing.collision.claimOf(c.id)).toBeNull();
    expect(routing.collision.presence(c.id)).toEqual([]);
    expect((await reply(tok.a, c.id)).json.results[0]).toMatchObject({ ok: true });
    b.ws.close();
  });

  it('a supervisor\'s claim never holds back the assignee, but still warns someone else who may reply', async () => {
    // A's conversation, assigned at once: routing's placement of it, written later, never undoes the assignment
    // (placement-race.test.ts forces that order; here it used to leave a gap, null → A → null → A, where A's reply met the claim)
    const mine = await conversation(hub.log, w, { handle: 'scope-assignee', assignee: w.agentA });
    expect((await call(hub.url, 'POST', '/v1/routing/collision/claim', { token: tok.boss, body: { conversation_id: mine.id } })).status).toBe(200);
    expect((await reply(tok.a, mine.id)).json.results[0]).toMatchObject({ ok: true });
    // an unassigned conversation of A's team: the supervisor's claim warns A, who is not (yet) its assignee
    const queued = await conversation(hub.log, w, { handle: 'scope-queue', team: w.teamA });
    expect((await call(hub.url, 'POST', '/v1/routing/collision/claim', { token: tok.boss, body: { conversation_id: queued.id } })).status).toBe(200);
    expect((await reply(tok.a, queued.id)).json.results[0]).toMatchObject({ ok: false, error: { code: 'collision' } });
  });

  it('when an agent\'s last stream closes, their claims and viewing end', async () => {
    const c = await conversation(hub.log, w, { handle: 'scope-close', team: w.teamA });
    const s1 = await stream(tok.a);
    const s2 = await stream(tok.a);
    s1.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: c.id, activity: 'typing' }));
    await until(() => routing.collision.claimOf(c.id)?.agent_id === w.agentA);
    s1.ws.close();
    await new Promise((r) => s1.ws.once('close', r));
    s2.ws.send(JSON.stringify({ type: 'heartbeat', conversation_id: c.id, activity: 'typing' }));
    await until(() => routing.collision.presence(c.id).length === 1);
    expect(routing.collision.claimOf(c.id)?.agent_id).toBe(w.agentA); // another stream of A is still open
    s2.ws.close();
    await until(() => routing.collision.claimOf(c.id) === null && routing.collision.presence(c.id).length === 0);
  });
});
