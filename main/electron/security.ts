/**
 * The Electron window's security settings as pure functions, so a unit test can assert them.
 * Follows Electron's security checklist: isolated, sandboxed renderer with no Node, a CSP,
 * no navigation, no new windows, external links only to http(s) in the system browser,
 * and every IPC sender checked.
 */
import { openableHref } from '../../shared/links';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tend';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The subset of Electron's WebPreferences we set; every one is deliberate. */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: boolean;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  };
}

/** An IPC request is served only from our own page's main frame. */
export function isAllowedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    const u = new URL(frameUrl);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Links the system browser may open: http(s) only, never file:, javascript:, custom schemes (shared/links.ts). */
export function isOpenableExternally(url: string): boolean {
  return openableHref(url) !== null;
}

/**
 * Maps an app:// request path to a file under the renderer folder, or null when it would
 * leave it. Paths are posix-style here; the caller joins them with its own separator.
 */
export function appPathToFile(requestUrl: string): string | null {
  let u: URL;
  try { u = new URL(requestUrl); } catch { return null; }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let path: string;
  try { path = decodeURIComponent(u.pathname); } catch { return null; } // a malformed % escape
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..' || p.includes('\\') || p.includes('\0'))) return null;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}
