import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryIngestor, type MemoryIngestor } from '../memory-ingestor';
import { registerWebhooks } from '../webhooks';

const SECRET = 'x-consumer-secret-for-tests';
const BRAND = '3001969357';
// computed here with node:crypto directly, not through the code under test
const sign = (raw: string) => 'sha256=' + createHmac('sha256', SECRET).update(raw).digest('base64');

/** Shaped like X's own Account Activity sample (tweet_create_events with extended_tweet). */
const mention = {
  for_user_id: BRAND,
  tweet_create_events: [{
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    id: 1050118621198921728,
    id_str: '1050118621198921728',
    text: '@AcmeCare my order #4411 never arrived and nobody answers. This is the third time I am asking, what is going on wit… https://t.co/abc',
    source: '<a href="http://twitter.com" rel="nofollow">Twitter Web Client</a>',
    truncated: true,
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id: 3001969357,
    in_reply_to_user_id_str: BRAND,
    in_reply_to_screen_name: 'AcmeCare',
    user: {
      id: 6253282, id_str: '6253282', name: 'Jane Doe', screen_name: 'janedoe', location: 'Kraków, Polska',
      url: null, description: 'x', protected: false, verified: true, followers_count: 120_345, friends_count: 10,
      listed_count: 1, favourites_count: 3, statuses_count: 100, created_at: 'Wed May 23 06:01:13 +0000 2007',
    },
    extended_tweet: { full_text: '@AcmeCare my order #4411 never arrived and nobody answers. This is the third time I am asking, what is going on with your delivery?', display_text_range: [10, 131], entities: {} },
    entities: { hashtags: [], urls: [], user_mentions: [{ screen_name: 'AcmeCare', id_str: BRAND }], symbols: [] },
    favorite_count: 0, retweet_count: 0, lang: 'en', timestamp_ms: '1539202764000',
  }],
};

const dm = {
  for_user_id: BRAND,
  direct_message_events: [{
    type: 'message_create',
    id: '954491830116155396',
    created_timestamp: '1516403560557',
    message_create: {
      target: { recipient_id: BRAND },
      sender_id: '4337869213',
      source_app_id: '13090192',
      message_data: { text: 'Hello, my card was charged twice', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
    },
  }],
  apps: { 13090192: { id: '13090192', name: 'FuriousCamperTestApp1', url: 'https://twitter.com/furiouscamper' } },
  users: {
    [BRAND]: { id: BRAND, created_timestamp: '1422556069340', name: 'Acme Care', screen_name: 'AcmeCare', protected: false, verified: true, followers_count: 22, friends_count: 45, statuses_count: 494 },
    4337869213: { id: '4337869213', created_timestamp: '1448312972328', name: 'Harry', screen_name: 'Harris_5', location: 'Denver, CO', protected: false, verified: false, followers_count: 18, friends_count: 37, statuses_count: 39 },
  },
};

let app: FastifyInstance;
let ing: MemoryIngestor;
const post = (payload: unknown, headers: Record<string, string> = {}) => {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return app.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(raw), ...headers } });
};

beforeAll(async () => {
  app = Fastify();
  await app.register(registerWebhooks, { ingestor: { ingest: (p) => ing.ingest(p) }, log: () => {}, config: { xConsumerSecret: SECRET } });
  await app.ready();
});
afterAll(() => app.close());
beforeEach(() => { ing = createMemoryIngestor(); });

describe('X CRC challenge', () => {
  it('answers sha256= + base64 HMAC-SHA256 of crc_token keyed by the consumer secret', async () => {
    const res = await app.inject({ url: '/webhooks/x?crc_token=9b4507b3-9040-4669-9ec1-6ab8b8f5e4ad' });
    expect(res.statusCode).toBe(200);
    const expected = 'sha256=' + createHmac('sha256', SECRET).update('9b4507b3-9040-4669-9ec1-6ab8b8f5e4ad').digest('base64');
    expect(res.json()).toEqual({ response_token: expected });
  });
  it('refuses a request without crc_token', async () => {
    const res = await app.inject({ url: '/webhooks/x' });
    expect(res.statusCode).toBe(400);
  });
});

describe('X delivery signature', () => {
  it('401 and nothing stored when unsigned', async () => {
    const raw = JSON.stringify(mention);
    const res = await app.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(ing.calls).toBe(0);
  });
  it('401 when signed with another secret, or over other bytes', async () => {
    const raw = JSON.stringify(mention);
    const other = 'sha256=' + createHmac('sha256', 'wrong').update(raw).digest('base64');
    expect((await post(raw, { 'x-twitter-webhooks-signature': other })).statusCode).toBe(401);
    // same JSON value re-serialized with spaces: the signature covers the raw bytes
    expect((await post(JSON.stringify(mention, null, 1), { 'x-twitter-webhooks-signature': sign(raw) })).statusCode).toBe(401);
    expect((await post(raw, { 'x-twitter-webhooks-signature': sign(raw).replace('sha256=', 'sha1=') })).statusCode).toBe(401);
    expect(ing.calls).toBe(0);
  });
});

