/**
 * The stand-ins driven from another process, as the soak suite does: the CLI prints where they
 * listen and the env for a hub; faults are switched on over HTTP; what was posted, the calls, a
 * long-poll wait and signed deliveries all go through /_standin/….
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIngestor } from '../memory-ingestor';
import { loadConnectorConfig } from '../config';
import { registerWebhooks } from '../webhooks';
import { xTweetCreatePayload } from './x';
import type { Loose } from '../../../testing/json';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', CLI], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let info: { x: string; meta: string; brand: { x: string; page: string }; env: Record<string, string> };
const j = async (url: string, init?: RequestInit) => { const r = await fetch(url, init); return { status: r.status, body: await r.json() as Loose }; };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) => j(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  info = JSON.parse(await new Promise<string>((resolve) => { const rl = createInterface({ input: child.stdout! }); rl.once('line', (l) => { rl.close(); resolve(l); }); }));
});
afterAll(() => { child.kill('SIGTERM'); });

describe('stand-ins over their control routes', () => {
  it('faults switched on over HTTP: a held POST is listed as a call, applied, and answered on release', async () => {
    const auth = { authorization: `Bearer ${info.env.TEND_X_BEARER_TOKEN}` };
    expect(await post(`${info.x}/_standin/faults`, { rules: [{ method: 'POST', path: '^/2/tweets$', fault: { kind: 'hang' } }] })).toEqual({ status: 200, body: { faults: 1 } });
    const held = fetch(`${info.x}/2/tweets`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ text: 'hello', reply: { in_reply_to_tweet_id: '1' } }) });
    expect(await j(`${info.x}/_standin/wait?calls=1&method=POST&path=%5E%2F2%2Ftweets%24`)).toEqual({ status: 200, body: { calls: 1 } });
    const posts = await j(`${info.x}/_standin/posts`);
    expect(posts.body.tweets).toMatchObject([{ text: 'hello', in_reply_to: '1', author_id: info.brand.x }]);
    expect((await j(`${info.x}/_standin/calls`)).body.calls).toMatchObject([{ method: 'POST', path: '/2/tweets', status: 0, fault: 'hang' }]);
    expect(await post(`${info.x}/_standin/release`, {})).toEqual({ status: 200, body: { released: 1 } });
    expect((await held).status).toBe(201);
    // the read-back sees it, in X's shape
    const timeline = await j(`${info.x}/2/users/${info.brand.x}/tweets?max_results=10`, { headers: auth });
    expect(timeline.body.data[0]).toMatchObject({ text: 'hello', referenced_tweets: [{ type: 'replied_to', id: '1' }] });
    expect(await post(`${info.x}/_standin/reset`, {})).toEqual({ status: 200, body: { reset: true } });
    expect((await j(`${info.x}/_standin/posts`)).body).toEqual({ tweets: [], dms: [] });
  });

  it('a cut connection and a delayed answer; the wait times out with 408', async () => {
    await post(`${info.meta}/_standin/faults`, { rules: [{ path: '/me/messages$', fault: { kind: 'reset' } }] });
    const body = { recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'hi' } };
    await expect(fetch(`${info.meta}/v21.0/me/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${info.env.TEND_META_ACCESS_TOKEN}` }, body: JSON.stringify(body) })).rejects.toThrow();
    expect((await j(`${info.meta}/_standin/posts`)).body.messages).toMatchObject([{ user_id: '42', message: 'hi' }]);
    expect((await j(`${info.meta}/_standin/wait?calls=5&timeoutMs=50`)).status).toBe(408);
  });

  it('signs and sends a delivery to a hub: the hub (configured from the printed env) accepts it', async () => {
    const app = Fastify();
    const ing = createMemoryIngestor();
    await app.register(registerWebhooks, { ingestor: ing, log: () => {}, config: loadConnectorConfig(info.env).webhooks });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const hub = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const payload = xTweetCreatePayload(info.brand.x, [{ id: '1850000000000000009', text: '@TendDemoCare help', user: { id: '6253282', screen_name: 'jane', name: 'Jane' } }]);
    expect(await post(`${info.x}/_standin/deliver`, { url: `${hub}/webhooks/x`, payload })).toEqual({ status: 200, body: { status: 200, body: { received: 1, stored: 1, duplicates: 0, rejected: [] } } });
    expect(ing.posts[0]).toMatchObject({ platform_id: '1850000000000000009', account: 'TendDemoCare' });
    await app.close();
  });
});
