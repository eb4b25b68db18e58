import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, truncateAll, writeCounts } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { ApiErrorSchema, BootstrapPageSchema, MeResponseSchema, MutationResultsSchema } from '../../shared/contract/hub-api';
import { LIMITS } from '../../shared/domain';
import type { Loose } from '../../testing/json';

let db: Db;
let hub: Hub;
let w: World;
let tokenA: string;
let tokenB: string;
let mineA: Awaited<ReturnType<typeof conversation>>;
let mineB: Awaited<ReturnType<typeof conversation>>;

beforeAll(async () => {
  db = await openTestDb('authorization');
  hub = await startHub({ database: db, outbound: { dispatcher: false } });
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});
beforeEach(async () => {
  await truncateAll(db);
  w = await seedWorld(hub.log);
  mineA = await conversation(hub.log, w, { handle: 'alice', assignee: w.agentA });
  mineB = await conversation(hub.log, w, { handle: 'bob', assignee: w.agentB, team: w.teamB });
  tokenA = await login(hub.url, w.emails.a);
  tokenB = await login(hub.url, w.emails.b);
});

const reply = (conversation_id: string, text = 'hello') => ({
  id: randomUUID(), type: 'reply', args: { conversation_id, message_id: randomUUID(), text, visibility: 'public' },
});

describe('authentication', () => {
  it('logs in with the right password only, and stores the token hashed', async () => {
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: w.emails.a, password: 'wrong' } })).status).toBe(401);
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: 'nobody@x', password: 'x' } })).status).toBe(401);
    const r = await call(hub.url, 'POST', '/v1/auth/login', { body: { email: w.emails.a.toUpperCase(), password: 'correct horse' } });
    expect(r.status).toBe(200);
    expect(Buffer.from(r.json.token, 'base64url')).toHaveLength(32);
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.map((s) => s.token_hash)).not.toContain(r.json.token);
    const me = MeResponseSchema.parse((await call(hub.url, 'GET', '/v1/me', { token: r.json.token })).json);
    expect(me.agent.id).toBe(w.agentA);
    expect(me.agent.team_ids).toEqual([w.teamA]);
  });

  it('refuses every endpoint without a valid token', async () => {
    const endpoints: Array<[string, string, unknown?]> = [
      ['GET', '/v1/me'], ['GET', '/v1/sync/bootstrap'], ['GET', '/v1/sync/changes?since=0'],
      ['POST', '/v1/sync/hydrate', { customer_ids: [] }], ['POST', '/v1/mutations', { mutations: [reply(mineA.id)] }],
    ];
    const before = await writeCounts(db);
    for (const [method, path, body] of endpoints) {
      for (const token of [undefined, 'not-a-token', tokenA.slice(0, -2) + 'xx']) {
        const r = await call(hub.url, method, path, { token, body });
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(ApiErrorSchema.parse(r.json).error.code).toBe('unauthorized');
      }
    }
    expect(await writeCounts(db)).toEqual(before);
  });
});

