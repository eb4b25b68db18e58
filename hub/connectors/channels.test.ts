/**
 * Channels connected in the app (issue 12) through the admin endpoints: the secrets are stored sealed
 * (never in clear in the database, the key in a 0600 file of the data dir, never in the database) and
 * never answered again; the webhooks, the outbound registry and the feed poller use a channel the
 * moment it is saved, and stop when it is deleted, without a restart; environment variables win;
 * bad input changes nothing; health shows deliveries and refusals by reason.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { createAgent } from '../accounts/admin';
import { loadConnectorConfig } from './config';
import { xSignature } from './signatures';
import { xTweetCreatePayload } from './standins/x';
import { SecretBox } from './secret-box';

let db: Db;
let hub: Hub;
let w: World;
let admin: string, boss: string;
let dataDir: string;
let feedServer: Server;
let feedUrl: string;

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Reviews</title>
<item><guid>r-1</guid><title>Broken on arrival</title><description>The kettle leaked on day one.</description><pubDate>Mon, 07 Dec 2026 07:00:00 GMT</pubDate></item>
<item><title>No id at all</title></item>
</channel></rss>`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tend-channels-'));
  feedServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED));
  await new Promise<void>((ok) => feedServer.listen(0, '127.0.0.1', () => ok()));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as { port: number }).port}/reviews.xml`;
  db = await openTestDb('channels');
  hub = await startHub({ database: db, outbound: { dispatcher: false }, channels: loadConnectorConfig({}) });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'root@test.tend', name: 'Root', password: PASSWORD, role: 'admin' });
  [admin, boss] = await Promise.all([login(hub.url, 'root@test.tend'), login(hub.url, w.emails.supervisor)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
  feedServer?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (token: string, method: string, path: string, body?: unknown) => call(hub.url, method, path, { token, body });
const deliverX = (payload: unknown, secret: string) => {
  const raw = JSON.stringify(payload);
  return fetch(`${hub.url}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(raw, secret) }, body: raw });
};
const mention = (text: string) => xTweetCreatePayload('3001969357', [{ id: String(Date.now()), text, user: { id: '42', screen_name: 'kim', name: 'Kim' } }]);

describe('the secret box', () => {
  it('creates its key file 0600 in the data dir once, and opens only what it sealed', () => {
    const box = SecretBox.open({ env: {}, dataDir });
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    const sealed = box.seal({ token: 'abc-secret-1234' });
    expect(sealed).not.toContain('abc-secret');
    expect(SecretBox.open({ env: {}, dataDir }).open(sealed)).toEqual({ token: 'abc-secret-1234' });
    const other = SecretBox.open({ env: { TEND_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') } });
    expect(() => other.open(sealed)).toThrow(/another key/);
    expect(() => SecretBox.open({ env: { TEND_SECRETS_KEY: 'short' } })).toThrow(/32 bytes/);
  });
});

describe('channels connected in the app', () => {
  it('an X account listens at once; its secrets are sealed in the database and answered only as set / last 4', async () => {
    // nothing connected: the X webhook says so
    expect((await deliverX(mention('hello?'), 'cs-0000-x-secret')).status).toBe(404);
    const made = await api(admin, 'POST', '/v1/admin/channels', {
      kind: 'x', name: 'Acme Care', account_id: '3001969357', handle: '@AcmeCare',
      secrets: { consumer_secret: 'cs-0000-x-secret', bearer_token: 'bt-1111-x-token' },
    });
    expect(made.status, made.text).toBe(200);
    expect(made.json.channel).toMatchObject({ kind: 'x', name: 'Acme Care', active: true, settings: { account_id: '3001969357', handle: 'AcmeCare' },
      secrets: { consumer_secret: { set: true, last4: 'cret' }, bearer_token: { set: true, last4: 'oken' } } });
    expect(made.text).not.toContain('cs-0000');
    const [row] = await db.query<{ secrets: string; settings: unknown }>('SELECT secrets, settings FROM channel_connections WHERE id = $1', [made.json.channel.id]);
    expect(row!.secrets).not.toContain('cs-0000');
    expect(JSON.stringify(row)).not.toContain('bt-1111');

    const r = await deliverX(mention('my order never came'), 'cs-0000-x-secret');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { stored: number }).stored).toBe(1);
    // a delivery signed with another secret is refused and counted on the channel
    expect((await deliverX(mention('forged'), 'not-the-secret')).status).toBe(401);
    expect(hub.connectors.get('x')?.channel).toBe('x');

    const list = await api(admin, 'GET', '/v1/admin/channels');
    const x = list.json.channels.find((c: { id: string }) => c.id === made.json.channel.id);
    expect(x.health.stored).toBe(1);
    expect(x.health.last_delivery_at).not.toBeNull();
    expect(x.health.refused).toEqual({ '401 bad_signature': 1 });
    expect(x.health.last_error.message).toMatch(/bad_signature/);
    expect(list.json.key_source).toMatch(/secrets|key/);
    expect(list.text).not.toContain('bt-1111');
  });

  it('an edit that leaves a secret out keeps it; bad input and supervisors change nothing', async () => {
    const [x] = (await api(admin, 'GET', '/v1/admin/channels')).json.channels;
    const kept = await api(admin, 'PUT', `/v1/admin/channels/${x.id}`, { kind: 'x', name: 'Acme Support', account_id: '3001969357', handle: 'AcmeCare', secrets: {} });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.channel.secrets.consumer_secret).toEqual({ set: true, last4: 'cret' });
    expect((await deliverX(mention('still listening?'), 'cs-0000-x-secret')).status).toBe(200);

    const before = await db.query('SELECT * FROM channel_connections ORDER BY id');
    expect((await api(admin, 'POST', '/v1/admin/channels', { kind: 'x', name: 'Second', account_id: '1', handle: 'two', secrets: { consumer_secret: 'abcdefgh' } })).json.error.code).toBe('one_x_account');
    expect((await api(admin, 'POST', '/v1/admin/channels', { kind: 'facebook', name: 'Page', account_id: '123', secrets: { app_secret: 'abcdefgh' } })).json.error.message).toMatch(/verify token, access token/);
    expect((await api(admin, 'POST', '/v1/admin/channels', { kind: 'facebook', name: 'Page', account_id: 'acme', secrets: {} })).status).toBe(400);
    expect((await api(admin, 'POST', '/v1/admin/channels', { kind: 'feed', name: 'Feed', url: 'ftp://x', channel: 'review' })).status).toBe(400);
    expect((await api(admin, 'PUT', `/v1/admin/channels/${x.id}`, { kind: 'feed', name: 'Feed', url: 'https://e.com/f', channel: 'review' })).status).toBe(400);
    expect((await api(boss, 'POST', '/v1/admin/channels', { kind: 'feed', name: 'Feed', url: 'https://e.com/f', channel: 'review' })).status).toBe(403);
    expect(await db.query('SELECT * FROM channel_connections ORDER BY id')).toEqual(before);
  });

  it('a feed is polled from the moment it is saved; skipped items show with their reason', async () => {
    const made = await api(admin, 'POST', '/v1/admin/channels', { kind: 'feed', name: 'Kettle reviews', url: feedUrl, channel: 'review', interval_minutes: 60 });
    expect(made.status, made.text).toBe(200);
    await expect.poll(async () => (await db.query('SELECT 1 FROM messages WHERE text LIKE $1', ['%kettle leaked%'])).length).toBe(1);
    const polled = await api(admin, 'POST', `/v1/admin/channels/${made.json.channel.id}/test`);
    expect(polled.json).toMatchObject({ ok: true });
    const feed = (await api(admin, 'GET', '/v1/admin/channels')).json.channels.find((c: { id: string }) => c.id === made.json.channel.id);
    expect(feed.health.stored).toBe(1);
    expect(Object.keys(feed.health.refused)[0]).toMatch(/skipped: item has no guid/);
    // the test post through the stand-in is the demo's
    const [x] = (await api(admin, 'GET', '/v1/admin/channels')).json.channels;
    expect((await api(admin, 'POST', `/v1/admin/channels/${x.id}/test`)).json.error.code).toBe('demo_only');
  });

  it('deleting the X account stops its webhook and takes its outbound connector out, without a restart', async () => {
    const [x] = (await api(admin, 'GET', '/v1/admin/channels')).json.channels;
    expect((await api(admin, 'DELETE', `/v1/admin/channels/${x.id}`)).status).toBe(200);
    expect((await deliverX(mention('anyone?'), 'cs-0000-x-secret')).status).toBe(404);
    expect(hub.connectors.get('x')?.channel ?? null).not.toBe('x');
    expect((await api(admin, 'GET', '/v1/admin/checklist')).json.items.find((i: { id: string }) => i.id === 'channel').done).toBe(true);
    // every change is in the audit log, naming which secrets changed, never their values
    const audit = await db.query<{ action: string; details: unknown }>(`SELECT action, details FROM audit_log WHERE action LIKE 'channel.%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['channel.connected', 'channel.changed', 'channel.connected', 'channel.disconnected']);
    expect(JSON.stringify(audit)).toContain('consumer_secret');
    expect(JSON.stringify(audit)).not.toMatch(/cs-0000|bt-1111/);
  });
});

describe('environment variables win', () => {
  it('a stored X account is shown inactive while TEND_X_* are set, and the environment is listed', async () => {
    const envHub = await startHub({ database: db, outbound: { dispatcher: false }, channels: loadConnectorConfig({ TEND_X_CONSUMER_SECRET: 'env-secret-9999', TEND_X_BEARER_TOKEN: 'env-token' }) });
    try {
      const token = await login(envHub.url, 'root@test.tend');
      const made = await call(envHub.url, 'POST', '/v1/admin/channels', { token, body: { kind: 'x', name: 'Acme X', account_id: '3001969357', handle: 'AcmeCare', secrets: { consumer_secret: 'app-secret-1' } } });
      expect(made.json.channel.active).toBe(false);
      expect(made.json.channel.inactive_reason).toMatch(/TEND_X_.*win/);
      const list = await call(envHub.url, 'GET', '/v1/admin/channels', { token });
      expect(list.json.environment[0]).toMatchObject({ kind: 'x', variables: ['TEND_X_CONSUMER_SECRET', 'TEND_X_BEARER_TOKEN'] });
      expect(list.text).not.toContain('env-secret');
      // the hub checks deliveries with the environment's secret, not the stored one
      const raw = JSON.stringify(mention('env wins'));
      const signed = (secret: string) => fetch(`${envHub.url}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(raw, secret) }, body: raw });
      expect((await signed('app-secret-1')).status).toBe(401);
      expect((await signed('env-secret-9999')).status).toBe(200);
    } finally {
      await envHub.close();
    }
  });
});

describe('the key across restarts', () => {
  it('a hub restarted with the same key uses the stored secrets; with another key it says so, starts all the same, and takes them again', async () => {
    const before = process.env.TEND_SECRETS_KEY;
    const start = async (key: string) => {
      process.env.TEND_SECRETS_KEY = key;
      const h = await startHub({ database: db, outbound: { dispatcher: false }, channels: loadConnectorConfig({}) });
      return { h, token: await login(h.url, 'root@test.tend') };
    };
    const signed = (url: string, secret: string) => {
      const raw = JSON.stringify(mention(`restart check ${Math.random()}`));
      return fetch(`${url}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature(raw, secret) }, body: raw });
    };
    const x = { kind: 'x', name: 'Acme Restart', account_id: '3001969357', handle: 'AcmeCare' };
    // the environment test's X account (stored while TEND_X_* won) goes first: one X account per hub
    await db.query(`DELETE FROM channel_connections WHERE kind = 'x'`);
    try {
      const a = await start(Buffer.alloc(32, 1).toString('base64'));
      const made = await call(a.h.url, 'POST', '/v1/admin/channels', { token: a.token, body: { ...x, secrets: { consumer_secret: 'restart-secret-1' } } });
      expect(made.status, made.text).toBe(200);
      await a.h.close();

      const b = await start(Buffer.alloc(32, 1).toString('base64'));
      expect((await signed(b.h.url, 'restart-secret-1')).status).toBe(200);
      const health = async (h: Hub, token: string) => (await call(h.url, 'GET', '/v1/admin/channels', { token })).json.channels.find((ch: { name: string }) => ch.name === 'Acme Restart').health;
      const seen = await health(b.h, b.token);
      expect(seen).toMatchObject({ last_delivery_at: expect.any(String), stored: 1 });
      await b.h.close();
      const restartedAfter = new Date().toISOString();

      const c = await start(Buffer.alloc(32, 2).toString('base64'));
      try {
        const [shown] = (await call(c.h.url, 'GET', '/v1/admin/channels', { token: c.token })).json.channels.filter((ch: { name: string }) => ch.name === 'Acme Restart');
        expect(shown).toMatchObject({ active: false, inactive_reason: expect.stringMatching(/sealed with another key/) });
        // health is the running hub's: after the restart it says since when it counts, not that nothing ever came
        expect(shown.health).toMatchObject({ last_delivery_at: null, stored: 0 });
        expect(shown.health.counted_since > restartedAfter).toBe(true);
        expect(seen.counted_since < restartedAfter).toBe(true);
        expect((await signed(c.h.url, 'restart-secret-1')).status).toBe(404);
        // entered again, it is sealed with this hub's key and used at once
        const again = await call(c.h.url, 'PUT', `/v1/admin/channels/${shown.id}`, { token: c.token, body: { ...x, secrets: { consumer_secret: 'restart-secret-2' } } });
        expect(again.json.channel.active).toBe(true);
        expect((await signed(c.h.url, 'restart-secret-2')).status).toBe(200);
        await call(c.h.url, 'DELETE', `/v1/admin/channels/${shown.id}`, { token: c.token });
      } finally {
        await c.h.close();
      }
    } finally {
      if (before === undefined) delete process.env.TEND_SECRETS_KEY; else process.env.TEND_SECRETS_KEY = before;
    }
  });
});
