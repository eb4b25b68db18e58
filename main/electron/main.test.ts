/**
 * The Electron main process as built (esbuild, as `npm start` and electron-builder use it), started
 * under plain Node with a stand-in `electron` module (testing/fake-electron.cjs): no Electron binary
 * can be downloaded here, so this is how its start is checked. The desktop core really starts in its
 * worker thread, loading the SQLite binding from the Electron folder (.tend/native/…), with the token
 * key from (stand-in) safeStorage; IPC, links and notifications go through the real main.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode } from '../../scripts/build';
import { devBindingPath, type ElectronTarget } from './native-binding';
import type { Loose } from '../../testing/json';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FAKE_ELECTRON = fileURLToPath(new URL('./testing/fake-electron.cjs', import.meta.url));
const require = createRequire(import.meta.url);
const BS3 = dirname(require.resolve('better-sqlite3/package.json'));
// Under the repository, so the built worker finds better-sqlite3's JavaScript in node_modules.
const OUT = join(ROOT, 'dist', `main-test-${process.pid}`);

beforeAll(async () => { await buildNode(OUT); });
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

interface Report { type: string; id?: number; [k: string]: Loose }

/** A checkout as main.ts sees it: better-sqlite3's package.json and, unless told otherwise, a binding in the Electron folder. */
function checkout(withBinding: boolean): string {
  const appPath = mkdtempSync(join(tmpdir(), 'tend-electron-app-'));
  mkdirSync(join(appPath, 'node_modules', 'better-sqlite3'), { recursive: true });
  copyFileSync(join(BS3, 'package.json'), join(appPath, 'node_modules', 'better-sqlite3', 'package.json'));
  const target: ElectronTarget = { electronVersion: '45.6.1', platform: process.platform, arch: process.arch, betterSqliteVersion: require('better-sqlite3/package.json').version };
  if (withBinding) {
    // Under Node the "Electron binding" is a copy of Node's own: what matters is which file is loaded.
    mkdirSync(dirname(devBindingPath(appPath, target)), { recursive: true });
    copyFileSync(join(BS3, 'build', 'Release', 'better_sqlite3.node'), devBindingPath(appPath, target));
  }
  return appPath;
}

class MainProcess {
  readonly reports: Report[] = [];
  private waiters: Array<{ match: (r: Report) => boolean; resolve: (r: Report) => void }> = [];
  private nextId = 1;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(o: { appPath: string; userData: string; backend?: string }) {
    this.child = fork(join(OUT, 'main.cjs'), [], {
      execArgv: ['--require', FAKE_ELECTRON],
      env: { ...process.env, FAKE_APP_PATH: o.appPath, FAKE_USER_DATA: o.userData, FAKE_ELECTRON_VERSION: '45.6.1', FAKE_SAFE_STORAGE_BACKEND: o.backend ?? 'gnome_libsecret', TEND_HUB_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.on('message', (r: Report) => {
      this.reports.push(r);
      this.waiters = this.waiters.filter((w) => (w.match(r) ? (w.resolve(r), false) : true));
    });
    this.exited = new Promise((ok) => this.child.on('exit', (code) => ok(code)));
  }

  /** The first report of `type` (already received or still to come) that matches. */
  next(type: string, match: (r: Report) => boolean = () => true): Promise<Report> {
    const m = (r: Report) => r.type === type && match(r);
    const seen = this.reports.find(m);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match: m, resolve }));
  }

  async do(what: Record<string, unknown>): Promise<Loose> {
    const id = this.nextId++;
    const done = this.next('done', (r) => r.id === id);
    this.child.send({ ...what, id });
    return (await done).value;
  }

  invoke(channel: string, req: unknown, frameUrl = 'app://tend/index.html', mainFrame = true) {
    return this.do({ do: 'invoke', channel, req, frameUrl, mainFrame });
  }

  kill() { this.child.kill('SIGKILL'); }
}

