/**
 * Electron main process: one window on the app:// origin, the desktop core in this process,
 * IPC through the contract. Kept thin: everything real lives in main/core.
 */
import { app, BrowserWindow, net, protocol, session, shell } from 'electron';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDesktopCore } from '../core';
import type { DesktopService } from '../core/service';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { registerIpc } from './ipc';
import { APP_HOST, APP_SCHEME, APP_URL, appPathToFile, isOpenableExternally, secureWebPreferences } from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

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
  // The app never navigates away from itself; links go to the system browser.
  w.webContents.on('will-navigate', (event, url) => {
    if (url !== APP_URL) event.preventDefault();
    if (isOpenableExternally(url)) void shell.openExternal(url);
  });
  w.webContents.on('will-attach-webview', (event) => event.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (isOpenableExternally(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void w.loadURL(APP_URL);
  return w;
}

app.enableSandbox();

app.whenReady().then(async () => {
  // No permission (camera, notifications prompts, geolocation…) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  serveApp();
  core = await createDesktopCore({
    dataDir: app.getPath('userData'),
    hubUrl: process.env.TEND_HUB_URL || undefined,
    // Worker threads cannot load from inside app.asar: the packaged worker is unpacked next to it.
    workerEntry: join(__dirname, 'core-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`),
  });
  registerIpc(core, () => win);
  win = createWindow();
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) win = createWindow(); });
}).catch((err) => {
  console.error('Tend failed to start:', err);
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
