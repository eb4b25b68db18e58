/**
 * Exactly once on the platform, with X and the Graph API (no idempotency keys) played by the local
 * stand-ins: a send that times out, whose connection is cut after the request arrived, that gets a
 * 500 after the post was made, or whose hub died while 'sending', becomes 'unknown' and is
 * reconciled by reading back from the platform; only a reply the platform does not have is sent
 * again. And lanes: a slow X never delays a Facebook reply.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { HubIngestor } from '../conversations/ingest';
import { createMetaConnectors } from '../connectors/meta/outbound';
import { startMetaStandin, type MetaStandin } from '../connectors/standins/meta';
import { startXStandin, type XStandin } from '../connectors/standins/x';
import { createXConnector } from '../connectors/x/outbound';
import type { NormalizedPost } from '../connectors/types';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { waitForDelivery } from '../../testing/hub/wait';

const BRAND = { id: '3001969357', username: 'AcmeCare' };
const PAGE = { id: '1234567890123', name: 'Acme' };
let db: Db;
let hub: Hub;
let x: XStandin;
let meta: MetaStandin;
let w: World;
let token: string;
let seq = 0;

beforeAll(async () => {
  db = await openTestDb('exactly-once');
  x = await startXStandin({ consumerSecret: 's', bearerToken: 'x-token', brand: BRAND });
  meta = await startMetaStandin({ appSecret: 's', accessTokens: ['page-token'], page: PAGE });
  hub = await startHub({ database: db, channels: false, analysis: false, snoozeCheckMs: 0, outbound: { dispatcher: { pollMs: 20, settleMs: 20, baseBackoffMs: 10, leaseMs: 60_000 } } });
  // short client timeouts: a held POST becomes a timeout quickly; no sleeping between safe retries
  const http = { sleep: async () => {} };
  hub.connectors.register(createXConnector({ apiBase: x.url, auth: { kind: 'bearer', token: 'x-token' }, retry: { timeoutMs: 500 } }, http));
  for (const c of createMetaConnectors({ graphBase: meta.url, accessToken: 'page-token', retry: { timeoutMs: 500 } }, http)) hub.connectors.register(c);
});
afterAll(async () => {
  x?.release(); meta?.release();
  await hub?.close();
  await db?.close();
  await x?.close();
  await meta?.close();
});
beforeEach(async () => {
  await hub.dispatcher!.idle();
  x.release(); meta.release();
  x.clearFaults(); meta.clearFaults();
  x.calls.length = 0; meta.calls.length = 0; x.tweets.length = 0; x.dms.length = 0; meta.comments.length = 0; meta.messages.length = 0;
  await truncateAll(db);
  w = await seedWorld(hub.log);
  token = await login(hub.url, w.emails.a);
});

/** A customer post on a channel, assigned to agent A; returns the conversation id and the post's platform id. */
async function inbound(over: Partial<NormalizedPost>) {
  const n = ++seq;
  const post: NormalizedPost = {
    channel: 'x', account: 'AcmeCare', platform_id: String(1850000000000000000n + BigInt(n)),
    author: { platform_user_id: String(6253282 + n), handle: `jane${n}`, name: 'Jane', followers: 10, verified: false },
    text: 'my parcel is lost', visibility: 'public', in_reply_to: null, created_at: new Date().toISOString(), permalink: null, from_brand: false, thread_key: null,
    ...over,
  };
  const r = await new HubIngestor(hub.log, { workspaceId: w.ws, defaultTeamId: w.teamA }).ingest(post);
  await hub.log.write((wr) => wr.update('conversation', r.conversation_id, { assignee_id: w.agentA }));
  return { conversation_id: r.conversation_id, platform_id: post.platform_id, user: post.author.platform_user_id! };
}

async function reply(conversationId: string, text: string, visibility: 'public' | 'private' = 'public') {
  const messageId = randomUUID();
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [
    { id: randomUUID(), type: 'reply', args: { conversation_id: conversationId, message_id: messageId, text, visibility } }] } });
  expect(r.json.results[0].ok).toBe(true);
  return messageId;
}

