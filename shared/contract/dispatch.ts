/**
 * The edge of the desktop core, for both transports (Electron IPC, web host WebSocket) and for
 * in-process callers: known name → parse with the contract's zod schema, once → call the service
 * with the parsed request → Result. Bad input gets a clear error (`invalid`) and never reaches
 * the service; the service itself parses nothing.
 */
import { DesktopRequests, type DesktopRequestName, type ParsedDesktopRequest, type Result } from './desktop';

export function isRequestName(name: unknown): name is DesktopRequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DesktopRequests, name);
}

export type Handle = <N extends DesktopRequestName>(name: N, request: ParsedDesktopRequest<N>) => Promise<unknown>;

export interface RequestError { code: string; message: string }

/** A request parsed by its contract schema, or why it is refused. */
export function parseDesktopRequest<N extends DesktopRequestName>(name: N, raw: unknown): { ok: true; value: ParsedDesktopRequest<N> } | { ok: false; error: RequestError };
export function parseDesktopRequest(name: unknown, raw: unknown): { ok: true; value: unknown } | { ok: false; error: RequestError } {
  if (!isRequestName(name)) return { ok: false, error: { code: 'unknown_request', message: `unknown request: ${String(name).slice(0, 100)}` } };
  const parsed = DesktopRequests[name].req.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: { code: 'invalid', message: `${name}: ${where}${issue?.message ?? 'invalid request'}` } };
}

export async function dispatchRequest(handle: Handle, name: unknown, raw: unknown): Promise<Result<unknown>> {
  if (!isRequestName(name)) return { ok: false, error: { code: 'unknown_request', message: `unknown request: ${String(name).slice(0, 100)}` } };
  const parsed = parseDesktopRequest(name, raw);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, value: await handle(name, parsed.value) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: { code: typeof e?.code === 'string' ? e.code : 'failed', message: typeof e?.message === 'string' ? e.message : String(err) },
    };
  }
}
