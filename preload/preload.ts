/**
 * The only bridge between the page and the main process, `window.tend`:
 * - `invoke(name, req)` and `on(event, cb)`, for the core's contract names only (shared/contract/desktop.ts);
 * - what the shell itself offers (shared/contract/platform.ts): `notify({title, body, tag})`,
 *   `setBadgeCount(count)`, `openExternal(url)` (main asks the user first, showing the full URL) and the
 *   `platform.notificationClicked` event. renderer/src/app/platform.ts uses these where they exist.
 * No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DESKTOP_REQUEST_NAMES, DesktopEvents } from '../shared/contract/desktop';
import { PlatformEvents, type PlatformRequestName } from '../shared/contract/platform';

const requests = new Set<string>(DESKTOP_REQUEST_NAMES);
const events = new Set<string>([...Object.keys(DesktopEvents), ...Object.keys(PlatformEvents)]);

/** Main parses and answers (main/electron/platform.ts); a refusal resolves as the Result it is. */
const platform = (name: PlatformRequestName, req: unknown): Promise<unknown> => ipcRenderer.invoke(`tend:${name}`, req);
const answered = async <K extends string>(p: Promise<unknown>, key: K): Promise<boolean> => {
  const r = (await p) as { ok: boolean; value?: Record<K, boolean> };
  return r.ok && r.value?.[key] === true;
};

const bridge = {
  invoke(name: string, req: unknown): Promise<unknown> {
    if (!requests.has(name)) return Promise.resolve({ ok: false, error: { code: 'unknown_request', message: `unknown request: ${String(name)}` } });
    return ipcRenderer.invoke(`tend:${name}`, req);
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    if (!events.has(event) || typeof cb !== 'function') return () => {};
    const listener = (_e: IpcRendererEvent, payload: unknown) => cb(payload);
    ipcRenderer.on(`tend:event:${event}`, listener);
    return () => { ipcRenderer.removeListener(`tend:event:${event}`, listener); };
  },
  /** a desktop notification; resolves whether it was shown */
  notify(n: { title: string; body?: string; tag?: string; silent?: boolean }): Promise<boolean> {
    return answered(platform('platform.notify', n), 'shown');
  },
  /** the count on the app's icon (0 clears it); resolves whether the platform shows one */
  setBadgeCount(count: number): Promise<boolean> {
    return answered(platform('platform.badge', { count }), 'shown');
  },
  /** a customer link, after the user confirms it in a dialog showing the full URL; resolves whether it opened */
  openExternal(url: string): Promise<boolean> {
    return answered(platform('platform.openExternal', { url }), 'opened');
  },
};

contextBridge.exposeInMainWorld('tend', bridge);
