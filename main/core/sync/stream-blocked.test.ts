/**
 * A desk behind a proxy that passes HTTP and refuses every WebSocket (common in contact centres): the
 * desktop works over HTTP, shows Online, and the failing stream does not turn into a storm of calls —
 * each failed attempt may check the hub once, at the pace of the stream's backoff, never faster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalDesktopService } from '../core';
import { request } from '../service';
import { startWorld, type World } from '../../../testing/desktop/hub-harness';

let world: World;
let proxy: Server;
let proxyUrl: string;
const seen: string[] = [];
let upgrades = 0;

beforeAll(async () => {
  world = await startWorld();
  const hub = new URL(world.hub.url);
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${new URL(req.url!, 'http://x').pathname}`);
    const up = httpRequest({ host: hub.hostname, port: hub.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  // the proxy drops every WebSocket upgrade
  proxy.on('upgrade', (_req, socket) => { upgrades++; socket.destroy(); });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await world?.close();
});

it('WebSockets refused: the desk stays online over HTTP, and the failing stream does not turn into a storm of calls', async () => {
  const t = await world.tenant();
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-blocked-'));
  // short backoff, no polling: every call after sign-in comes from the stream's attempts
  const core = new LocalDesktopService({ dataDir: dir, sync: { pollMs: 3_600_000, backoffBaseMs: 40, backoffMaxMs: 300 } });
  try {
    await request(core, 'session.login', { hub_url: proxyUrl, email: t.emails.me, password: t.password });
    await core.engine.syncNow();
    expect(core.engine.online).toBe(true);
    const from = seen.length;
    const upgradesFrom = upgrades;
    await new Promise((r) => setTimeout(r, 2_500));
    const pulls = seen.slice(from).filter((s) => s === 'GET /v1/sync/changes').length;
    const attempts = upgrades - upgradesFrom;
    expect(attempts).toBeGreaterThan(0); // it keeps trying the stream
    // At most one check per failed attempt of the sync stream, whose delays (40 ms doubling to 300 ms, half of each
    // random) allow about 20 attempts in 2.5 s. Nudging the stream after every successful call made it a storm:
    // ~100 pulls in the same window on a loaded machine (each pull's success retried the stream at once, each
    // failure kicked a pull).
    expect(pulls).toBeLessThanOrEqual(25);
    expect(core.engine.online).toBe(true);
    // and work still flows over HTTP: a new post in the agent's queue arrives with a sync
    const p = await t.post({ handle: '@blocked', text: 'the app will not open' });
    await core.engine.syncNow();
    expect(core.db.prepare('SELECT 1 FROM conversations WHERE id = ?').pluck().get(p.conversation_id)).toBe(1);
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
