/**
 * The whole loop over real HTTP on loopback, as in the demo: the stand-ins register (CRC /
 * verification), send signed deliveries to a hub's webhook routes, and receive the hub's replies
 * made by the connectors that loadConnectorConfig builds from the environment.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundConnectors, loadConnectorConfig } from '../config';
import { createMemoryIngestor } from '../memory-ingestor';
import type { OutboundConnector } from '../types';
import { registerWebhooks } from '../webhooks';
import { fbCommentPayload, messagingPayload, startMetaStandin, type MetaStandin } from './meta';
import { startXStandin, xDirectMessagePayload, xTweetCreatePayload, type XStandin } from './x';

const BRAND = { id: '3001969357', screen_name: 'AcmeCare', name: 'Acme Care' };
const JANE = { id: '6253282', screen_name: 'janedoe', name: 'Jane Doe', followers_count: 120_000, verified: true, location: 'Oslo' };
const PAGE = '1234567890123';

describe('stand-ins ↔ hub over loopback', () => {
  let x: XStandin, meta: MetaStandin, app: FastifyInstance, hub = '';
  const ing = createMemoryIngestor();
  let connectors: Map<string, OutboundConnector>;

  beforeAll(async () => {
    x = await startXStandin({ consumerSecret: 'demo-x-secret', bearerToken: 'demo-x-user-token' });
    meta = await startMetaStandin({ appSecret: 'demo-meta-secret', accessTokens: ['demo-page-token'] });
    const cfg = loadConnectorConfig({
      TEND_X_CONSUMER_SECRET: 'demo-x-secret', TEND_X_BEARER_TOKEN: 'demo-x-user-token', TEND_X_API_BASE: x.url,
      TEND_META_APP_SECRET: 'demo-meta-secret', TEND_META_VERIFY_TOKEN: 'demo-verify', TEND_META_ACCESS_TOKEN: 'demo-page-token', TEND_META_GRAPH_BASE: meta.url,
    });
    connectors = new Map(createOutboundConnectors(cfg, { sleep: async () => {} }).map((c) => [c.channel, c]));
    app = Fastify();
    await app.register(registerWebhooks, { ingestor: ing, config: cfg.webhooks });
    await app.listen({ port: 0, host: '127.0.0.1' });
    hub = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await app.close(); await x.close(); await meta.close(); });

  it('X: CRC registration, a mention and a DM in, a reply and a DM out', async () => {
    expect(await x.crcCheck(`${hub}/webhooks/x`)).toBe(true);
    const mention = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000001', text: '@AcmeCare my parcel is lost', user: JANE }]);
    expect(await x.deliver(`${hub}/webhooks/x`, mention)).toMatchObject({ status: 200, body: { stored: 1 } });
    expect(await x.deliver(`${hub}/webhooks/x`, mention)).toMatchObject({ status: 200, body: { stored: 0, duplicates: 1 } });
    expect(await x.deliver(`${hub}/webhooks/x`, mention, { secret: 'forged' })).toMatchObject({ status: 401 });
    expect(await x.deliver(`${hub}/webhooks/x`, mention, { unsigned: true })).toMatchObject({ status: 401 });
    const dm = xDirectMessagePayload(BRAND.id, [{ id: '1850000000000000002', text: 'order 5531', sender: JANE, recipient: BRAND }]);
    expect(await x.deliver(`${hub}/webhooks/x`, dm)).toMatchObject({ status: 200, body: { stored: 1 } });

    const tweet = ing.posts.find((p) => p.platform_id === '1850000000000000001')!;
    const out = await connectors.get('x')!.send({ message_id: 'm1', conversation_id: 'c1', channel: 'x', account: tweet.account, visibility: 'public', text: '@janedoe so sorry, checking', in_reply_to: tweet.platform_id, recipient: null });
    expect(out.ok).toBe(true);
    const dmOut = await connectors.get('x')!.send({ message_id: 'm2', conversation_id: 'c2', channel: 'x', account: BRAND.id, visibility: 'private', text: 'Thanks, found it', in_reply_to: null, recipient: ing.posts[1].thread_key! });
    expect(dmOut.ok).toBe(true);
    expect(x.calls.map((c) => [c.path, c.body])).toEqual([
      ['/2/tweets', { text: '@janedoe so sorry, checking', reply: { in_reply_to_tweet_id: '1850000000000000001' } }],
      [`/2/dm_conversations/with/${JANE.id}/messages`, { text: 'Thanks, found it' }],
    ]);
  });

  it('Meta: subscription check, a comment and a message in, a comment reply and a message out', async () => {
    expect(await meta.verifySubscription(`${hub}/webhooks/meta`, 'demo-verify')).toBe(true);
    expect(await meta.verifySubscription(`${hub}/webhooks/meta`, 'wrong')).toBe(false);
    const comment = fbCommentPayload(PAGE, { postId: `${PAGE}_77`, commentId: '77_9001', from: { id: '1519483394741836', name: 'Ana' }, message: 'Refund please' });
    expect(await meta.deliver(`${hub}/webhooks/meta`, comment)).toMatchObject({ status: 200, body: { stored: 1 } });
    expect(await meta.deliver(`${hub}/webhooks/meta`, messagingPayload('page', PAGE, { mid: 'm_loop_1', senderId: '6789012345', text: 'hello?' }))).toMatchObject({ status: 200, body: { stored: 1 } });
    expect(await meta.deliver(`${hub}/webhooks/meta`, comment, { secret: 'forged' })).toMatchObject({ status: 401 });

    const fb = connectors.get('facebook')!;
    expect((await fb.send({ message_id: 'm3', conversation_id: 'c3', channel: 'facebook', account: PAGE, visibility: 'public', text: 'On its way', in_reply_to: '77_9001', recipient: null })).ok).toBe(true);
    expect((await fb.send({ message_id: 'm4', conversation_id: 'c4', channel: 'facebook', account: PAGE, visibility: 'private', text: 'Hi!', in_reply_to: null, recipient: '6789012345' })).ok).toBe(true);
    // (the GETs are the Messenger sender's profile lookup)
    expect(meta.calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/v21.0/77_9001/comments', { message: 'On its way' }],
      ['/v21.0/me/messages', { recipient: { id: '6789012345' }, messaging_type: 'RESPONSE', message: { text: 'Hi!' } }],
    ]);
  });
});
