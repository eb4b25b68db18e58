/**
 * The desktop core as the two transports (Electron IPC, web host WebSocket) see it:
 * one `handle(name, request)` for every contract request, and events.
 * Requests are parsed once, at the edge (shared/contract/dispatch.ts: the transports, or
 * `request()` below for callers in the same process); `handle` gets them parsed and typed.
 */
import type {
  DesktopEvent, DesktopEventName, DesktopRequest, DesktopRequestName, DesktopResponse, ParsedDesktopRequest,
} from '../../shared/contract/desktop';
import { parseDesktopRequest } from '../../shared/contract/dispatch';
import { CoreError } from './errors';

export interface DesktopService {
  handle<N extends DesktopRequestName>(name: N, request: ParsedDesktopRequest<N>): Promise<DesktopResponse<N>>;
  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvent<E>) => void): () => void;
  close(): Promise<void>;
}

/** For callers in the same process (CLI, tests, benchmarks): the edge's parse, then the service. A refusal throws a CoreError. */
export async function request<N extends DesktopRequestName>(service: DesktopService, name: N, raw: DesktopRequest<N>): Promise<DesktopResponse<N>> {
  const parsed = parseDesktopRequest(name, raw);
  if (!parsed.ok) throw new CoreError(parsed.error.code, parsed.error.message);
  return service.handle(name, parsed.value);
}
