import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFeedStateStore } from '../connectors/feeds/poller';
import { openDb, type Db } from './db';
import { ensurePrivateDataDir, tightenTree } from './private-files';

const posix = process.platform !== 'win32';
const mode = (p: string) => statSync(p).mode & 0o777;
const initialUmask = process.umask();
afterEach(() => { process.umask(initialUmask); });

/** Every entry under dir whose mode is not 0700 (folders) / 0600 (files), and how many entries there are. */
function looseEntries(dir: string): { loose: string[]; count: number } {
  const loose: string[] = [];
  let count = 0;
  const walk = (p: string) => {
    const st = lstatSync(p);
    count++;
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) loose.push(`${p.slice(dir.length) || '/'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return { loose, count };
}

describe.runIf(posix)('the hub data dir is private whatever the umask', () => {
  let db: Db | null = null;
  afterAll(async () => { await db?.close(); });

  it('a fresh PGlite data dir under umask 000: the dir and its folders 0700, every file (password hashes included) 0600, open and closed', async () => {
    process.umask(0o000);
    const dir = join(mkdtempSync(join(tmpdir(), 'tend-hub-modes-')), 'hub');
    db = await openDb({ dataDir: dir });
    await db.exec(`CREATE TABLE secrets (hash text); INSERT INTO secrets VALUES ('scrypt$...')`);
    const open = looseEntries(dir);
    expect(open.count).toBeGreaterThan(500); // PGlite's whole cluster is checked, not a handful of files
    expect(open.loose).toEqual([]);
    await db.close();
    db = null;
    expect(looseEntries(dir).loose).toEqual([]);
  });

  it('refuses, with a clear message, a data dir others can write, and writes nothing in it', async () => {
    for (const m of [0o777, 0o770, 0o702]) {
      const dir = mkdtempSync(join(tmpdir(), 'tend-hub-modes-'));
      chmodSync(dir, m);
      await expect(openDb({ dataDir: dir }), m.toString(8)).rejects.toThrow(`other users can write to it (mode 0${m.toString(8)})`);
      await expect(openDb({ dataDir: dir })).rejects.toThrow(`chmod 700 '${dir}'`);
      expect(readdirSync(dir)).toEqual([]);
      expect(mode(dir)).toBe(m);
    }
  });

  it('refuses a data dir that is a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tend-hub-modes-')), 'hub');
    writeFileSync(file, '');
    expect(() => ensurePrivateDataDir(file)).toThrow('it is not a folder');
  });

  it('tightens a dir and files an older hub left readable (0755, 0644, 0666)', async () => {
    process.umask(0o022);
    const dir = mkdtempSync(join(tmpdir(), 'tend-hub-modes-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'base', '1'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'base', '1', '1259'), 'x', { mode: 0o666 });
    chmodSync(join(dir, 'base', '1', '1259'), 0o666);
    writeFileSync(join(dir, 'PG_VERSION'), '17', { mode: 0o644 });
    ensurePrivateDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    await tightenTree(dir);
    expect(looseEntries(dir).loose).toEqual([]);
  });

  it('feed state files are 0600 under umask 000', async () => {
    process.umask(0o000);
    const dir = join(mkdtempSync(join(tmpdir(), 'tend-hub-modes-')), 'feeds');
    const store = fileFeedStateStore(dir);
    await store.save('https://example.com/feed.xml', { etag: '"1"', lastModified: null, seen: ['a'] });
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect(mode(join(dir, f)), f).toBe(0o600);
    expect(await store.load('https://example.com/feed.xml')).toEqual({ etag: '"1"', lastModified: null, seen: ['a'] });
  });
});
