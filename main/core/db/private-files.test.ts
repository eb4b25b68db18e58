import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CACHE_FILE, openCache } from './open';
import { writePrivateFile } from './private-files';

const mode = (p: string) => statSync(p).mode & 0o777;
const posix = process.platform !== 'win32';
const initialUmask = process.umask();
afterEach(() => { process.umask(initialUmask); });

/** Opens the cache, writes a row (so SQLite creates its -wal and -shm), and leaves it open for the caller. */
function openAndWrite(dir: string) {
  const db = openCache(dir);
  db.prepare('INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)').run('k', '1');
  return db;
}

describe.runIf(posix)('the desktop data folder is private whatever the umask', () => {
  for (const umask of [0o000, 0o002, 0o022]) {
    it(`umask ${umask.toString(8).padStart(3, '0')}: folder 0700; cache.sqlite, -wal and -shm 0600`, () => {
      process.umask(umask);
      const dir = join(mkdtempSync(join(tmpdir(), 'tend-modes-')), 'profile', 'desktop');
      const db = openAndWrite(dir);
      try {
        expect(mode(dir)).toBe(0o700);
        for (const f of [CACHE_FILE, `${CACHE_FILE}-wal`, `${CACHE_FILE}-shm`]) expect(mode(join(dir, f)), f).toBe(0o600);
      } finally { db.close(); }
      writePrivateFile(join(dir, 'token'), 'secret');
      expect(mode(join(dir, 'token'))).toBe(0o600);
    });
  }

  it('tightens a folder and files an older version left readable (0755, 0644)', () => {
    process.umask(0o022);
    const dir = mkdtempSync(join(tmpdir(), 'tend-modes-'));
    chmodSync(dir, 0o755);
    openAndWrite(dir).close();
    for (const f of [CACHE_FILE, `${CACHE_FILE}-wal`, `${CACHE_FILE}-shm`]) if (existsSync(join(dir, f))) chmodSync(join(dir, f), 0o644);
    const db = openAndWrite(dir);
    try {
      expect(mode(dir)).toBe(0o700);
      for (const f of readdirSync(dir)) expect(mode(join(dir, f)), f).toBe(0o600);
    } finally { db.close(); }
  });

  it('refuses, with a clear message, a folder others can write, and writes nothing in it', () => {
    for (const m of [0o777, 0o770, 0o703]) {
      const dir = mkdtempSync(join(tmpdir(), 'tend-modes-'));
      chmodSync(dir, m);
      expect(() => openCache(dir), m.toString(8)).toThrow(`other users can write to it (mode 0${m.toString(8)})`);
      expect(() => openCache(dir)).toThrow(`chmod 700 '${dir}'`);
      expect(readdirSync(dir)).toEqual([]);
      expect(mode(dir)).toBe(m);
    }
  });

  it('refuses a data "folder" that is a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tend-modes-')), 'x');
    writeFileSync(file, '');
    expect(() => openCache(file)).toThrow('it is not a folder');
  });
});

describe('the SQLite binding', () => {
  it('loads the one named by nativeBinding (under Electron, a binding built for its ABI)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tend-binding-'));
    const missing = join(dir, 'electron-binding', 'better_sqlite3.node');
    expect(() => openCache(join(dir, 'a'), { nativeBinding: missing })).toThrow(`the SQLite binding ${missing} cannot be loaded`);
    // node_modules' own addon, named explicitly, opens the cache as the default does
    const require = createRequire(import.meta.url);
    const own = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const db = openCache(join(dir, 'b'), { nativeBinding: own });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
