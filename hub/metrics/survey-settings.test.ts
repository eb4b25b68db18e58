/**
 * How surveys are asked (issue 12), as the Surveys screen sets it: by default a private message
 * where the platform allows one (an X DM to the customer), never a public reply unless chosen; the
 * workspace's wording; a delay after the resolve; a private answer is recorded on the conversation
 * that asked. Every change applies at the next resolve; bad settings are refused and change nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { PASSWORD, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { createAgent } from '../accounts/admin';
import { DEFAULT_SURVEY_SETTINGS } from './store';

let db: Db;
let hub: Hub;
let w: World;
let admin: string, agentA: string;

beforeAll(async () => {
  db = await openTestDb('survey-settings');
  // no dispatcher: the questions stay queued, as written
  hub = await startHub({ database: db, surveys: true, outbound: { dispatcher: false }, channels: false });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'root@test.tend', name: 'Root', password: PASSWORD, role: 'admin' });
  [admin, agentA] = await Promise.all([login(hub.url, 'root@test.tend'), login(hub.url, w.emails.a)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const settings = (body: unknown) => call(hub.url, 'PUT', '/v1/metrics/settings', { token: admin, body });
async function resolvedConversation(author: { platform_user_id: string | null; handle: string }): Promise<string> {
  const r = await hub.ingestor(w.ws).ingest(post({ author: { ...author, name: author.handle, followers: 1, verified: false }, text: 'where is my parcel?' }));
  await hub.log.write(async (wr) => { await wr.update('conversation', r.conversation_id, { assignee_id: w.agentA }); });
  const res = await call(hub.url, 'POST', '/v1/mutations', { token: agentA, body: { mutations: [{ id: randomUUID(), type: 'set_status', args: { conversation_id: r.conversation_id, status: 'resolved' } }] } });
  expect(res.json.results[0].ok).toBe(true);
  return r.conversation_id;
}
const questions = (conversationId: string) => db.query<{ text: string; visibility: string; in_reply_to: string | null; due_later: boolean }>(
  `SELECT m.text, m.visibility, m.in_reply_to, m.next_attempt_at > now() + interval '1 minute' AS due_later
     FROM messages m JOIN surveys s ON s.question_message_id = m.id WHERE s.conversation_id = $1 ORDER BY s.kind`, [conversationId]);
const settle = async (conversationId: string, n: number) => {
  const rows = await questions(conversationId);
  expect(rows).toHaveLength(n);
  return rows;
};

describe('surveys by default', () => {
  it('go to an X customer as two private messages, not public replies; the DM answer is recorded and does not reopen', async () => {
    expect((await call(hub.url, 'GET', '/v1/metrics/settings', { token: admin })).json).toMatchObject({ surveys: DEFAULT_SURVEY_SETTINGS, surveys_sent: true });
    const id = await resolvedConversation({ platform_user_id: '5551', handle: 'dm_kim' });
    const asked = await settle(id, 2);
    expect(asked.map((q) => [q.visibility, q.in_reply_to])).toEqual([['private', null], ['private', null]]);
    expect(asked[0]!.text).toMatch(/^Thanks, dm_kim! How satisfied/);
    // the customer answers by DM: a private post with no open private thread finds the conversation that asked
    await hub.ingestor(w.ws).ingest(post({ visibility: 'private', thread_key: '5551', text: '5', author: { platform_user_id: '5551', handle: 'dm_kim', name: 'dm_kim', followers: 1, verified: false }, created_at: new Date(Date.now() + 1000).toISOString() }));
    const [s] = await db.query<{ score: number }>(`SELECT score FROM surveys WHERE conversation_id = $1 AND kind = 'csat'`, [id]);
    expect(s!.score).toBe(5);
    expect((await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [id]))[0]!.status).toBe('resolved');
  });

  it('are not sent when no private message can reach the customer (no public reply unless chosen)', async () => {
    const id = await resolvedConversation({ platform_user_id: null, handle: 'no_dm' });
    // the survey hook runs before the resolve is answered: nothing was asked
    expect(await questions(id)).toEqual([]);
    expect(await db.query('SELECT 1 FROM surveys WHERE conversation_id = $1', [id])).toEqual([]);
  });
});

describe('survey settings from the screen', () => {
  it('own wording, public replies, one question, a delay: applied at the next resolve', async () => {
    const saved = await settings({ surveys: { csat: { ask: true, wording: 'How did {brand} do, {first_name}? Reply 1 (bad) to 5 (great).' }, effort: { ask: false, wording: null }, delivery: 'private_else_public', delay_minutes: 30 } });
    expect(saved.status, saved.text).toBe(200);
    const id = await resolvedConversation({ platform_user_id: null, handle: 'pub_lee' });
    const [q] = await settle(id, 1);
    expect(q).toMatchObject({ visibility: 'public', due_later: true });
    expect(q!.in_reply_to).not.toBeNull();
    expect(q!.text).toBe('Thanks, pub_lee! How did brand do, pub_lee? Reply 1 (bad) to 5 (great).');
  });

  it('bad settings are refused with the reason and change nothing; supervisors cannot change them', async () => {
    const before = (await call(hub.url, 'GET', '/v1/metrics/settings', { token: admin })).json;
    const bad = await settings({ surveys: { ...DEFAULT_SURVEY_SETTINGS, csat: { ask: true, wording: 'How was it? Tell us anything.' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/a number from 1 to 5/);
    expect((await settings({ surveys: { ...DEFAULT_SURVEY_SETTINGS, delivery: 'carrier pigeon' } })).status).toBe(400);
    expect((await settings({ surveys: { ...DEFAULT_SURVEY_SETTINGS, delay_minutes: -1 } })).status).toBe(400);
    expect((await settings({ roi: { cost_per_contact: { phone: -5 } } })).status).toBe(400);
    const boss = await login(hub.url, w.emails.supervisor);
    expect((await call(hub.url, 'PUT', '/v1/metrics/settings', { token: boss, body: { surveys: DEFAULT_SURVEY_SETTINGS } })).status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/metrics/settings', { token: admin })).json).toEqual(before);
  });
});
