/**
 * The connectors plugged into the hub's own Ingestor (PostgreSQL via PGlite, or TEST_DATABASE_URL):
 * what the in-memory Ingestor shows elsewhere holds with the real one — one message per event,
 * nothing stored from bad deliveries, brand replies to unknown posts reported, never a 5xx.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { ChangeLog } from '../sync/changelog';
import { seedWorld, type World } from '../../testing/hub/fixtures';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { importFile } from './import/index';
import { messagingPayload } from './standins/meta';
import { xDirectMessagePayload, xTweetCreatePayload } from './standins/x';
import { registerWebhooks } from './webhooks';
import type { Loose } from '../../testing/json';

const X_SECRET = 'hub-x-secret';
const META_SECRET = 'hub-meta-secret';
const BRAND = { id: '3001969357', screen_name: 'AcmeCare', name: 'Acme' };
const JANE = { id: '6253282', screen_name: 'janedoe', name: 'Jane', followers_count: 5000, verified: false, location: 'Oslo' };
const xSign = (raw: string) => ({ 'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', X_SECRET).update(raw).digest('base64') });
const metaSign = (raw: string) => ({ 'x-hub-signature-256': 'sha256=' + createHmac('sha256', META_SECRET).update(raw).digest('hex') });

let db: Db;
let log: ChangeLog;
let w: World;
let app: FastifyInstance;

const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const send = (url: string, payload: unknown, sign: (raw: string) => Record<string, string>) => {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return app.inject({ method: 'POST', url, payload: raw, headers: { 'content-type': 'application/json', ...sign(raw) } });
};

beforeAll(async () => {
  db = await openTestDb('connectors');
  log = new ChangeLog(db);
  app = Fastify();
  await app.register(registerWebhooks, { ingestor: { ingest: (p) => w.ingestor.ingest(p) }, log: () => {}, config: { xConsumerSecret: X_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'v', accountNames: { [BRAND.id]: 'AcmeCare' } } });
  await app.ready();
});
afterAll(async () => { await app?.close(); await db?.close(); });
beforeEach(async () => {
  await truncateAll(db);
  w = await seedWorld(log);
});

describe('webhooks into the hub Ingestor', () => {
  it('a mention, the brand reply and a redelivery: two messages in one conversation', async () => {
    const mention = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000001', text: '@AcmeCare my parcel is lost', user: JANE }]);
    const reply = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000002', text: '@janedoe sorry!', user: BRAND, in_reply_to: '1850000000000000001' }]);
    expect((await send('/webhooks/x', mention, xSign)).json()).toMatchObject({ stored: 1 });
    expect((await send('/webhooks/x', reply, xSign)).json()).toMatchObject({ stored: 1 });
    expect((await send('/webhooks/x', mention, xSign)).json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count('messages')).toBe(2);
    expect(await count('conversations')).toBe(1);
    const [m] = await db.query<{ direction: string; author_id: string }>(`SELECT direction, author_id FROM messages WHERE platform_id = '1850000000000000001'`);
    expect(m).toMatchObject({ direction: 'inbound', author_id: 'janedoe' });
  });

  it('unsigned, mis-signed and malformed deliveries store nothing', async () => {
    const mention = JSON.stringify(xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000003', text: 'hi', user: JANE }]));
    expect((await send('/webhooks/x', mention, () => ({}))).statusCode).toBe(401);
    expect((await send('/webhooks/x', mention, (raw) => xSign(raw + ' '))).statusCode).toBe(401);
    expect((await send('/webhooks/x', mention.slice(0, -2), xSign)).statusCode).toBe(400);
    expect(await count('messages')).toBe(0);
  });

  it('a brand tweet answering nothing known is reported, not a 500', async () => {
    const broadcast = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000009', text: 'Our new store opens today', user: BRAND }]);
    const res = await send('/webhooks/x', broadcast, xSign);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stored: 0, rejected: [{ platform_id: '1850000000000000009' }] });
    expect(await count('messages')).toBe(0);
  });

  it('direct messages and Messenger messages thread by participant', async () => {
    await send('/webhooks/x', xDirectMessagePayload(BRAND.id, [{ id: '9001', text: 'charged twice', sender: JANE, recipient: BRAND }]), xSign);
    await send('/webhooks/x', xDirectMessagePayload(BRAND.id, [{ id: '9002', text: 'order 5531', sender: JANE, recipient: BRAND }]), xSign);
    await send('/webhooks/meta', messagingPayload('page', '1234567890123', { mid: 'm_1', senderId: '6789012345', text: 'hello' }), metaSign);
    await send('/webhooks/meta', messagingPayload('page', '1234567890123', { mid: 'm_2', senderId: '6789012345', text: 'anyone?' }), metaSign);
    expect(await count('messages')).toBe(4);
    expect(await count('conversations')).toBe(2);
  });

  it('300 mutated deliveries: never a 5xx, nothing stored from a refused one', async () => {
    const seed = xTweetCreatePayload(BRAND.id, [{ id: '1850000000000000100', text: '@AcmeCare where is it', user: JANE }]);
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.nat(), async (value, a, b) => {
      const ev: Loose = structuredClone(seed.tweet_create_events[0]);
      const keys = ['id_str', 'text', 'created_at', 'in_reply_to_status_id_str', 'user'];
      const key = keys[a % keys.length];
      ev[key] = b % 3 === 0 ? value : b % 3 === 1 && typeof ev[key] === 'string' ? `${ev[key]}\u0000` : JSON.stringify(value);
      ev.id_str = b % 2 ? String(1850000000000000200n + BigInt(a)) : ev.id_str;
      const before = await count('messages');
      const res = await send('/webhooks/x', { for_user_id: BRAND.id, tweet_create_events: [ev] }, xSign);
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode !== 200 || res.json().stored === 0) expect(await count('messages')).toBe(before);
    }), { numRuns: 300, seed: 4 });
  });
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = [resolve(repoRoot, '../shared/data'), '/work/shared/data'].find((d) => existsSync(join(d, 'twcs_kaggle_sample.csv')));

describe.skipIf(!DATA)('TWCS import into the hub Ingestor', () => {
  it('stores the sample, reports the brand replies whose customer tweet is not in the file, and stores nothing twice', async () => {
    const file = join(DATA!, 'twcs_kaggle_sample.csv');
    const first = await importFile(file, w.ingestor);
    expect(first.imported + first.skipped.length).toBe(93);
    expect(first.skipped.length).toBeGreaterThanOrEqual(2); // two threads start with a brand reply
    for (const s of first.skipped) expect(s.reason).toMatch(/answers no known post/);
    expect(await count('messages')).toBe(first.imported);
    const second = await importFile(file, w.ingestor);
    expect(second.imported).toBe(0);
    expect(await count('messages')).toBe(first.imported);
  });
});
