/**
 * Routing state under a real crash (issue 10, item 1): a hub process with routing is SIGKILLed right
 * after a rule change and an insight's close were answered, then started again on the same data
 * directory. Nothing about insights or assignments may be lost or changed: the close that was
 * answered is stored, the other insight is still open with its first opened_at, no insight is made
 * twice, and the conversation an agent answered stays theirs although the new rule matches it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXStandin, xTweetCreatePayload, type XStandin } from '../connectors/standins/x';
import { call } from '../../testing/hub/client';
import { hubProcesses } from '../../testing/hub/hub-processes';

const AGENT = { email: 'agent@crash.tend', password: 'crash-test-password' };
const BOSS = { email: 'boss@crash.tend', password: 'crash-test-password' };
const BRAND = { id: '3001969357', username: 'AcmeCare' };
const SECRET = 'routing-kill-x-secret';

let x: XStandin;
let dir: string;
const hubs = hubProcesses();

const startHubProcess = () => hubs.start(dir, ['--routing'], { TEND_X_CONSUMER_SECRET: SECRET });

const kill9 = hubs.kill9;

/** Polls the hub process until `get` gives a value (no event crosses the process boundary). */
async function until<T>(get: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await get();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

const signIn = async (url: string, who: { email: string; password: string }) => (await call(url, 'POST', '/v1/auth/login', { body: who })).json.token as string;
let tweet = 1_860_000_000_000_000_000n;
const mention = (text: string, user: string) => xTweetCreatePayload(BRAND.id, [{ id: String(++tweet), text, user: { id: String(Number(tweet % 100000n)), screen_name: user, name: user } }]);
type Insight = { id: string; conversation_id: string; status: string; opened_at: number; closed_at: number | null; resolution: string | null };

beforeAll(async () => {
  x = await startXStandin({ consumerSecret: SECRET, bearerToken: 'unused', brand: BRAND });
  dir = mkdtempSync(join(tmpdir(), 'tend-routing-kill-'));
});
afterAll(async () => {
  await hubs.killAll();
  await x?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a hub with routing SIGKILLed after a rule change and an insight close', () => {
  it('loses nothing about insights and routing when it starts again', async () => {
    let { child, url } = await startHubProcess();
    const agent = await signIn(url, AGENT);
    const boss = await signIn(url, BOSS);

    // an answered conversation of the agent that the rule to come would match
    expect(await x.deliver(`${url}/webhooks/x`, mention('@AcmeCare my parcel arrived with a cracked box', 'pia'))).toMatchObject({ status: 200 });
    const answered = await until(async () => {
      const boot = await call(url, 'GET', '/v1/sync/bootstrap', { token: agent });
      return boot.json.conversations?.[0]?.id as string | undefined;
    }, 'the first conversation in the agent\'s queue');
    const reply = await call(url, 'POST', '/v1/mutations', { token: agent, body: { mutations: [{ id: randomUUID(), type: 'reply',
      args: { conversation_id: answered, message_id: randomUUID(), text: 'So sorry! DM us a photo please.', visibility: 'public' } }] } });
    expect(reply.json.results[0]).toMatchObject({ ok: true, value: { assigned: true } });

    const rules = await call(url, 'PUT', '/v1/routing/rules', { token: boss, body: { rules: [
      { id: 'cracked', name: 'Cracked to quality', filters: [{ field: 'keywords', op: 'any', values: ['cracked'] }], targets: [{ queue_id: 'q-quality' }] },
    ] } });
    expect(rules.status, rules.text).toBe(200);
    expect(await x.deliver(`${url}/webhooks/x`, mention('@AcmeCare the lid cracked on day one', 'quinn'))).toMatchObject({ status: 200 });
    expect(await x.deliver(`${url}/webhooks/x`, mention('@AcmeCare cracked handle again', 'rui'))).toMatchObject({ status: 200 });
    const listed = await until(async () => {
      const r = await call(url, 'GET', '/v1/routing/insights', { token: boss });
      return r.json.insights?.length === 2 ? r.json.insights as Insight[] : null;
    }, 'two insights');
    const closed = await call(url, 'POST', `/v1/routing/insights/${listed[0].id}/close`, { token: boss, body: { resolution: 'supplier batch recalled' } });
    expect(closed.status, closed.text).toBe(200);
    await kill9(child); // right after the answers: anything not stored by then is lost

    ({ child, url } = await startHubProcess());
    const boss2 = await signIn(url, BOSS);
    const after = (await call(url, 'GET', '/v1/routing/insights', { token: boss2 })).json.insights as Insight[];
    const strip = (i: Insight) => ({ id: i.id, conversation_id: i.conversation_id, status: i.status, opened_at: i.opened_at, closed_at: i.closed_at, resolution: i.resolution });
    expect(after.map(strip).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { ...strip(listed[0]), status: 'closed', closed_at: closed.json.insight.closed_at, resolution: 'supplier batch recalled' },
      strip(listed[1]),
    ].sort((a, b) => a.id.localeCompare(b.id)));
    // the answered conversation is still the agent's, in the agent's scope
    const agent2 = await signIn(url, AGENT);
    const boot = await call(url, 'GET', '/v1/sync/bootstrap', { token: agent2 });
    expect(boot.json.conversations.find((c: { id: string }) => c.id === answered)).toMatchObject({ assignee_id: expect.any(String), status: 'open' });
    // and routing did not move it afterwards either (the next routing pass is what moved it before)
    expect((await call(url, 'GET', '/v1/routing/insights', { token: boss2 })).json.insights).toHaveLength(2);
    await kill9(child);
  });
});