describe('X deliveries', () => {
  it('normalizes a mention with the full text and the author profile', async () => {
    const res = await post(mention);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, stored: 1, duplicates: 0, rejected: [] });
    expect(ing.posts[0]).toEqual({
      channel: 'x', account: BRAND, platform_id: '1050118621198921728',
      author: { platform_user_id: '6253282', handle: 'janedoe', name: 'Jane Doe', followers: 120345, verified: true, location: 'Kraków, Polska' },
      text: mention.tweet_create_events[0].extended_tweet.full_text,
      visibility: 'public', in_reply_to: null, created_at: '2018-10-10T20:19:24.000Z',
      permalink: 'https://x.com/janedoe/status/1050118621198921728', from_brand: false, thread_key: null,
    });
  });

  it('threads replies by in_reply_to_status_id_str and marks the brand\'s own tweets', async () => {
    const base = mention.tweet_create_events[0];
    const brandReply = { ...base, id_str: '1050118621198921800', text: '@janedoe Sorry! DM us', extended_tweet: undefined, in_reply_to_status_id_str: base.id_str, user: { ...base.user, id_str: BRAND, screen_name: 'AcmeCare', name: 'Acme Care' } };
    const followUp = { ...base, id_str: '1050118621198921900', text: '@AcmeCare done', extended_tweet: undefined, in_reply_to_status_id_str: brandReply.id_str };
    await post(mention);
    await post({ for_user_id: BRAND, tweet_create_events: [brandReply, followUp] });
    expect(ing.conversations.size).toBe(1);
    const conv = [...ing.conversations.values()][0];
    expect(conv.posts.map((p) => [p.platform_id, p.from_brand, p.in_reply_to])).toEqual([
      ['1050118621198921728', false, null],
      ['1050118621198921800', true, '1050118621198921728'],
      ['1050118621198921900', false, '1050118621198921800'],
    ]);
  });

  it('normalizes a direct message with the sender from the users map, threaded by participant', async () => {
    expect((await post(dm)).statusCode).toBe(200);
    expect(ing.posts[0]).toMatchObject({
      channel: 'x', platform_id: '954491830116155396', visibility: 'private', thread_key: '4337869213', from_brand: false,
      author: { platform_user_id: '4337869213', handle: 'Harris_5', name: 'Harry', followers: 18, verified: false, location: 'Denver, CO' },
      text: 'Hello, my card was charged twice', created_at: new Date(1516403560557).toISOString(),
    });
    // the brand's answer (sent from elsewhere) comes back as an event from for_user_id: same thread
    const answer = structuredClone(dm);
    answer.direct_message_events[0].id = '954491830116155400';
    answer.direct_message_events[0].message_create.sender_id = BRAND;
    answer.direct_message_events[0].message_create.target.recipient_id = '4337869213';
    await post(answer);
    expect(ing.posts[1]).toMatchObject({ from_brand: true, thread_key: '4337869213' });
    expect(ing.conversations.size).toBe(1);
  });

  it('expands t.co links to where they go, and ignores a malformed entity list', async () => {
    const base = mention.tweet_create_events[0];
    const withLink = { ...base, id_str: '1050118621198921777', extended_tweet: undefined, text: '@AcmeCare see https://t.co/abc123 and https://t.co/zzz',
      entities: { urls: [{ url: 'https://t.co/abc123', expanded_url: 'https://example.com/photo/broken-box', display_url: 'example.com/photo/…', indices: [15, 38] }] } };
    const badEntities = { ...base, id_str: '1050118621198921778', extended_tweet: undefined, text: 'https://t.co/x', entities: { urls: 'nope' } };
    expect((await post({ for_user_id: BRAND, tweet_create_events: [withLink, badEntities] })).statusCode).toBe(200);
    expect(ing.posts.map((p) => p.text)).toEqual(['@AcmeCare see https://example.com/photo/broken-box and https://t.co/zzz', 'https://t.co/x']);
  });

  it('stores a redelivered event once', async () => {
    const a = await post(mention);
    const b = await post(mention);
    expect(a.json()).toMatchObject({ stored: 1 });
    expect(b.json()).toMatchObject({ stored: 0, duplicates: 1, rejected: [] });
    expect(ing.posts).toHaveLength(1);
  });

  it('reports a post the Ingestor refuses by rule (a brand tweet answering nothing known) and stores the rest', async () => {
    ing = createMemoryIngestor({ rejectOrphanBrandPosts: true });
    const base = mention.tweet_create_events[0];
    const broadcast = { ...base, id_str: '1050118621198921999', text: 'New store opening!', extended_tweet: undefined, user: { ...base.user, id_str: BRAND, screen_name: 'AcmeCare' } };
    const res = await post({ for_user_id: BRAND, tweet_create_events: [broadcast, base] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 2, stored: 1, rejected: [{ platform_id: '1050118621198921999', reason: expect.stringMatching(/answers no known post/) }] });
    expect(ing.posts.map((p) => p.platform_id)).toEqual([base.id_str]);
  });

  it('names the brand account as configured (accountNames)', async () => {
    const named = Fastify();
    await named.register(registerWebhooks, { ingestor: { ingest: (p) => ing.ingest(p) }, config: { xConsumerSecret: SECRET, accountNames: { [BRAND]: 'AcmeCare' } } });
    const raw = JSON.stringify(mention);
    await named.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(raw) } });
    expect(ing.posts[0].account).toBe('AcmeCare');
    await named.close();
  });

  it('marks its routes public, so the hub\'s agent-auth hook can let signed platform calls through', async () => {
    const guarded = Fastify();
    // the hub's rule: every route needs an agent token unless its config says it is public
    guarded.addHook('preValidation', async (req, reply) => { if (!req.routeOptions.config?.public) return reply.code(401).send({ error: 'agent token needed' }); });
    await guarded.register(registerWebhooks, { ingestor: { ingest: (p) => ing.ingest(p) }, config: { xConsumerSecret: SECRET } });
    const raw = JSON.stringify(mention);
    expect((await guarded.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(raw) } })).statusCode).toBe(200);
    expect((await guarded.inject({ url: '/webhooks/x?crc_token=a' })).statusCode).toBe(200);
    await guarded.close();
  });

  it('answers 500 when the Ingestor fails (database down), so the platform redelivers', async () => {
    const failing = Fastify();
    await failing.register(registerWebhooks, { ingestor: { ingest: async () => { throw new Error('connection refused'); } }, config: { xConsumerSecret: SECRET } });
    const raw = JSON.stringify(mention);
    const res = await failing.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(raw) } });
    expect(res.statusCode).toBe(500);
    await failing.close();
  });

  it('ignores retweets and event kinds without customer words', async () => {
    const rt = { for_user_id: BRAND, tweet_create_events: [{ ...mention.tweet_create_events[0], id_str: '1', retweeted_status: { id_str: '2' } }] };
    expect((await post(rt)).json()).toEqual({ received: 0, stored: 0, duplicates: 0, rejected: [] });
    const fav = { for_user_id: BRAND, favorite_events: [{ id: 'a', created_at: 'x', favorited_status: {} }] };
    expect((await post(fav)).statusCode).toBe(200);
    const typing = { for_user_id: BRAND, direct_message_indicate_typing_events: [{ created_timestamp: '1', sender_id: '1', target: { recipient_id: BRAND } }] };
    expect((await post(typing)).statusCode).toBe(200);
    expect(ing.calls).toBe(0);
  });

  it('400 with the reason for malformed JSON, and nothing stored', async () => {
    const res = await post('{"for_user_id": "1", "tweet_create_events": [');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/malformed JSON/);
    expect(ing.calls).toBe(0);
  });

  it('refuses the whole delivery when one event in it is invalid: nothing partly stored', async () => {
    const good = mention.tweet_create_events[0];
    const bad = { ...good, id_str: '77', created_at: 'yesterday' };
    const res = await post({ for_user_id: BRAND, tweet_create_events: [good, bad] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/tweet_create_events\.1\.created_at/);
    expect(ing.calls).toBe(0);
  });

  it('400 for missing for_user_id, non-array events, and a message_create without content', async () => {
    for (const p of [{ tweet_create_events: [] }, { for_user_id: BRAND, tweet_create_events: {} }, { for_user_id: BRAND, direct_message_events: [{ type: 'message_create', id: '1', created_timestamp: '1' }] }, [], 'null', 42]) {
      const res = await post(typeof p === 'string' ? p : JSON.stringify(p));
      expect(res.statusCode).toBe(400);
    }
    expect(ing.calls).toBe(0);
  });

  it('refuses an oversized delivery with 413', async () => {
    const raw = JSON.stringify({ for_user_id: BRAND, pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await post(raw);
    expect(res.statusCode).toBe(413);
  });
});
