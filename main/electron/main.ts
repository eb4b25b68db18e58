/**
 * Electron main process: one window on the app:// origin, the desktop core in its worker thread,
 * IPC through the contract. Kept thin: everything real lives in main/core; the choices made here
 * (binding, token key, links, platform requests, window settings) are pure functions beside it,
 * each unit-tested.
 */
import { app, BrowserWindow, dialog, net, Notification, protocol, safeStorage, session, shell, type MessageBoxOptions } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDesktopCore } from '../core';
import { ensurePrivateDir } from '../core/db/private-files';
import { allowInsecureHubFromEnv } from '../core/hub-url';
import type { DesktopService } from '../core/service';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { eventChannel, registerIpc } from './ipc';
import { LinkOpener } from './links';
import { electronBindingPath, type ElectronTarget } from './native-binding';
import type { PlatformShell } from './platform';
import { APP_HOST, APP_SCHEME, APP_URL, appPathToFile, secureWebPreferences } from './security';
import { tokenProtection } from './token-key';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

// From a checkout only: `npm run smoke:electron` launches on a fresh profile. An installed app ignores it.
if (!app.isPackaged && process.env.TEND_DATA_DIR) app.setPath('userData', resolve(process.env.TEND_DATA_DIR));

let win: BrowserWindow | null = null;
let core: DesktopService | null = null;

const rendererDir = () => join(app.getAppPath(), 'renderer', 'dist');

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const rel = appPathToFile(req.url);
    if (!rel) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(join(rendererDir(), ...rel.split('/'))).toString()).catch(() => null);
    if (!res || !res.ok) return new Response('not found', { status: 404 });
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: 200, headers });
  });
}

/** Every way a link leaves the app asks first, showing the full URL (links.ts). */
const links = new LinkOpener({
  async confirm(p) {
    const options: MessageBoxOptions = { type: 'question', title: p.title, message: p.message, detail: p.detail, buttons: p.buttons, defaultId: 0, cancelId: 0, noLink: true };
    const { response } = win && !win.isDestroyed() ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
    return response === 1;
  },
  open: (href) => shell.openExternal(href),
});

function focusWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** Notifications are kept until closed: one that is garbage-collected loses its click. */
const notifications = new Map<string, Notification>();
let untagged = 0;

const platformShell: PlatformShell = {
  notify(n) {
    if (!Notification.isSupported()) return false;
    const key = n.tag ?? `untagged:${untagged++}`;
    notifications.get(key)?.close(); // the same tag replaces the earlier one
    const note = new Notification({ title: n.title, body: n.body, silent: n.silent });
    note.on('click', () => {
      focusWindow();
      if (win && !win.isDestroyed()) win.webContents.send(eventChannel('platform.notificationClicked'), { tag: n.tag ?? null });
    });
    note.on('close', () => { if (notifications.get(key) === note) notifications.delete(key); });
    notifications.set(key, note);
    note.show();
    return true;
  },
  setBadge: (count) => app.setBadgeCount(count),
  openExternal: async (url) => (await links.request(url)) === 'opened',
};

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    title: 'Tend',
    show: false,
    backgroundColor: '#1d1f23',
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
  });
  w.once('ready-to-show', () => w.show());
  // The app never navigates away from itself; a link goes to the system browser once the user confirms it.
  w.webContents.on('will-navigate', (event, url) => {
    if (url === APP_URL) return;
    event.preventDefault();
    void links.request(url);
  });
  w.webContents.on('will-attach-webview', (event) => event.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    void links.request(url);
    return { action: 'deny' };
  });
  void w.loadURL(APP_URL);
  return w;
}

/** The better-sqlite3 binding built for this Electron (native-binding.ts; `npm start` fetches or builds it). */
function sqliteBinding(): string {
  const appPath = app.getAppPath();
  const target = (): ElectronTarget => ({
    electronVersion: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
    betterSqliteVersion: (JSON.parse(readFileSync(join(appPath, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version,
  });
  const binding = electronBindingPath({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath, target });
  if (!existsSync(binding)) {
    throw new Error(app.isPackaged
      ? `the SQLite binding is missing from this installation (${binding}): reinstall Tend`
      : `there is no SQLite binding for Electron ${process.versions.electron} at ${binding}: start with \`npm start\`, which fetches or builds it`);
  }
  return binding;
}

app.enableSandbox();

app.whenReady().then(async () => {
  // No permission (camera, notifications prompts, geolocation…) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  serveApp();
  const dataDir = app.getPath('userData');
  ensurePrivateDir(dataDir); // refuses a folder others can write, before anything is read from it
  core = await createDesktopCore({
    dataDir,
    hubUrl: process.env.TEND_HUB_URL || undefined,
    // Electron ≥ 18 runs worker threads from inside app.asar (electron/electron#33216), so the core
    // worker stays in the archive, under its integrity check.
    workerEntry: join(__dirname, 'core-worker.cjs'),
    nativeBinding: sqliteBinding(),
    tokenProtection: tokenProtection(safeStorage, dataDir),
    allowInsecureHub: allowInsecureHubFromEnv(),
  });
  registerIpc(core, () => win, platformShell);
  win = createWindow();
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) win = createWindow(); });
}).catch((err) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`Tend failed to start: ${message}`);
  dialog.showErrorBox('Tend cannot start', message);
  app.exit(1);
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => { if (!url.startsWith(`${APP_SCHEME}://${APP_HOST}/`)) event.preventDefault(); });
});

app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });

let closing = false;
app.on('before-quit', (event) => {
  if (closing || !core) return;
  closing = true;
  event.preventDefault();
  // Let the core flush its database before the process ends.
  void core.close().finally(() => app.quit());
});
