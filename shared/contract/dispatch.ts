/**
 * The one adapter loop both transports (Electron IPC, web host WebSocket) run for a request:
 * known name → parse with the contract's zod schema → call the service → Result.
 * Bad input gets a clear error and never reaches the service.
 */
import { DesktopRequests, type DesktopRequestName, type Result } from './desktop';

export function isRequestName(name: unknown): name is DesktopRequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DesktopRequests, name);
}

export type Handle = (name: DesktopRequestName, request: unknown) => Promise<unknown>;

export async function dispatchRequest(handle: Handle, name: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isRequestName(name)) return { ok: false, error: { code: 'unknown_request', message: `unknown request: ${String(name).slice(0, 100)}` } };
  const parsed = DesktopRequests[name].req.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'invalid_request', message: `${name}: ${where}${issue?.message ?? 'invalid request'}` } };
  }
  try {
    return { ok: true, value: await handle(name, parsed.data) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: { code: typeof e?.code === 'string' ? e.code : 'failed', message: typeof e?.message === 'string' ? e.message : String(err) },
    };
  }
}