async function states(messageId: string) {
  const rows = await db.query<{ s: string }>(`SELECT data->>'delivery' AS s FROM changes WHERE entity = 'message' AND entity_id = $1 ORDER BY sync_id`, [messageId]);
  return rows.map((r) => r.s);
}

async function message(messageId: string) {
  const [m] = await db.query<{ delivery: string; platform_id: string | null; attempts: number }>('SELECT delivery, platform_id, attempts FROM messages WHERE id = $1', [messageId]);
  return m;
}

describe('unknown outcomes are reconciled by reading back (X)', () => {
  for (const [kind, what] of [['hang', 'a timeout: X holds the POST and never answers'], ['reset', 'a connection reset after X received the POST'], ['status-after', 'a 500 after X made the post']] as const) {
    it(`${what}: the reply is on X once, with X's id`, async () => {
      const c = await inbound({});
      x.addFault({ method: 'POST', path: '^/2/tweets$', fault: kind === 'status-after' ? { kind, status: 500 } : { kind } });
      const id = await reply(c.conversation_id, `@jane sorry about that (${kind})`);
      const m = await waitForDelivery(hub, id);
      const posted = x.tweets.filter((t) => t.text === `@jane sorry about that (${kind})`);
      expect(posted).toHaveLength(1);
      expect(posted[0].in_reply_to).toBe(c.platform_id);
      expect(m.platform_id).toBe(posted[0].id);
      expect(await states(id)).toEqual(['queued', 'sending', 'unknown', 'sent']);
      expect(x.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
      expect(x.calls.some((k) => k.method === 'GET' && k.path === `/2/users/${BRAND.id}/tweets`)).toBe(true);
    });
  }

  it('a connection cut before X applied the POST: not on X, so it is sent again, and is there once', async () => {
    const c = await inbound({});
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'reset-before' } });
    const id = await reply(c.conversation_id, '@jane checking now');
    const m = await waitForDelivery(hub, id);
    expect(x.tweets.map((t) => t.text)).toEqual(['@jane checking now']);
    expect(m.platform_id).toBe(x.tweets[0].id);
    expect(await states(id)).toEqual(['queued', 'sending', 'unknown', 'sending', 'sent']);
    expect((await message(id)).attempts).toBe(2);
  });

  it('a DM whose answer was lost is found among the DM events with that user', async () => {
    const c = await inbound({ visibility: 'private', thread_key: null });
    x.addFault({ method: 'POST', path: '/messages$', fault: { kind: 'reset' } });
    const id = await reply(c.conversation_id, 'Could you send the order number?', 'private');
    const m = await waitForDelivery(hub, id);
    expect(x.dms).toHaveLength(1);
    expect(x.dms[0]).toMatchObject({ participant_id: c.user, text: 'Could you send the order number?' });
    expect(m.platform_id).toBe(x.dms[0].id);
    expect(x.calls.some((k) => k.method === 'GET' && k.path === `/2/dm_conversations/with/${c.user}/dm_events`)).toBe(true);
  });

  it('the same text twice to the same tweet: each message takes its own post, none is sent a third time', async () => {
    const c = await inbound({});
    const first = await reply(c.conversation_id, '@jane thanks!');
    await waitForDelivery(hub, first);
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'reset-before' } });
    const second = await reply(c.conversation_id, '@jane thanks!');
    const m2 = await waitForDelivery(hub, second);
    // the first reply's tweet matches too, but it belongs to the first message: the second is sent
    expect(x.tweets.filter((t) => t.text === '@jane thanks!')).toHaveLength(2);
    expect(m2.platform_id).toBe(x.tweets[1].id);
    expect((await message(first)).platform_id).toBe(x.tweets[0].id);
  });

  it('X cannot be read: the message stays unknown (visible) and is never sent blindly; once X answers it is settled', async () => {
    const c = await inbound({});
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'reset' } });
    x.addFault({ method: 'GET', path: '/tweets$', times: 0, fault: { kind: 'status', status: 503 } });
    const id = await reply(c.conversation_id, '@jane on it');
    const m = await waitForDelivery(hub, id, ['unknown']);
    expect(m.delivery_error).toMatch(/X/);
    // a few read-backs fail; still one POST
    await x.waitForCalls(4, { method: 'GET', path: '/tweets$' });
    expect(x.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
    x.clearFaults();
    const sent = await waitForDelivery(hub, id);
    expect(sent.platform_id).toBe(x.tweets[0].id);
    expect(x.tweets).toHaveLength(1);
  });
});

