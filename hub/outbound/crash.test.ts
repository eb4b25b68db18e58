/**
 * The promise under a real crash: a hub process is SIGKILLed while the X stand-in holds its reply's
 * POST (X has the post, the hub never hears back), then started again on the same data directory.
 * The reply must be on X exactly once, and the hub must show it sent with X's id, having passed
 * through 'unknown' (the lease ran out while 'sending'; it read back from X instead of re-posting).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXStandin, xTweetCreatePayload, type XStandin } from '../connectors/standins/x';
import { call } from '../../testing/hub/client';
import { hubProcesses } from '../../testing/hub/hub-processes';
import type { Loose } from '../../testing/json';

const AGENT = { email: 'agent@crash.tend', password: 'crash-test-password' };
const BRAND = { id: '3001969357', username: 'AcmeCare' };
const SECRETS = { consumer: 'crash-x-secret', token: 'crash-x-token' };

let x: XStandin;
let dir: string;
const hubs = hubProcesses();

const startHubProcess = () => hubs.start(dir, ['--lease-ms', '1500'], { TEND_X_CONSUMER_SECRET: SECRETS.consumer, TEND_X_BEARER_TOKEN: SECRETS.token, TEND_X_API_BASE: x.url });

const kill9 = hubs.kill9;

/** The message's latest delivery state from the hub's change log, once `ok` says it is the one awaited. */
async function waitForMessage(url: string, token: string, id: string, ok: (m: { delivery: string; platform_id: string | null }) => boolean) {
  const seen: string[] = [];
  for (let i = 0; i < 600; i++) {
    const r = await call(url, 'GET', '/v1/sync/changes?since=0&limit=1000', { token });
    const mine = (r.json?.changes ?? []).filter((c: Loose) => c.entity === 'message' && c.data?.id === id).map((c: Loose) => c.data);
    seen.splice(0, seen.length, ...mine.map((m: Loose) => m.delivery));
    const last = mine.at(-1);
    if (last && ok(last)) return { last, states: seen };
    await new Promise((r2) => setTimeout(r2, 100)); // waiting on the hub process's state: no event crosses the process boundary
  }
  throw new Error(`message ${id} never reached the awaited state; states: ${seen.join(' → ')}`);
}

beforeAll(async () => {
  x = await startXStandin({ consumerSecret: SECRETS.consumer, bearerToken: SECRETS.token, brand: BRAND });
  dir = mkdtempSync(join(tmpdir(), 'tend-crash-'));
});
afterAll(async () => {
  await hubs.killAll();
  x?.release();
  await x?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hub SIGKILLed while X holds the reply\'s POST', () => {
  it('after a restart the reply is on X exactly once and shows sent with X\'s id', async () => {
    let { child, url } = await startHubProcess();
    const mention = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000001', text: '@AcmeCare my parcel is lost', user: { id: '6253282', screen_name: 'janedoe', name: 'Jane' } }]);
    expect(await x.deliver(`${url}/webhooks/x`, mention)).toMatchObject({ status: 200, body: { stored: 1 } });
    const login = await call(url, 'POST', '/v1/auth/login', { body: AGENT });
    const token = login.json.token as string;
    const boot = await call(url, 'GET', '/v1/sync/bootstrap?limit=100', { token });
    const conversation = boot.json.conversations[0].id as string;

    // X takes the POST, makes the tweet, and holds the answer
    x.addFault({ method: 'POST', path: '^/2/tweets$', fault: { kind: 'hang' } });
    const messageId = randomUUID();
    const r = await call(url, 'POST', '/v1/mutations', { token, body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: conversation, message_id: messageId, text: '@janedoe so sorry, we are on it', visibility: 'public' } }] } });
    expect(r.json.results[0].ok).toBe(true);
    await x.waitForCalls(1, { method: 'POST', path: '^/2/tweets$' });
    await kill9(child);
    expect(x.tweets).toHaveLength(1);

    ({ child, url } = await startHubProcess());
    const { last, states } = await waitForMessage(url, token, messageId, (m) => m.delivery === 'sent');
    expect(x.tweets).toHaveLength(1);
    expect(x.calls.filter((c) => c.method === 'POST' && c.path === '/2/tweets')).toHaveLength(1);
    expect(last.platform_id).toBe(x.tweets[0].id);
    expect(states).toContain('unknown');
    expect(states.slice(-2)).toEqual(['unknown', 'sent']);
    await kill9(child);
    // two hub starts (PGlite initdb and recovery) plus the lease: ~15 s quiet, near a minute on a loaded 2-core CI machine
  }, 180_000);
});
