/**
 * Real platform payloads, from fixtures written after each platform's documentation
 * (hub/connectors/fixtures): X API v2 tweet objects, Meta ids sent as JSON numbers, Messenger senders
 * by name, Page ratings, Instagram DM attachments. Each is stored right, or refused with a reason
 * that is logged and counted.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMetaStandin, type MetaStandin } from './standins/meta';
import { createMemoryIngestor, type MemoryIngestor } from './memory-ingestor';
import { createWebhookStats, registerWebhooks, type WebhookStats } from './webhooks';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const X_SECRET = 'x-secret';
const META_SECRET = 'meta-secret';
const BRAND_X = '3001969357';
const PAGE = '1234567890123';
const IG = '17841400000000001';

let meta: MetaStandin;
let app: FastifyInstance;
let bare: FastifyInstance;
let ing: MemoryIngestor;
let stats: WebhookStats;
const logged: string[] = [];

const signX = (raw: string) => 'sha256=' + createHmac('sha256', X_SECRET).update(raw).digest('base64');
const signMeta = (raw: string) => 'sha256=' + createHmac('sha256', META_SECRET).update(raw).digest('hex');
const postX = (a: FastifyInstance, raw: string) => a.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(raw) } });
const postMeta = (raw: string) => app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw) } });

beforeAll(async () => {
  meta = await startMetaStandin({ appSecret: META_SECRET, accessTokens: ['page-token'], page: { id: PAGE, name: 'Acme' } });
  stats = createWebhookStats();
  app = Fastify();
  await app.register(registerWebhooks, {
    ingestor: { ingest: (p) => ing.ingest(p) }, stats, log: (l) => logged.push(l),
    config: {
      xConsumerSecret: X_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'v',
      accountNames: { [BRAND_X]: 'AcmeCare' },
      brandAccounts: [{ channel: 'x', id: BRAND_X, handle: 'AcmeCare' }],
      metaGraph: { graphBase: meta.url, accessToken: 'page-token' },
    },
  });
  await app.ready();
  // a hub with no brand account configured
  bare = Fastify();
  await bare.register(registerWebhooks, { ingestor: { ingest: (p) => ing.ingest(p) }, stats, log: (l) => logged.push(l), config: { xConsumerSecret: X_SECRET } });
  await bare.ready();
});
afterAll(async () => { await app?.close(); await bare?.close(); await meta?.close(); });
beforeEach(() => { ing = createMemoryIngestor(); logged.length = 0; meta.calls.length = 0; });
// (the lookups are cached for the app's life: each sender is looked up in one test only)

describe('X API v2 tweet objects', () => {
  it('a filtered-stream delivery (data + includes.users + referenced_tweets) is stored as the customer\'s reply', async () => {
    const res = await postX(app, fixture('x/v2-filtered-stream-reply.json'));
    expect(res.json()).toMatchObject({ received: 1, stored: 1 });
    expect(ing.posts[0]).toEqual({
      channel: 'x', account: 'AcmeCare', platform_id: '1799870000000000123',
      author: { platform_user_id: '6253282', handle: 'janedoe', name: 'Jane Doe', followers: 120345, verified: true, location: 'Kraków, Polska' },
      text: '@AcmeCare my order #4411 is 2 weeks late & nobody answers https://acme.example/orders/4411',
      visibility: 'public', in_reply_to: '1799860000000000001', created_at: '2024-06-09T18:40:40.000Z',
      permalink: 'https://x.com/janedoe/status/1799870000000000123', from_brand: false, thread_key: null,
    });
  });

  it('a lookup batch: replies and quotes stored, the retweet left out, a long note_tweet kept whole', async () => {
    const res = await postX(app, fixture('x/v2-lookup-batch.json'));
    expect(res.json()).toMatchObject({ received: 3, stored: 3 });
    expect(ing.posts.map((p) => [p.platform_id, p.in_reply_to, p.author.handle])).toEqual([
      ['1799870000000000200', '1799870000000000123', 'Harris_5'],
      ['1799870000000000201', null, 'Harris_5'],
      ['1799870000000000203', '1799870000000000123', 'janedoe'],
    ]);
    expect(ing.posts[2].text).toMatch(/What else should I do to get my order or my money\?$/);
  });

  it('a tweet by the brand account is the brand\'s', async () => {
    const body = JSON.parse(fixture('x/v2-filtered-stream-reply.json'));
    body.data.author_id = BRAND_X;
    await postX(app, JSON.stringify(body));
    expect(ing.posts[0]).toMatchObject({ from_brand: true, author: { handle: 'AcmeCare' } });
  });

  it('without a configured brand account a v2 delivery is refused with the reason, logged and counted', async () => {
    const before = stats.refused['400 invalid_payload'] ?? 0;
    const res = await postX(bare, fixture('x/v2-filtered-stream-reply.json'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/TEND_BRAND_ACCOUNTS/);
    expect(stats.refused['400 invalid_payload']).toBe(before + 1);
    expect(logged.some((l) => l.includes('TEND_BRAND_ACCOUNTS'))).toBe(true);
    expect(ing.calls).toBe(0);
  });
});

describe('Meta', () => {
  it('ids sent as JSON numbers, beyond 2^53 too, are kept digit for digit; a Messenger sender is shown by name (User Profile API, cached)', async () => {
    meta.setProfile('24680135792468013', { first_name: 'Ana', last_name: 'Kowalska' });
    const raw = fixture('meta/messenger-numeric-ids.json');
    const res = await postMeta(raw);
    expect(res.json()).toMatchObject({ received: 2, stored: 2 });
    // two senders stay two (JSON.parse would have rounded them to other people's ids)
    expect(ing.posts.map((p) => [p.account, p.author.platform_user_id, p.thread_key])).toEqual([
      [PAGE, '24680135792468013', '24680135792468013'],
      [PAGE, '24680135792468015', '24680135792468015'],
    ]);
    expect(ing.conversations.size).toBe(2);
    expect(ing.posts[0].author).toMatchObject({ platform_user_id: '24680135792468013', name: 'Ana Kowalska' });
    // the second sender has no profile the app may see: the id stays, the message is stored anyway
    expect(ing.posts[1].author.name).toBe('24680135792468015');
    const lookups = meta.calls.filter((c) => c.method === 'GET').length;
    expect(meta.calls.find((c) => c.path === '/v21.0/24680135792468013')?.query.fields).toBe('first_name,last_name,name');
    // a redelivery looks nobody up again
    await postMeta(raw.replaceAll('m_second', 'm_third').replace('m_AG5Hz2Uq7', 'm_XYZ'));
    expect(meta.calls.filter((c) => c.method === 'GET')).toHaveLength(lookups);
  });

  it('Page ratings (reviews and recommendations) are stored as posts with the rating; a comment on a review joins it', async () => {
    const res = await postMeta(fixture('meta/page-ratings.json'));
    expect(res.json()).toMatchObject({ received: 3, stored: 3 });
    expect(ing.posts[0]).toMatchObject({
      channel: 'facebook', account: PAGE, platform_id: '10158283749210000', visibility: 'public', in_reply_to: null,
      author: { platform_user_id: '1519483394741836', name: 'Ana Kowalska' },
      text: 'Does not recommend ★★☆☆☆ 2/5: Delivery took three weeks and support never answered my messages.',
      permalink: 'https://www.facebook.com/10158283749210000',
    });
    expect(ing.posts[1].text).toBe('Recommends (no text)');
    expect(ing.posts[2]).toMatchObject({ platform_id: '10158283749210000_9001', in_reply_to: '10158283749210000', text: 'Still waiting, order 5531.' });
    expect(ing.conversations.size).toBe(2);
  });

  it('Instagram DM attachments keep their type and URL, as a link; an unsupported one says so; the sender gets name and username', async () => {
    meta.setProfile('5555666677778888', { name: 'Kasia W', username: 'kasia.w' });
    const res = await postMeta(fixture('meta/instagram-dm-attachments.json'));
    expect(ing.posts[0].author).toMatchObject({ platform_user_id: '5555666677778888', name: 'Kasia W', handle: 'kasia.w' });
    expect(meta.calls.find((c) => c.method === 'GET')?.query.fields).toBe('name,username');
    expect(res.json()).toMatchObject({ received: 3, stored: 3 });
    expect(ing.posts.map((p) => p.text)).toEqual([
      'The box arrived like this\n[image] https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000000000000001&signature=AbCd',
      '[shared post] Your ad said next-day delivery. https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835&signature=EfGh\n[reel] Unboxing fail https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000000000000002&signature=IjKl',
      '[attachment the platform does not pass to apps (unsupported_type): open the conversation in the app to see it]',
    ]);
    expect(ing.posts.every((p) => p.channel === 'instagram' && p.account === IG && p.thread_key === '5555666677778888')).toBe(true);
  });

});
