/**
 * The keymap and canned responses follow the person (issue 12): two people on one desktop each
 * get their own keys; a remap made on one desktop is there on another; a remap made offline
 * reaches the hub at the next sign-in; canned responses still expand offline from the cache.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { startWorld, type Tenant, type World } from '../../testing/desktop/hub-harness';

let world: World;
let t: Tenant;
beforeAll(async () => { world = await startWorld(); t = await world.tenant(); });
afterAll(async () => { await world?.close(); });

const desktop = () => new LocalDesktopService({ dataDir: mkdtempSync(path.join(tmpdir(), 'tend-agentset-')), sync: { live: false, backoffBaseMs: 60_000 } });
const signIn = (core: LocalDesktopService, email: string, hub = world.hub.url) => core.handle('session.login', { hub_url: hub, email, password: t.password });
const keymap = async (core: LocalDesktopService) => (await core.handle('settings.get', { key: 'keymap' })).value;

describe('settings that belong to the person', () => {
  it("a supervisor signing in after an agent on the same desktop gets their own keys, not the agent's; the agent's follow them to another desktop", async () => {
    const shared = desktop();
    await signIn(shared, t.emails.me);
    await shared.handle('settings.set', { key: 'keymap', value: { 'nav.next': ['n'] } });
    await shared.handle('settings.set', { key: 'theme', value: 'dark' }); // the desktop's own: stays with the desktop
    await shared.handle('session.logout', {});
    await signIn(shared, t.emails.other);
    expect(await keymap(shared)).toBeNull();
    expect((await shared.handle('settings.get', { key: 'theme' })).value).toBe('dark');
    await shared.close();

    const second = desktop();
    await signIn(second, t.emails.me);
    expect(await keymap(second)).toEqual({ 'nav.next': ['n'] });
    await second.close();
  });

  it('a remap made while the hub is away is kept, and reaches the hub at the next sign-in', async () => {
    const core = desktop();
    await signIn(core, t.emails.me);
    // the hub moves away: the session now points at a closed port
    const away = 'http://127.0.0.1:9';
    core.applier.meta.set('session', { hub_url: away, token: core.applier.meta.get('session')!.token });
    await core.handle('settings.set', { key: 'keymap', value: { 'nav.next': ['m'] } });
    expect(await keymap(core)).toEqual({ 'nav.next': ['m'] });
    // canned responses: read from the cache while away
    core.applier.meta.set('session', { hub_url: world.hub.url, token: core.applier.meta.get('session')!.token });
    const online = await core.handle('canned.list', {});
    expect(online.offline).toBe(false);
    expect(online.canned.map((c) => c.shortcode)).toContain('thanks');
    core.applier.meta.set('session', { hub_url: away, token: core.applier.meta.get('session')!.token });
    const offline = await core.handle('canned.list', {});
    expect(offline).toEqual({ canned: online.canned, offline: true });

    // signing in again (the hub is back): the pending remap goes up first and is not overwritten
    await signIn(core, t.emails.me);
    expect(await keymap(core)).toEqual({ 'nav.next': ['m'] });
    await core.close();
    const other = desktop();
    await signIn(other, t.emails.me);
    expect(await keymap(other)).toEqual({ 'nav.next': ['m'] });
    await other.close();
  });
});
