import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metaSignature } from '../signatures';
import { createMemoryIngestor, type MemoryIngestor } from '../memory-ingestor';
import { registerWebhooks } from '../webhooks';
import type { Loose } from '../../../testing/json';

const APP_SECRET = 'meta-app-secret-for-tests';
const VERIFY = 'verify-me-please';
const PAGE = '1234567890123';
const IG = '17841400000000001';
const sign = (raw: string) => 'sha256=' + createHmac('sha256', APP_SECRET).update(raw).digest('hex');

// Shaped like Meta's samples for the page "feed" field and the Messenger / Instagram messaging webhooks.
const pageComment = {
  object: 'page',
  entry: [{
    id: PAGE, time: 1520383571,
    changes: [{ field: 'feed', value: {
      from: { id: '1519483394741836', name: 'Ana Kowalska' },
      post: { status_type: 'added_photos', is_published: true, updated_time: '2018-03-07T00:46:11+0000', permalink_url: 'https://www.facebook.com/1234567890123/posts/99', promotion_status: 'inactive', id: `${PAGE}_99` },
      message: 'The refund for order 5531 still has not arrived',
      post_id: `${PAGE}_99`, comment_id: '99_1001', created_time: 1520383571, item: 'comment', parent_id: `${PAGE}_99`, verb: 'add',
    } }],
  }],
};
const pageMessage = {
  object: 'page',
  entry: [{ id: PAGE, time: 1458692752478, messaging: [{ sender: { id: '6789012345' }, recipient: { id: PAGE }, timestamp: 1458692752478, message: { mid: 'm_1457764197618:41d102a3e1ae206a38', text: 'hello, is anyone there?' } }] }],
};
const igComment = {
  object: 'instagram',
  entry: [{ id: IG, time: 1700000000, changes: [{ field: 'comments', value: { from: { id: '232323232', username: 'kasia.w' }, media: { id: '18000000000000001', media_product_type: 'FEED' }, id: '17865799348089039', text: 'Where is my parcel?' } }] }],
};
const igMessage = {
  object: 'instagram',
  entry: [{ id: IG, time: 1700000001000, messaging: [{ sender: { id: '5555' }, recipient: { id: IG }, timestamp: 1700000001000, message: { mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3', text: 'hi' } }] }],
};

let app: FastifyInstance;
let ing: MemoryIngestor;
const post = (payload: unknown, headers: Record<string, string> = {}) => {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw), ...headers } });
};

beforeAll(async () => {
  app = Fastify();
  await app.register(registerWebhooks, { ingestor: { ingest: (p) => ing.ingest(p) }, log: () => {}, config: { metaAppSecret: APP_SECRET, metaVerifyToken: VERIFY } });
  await app.ready();
});
afterAll(() => app.close());
beforeEach(() => { ing = createMemoryIngestor(); });

describe('signature format', () => {
  it('matches the published X-Hub-Signature-256 vector (GitHub docs)', () => {
    expect(metaSignature('Hello, World!', "It's a Secret to Everybody"))
      .toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
});

describe('Meta subscription verification', () => {
  it('echoes hub.challenge for the right verify token', async () => {
    const res = await app.inject({ url: `/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1158201444');
  });
  it('403 for a wrong token, 400 for a wrong mode', async () => {
    expect((await app.inject({ url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1' })).statusCode).toBe(403);
    expect((await app.inject({ url: `/webhooks/meta?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1` })).statusCode).toBe(400);
  });
});

describe('Meta deliveries', () => {
  it('401 unsigned or mis-signed, nothing stored', async () => {
    const raw = JSON.stringify(pageComment);
    expect((await app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    const wrong = 'sha256=' + createHmac('sha256', 'other').update(raw).digest('hex');
    expect((await post(raw, { 'x-hub-signature-256': wrong })).statusCode).toBe(401);
    expect((await post(raw, { 'x-hub-signature-256': sign(raw).toUpperCase() })).statusCode).toBe(401);
    expect(ing.calls).toBe(0);
  });

  it('normalizes a page feed comment', async () => {
    expect((await post(pageComment)).json()).toEqual({ received: 1, stored: 1, duplicates: 0, rejected: [] });
    expect(ing.posts[0]).toEqual({
      channel: 'facebook', account: PAGE, platform_id: '99_1001',
      author: { platform_user_id: '1519483394741836', handle: '1519483394741836', name: 'Ana Kowalska', followers: null, verified: false, location: null },
      text: 'The refund for order 5531 still has not arrived', visibility: 'public', in_reply_to: `${PAGE}_99`,
      created_at: new Date(1520383571 * 1000).toISOString(), permalink: 'https://www.facebook.com/99_1001', from_brand: false, thread_key: null,
    });
  });

  it('threads a reply to a comment under it, and marks the page\'s own comment as the brand', async () => {
    await post(pageComment);
    const reply = structuredClone(pageComment);
    Object.assign(reply.entry[0].changes[0].value, { comment_id: '99_1002', parent_id: '99_1001', from: { id: PAGE, name: 'Acme' }, message: 'Sorry, checking now' });
    await post(reply);
    expect(ing.conversations.size).toBe(1);
    expect(ing.posts[1]).toMatchObject({ in_reply_to: '99_1001', from_brand: true });
  });

  it('accepts a comment without `from` (commenter not visible to the app) as an anonymous author', async () => {
    const p = structuredClone(pageComment) as Loose;
    delete p.entry[0].changes[0].value.from;
    expect((await post(p)).statusCode).toBe(200);
    expect(ing.posts[0].author).toEqual({ platform_user_id: null, handle: 'facebook-user', name: 'Facebook user', followers: null, verified: false, location: null });
  });

  it('ignores edits, removals and reactions', async () => {
    for (const [item, verb] of [['comment', 'edited'], ['comment', 'remove'], ['reaction', 'add'], ['like', 'add']]) {
      const p = structuredClone(pageComment);
      Object.assign(p.entry[0].changes[0].value, { item, verb });
      expect((await post(p)).statusCode).toBe(200);
    }
    expect(ing.calls).toBe(0);
  });

  it('normalizes Messenger messages threaded by participant, echoes as the brand', async () => {
    await post(pageMessage);
    const echo = structuredClone(pageMessage);
    echo.entry[0].messaging[0] = { sender: { id: PAGE }, recipient: { id: '6789012345' }, timestamp: 1458692753000, message: { mid: 'm_echo_1', text: 'Yes, how can we help?', is_echo: true } as Loose };
    await post(echo);
    expect(ing.posts.map((p) => [p.visibility, p.thread_key, p.from_brand])).toEqual([['private', '6789012345', false], ['private', '6789012345', true]]);
    expect(ing.posts[0].created_at).toBe(new Date(1458692752478).toISOString());
    expect(ing.conversations.size).toBe(1);
  });

  it('normalizes Instagram comments and messages', async () => {
    await post(igComment);
    await post(igMessage);
    expect(ing.posts[0]).toMatchObject({ channel: 'instagram', account: IG, platform_id: '17865799348089039', author: { handle: 'kasia.w' }, in_reply_to: '18000000000000001', visibility: 'public', text: 'Where is my parcel?' });
    expect(ing.posts[1]).toMatchObject({ channel: 'instagram', visibility: 'private', thread_key: '5555', text: 'hi' });
  });

  it('stores a redelivered event once', async () => {
    await post(pageComment);
    const again = await post(pageComment);
    expect(again.json()).toEqual({ received: 1, stored: 0, duplicates: 1, rejected: [] });
    expect(ing.posts).toHaveLength(1);
  });

  it('refuses the whole delivery when one change is invalid: nothing partly stored', async () => {
    const p = structuredClone(pageComment) as Loose;
    p.entry.push({ id: PAGE, time: 1520383572, changes: [{ field: 'feed', value: { item: 'comment', verb: 'add', post_id: `${PAGE}_99`, message: 'no comment id' } }] });
    const res = await post(p);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/entry\.1\.changes\.0\.value/);
    expect(ing.calls).toBe(0);
  });

  it('400 for malformed JSON and wrong shapes', async () => {
    for (const raw of ['{"object":"page","entry":[{"id":', '{}', '{"object":"page"}', '{"object":"page","entry":{}}', '{"object":"page","entry":[{"id":"1"}]}']) {
      const res = await post(raw);
      expect(res.statusCode, raw).toBe(400);
      expect(res.json().error.message.length).toBeGreaterThan(0);
    }
    expect(ing.calls).toBe(0);
  });
});
