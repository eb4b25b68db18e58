import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { CACHE_FILE, openCache } from './db/open';
import { startWorld, type World } from '../../testing/desktop/hub-harness';
import { FileTokenStore, TOKEN_FILE } from './session-token';
import { request } from './service';

const posix = process.platform !== 'win32';
const key = () => randomBytes(32).toString('base64');

/** Every byte the desktop keeps in its folder, to look for the token in. */
function folderBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))));
}

let world: World;
beforeAll(async () => { world = await startWorld(); });
afterAll(async () => { await world?.close(); });

async function signedIn(dir: string, protection?: ConstructorParameters<typeof FileTokenStore>[1]) {
  const t = await world.tenant();
  const core = new LocalDesktopService({ dataDir: dir, tokenProtection: protection, sync: { live: false, backoffBaseMs: 60_000 } });
  await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.idle();
  return core;
}

describe('the session token at rest', () => {
  it('web host: kept out of the cache, in a 0600 file, said so, and removed on sign-out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tend-token-'));
    const core = await signedIn(dir);
    const token = core.applier.meta.get('session')!.token;
    expect(token.length).toBeGreaterThan(10);
    const file = path.join(dir, TOKEN_FILE);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(token);
    // not in the database, its WAL or anything else but the token file
    const cacheBytes = Buffer.concat([CACHE_FILE, `${CACHE_FILE}-wal`].filter((f) => existsSync(path.join(dir, f))).map((f) => readFileSync(path.join(dir, f))));
    expect(cacheBytes.includes(token)).toBe(false);
    expect(core.status().token_storage).toMatchObject({ encrypted: false, detail: expect.stringContaining('unencrypted in a file only your user can read (mode 0600') });

    await request(core, 'session.logout', {});
    expect(existsSync(file)).toBe(false);
    expect(folderBytes(dir).includes(token)).toBe(false);
    await core.close();
  });

  it('Electron with a secret store: encrypted with the key safeStorage keeps; a restart continues the session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tend-token-'));
    const k = key();
    const core = await signedIn(dir, { key: k, keyStore: 'the system keychain (Electron safeStorage)' });
    const token = core.applier.meta.get('session')!.token;
    expect(core.status().token_storage).toMatchObject({ encrypted: true, detail: expect.stringContaining('the system keychain') });
    await core.close();
    expect(folderBytes(dir).includes(token)).toBe(false);
    expect(folderBytes(dir).includes(Buffer.from(token).toString('base64'))).toBe(false);

    const again = new LocalDesktopService({ dataDir: dir, tokenProtection: { key: k, keyStore: 'x' }, sync: { live: false, backoffBaseMs: 60_000 } });
    expect(again.status().logged_in).toBe(true);
    expect(again.applier.meta.get('session')!.token).toBe(token);
    await again.close();
    // another key (the keychain was reset) cannot read it: signed out, not an error
    const otherKey = new LocalDesktopService({ dataDir: dir, tokenProtection: { key: key(), keyStore: 'x' }, sync: { live: false } });
    expect(otherKey.status().logged_in).toBe(false);
    await otherKey.close();
  });

  it('a cache from before moves its token out, and the old bytes are gone from the files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tend-token-'));
    openCache(dir).close();
    // what versions before issue 11 wrote: the token inside the meta row
    const legacyToken = `legacy-${randomBytes(16).toString('hex')}`;
    const raw = new Database(path.join(dir, CACHE_FILE));
    raw.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('session', JSON.stringify({ hub_url: world.hub.url, token: legacyToken }));
    raw.close();
    expect(folderBytes(dir).includes(legacyToken)).toBe(true);

    const core = new LocalDesktopService({ dataDir: dir, tokenProtection: { key: key(), keyStore: 'x' }, sync: { live: false, backoffBaseMs: 60_000 } });
    expect(core.applier.meta.get('session')).toEqual({ hub_url: world.hub.url, token: legacyToken });
    // while the desktop runs, not only once it has closed (closing checkpoints the WAL anyway)
    expect(folderBytes(dir).includes(legacyToken)).toBe(false);
    await core.close();
    expect(folderBytes(dir).includes(legacyToken)).toBe(false);
  });

  it('a plain token file written by the web host is encrypted once a key is there', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tend-token-'));
    new FileTokenStore(dir).save('tok-123');
    const k = key();
    expect(new FileTokenStore(dir, { key: k, keyStore: 'x' }).load()).toBe('tok-123');
    expect(readFileSync(path.join(dir, TOKEN_FILE), 'utf8')).not.toContain('tok-123');
    expect(new FileTokenStore(dir, { key: k, keyStore: 'x' }).load()).toBe('tok-123');
    expect(new FileTokenStore(dir).load()).toBeNull();
  });
});