describe("agent A and agent B's scopes", () => {
  it("A's bootstrap holds none of B's conversations", async () => {
    const page = BootstrapPageSchema.parse((await call(hub.url, 'GET', '/v1/sync/bootstrap', { token: tokenA })).json);
    expect(page.conversations.map((c) => c.id)).toEqual([mineA.id]);
    expect(page.customers.map((c) => c.id)).toEqual([mineA.customer_id]);
  });

  it("A cannot hydrate B's customers", async () => {
    const before = await writeCounts(db);
    const r = await call(hub.url, 'POST', '/v1/sync/hydrate', { token: tokenA, body: { customer_ids: [mineB.customer_id] } });
    expect(r.status).toBe(403);
    expect(ApiErrorSchema.parse(r.json).error.code).toBe('forbidden');
    const mixed = await call(hub.url, 'POST', '/v1/sync/hydrate', { token: tokenA, body: { customer_ids: [mineA.customer_id, mineB.customer_id] } });
    expect(mixed.status).toBe(403);
    const ok = await call(hub.url, 'POST', '/v1/sync/hydrate', { token: tokenA, body: { customer_ids: [mineA.customer_id] } });
    expect(ok.status).toBe(200);
    expect(ok.json.conversations.map((c: Loose) => c.id)).toEqual([mineA.id]);
    expect(await writeCounts(db)).toEqual(before);
  });

  it("A cannot change B's conversations: every mutation type is refused and nothing changes", async () => {
    const mutations = [
      reply(mineB.id),
      { id: randomUUID(), type: 'note', args: { conversation_id: mineB.id, note_id: randomUUID(), text: 'x' } },
      { id: randomUUID(), type: 'set_status', args: { conversation_id: mineB.id, status: 'resolved' } },
      { id: randomUUID(), type: 'assign', args: { conversation_id: mineB.id, assignee_id: w.agentA } },
      { id: randomUUID(), type: 'tag', args: { conversation_id: mineB.id, add: ['mine'] } },
      { id: randomUUID(), type: 'set_priority', args: { conversation_id: mineB.id, priority: 'urgent' } },
    ];
    const before = await writeCounts(db);
    const [convBefore] = await db.query('SELECT * FROM conversations WHERE id = $1', [mineB.id]);
    const r = await call(hub.url, 'POST', '/v1/mutations', { token: tokenA, body: { mutations } });
    expect(r.status).toBe(200);
    const results = MutationResultsSchema.parse(r.json).results;
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(Array(6).fill('conversation_reassigned'));
    const after = await writeCounts(db);
    expect(after.changes).toBe(before.changes);
    expect(after.messages).toBe(before.messages);
    expect(after.notes).toBe(before.notes);
    expect(await db.query('SELECT * FROM conversations WHERE id = $1', [mineB.id])).toEqual([convBefore]);
    // another team's unassigned queue is out of reach too
    const queued = await conversation(hub.log, w, { handle: 'carol', team: w.teamB });
    const q = await call(hub.url, 'POST', '/v1/mutations', { token: tokenA, body: { mutations: [reply(queued.id)] } });
    expect(q.json.results[0].error.code).toBe('forbidden');
  });

  it("B's changes of B's conversations never reach A", async () => {
    // (mineB was created in team A's queue, so A rightly saw it until it moved: start after that)
    const since = (await writeCounts(db)).max_sync_id;
    await call(hub.url, 'POST', '/v1/mutations', { token: tokenB, body: { mutations: [reply(mineB.id, 'for bob only')] } });
    await hub.log.write((wr) => wr.update('conversation', mineB.id, { priority: 'high' }));
    const r = await call(hub.url, 'GET', `/v1/sync/changes?since=${since}&limit=5000`, { token: tokenA });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).not.toContain('for bob only');
    expect(r.json.changes).toEqual([]);
    const rb = await call(hub.url, 'GET', `/v1/sync/changes?since=${since}&limit=5000`, { token: tokenB });
    expect(rb.json.changes.length).toBeGreaterThanOrEqual(3);
  });
});

