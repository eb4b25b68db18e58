/**
 * A desktop core for component tests, behind the same seam Electron uses: `window.tend`, the
 * preload bridge (invoke a contract request, listen to core events). Tests answer requests with
 * handlers, look at what was asked, and push events. Imported before the app's modules, so the
 * app's transport picks it up.
 */
import type { DesktopEventName, DesktopRequest, DesktopRequestName, DesktopResponse, Result } from '../../../shared/contract/desktop';

type Handler<N extends DesktopRequestName> = (req: DesktopRequest<N>) => DesktopResponse<N> | Promise<DesktopResponse<N>>;
export interface CoreCall { name: string; req: unknown }

const handlers = new Map<string, (req: unknown) => unknown>();
const listeners = new Map<string, Set<(p: unknown) => void>>();

/** An error the fake core answers with (like the core's `{ok:false, error}`). */
export class CoreError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export const core = {
  calls: [] as CoreCall[],
  /** desktop notifications and icon badge counts the app asked for (the Electron bridge's notify / setBadgeCount) */
  notifications: [] as Array<{ title: string; body: string; tag: string }>,
  badge: 0,
  /** Answer `name` with `handler` (a request without one fails with `unhandled`). */
  handle<N extends DesktopRequestName>(name: N, handler: Handler<N>): void { handlers.set(name, handler as (req: unknown) => unknown); },
  /** The requests of one name, in order. */
  callsOf<N extends DesktopRequestName>(name: N): DesktopRequest<N>[] { return this.calls.filter((c) => c.name === name).map((c) => c.req as DesktopRequest<N>); },
  emit(event: DesktopEventName, payload: unknown): void { listeners.get(event)?.forEach((cb) => cb(payload)); },
  reset(): void { handlers.clear(); this.calls.length = 0; this.notifications.length = 0; this.badge = 0; },
};

window.tend = Object.assign({
  notify(n: { title: string; body: string; tag: string }) { core.notifications.push(n); },
  setBadgeCount(n: number) { core.badge = n; },
}, {
  async invoke(name: string, req: unknown): Promise<Result<unknown>> {
    core.calls.push({ name, req });
    const h = handlers.get(name);
    if (!h) return { ok: false, error: { code: 'unhandled', message: `the fake core has no answer for ${name}` } };
    try {
      return { ok: true, value: await h(req) };
    } catch (e) {
      return { ok: false, error: { code: e instanceof CoreError ? e.code : 'internal', message: (e as Error).message } };
    }
  },
  on(event: string, cb: (p: unknown) => void): () => void {
    const set = listeners.get(event) ?? new Set();
    set.add(cb);
    listeners.set(event, set);
    return () => set.delete(cb);
  },
});
