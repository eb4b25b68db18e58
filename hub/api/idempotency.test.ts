import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startHub, type Hub } from '../hub';
import { durableTestStorage } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { waitForDelivery } from '../../testing/hub/wait';
import { MutationResultsSchema } from '../../shared/contract/hub-api';

// A hub on durable storage (a PGlite data dir, or a schema on the test server), restarted mid-test.
const { storage, drop: dropStorage } = durableTestStorage('idempotency');
let hub: Hub;
let w: World;

beforeAll(async () => {
  await dropStorage();
  hub = await startHub({ ...storage, outbound: { dispatcher: { pollMs: 20 } } });
  w = await seedWorld(hub.log);
});
afterAll(async () => {
  await hub?.close();
  await dropStorage();
});

async function counts(h: Hub, messageId: string) {
  const [r] = await h.db.query<{ messages: number; posts: number; mutations: number; changes: number }>(
    `SELECT (SELECT count(*) FROM messages WHERE id = $1)::int AS messages,
            (SELECT count(*) FROM sandbox_posts WHERE message_id = $1)::int AS posts,
            (SELECT count(*) FROM mutations)::int AS mutations, (SELECT count(*) FROM changes)::int AS changes`, [messageId]);
  return r;
}

describe('idempotent mutations', () => {
  it('the same reply sent three times concurrently, then again after a restart, yields one message and one post', async () => {
    const conv = await conversation(hub.log, w, { assignee: w.agentA });
    const token = await login(hub.url, w.emails.a);
    const messageId = randomUUID();
    const mutation = { id: randomUUID(), type: 'reply', args: { conversation_id: conv.id, message_id: messageId, text: 'We are on it!', visibility: 'public' } };
    const send = (h: Hub) => call(h.url, 'POST', '/v1/mutations', { token, body: { mutations: [mutation] } });

    const three = await Promise.all([send(hub), send(hub), send(hub)]);
    for (const r of three) expect(r.status).toBe(200);
    const results = three.map((r) => MutationResultsSchema.parse(r.json).results[0]);
    expect(results[0].ok).toBe(true);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);

    const delivered = await waitForDelivery(hub, messageId);
    expect(delivered.platform_id).toBe(`sandbox-${messageId}`);
    const before = await counts(hub, messageId);
    expect(before).toMatchObject({ messages: 1, posts: 1, mutations: 1 });

    // restart on the same storage: the stored result answers, nothing is repeated
    await hub.close();
    hub = await startHub({ ...storage, outbound: { dispatcher: { pollMs: 20 } } });
    const again = await Promise.all([send(hub), send(hub), send(hub)]);
    for (const r of again) expect(MutationResultsSchema.parse(r.json).results[0]).toEqual(results[0]);
    await hub.dispatcher!.idle();
    expect(await counts(hub, messageId)).toEqual(before);
  });

  it('a rejection is stored too: a repeat after the state changed returns the same answer', async () => {
    const conv = await conversation(hub.log, w, { handle: 'r1', assignee: w.agentA });
    const token = await login(hub.url, w.emails.a);
    await hub.log.write((wr) => wr.update('conversation', conv.id, { status: 'resolved' }));
    const m = { id: randomUUID(), type: 'reply', args: { conversation_id: conv.id, message_id: randomUUID(), text: 'late', visibility: 'public' } };
    const first = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [m] } });
    expect(first.json.results[0]).toMatchObject({ ok: false, error: { code: 'conversation_resolved' } });
    await hub.log.write((wr) => wr.update('conversation', conv.id, { status: 'open' }));
    const second = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [m] } });
    expect(second.json).toEqual(first.json);
    const [{ n }] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE id = $1', [m.args.message_id]);
    expect(n).toBe(0);
  });

  it('a message id reused under another mutation id is a conflict', async () => {
    const conv = await conversation(hub.log, w, { handle: 'r2', assignee: w.agentA });
    const token = await login(hub.url, w.emails.a);
    const messageId = randomUUID();
    const m = (id: string) => ({ id, type: 'reply', args: { conversation_id: conv.id, message_id: messageId, text: 'hi', visibility: 'public' } });
    expect((await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [m(randomUUID())] } })).status).toBe(200);
    const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [m(randomUUID())] } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('conflict');
  });

  it("another agent replaying someone's mutation id gets no result and causes nothing", async () => {
    const conv = await conversation(hub.log, w, { handle: 'r3', assignee: w.agentA });
    const ta = await login(hub.url, w.emails.a);
    const tb = await login(hub.url, w.emails.b);
    const m = { id: randomUUID(), type: 'note', args: { conversation_id: conv.id, note_id: randomUUID(), text: 'private thought' } };
    expect((await call(hub.url, 'POST', '/v1/mutations', { token: ta, body: { mutations: [m] } })).json.results[0].ok).toBe(true);
    const r = await call(hub.url, 'POST', '/v1/mutations', { token: tb, body: { mutations: [m] } });
    expect(r.json.results[0]).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(r.json)).not.toContain('private thought');
  });
});
