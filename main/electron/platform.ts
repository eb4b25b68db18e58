/**
 * Main's side of the platform capability (shared/contract/platform.ts): parses each request with
 * its schema and calls the shell. Electron-free: main.ts passes Notification, the badge and the
 * LinkOpener in, so the parsing and the refusals are unit-tested.
 */
import { PlatformRequests, type PlatformRequest, type PlatformRequestName, type PlatformResponse } from '../../shared/contract/platform';
import type { Result } from '../../shared/contract/desktop';

export interface PlatformShell {
  notify(n: PlatformRequest<'platform.notify'>): boolean;
  setBadge(count: number): boolean;
  /** resolves true only when the user confirmed and the URL went to the system browser */
  openExternal(url: string): Promise<boolean>;
}

export function isPlatformRequest(name: unknown): name is PlatformRequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(PlatformRequests, name);
}

export async function dispatchPlatform(shell: PlatformShell, name: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isPlatformRequest(name)) return { ok: false, error: { code: 'unknown_request', message: `unknown request: ${String(name).slice(0, 100)}` } };
  const parsed = PlatformRequests[name].req.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: { code: 'invalid', message: `${name}: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid request'}` } };
  }
  try {
    const answer = ANSWERS[name] as (shell: PlatformShell, req: unknown) => unknown;
    return { ok: true, value: await answer(shell, parsed.data) };
  } catch (err) {
    return { ok: false, error: { code: 'failed', message: (err as Error).message } };
  }
}

/** One answer per platform request, typed by the contract. */
const ANSWERS: { [N in PlatformRequestName]: (shell: PlatformShell, req: PlatformRequest<N>) => PlatformResponse<N> | Promise<PlatformResponse<N>> } = {
  'platform.notify': (shell, req) => ({ shown: shell.notify(req) }),
  'platform.badge': (shell, req) => ({ shown: shell.setBadge(req.count) }),
  'platform.openExternal': async (shell, req) => ({ opened: await shell.openExternal(req.url) }),
};
