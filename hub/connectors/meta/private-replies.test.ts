/**
 * Meta's private replies through the whole hub (issue 12: surveys "a private message where the platform
 * allows it"): a customer who wrote a public comment on Facebook or Instagram is asked privately through
 * that comment (Send API `recipient: {comment_id}`), by a survey or an agent's private reply; the
 * platform's rules hold (one private reply per comment, within 7 days), checked by the hub before it
 * queues anything, with the reason; a refusal by the platform itself fails with the rule explained.
 * Comments come in as signed webhooks from the Meta stand-in (a local server speaking the Graph API's
 * wire format), which also takes the replies and enforces Meta's rules.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db';
import { startHub, type Hub } from '../../hub';
import { ChangeLog } from '../../sync/changelog';
import { loadConnectorConfig } from '../config';
import { fbCommentPayload, igCommentPayload, messagingPayload, startMetaStandin, type MetaStandin } from '../standins/meta';
import { openTestDb } from '../../../testing/hub/testdb';
import { seedWorld, type World } from '../../../testing/hub/fixtures';
import { call, login } from '../../../testing/hub/client';
import { waitForDelivery } from '../../../testing/hub/wait';
import { updateMetricsSettings } from '../../metrics/store';

const PAGE = '1234567890123';
const IG = '17841400000000001';
let db: Db;
let hub: Hub;
let meta: MetaStandin;
let w: World;
let token: string;
let seq = 0;

beforeAll(async () => {
  db = await openTestDb('meta-private-replies');
  meta = await startMetaStandin({ appSecret: 'meta-secret', accessTokens: ['page-token'], page: { id: PAGE, name: 'Acme' }, instagram: { id: IG, username: 'acme' } });
  w = await seedWorld(new ChangeLog(db));
  const cfg = loadConnectorConfig({ TEND_META_APP_SECRET: 'meta-secret', TEND_META_VERIFY_TOKEN: 'v', TEND_META_ACCESS_TOKEN: 'page-token', TEND_META_GRAPH_BASE: meta.url });
  hub = await startHub({ database: db, channels: { ...cfg, workspace: w.ws }, analysis: false, surveys: true, snoozeCheckMs: 0,
    outbound: { dispatcher: { pollMs: 20, settleMs: 20, baseBackoffMs: 10 } } });
  token = await login(hub.url, w.emails.a);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
  await meta?.close();
});
beforeEach(async () => {
  await hub.dispatcher!.idle();
  meta.clearFaults();
  meta.calls.length = 0;
  await updateMetricsSettings(db, w.ws, { surveys: { csat: { ask: true, wording: null }, effort: { ask: true, wording: null }, delivery: 'private', delay_minutes: 0 } });
});

/** A customer's comment, delivered by the stand-in to the hub's webhook, in agent A's hands; its conversation. */
async function comments(channel: 'facebook' | 'instagram', opts: { at?: Date; text?: string } = {}) {
  const n = ++seq;
  const user = String(6_000_000_000 + n);
  const commentId = channel === 'facebook' ? `77_${9000 + n}` : String(17_865_799_348_090_000 + n);
  const payload = channel === 'facebook'
    ? fbCommentPayload(PAGE, { postId: `${PAGE}_77`, commentId, from: { id: user, name: `Ana Lima${n}` }, message: opts.text ?? 'my order never came', at: opts.at })
    : igCommentPayload(IG, { id: commentId, mediaId: '17900000000000001', from: { id: user, username: `ana${n}` }, text: opts.text ?? 'my order never came', at: opts.at });
  expect(await meta.deliver(`${hub.url}/webhooks/meta`, payload)).toMatchObject({ status: 200, body: { stored: 1 } });
  const [m] = await db.query<{ conversation_id: string }>('SELECT conversation_id FROM messages WHERE platform_id = $1', [commentId]);
  await hub.log.write((wr) => wr.update('conversation', m!.conversation_id, { assignee_id: w.agentA, team_id: w.teamA }));
  return { conversation: m!.conversation_id, commentId, user };
}

async function mutate(type: string, args: Record<string, unknown>) {
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [{ id: randomUUID(), type, args }] } });
  expect(r.status, r.text).toBe(200);
  return r.json.results[0] as { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } };
}
const resolve = async (conversation: string) => expect((await mutate('set_status', { conversation_id: conversation, status: 'resolved' })).ok).toBe(true);
const outbound = (conversation: string) => db.query<{ id: string; visibility: string; in_reply_to: string | null; delivery: string; delivery_error: string | null; text: string }>(
  `SELECT id, visibility, in_reply_to, delivery, delivery_error, text FROM messages WHERE conversation_id = $1 AND direction = 'outbound' ORDER BY created_at, id`, [conversation]);
const posts = () => meta.calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body]);

