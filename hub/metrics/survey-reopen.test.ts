/**
 * One survey per resolution, the latest (issue 12): a delayed survey belongs to the resolve that
 * asked it. Reopened before it is due (the customer writes again, an agent reopens) it is cancelled,
 * never sent; resolved again, only the new resolution's survey goes out. And the fault test: a hub
 * restart between the resolve and the survey's due time still sends it exactly once when nothing
 * reopened the conversation, and never when something did.
 * Surveys go as X direct messages to the X stand-in (a local server speaking X's wire format); the
 * delay is 30 minutes, and the clock "reaching the due time" is the test moving next_attempt_at.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { HubIngestor } from '../conversations/ingest';
import type { NormalizedPost } from '../connectors/types';
import { startXStandin, type XStandin } from '../connectors/standins/x';
import { createXConnector } from '../connectors/x/outbound';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { waitForDelivery } from '../../testing/hub/wait';
import { reportFromDb, updateMetricsSettings } from './store';

const BRAND = { id: '3001969357', username: 'AcmeCare' };
let db: Db;
let hub: Hub;
let x: XStandin;
let w: World;
let token: string;
let seq = 0;

async function open(): Promise<Hub> {
  const h = await startHub({ database: db, channels: false, analysis: false, surveys: true, snoozeCheckMs: 0,
    outbound: { dispatcher: { pollMs: 20, settleMs: 20, baseBackoffMs: 10 } } });
  h.connectors.register(createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'x-token' } }, { sleep: async () => {} }));
  return h;
}

beforeAll(async () => {
  db = await openTestDb('survey-reopen');
  x = await startXStandin({ consumerSecret: 's', bearerToken: 'x-token', brand: BRAND });
  hub = await open();
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
  await x?.close();
});
beforeEach(async () => {
  await hub.dispatcher!.idle();
  x.calls.length = 0; x.tweets.length = 0; x.dms.length = 0;
  await truncateAll(db);
  w = await seedWorld(hub.log);
  token = await login(hub.url, w.emails.a);
  // CSAT only (one question per survey), as a DM, half an hour after the resolve
  await updateMetricsSettings(db, w.ws, { surveys: { csat: { ask: true, wording: null }, effort: { ask: false, wording: null }, delivery: 'private', delay_minutes: 30 } });
});

/** A customer's public post on X (a known X user, so a DM can reach them), assigned to agent A. */
async function customerWrites(user: string, text: string, over: Partial<NormalizedPost> = {}) {
  const platformId = String(1850000000000000000n + BigInt(++seq));
  const r = await new HubIngestor(hub.log, { workspaceId: w.ws, defaultTeamId: w.teamA }).ingest({
    channel: 'x', account: 'AcmeCare', platform_id: platformId,
    author: { platform_user_id: user, handle: `cust${user}`, name: 'Jane Doe', followers: 10, verified: false },
    text, visibility: 'public', in_reply_to: null, created_at: new Date().toISOString(), permalink: null, from_brand: false, thread_key: null,
    ...over,
  });
  await hub.log.write((wr) => wr.update('conversation', r.conversation_id, { assignee_id: w.agentA }));
  return { ...r, platform_id: platformId };
}

async function setStatus(...steps: Array<{ conversation: string; status: 'open' | 'resolved' }>) {
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: steps.map((s) => (
    { id: randomUUID(), type: 'set_status', args: { conversation_id: s.conversation, status: s.status } })) } });
  expect(r.status, r.text).toBe(200);
  for (const res of r.json.results) expect(res.ok, JSON.stringify(res)).toBe(true);
}

/** The survey questions of a conversation, oldest first, as the hub holds them. */
const questions = (conversationId: string) => db.query<{ id: string; delivery: string; delivery_error: string | null; cancelled: boolean; due_later: boolean }>(
  `SELECT m.id, m.delivery, m.delivery_error, s.cancelled_at IS NOT NULL AS cancelled, m.next_attempt_at > now() + interval '1 minute' AS due_later
     FROM surveys s JOIN messages m ON m.id = s.question_message_id WHERE s.conversation_id = $1 ORDER BY m.created_at, m.id`, [conversationId]);

/** The due time comes: what waits for later is due now (the clock moved on). */
const dueNow = () => db.query(`UPDATE messages SET next_attempt_at = now() WHERE delivery = 'queued' AND next_attempt_at > now()`);

const dmsTo = (user: string) => x.dms.filter((d) => d.participant_id === user);