describe('a hub that died while sending (lease expired in "sending")', () => {
  it('the post was made: unknown, found on X, marked sent, not posted again', async () => {
    const c = await inbound({});
    const id = await reply(c.conversation_id, '@jane we refunded you');
    await waitForDelivery(hub, id);
    // as if the hub had died after X made the post and before it recorded 'sent'
    await hub.log.write((wr) => wr.update('message', id, { delivery: 'sending', platform_id: null, next_attempt_at: new Date(Date.now() - 1000) }));
    hub.dispatcher!.kick();
    const m = await waitForDelivery(hub, id);
    expect(m.platform_id).toBe(x.tweets[0].id);
    expect(x.tweets).toHaveLength(1);
    expect((await states(id)).slice(-3)).toEqual(['sending', 'unknown', 'sent']);
  });

  it('the post never left: unknown, not on X, sent once', async () => {
    const c = await inbound({});
    // claimed by a hub that died before its POST: the lease has run out
    const id = randomUUID();
    await hub.log.write(async (wr) => {
      await wr.insert('message', {
        id, workspace_id: w.ws, conversation_id: c.conversation_id, channel: 'x', direction: 'outbound', visibility: 'public',
        author_id: w.agentA, author_name: 'Agent A', text: '@jane one moment', in_reply_to: c.platform_id, delivery: 'sending',
        next_attempt_at: new Date(Date.now() - 1000), send_started_at: new Date(Date.now() - 61_000),
      });
    });
    hub.dispatcher!.kick();
    const m = await waitForDelivery(hub, id);
    expect(x.tweets.map((t) => t.text)).toEqual(['@jane one moment']);
    expect(m.platform_id).toBe(x.tweets[0].id);
    expect(await states(id)).toEqual(['sending', 'unknown', 'sending', 'sent']);
  });
});

describe('unknown outcomes are reconciled by reading back (Graph API)', () => {
  it('a Facebook comment reply whose connection was cut is found among the comment\'s replies', async () => {
    const c = await inbound({ channel: 'facebook', account: PAGE.id, platform_id: `${PAGE.id}_77`, author: { platform_user_id: '1519483394741836', handle: '1519483394741836', name: 'Ana', followers: null, verified: false } });
    meta.addFault({ method: 'POST', path: '/comments$', fault: { kind: 'reset' } });
    const id = await reply(c.conversation_id, 'Refund is on its way');
    const m = await waitForDelivery(hub, id);
    expect(meta.comments).toHaveLength(1);
    expect(m.platform_id).toBe(meta.comments[0].id);
    expect(meta.calls.some((k) => k.method === 'GET' && k.path === `/v21.0/${PAGE.id}_77/comments`)).toBe(true);
  });

  it('a Messenger reply that timed out is found in the conversation\'s messages', async () => {
    const c = await inbound({ channel: 'facebook', account: PAGE.id, platform_id: 'm_abc', visibility: 'private', author: { platform_user_id: '6789012345', handle: '6789012345', name: 'Ana', followers: null, verified: false }, thread_key: '6789012345' });
    meta.addFault({ method: 'POST', path: '/me/messages$', fault: { kind: 'hang' } });
    const id = await reply(c.conversation_id, 'Hi Ana, checking', 'private');
    const m = await waitForDelivery(hub, id);
    expect(meta.messages).toHaveLength(1);
    expect(m.platform_id).toBe(meta.messages[0].id);
    expect(await states(id)).toEqual(['queued', 'sending', 'unknown', 'sent']);
  });

  it('an Instagram comment reply answered with a 500 after posting is found among the replies', async () => {
    const c = await inbound({ channel: 'instagram', account: '17841400000000001', platform_id: '17865799348089039', author: { platform_user_id: '232323232', handle: 'kasia.w', name: 'kasia.w', followers: null, verified: false } });
    meta.addFault({ method: 'POST', path: '/replies$', fault: { kind: 'status-after', status: 500 } });
    const id = await reply(c.conversation_id, 'DM us your order number');
    const m = await waitForDelivery(hub, id);
    expect(meta.comments).toHaveLength(1);
    expect(m.platform_id).toBe(meta.comments[0].id);
  });
});