describe('a survey after a public comment goes as Meta\'s private reply to it', () => {
  it('Facebook: one private reply (CSAT, the one message allowed), none in public; the Messenger answer is recorded', async () => {
    const c = await comments('facebook');
    await resolve(c.conversation);
    const [q, ...more] = await outbound(c.conversation);
    expect(more).toEqual([]); // one private reply per comment: Net Easy is not asked this time
    expect(q).toMatchObject({ visibility: 'private', in_reply_to: c.commentId });
    await waitForDelivery(hub, q!.id);
    expect(posts()).toEqual([['/v21.0/me/messages', { recipient: { comment_id: c.commentId }, message: { text: expect.stringMatching(/How satisfied/) } }]]);
    expect(meta.messages.at(-1)).toMatchObject({ user_id: c.user, comment_id: c.commentId });

    // the customer answers in Messenger: recorded on the conversation that asked, which stays resolved
    meta.setProfile(c.user, { first_name: 'Ana', last_name: 'Lima' });
    expect((await meta.deliver(`${hub.url}/webhooks/meta`, messagingPayload('page', PAGE, { mid: `m_answer_${seq}`, senderId: c.user, text: '5' }))).status).toBe(200);
    const [s] = await db.query<{ kind: string; score: number | null }>('SELECT kind, score FROM surveys WHERE conversation_id = $1', [c.conversation]);
    expect(s).toEqual({ kind: 'csat', score: 5 });
    expect((await db.query<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [c.conversation]))[0]!.status).toBe('resolved');
  });

  it('Instagram: the private reply to the comment, through the same Send API', async () => {
    const c = await comments('instagram');
    await resolve(c.conversation);
    const [q] = await outbound(c.conversation);
    await waitForDelivery(hub, q!.id);
    expect(posts()).toEqual([['/v21.0/me/messages', { recipient: { comment_id: c.commentId }, message: { text: expect.stringMatching(/How satisfied/) } }]]);
  });

  it('a comment older than 7 days cannot be answered privately: no survey by default, nothing sent', async () => {
    const c = await comments('facebook', { at: new Date(Date.now() - 8 * 24 * 3_600_000) });
    await resolve(c.conversation);
    expect(await outbound(c.conversation)).toEqual([]);
    await hub.dispatcher!.idle();
    expect(posts()).toEqual([]);
  });
});

describe('an agent\'s private message to a commenter', () => {
  it('goes as the private reply to their last comment; a second one is refused with the reason and nothing is stored', async () => {
    const c = await comments('facebook');
    const id = randomUUID();
    expect(await mutate('reply', { conversation_id: c.conversation, message_id: id, text: 'Could you send us your order number?', visibility: 'private' })).toMatchObject({ ok: true });
    await waitForDelivery(hub, id);
    expect(posts()).toEqual([['/v21.0/me/messages', { recipient: { comment_id: c.commentId }, message: { text: 'Could you send us your order number?' } }]]);

    const again = await mutate('reply', { conversation_id: c.conversation, message_id: randomUUID(), text: 'Hello again?', visibility: 'private' });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/^Facebook allows one private reply per comment/) } });
    expect((await outbound(c.conversation)).map((m) => m.text)).toEqual(['Could you send us your order number?']);
    // a public reply to the comment still goes
    const pub = randomUUID();
    expect(await mutate('reply', { conversation_id: c.conversation, message_id: pub, text: 'We have written to you privately', visibility: 'public' })).toMatchObject({ ok: true });
    await waitForDelivery(hub, pub);
  });

  it('exactly once under a fault: Graph makes the private reply and answers 500; the hub reads it back instead of replying again', async () => {
    const c = await comments('facebook');
    meta.addFault({ method: 'POST', path: '^/v21.0/me/messages$', fault: { kind: 'status-after', status: 500 } });
    const id = randomUUID();
    expect(await mutate('reply', { conversation_id: c.conversation, message_id: id, text: 'We are on it, Ana', visibility: 'private' })).toMatchObject({ ok: true });
    const m = await waitForDelivery(hub, id, ['sent', 'failed']);
    const mine = meta.messages.filter((x) => x.comment_id === c.commentId);
    expect(mine).toHaveLength(1);
    expect(m).toMatchObject({ delivery: 'sent', platform_id: mine[0]!.id });
    expect(meta.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
  });

  it('to a comment older than 7 days: refused with the reason', async () => {
    const c = await comments('instagram', { at: new Date(Date.now() - 8 * 24 * 3_600_000) });
    const r = await mutate('reply', { conversation_id: c.conversation, message_id: randomUUID(), text: 'Sorry for the wait', visibility: 'private' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/^Instagram allows a private reply to a comment only within 7 days/) } });
    expect(await outbound(c.conversation)).toEqual([]);
  });

  it('the platform\'s own refusal (the comment was answered privately from Meta\'s inbox meanwhile) fails for good, the rule explained', async () => {
    const c = await comments('facebook');
    meta.knownComments.get(c.commentId)!.private_reply = 'm_from_business_suite';
    const id = randomUUID();
    expect(await mutate('reply', { conversation_id: c.conversation, message_id: id, text: 'Checking now', visibility: 'private' })).toMatchObject({ ok: true });
    const m = await waitForDelivery(hub, id, ['failed', 'sent']);
    expect(m).toMatchObject({ delivery: 'failed', delivery_error: 'Facebook allows one private reply per comment, and this comment already has one (HTTP 400: (#10900) Activity already replied to)' });
    await hub.dispatcher!.idle();
    expect(meta.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
  });
});