describe('a delayed survey belongs to its resolution', () => {
  it('is not sent when the customer writes again before it is due; it shows as not sent and was never asked', async () => {
    const c = await customerWrites('7001', 'my parcel is lost');
    await setStatus({ conversation: c.conversation_id, status: 'resolved' });
    const [asked] = await questions(c.conversation_id);
    expect(asked).toMatchObject({ delivery: 'queued', due_later: true, cancelled: false });

    const again = await customerWrites('7001', 'it still has not arrived', { in_reply_to: c.platform_id });
    expect(again.conversation_id).toBe(c.conversation_id);
    // the reopen ends the resolution: the dispatcher cancels the question at its next look, before any due time
    const m = await waitForDelivery(hub, asked!.id, ['cancelled', 'sent']);
    expect(m).toMatchObject({ delivery: 'cancelled', delivery_error: 'not sent: the conversation was reopened before it was due' });
    await dueNow();
    await hub.dispatcher!.runOnce();
    await hub.dispatcher!.idle();
    expect(dmsTo('7001')).toEqual([]);
    expect(x.calls.filter((k) => k.method === 'POST')).toEqual([]);
    // never asked: not counted by the report, and the customer's next message is no answer to it
    expect(await questions(c.conversation_id)).toMatchObject([{ delivery: 'cancelled', cancelled: true }]);
    const report = await reportFromDb(db, w.ws, { from: Date.now() - 3_600_000, to: Date.now() + 60_000 });
    expect(report.total.csat.asked).toBe(0);
  });

  it('an agent reopening and resolving again: the first survey is cancelled, the second goes out once, when due', async () => {
    const c = await customerWrites('7002', 'wrong size delivered');
    await setStatus({ conversation: c.conversation_id, status: 'resolved' });
    // reopened and resolved again in one batch: the dispatcher never saw the reopen, the new resolve replaces the survey
    await setStatus({ conversation: c.conversation_id, status: 'open' }, { conversation: c.conversation_id, status: 'resolved' });
    const [first, second] = await questions(c.conversation_id);
    expect(first).toMatchObject({ delivery: 'cancelled', cancelled: true });
    expect(second).toMatchObject({ delivery: 'queued', due_later: true, cancelled: false });

    await dueNow();
    hub.dispatcher!.kick();
    await waitForDelivery(hub, second!.id);
    await hub.dispatcher!.idle();
    expect(dmsTo('7002')).toHaveLength(1);
    expect(dmsTo('7002')[0]!.text).toMatch(/How satisfied/);
    expect((await questions(c.conversation_id)).map((q) => q.delivery)).toEqual(['cancelled', 'sent']);
  });

  it('an agent reopening after the dispatcher looked: cancelled too; a new resolve asks again', async () => {
    const c = await customerWrites('7003', 'refund please');
    await setStatus({ conversation: c.conversation_id, status: 'resolved' });
    await setStatus({ conversation: c.conversation_id, status: 'open' });
    const [first] = await questions(c.conversation_id);
    expect(await waitForDelivery(hub, first!.id, ['cancelled', 'sent'])).toMatchObject({ delivery: 'cancelled' });
    await setStatus({ conversation: c.conversation_id, status: 'resolved' });
    const [, second] = await questions(c.conversation_id);
    expect(second).toMatchObject({ delivery: 'queued', cancelled: false });
    await dueNow();
    hub.dispatcher!.kick();
    await waitForDelivery(hub, second!.id);
    expect(dmsTo('7003')).toHaveLength(1);
  });
});

describe('a hub restart between the resolve and the due time', () => {
  it('sends the survey exactly once when nothing reopened the conversation, and never when something did', async () => {
    const kept = await customerWrites('7101', 'thanks, all good now');
    const reopened = await customerWrites('7102', 'my order is late');
    // the hub's dispatcher stops before it looks again: the reopen below is seen only after the restart
    await hub.dispatcher!.stop();
    await setStatus({ conversation: kept.conversation_id, status: 'resolved' }, { conversation: reopened.conversation_id, status: 'resolved' });
    expect((await customerWrites('7102', 'actually it is still not here', { in_reply_to: reopened.platform_id })).conversation_id).toBe(reopened.conversation_id);
    const [k] = await questions(kept.conversation_id);
    const [r] = await questions(reopened.conversation_id);
    expect([k!.delivery, r!.delivery]).toEqual(['queued', 'queued']);
    await hub.close();

    // the hub is down past the due time
    await dueNow();
    hub = await open();
    await waitForDelivery(hub, k!.id);
    expect(await waitForDelivery(hub, r!.id, ['cancelled', 'sent'])).toMatchObject({ delivery: 'cancelled' });
    await hub.dispatcher!.idle();
    expect(dmsTo('7101')).toHaveLength(1);
    expect(dmsTo('7102')).toEqual([]);

    // and once more: a restart after the send sends nothing again
    await hub.close();
    hub = await open();
    await hub.dispatcher!.runOnce();
    await hub.dispatcher!.idle();
    expect(dmsTo('7101')).toHaveLength(1);
    expect(dmsTo('7102')).toEqual([]);
    expect((await questions(kept.conversation_id)).map((q) => q.delivery)).toEqual(['sent']);
  });
});