describe('bad requests: 4xx with a clear reason, nothing written', () => {
  const big = 'x'.repeat(LIMITS.messageText + 1);
  const cases: Array<{ name: string; method: string; path: string; body?: () => unknown; raw?: string | (() => string); headers?: Record<string, string>; status: number; code?: string }> = [
    { name: 'malformed JSON', method: 'POST', path: '/v1/mutations', raw: '{"mutations": [', status: 400, code: 'malformed_json' },
    { name: 'empty body', method: 'POST', path: '/v1/mutations', raw: '', status: 400 },
    { name: 'not JSON', method: 'POST', path: '/v1/mutations', raw: 'mutations=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
    { name: 'missing mutations', method: 'POST', path: '/v1/mutations', body: () => ({}), status: 400, code: 'invalid' },
    { name: 'empty batch', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [] }), status: 400 },
    { name: 'too many mutations', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: Array.from({ length: LIMITS.mutationsPerBatch + 1 }, () => reply(mineA.id)) }), status: 400 },
    { name: 'mutation id not a uuid', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ ...reply(mineA.id), id: 'abc' }] }), status: 400 },
    { name: 'unknown mutation type', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ ...reply(mineA.id), type: 'delete_everything' }] }), status: 400 },
    { name: 'missing args field', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'reply', args: { conversation_id: mineA.id, text: 'hi', visibility: 'public' } }] }), status: 400, code: 'invalid' },
    { name: 'wrong type of field', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'reply', args: { conversation_id: 42, message_id: randomUUID(), text: 'hi', visibility: 'public' } }] }), status: 400 },
    { name: 'bad enum', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'set_status', args: { conversation_id: mineA.id, status: 'closed' } }] }), status: 400 },
    { name: 'snooze without a time', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'set_status', args: { conversation_id: mineA.id, status: 'snoozed' } }] }), status: 400 },
    { name: 'oversized text', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [reply(mineA.id, big)] }), status: 400, code: 'invalid' },
    { name: 'empty text', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [reply(mineA.id, '   ')] }), status: 400 },
    { name: 'unknown conversation', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [reply('no-such-conversation')] }), status: 404, code: 'not_found' },
    { name: 'unknown assignee', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'assign', args: { conversation_id: mineA.id, assignee_id: 'ghost' } }] }), status: 404 },
    { name: 'unknown team', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [{ id: randomUUID(), type: 'assign', args: { conversation_id: mineA.id, assignee_id: null, team_id: 'ghost' } }] }), status: 404 },
    { name: 'a valid mutation beside an invalid one', method: 'POST', path: '/v1/mutations', body: () => ({ mutations: [reply(mineA.id), reply(mineA.id, big)] }), status: 400 },
    { name: 'the same id twice in a batch', method: 'POST', path: '/v1/mutations', body: () => { const m = reply(mineA.id); return { mutations: [m, m] }; }, status: 400 },
    { name: 'oversized body', method: 'POST', path: '/v1/mutations', raw: () => JSON.stringify({ mutations: [reply(mineA.id, 'y'.repeat(6 * 1024 * 1024))] }), status: 413, code: 'payload_too_large' },
    { name: 'since not a number', method: 'GET', path: '/v1/sync/changes?since=abc', status: 400 },
    { name: 'since missing', method: 'GET', path: '/v1/sync/changes', status: 400 },
    { name: 'limit out of range', method: 'GET', path: '/v1/sync/changes?since=0&limit=0', status: 400 },
    { name: 'limit too large', method: 'GET', path: `/v1/sync/bootstrap?limit=${LIMITS.syncPageMax + 1}`, status: 400 },
    { name: 'forged cursor', method: 'GET', path: '/v1/sync/bootstrap?cursor=not-a-cursor', status: 400 },
    { name: 'hydrate without ids', method: 'POST', path: '/v1/sync/hydrate', body: () => ({}), status: 400 },
    { name: 'hydrate of unknown customer', method: 'POST', path: '/v1/sync/hydrate', body: () => ({ customer_ids: ['ghost'] }), status: 404 },
    { name: 'hydrate ids of wrong type', method: 'POST', path: '/v1/sync/hydrate', body: () => ({ customer_ids: 'all' }), status: 400 },
    { name: 'unknown endpoint', method: 'GET', path: '/v1/everything', status: 404 },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const before = await writeCounts(db);
      const r = await call(hub.url, c.method, c.path, { token: tokenA, body: c.body?.(), raw: typeof c.raw === 'function' ? c.raw() : c.raw, headers: c.headers });
      expect(r.status, r.text.slice(0, 300)).toBe(c.status);
      const err = ApiErrorSchema.parse(r.json);
      expect(err.error.message.length).toBeGreaterThan(5);
      if (c.code) expect(err.error.code).toBe(c.code);
      expect(await writeCounts(db)).toEqual(before);
    });
  }

  it('a bad login request', async () => {
    for (const body of [{}, { email: 'a@x' }, { email: 1, password: 2 }, { email: 'a@x', password: '' }]) {
      const r = await call(hub.url, 'POST', '/v1/auth/login', { body });
      expect(r.status).toBe(400);
      expect(ApiErrorSchema.parse(r.json).error.code).toBe('invalid');
    }
    expect((await call(hub.url, 'POST', '/v1/auth/login', { raw: '{' })).status).toBe(400);
  });
});
