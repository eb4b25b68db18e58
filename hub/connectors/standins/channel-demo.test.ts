import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundConnectors, loadConnectorConfig } from '../config';
import { createMemoryIngestor } from '../memory-ingestor';
import { registerWebhooks } from '../webhooks';
import { DEMO_SECRETS, DEMO_X_BRAND_ID, startChannelDemo, type ChannelDemo } from './channel-demo';

const hasDemoData = existsSync(new URL('../../demo/data/ibm_twitter_care.json', import.meta.url));

describe.skipIf(!hasDemoData)('channel demo against a hub configured from its env', () => {
  let app: FastifyInstance;
  let demo: ChannelDemo;
  const ing = createMemoryIngestor();
  const lines: string[] = [];

  beforeAll(async () => {
    // the demo's secrets are fixed, so the hub can be configured before the stand-ins exist
    const cfg = loadConnectorConfig({
      TEND_X_CONSUMER_SECRET: DEMO_SECRETS.xConsumerSecret, TEND_META_APP_SECRET: DEMO_SECRETS.metaAppSecret,
      TEND_META_VERIFY_TOKEN: DEMO_SECRETS.metaVerifyToken, TEND_ACCOUNT_NAMES: JSON.stringify({ [DEMO_X_BRAND_ID]: 'TendDemoCare' }),
    });
    app = Fastify();
    await app.register(registerWebhooks, { ingestor: ing, config: cfg.webhooks });
    await app.listen({ port: 0, host: '127.0.0.1' });
    demo = await startChannelDemo({ hub: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, log: (l) => lines.push(l) });
    expect(await demo.x.crcCheck(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/x`)).toBe(true);
  });
  afterAll(async () => { await demo.stop(); await app.close(); });

  it('delivers IBM customer messages as an X mention, a Facebook comment and a Messenger message', async () => {
    expect(await demo.sendNext()).toBeGreaterThan(0);
    expect(await demo.sendNext()).toBeGreaterThan(0);
    expect(await demo.sendNext()).toBeGreaterThan(0);
    const channels = ing.posts.map((p) => `${p.channel}/${p.visibility}`);
    expect(new Set(channels)).toEqual(new Set(['x/public', 'facebook/public', 'facebook/private']));
    expect(ing.posts.find((p) => p.channel === 'x')!.account).toBe('TendDemoCare');
    expect(ing.posts.find((p) => p.channel === 'x')!.text).toBe('@TeamYouTube Hello dear youtube officers, my channel has been suspended 1 year, I sent an e-mail, no answer, please open my channel back :( channel link: https: //www.youtube.com/channel/UCW97Zu1780HRMZoMMhlW06g\n\nmy e-mail address: zekidemir089@gmail.com');
    expect(lines.filter((l) => /→ hub 200/.test(l)).length).toBe(ing.posts.length);
  });

  it('receives the hub\'s replies on the stand-ins', async () => {
    const [x] = createOutboundConnectors(loadConnectorConfig(demo.env), { sleep: async () => {} });
    const tweet = ing.posts.find((p) => p.channel === 'x')!;
    const out = await x.send({ message_id: 'm', conversation_id: 'c', channel: 'x', account: tweet.account, visibility: 'public', text: '@CinVakas we are on it', in_reply_to: tweet.platform_id, recipient: null });
    expect(out.ok).toBe(true);
    expect(demo.x.calls.at(-1)!.body).toEqual({ text: '@CinVakas we are on it', reply: { in_reply_to_tweet_id: tweet.platform_id } });
  });
});
