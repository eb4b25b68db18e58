/**
 * Assist on the hub for conversations a desktop has not cached: the same ranking over the whole
 * workspace, only for conversations the agent may see, and learning from the feedback desktops sync.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistSuggestionsSchema, AssistSummarySchema } from '../../shared/contract/assist';
import { MutationResultsSchema } from '../../shared/contract/hub-api';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { call, login } from '../../testing/hub/client';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { openTestDb } from '../../testing/hub/testdb';

let db: Db;
let hub: Hub;
let w: World;
let tokenA: string;
let tokenB: string;
let now: string;

async function mutate(token: string, mutations: Array<{ id?: string; type: string; args: unknown }>) {
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: mutations.map((m) => ({ id: m.id ?? randomUUID(), ...m })) } });
  expect(r.status).toBe(200);
  const { results } = MutationResultsSchema.parse(r.json);
  for (const x of results) expect(x).toMatchObject({ ok: true });
  return results;
}

async function conversationOf(handle: string, text: string, assignee: string | null, team: string) {
  const r = await w.ingestor.ingest(post({ handle, text }));
  await hub.log.write(async (wr) => { await wr.update('conversation', r.conversation_id, { assignee_id: assignee, team_id: team }); });
  return r.conversation_id;
}

beforeAll(async () => {
  db = await openTestDb('assist_routes');
  hub = await startHub({ database: db, outbound: { dispatcher: false }, analysis: false });
  w = await seedWorld(hub.log);
  tokenA = await login(hub.url, w.emails.a);
  tokenB = await login(hub.url, w.emails.b);
  // an answered conversation that ended well: Agent B answered it, in team B's queue
  const old = await conversationOf('maria_l', 'my parcel never arrived, it has been two weeks', w.agentB, w.teamB);
  await mutate(tokenB, [{ type: 'reply', args: { conversation_id: old, message_id: randomUUID(), text: '@maria_l Sorry Maria! I have sent a new parcel, tracking: https://track.example/abc -AB', visibility: 'public' } }]);
  await mutate(tokenB, [{ type: 'set_status', args: { conversation_id: old, status: 'resolved' } }]);
  now = await conversationOf('tom_b', 'hi, my parcel never arrived, can you help?', w.agentA, w.teamA);
});
afterAll(async () => { await hub?.close(); await db?.close(); });

describe('assist routes', () => {
  it('ranks suggestions for a conversation over the whole workspace, adapted to this customer and agent', async () => {
    const r = await call(hub.url, 'GET', `/v1/assist/conversations/${now}/suggestions`, { token: tokenA });
    expect(r.status).toBe(200);
    const s = AssistSuggestionsSchema.parse(r.json);
    expect(s.computed_by).toBe('hub');
    // Maria's name and handle never reach Tom (whose name the hub knows only as his handle)
    expect(s.replies[0]?.text).toBe('@tom_b Sorry! I have sent a new parcel, tracking: https://track.example/abc ^AA');
    expect(s.links.map((l) => l.text)).toEqual(['https://track.example/abc']);
    expect(s.links[0]?.sentFor).toContain('parcel never arrived');
  });

  it('answers only about conversations the agent may see', async () => {
    expect((await call(hub.url, 'GET', `/v1/assist/conversations/${now}/suggestions`, { token: tokenB })).status).toBe(403);
    expect((await call(hub.url, 'GET', `/v1/assist/conversations/${now}/summary`, { token: tokenB })).status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/assist/conversations/nope/suggestions', { token: tokenA })).status).toBe(404);
    expect((await call(hub.url, 'GET', `/v1/assist/conversations/${now}/suggestions`)).status).toBe(401);
  });

  it('learns from feedback synced as mutations, each stored once however often it is sent', async () => {
    const first = AssistSuggestionsSchema.parse((await call(hub.url, 'GET', `/v1/assist/conversations/${now}/suggestions`, { token: tokenA })).json);
    expect(first.replies[0]?.why).not.toContain('accepted');
    const id = randomUUID();
    const fb = { id, type: 'assist_feedback', args: { conversation_id: now, key: first.replies[0]!.key, action: 'accepted' } };
    await mutate(tokenA, [fb]);
    await mutate(tokenA, [fb]); // the desktop sent it again after a lost answer
    const rows = await db.query<{ agent_id: string; action: string }>('SELECT agent_id, action FROM assist_feedback WHERE conversation_id = $1', [now]);
    expect(rows).toEqual([{ agent_id: w.agentA, action: 'accepted' }]);
    const later = AssistSuggestionsSchema.parse((await call(hub.url, 'GET', `/v1/assist/conversations/${now}/suggestions`, { token: tokenA })).json);
    expect(later.replies[0]?.why).toContain('accepted 1×');
    const bad = await call(hub.url, 'POST', '/v1/mutations', { token: tokenA, body: { mutations: [{ id: randomUUID(), type: 'assist_feedback', args: { conversation_id: now, key: 'x', action: 'loved' } }] } });
    expect(bad.status).toBe(400);
  });

  it('summarises a conversation for its new owner', async () => {
    const r = await call(hub.url, 'GET', `/v1/assist/conversations/${now}/summary`, { token: tokenA });
    expect(r.status).toBe(200);
    const s = AssistSummarySchema.parse(r.json);
    expect(s.lines[0]?.text).toBe('Problem: hi, my parcel never arrived, can you help?');
    expect(s.note.startsWith('Handover summary\n')).toBe(true);
  });
});
