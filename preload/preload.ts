/**
 * The only bridge between the page and the main process: `window.tend.invoke(name, req)` and
 * `window.tend.on(event, cb)`, for contract names only: the core's (shared/contract/desktop.ts) and
 * the shell's platform capability (shared/contract/platform.ts: notification, badge, confirmed
 * external links). No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DESKTOP_REQUEST_NAMES, DesktopEvents } from '../shared/contract/desktop';
import { PLATFORM_REQUEST_NAMES, PlatformEvents } from '../shared/contract/platform';

const requests = new Set<string>([...DESKTOP_REQUEST_NAMES, ...PLATFORM_REQUEST_NAMES]);
const events = new Set<string>([...Object.keys(DesktopEvents), ...Object.keys(PlatformEvents)]);

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
};

contextBridge.exposeInMainWorld('tend', bridge);
