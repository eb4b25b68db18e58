/**
 * The desktop's side of sessions that end (issue 11, item 2): signing out ends the session on the
 * hub before the token is forgotten here; a session the hub ended (an admin revoked it, the agent
 * was disabled) brings the desktop back to the sign-in screen with its cache, drafts and outbox kept;
 * signing out without a hub still signs out here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { startWorld, type World } from '../../testing/desktop/hub-harness';

/** The hub's answer to GET /v1/me with this token. */
const meStatus = async (token: string) => (await fetch(`${world.hub.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;

let world: World;
beforeAll(async () => { world = await startWorld(); });
afterAll(async () => { await world?.close(); });

async function signedIn(live: boolean) {
  const t = await world.tenant();
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-signout-'));
  const core = new LocalDesktopService({ dataDir: dir, sync: { live, backoffBaseMs: 20, backoffMaxMs: 200 } });
  await core.handle('session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.idle();
  return { core, t, token: core.applier.meta.get('session')!.token };
}

/** Resolves when the core's session status matches. */
function statusWhere(core: LocalDesktopService, pred: (s: ReturnType<LocalDesktopService['status']>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (pred(core.status())) { resolve(); return; }
    const off = core.on('session.changed', (s) => { if (pred(s)) { off(); resolve(); } });
  });
}

describe('signing out', () => {
  it('ends the session on the hub (the token answers 401 there), then wipes the cache', async () => {
    const { core, token } = await signedIn(false);
    expect(await meStatus(token)).toBe(200);
    await core.handle('session.logout', {});
    expect(await meStatus(token)).toBe(401);
    expect(core.status().logged_in).toBe(false);
    await core.close();
  });

  it('without the hub it still signs out here (the hub ends the session at its idle limit)', async () => {
    const t = await world.tenant();
    const dir = mkdtempSync(path.join(tmpdir(), 'tend-signout-'));
    const core = new LocalDesktopService({ dataDir: dir, sync: { live: false, backoffBaseMs: 60_000 } });
    await core.handle('session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
    await core.engine.idle();
    // the hub is gone: point the stored session at a closed port
    const session = core.applier.meta.get('session')!;
    core.applier.meta.set('session', { ...session, hub_url: 'http://127.0.0.1:9' });
    await core.handle('session.logout', {});
    expect(core.status().logged_in).toBe(false);
    await core.close();
  });
});

describe('a session the hub ended', () => {
  it('an admin revoking it brings the live desktop back to sign-in at once, with its cache kept', async () => {
    const { core, t } = await signedIn(true);
    await statusWhere(core, (s) => s.online);
    const cached = core.db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number };
    // an admin revokes every session of the agent (what POST /v1/admin/agents/:id/sessions/revoke does)
    const r = await world.hub.accounts.sessions.revoke(world.hub.db, { agentId: t.agents.me }, 'revoked by an admin');
    expect(r.streamsClosed).toBeGreaterThanOrEqual(1);
    await statusWhere(core, (s) => !s.logged_in);
    expect((core.db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n).toBe(cached.n);
    await core.close();
  });
});