describe('lanes', () => {
  it('a slow X never delays a Facebook reply: Facebook is sent while X still holds its POST', async () => {
    const cx = await inbound({});
    const cf = await inbound({ channel: 'facebook', account: PAGE.id, platform_id: `${PAGE.id}_88`, author: { platform_user_id: '1519483394741837', handle: '1519483394741837', name: 'Ola', followers: null, verified: false } });
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'delay', ms: 60_000 } });
    const slow = await reply(cx.conversation_id, '@jane slow one');
    await x.waitForCalls(1, { method: 'POST', path: '^/2/tweets$' });
    const fast = await reply(cf.conversation_id, 'Fast one');
    const m = await waitForDelivery(hub, fast);
    expect(m.platform_id).toBe(meta.comments[0].id);
    // X's POST is still in flight
    expect((await message(slow)).delivery).toBe('sending');
    expect(x.calls.filter((k) => k.method === 'POST').every((k) => k.status === 0)).toBe(true);
    // (the held POST times out on the client and is reconciled: still one tweet)
    const s = await waitForDelivery(hub, slow);
    expect(x.tweets).toHaveLength(1);
    expect(s.platform_id).toBe(x.tweets[0].id);
  });
});

describe('the platform\'s own echo of a reply (a webhook) arrives before the send is settled', () => {
  const echoOf = (c: { platform_id: string }, tweet: { id: string; text: string }): NormalizedPost => ({
    channel: 'x', account: 'AcmeCare', platform_id: tweet.id, author: { platform_user_id: BRAND.id, handle: BRAND.username, name: 'Acme Care', followers: null, verified: true },
    text: tweet.text, visibility: 'public', in_reply_to: c.platform_id, created_at: new Date().toISOString(), permalink: null, from_brand: true, thread_key: null,
  });

  it('a send that then times out is found (the echo holds the post): sent, not posted again', async () => {
    const c = await inbound({});
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'hang' } });
    const id = await reply(c.conversation_id, '@jane echo first');
    await x.waitForCalls(1, { method: 'POST', path: '^/2/tweets$' });
    await new HubIngestor(hub.log, { workspaceId: w.ws }).ingest(echoOf(c, x.tweets[0]));
    const m = await waitForDelivery(hub, id);
    expect(x.tweets).toHaveLength(1);
    expect(x.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
    expect(m.delivery).toBe('sent');
  });

  it('a send whose answer comes after the echo is sent, without a clash over the platform id', async () => {
    const c = await inbound({});
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'hang' } });
    const id = await reply(c.conversation_id, '@jane echo before answer');
    await x.waitForCalls(1, { method: 'POST', path: '^/2/tweets$' });
    await new HubIngestor(hub.log, { workspaceId: w.ws }).ingest(echoOf(c, x.tweets[0]));
    x.release(); // X answers 201 now, before the client's timeout
    const m = await waitForDelivery(hub, id);
    expect(m.delivery).toBe('sent');
    expect(x.tweets).toHaveLength(1);
    expect(x.calls.filter((k) => k.method === 'POST')).toHaveLength(1);
  });
});
