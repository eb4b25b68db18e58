/**
 * The promise under a real crash: a hub process is SIGKILLed while a public reply waits for approval,
 * then started again on the same data directory. The reply still waits (nothing reached X), and once
 * a supervisor approves it, it is on X exactly once; a second approval changes nothing.
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

// seeded by testing/hub/hub-process.ts (importing it would run it)
const CRASH_AGENT = { email: 'agent@crash.tend', password: 'crash-test-password' };
const CRASH_SUPERVISOR = { email: 'boss@crash.tend', password: 'crash-test-password' };
const BRAND = { id: '3001969357', username: 'AcmeCare' };
const SECRETS = { consumer: 'approvals-x-secret', token: 'approvals-x-token' };

let x: XStandin;
let dir: string;
const hubs = hubProcesses();
const startHubProcess = () => hubs.start(dir, ['--approve-all', '--lease-ms', '1500'], { TEND_X_CONSUMER_SECRET: SECRETS.consumer, TEND_X_BEARER_TOKEN: SECRETS.token, TEND_X_API_BASE: x.url });

/** The message's latest state in the hub's change log, once `ok` says it is the one awaited. */
async function waitForMessage(url: string, token: string, id: string, ok: (m: Loose) => boolean): Promise<Loose> {
  for (let i = 0; i < 600; i++) {
    const r = await call(url, 'GET', '/v1/sync/changes?since=0&limit=1000', { token });
    const last = (r.json?.changes ?? []).filter((c: Loose) => c.entity === 'message' && c.data?.id === id).map((c: Loose) => c.data).at(-1);
    if (last && ok(last)) return last;
    await new Promise((r2) => setTimeout(r2, 100)); // waiting on the hub process's state: no event crosses the process boundary
  }
  throw new Error(`message ${id} never reached the awaited state`);
}

beforeAll(async () => {
  x = await startXStandin({ consumerSecret: SECRETS.consumer, bearerToken: SECRETS.token, brand: BRAND });
  dir = mkdtempSync(join(tmpdir(), 'tend-approvals-kill-'));
});
afterAll(async () => {
  await hubs.killAll();
  await x?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hub SIGKILLed while a reply awaits approval', () => {
  it('the reply still awaits after the restart, and the approval posts it on X once', async () => {
    let { child, url } = await startHubProcess();
    const mention = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000777', text: '@AcmeCare I will sue you', user: { id: '6253283', screen_name: 'angry_al', name: 'Al' } }]);
    expect(await x.deliver(`${url}/webhooks/x`, mention)).toMatchObject({ status: 200, body: { stored: 1 } });
    const token = (await call(url, 'POST', '/v1/auth/login', { body: CRASH_AGENT })).json.token as string;
    const conversation = (await call(url, 'GET', '/v1/sync/bootstrap?limit=100', { token })).json.conversations[0].id as string;
    const messageId = randomUUID();
    const r = await call(url, 'POST', '/v1/mutations', { token, body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: conversation, message_id: messageId, text: '@angry_al please DM us', visibility: 'public' } }] } });
    expect(r.json.results[0]).toMatchObject({ ok: true, value: { awaiting_approval: true } });
    await hubs.kill9(child);

    ({ child, url } = await startHubProcess());
    expect(await waitForMessage(url, token, messageId, () => true)).toMatchObject({ delivery: 'awaiting_approval' });
    const boss = (await call(url, 'POST', '/v1/auth/login', { body: CRASH_SUPERVISOR })).json.token as string;
    const queue = await call(url, 'GET', '/v1/approvals', { token: boss });
    expect(queue.json.pending.map((p: Loose) => p.id)).toEqual([messageId]);
    expect(x.tweets).toHaveLength(0);

    expect((await call(url, 'POST', `/v1/approvals/${messageId}/approve`, { token: boss, body: {} })).status).toBe(200);
    const sent = await waitForMessage(url, token, messageId, (m) => m.delivery === 'sent');
    expect((await call(url, 'POST', `/v1/approvals/${messageId}/approve`, { token: boss, body: {} })).status).toBe(409);
    expect(x.tweets).toHaveLength(1);
    expect(x.calls.filter((c) => c.method === 'POST' && c.path === '/2/tweets')).toHaveLength(1);
    expect(sent.platform_id).toBe(x.tweets[0].id);
    await hubs.kill9(child);
  }, 180_000);
});