describe('Electron main, started', () => {
  let main: MainProcess;
  const userData = mkdtempSync(join(tmpdir(), 'tend-electron-profile-'));
  beforeAll(async () => {
    main = new MainProcess({ appPath: checkout(true), userData });
    await main.next('loadURL');
  });
  afterAll(() => main?.kill());

  it('opens one sandboxed window on the app origin, with the core running on the Electron binding', async () => {
    expect((await main.next('window')).webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: join(OUT, 'preload.cjs') });
    expect((await main.next('loadURL')).url).toBe('app://tend/index.html');
    expect(main.reports.some((r) => r.type === 'sandbox')).toBe(true);
    // the core answers from its worker: the SQLite binding loaded, the key from safeStorage in place
    const status = await main.invoke('tend:session.status', {});
    expect(status).toMatchObject({ ok: true, value: { logged_in: false, token_storage: { encrypted: true, detail: expect.stringContaining('GNOME Keyring') } } });
    expect(await main.invoke('tend:session.status', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('a link leaves only after a dialog that shows the full URL is confirmed, and only http(s)', async () => {
    const url = 'https://x.com/maria_k/status/1234567890?s=20';
    expect(await main.do({ do: 'navigate', url })).toEqual({ prevented: true });
    expect((await main.next('dialog', (d) => d.message.includes(url))).buttons).toEqual(['Cancel', 'Open link']);
    await main.do({ do: 'answerDialog', answer: 1 });
    expect(await main.do({ do: 'windowOpen', url: 'https://shop.example.com/p/1' })).toEqual({ action: 'deny' });
    expect((await main.next('openExternal')).url).toBe('https://shop.example.com/p/1');
    // the cancelled one never went out; a file: link is not even asked about
    expect(await main.invoke('tend:platform.openExternal', { url: 'file:///etc/passwd' })).toEqual({ ok: true, value: { opened: false } });
    expect(main.reports.filter((r) => r.type === 'openExternal').map((r) => r.url)).toEqual(['https://shop.example.com/p/1']);
    expect(main.reports.filter((r) => r.type === 'dialog')).toHaveLength(2);
  });

  it('shows a desktop notification and sets the badge for the page', async () => {
    expect(await main.invoke('tend:platform.notify', { title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1' })).toEqual({ ok: true, value: { shown: true } });
    expect((await main.next('notification')).options).toEqual({ title: 'New offer', body: 'Maria K. on X', silent: false });
    expect(await main.invoke('tend:platform.badge', { count: 4 })).toEqual({ ok: true, value: { shown: true } });
    expect((await main.next('badge')).count).toBe(4);
  });

  it('quits after the core has closed its database', async () => {
    await main.do({ do: 'quit' });
    await main.next('quit');
    expect(await main.exited).toBe(0);
  });
});

describe('Electron main, refusing to start', () => {
  it('without a SQLite binding for this Electron: one clear line and an error box, then exits', async () => {
    const appPath = checkout(false);
    const main = new MainProcess({ appPath, userData: mkdtempSync(join(tmpdir(), 'tend-electron-profile-')) });
    const box = await main.next('errorBox');
    expect(box.title).toBe('Tend cannot start');
    expect(box.content).toContain('there is no SQLite binding for Electron 45.6.1 at');
    expect(box.content).toContain('start with `npm start`, which fetches or builds it');
    expect(await main.exited).toBe(1);
  });

  it('with a binding that does not load (say, built for another ABI): the error names it', async () => {
    const appPath = checkout(true);
    const binding = devBindingPath(appPath, { electronVersion: '45.6.1', platform: process.platform, arch: process.arch, betterSqliteVersion: require('better-sqlite3/package.json').version });
    writeFileSync(binding, 'not a shared object');
    const main = new MainProcess({ appPath, userData: mkdtempSync(join(tmpdir(), 'tend-electron-profile-')) });
    expect((await main.next('errorBox')).content).toContain(`the SQLite binding ${binding} cannot be loaded`);
    expect(await main.exited).toBe(1);
  });

  it.runIf(process.platform !== 'win32')('on a data folder other users can write', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'tend-electron-profile-'));
    chmodSync(userData, 0o777);
    const main = new MainProcess({ appPath: checkout(true), userData });
    expect((await main.next('errorBox')).content).toContain('other users can write to it (mode 0777)');
    expect(await main.exited).toBe(1);
  });
});
