/**
 * The desktop core as the two transports (Electron IPC, web host WebSocket) see it:
 * one `handle(name, request)` for every contract request, and events.
 * Implementations parse nothing themselves: adapters parse with the contract first.
 */
import type { DesktopEvent, DesktopEventName, DesktopRequestName, DesktopResponse } from '../../shared/contract/desktop';

export interface DesktopService {
  handle<N extends DesktopRequestName>(name: N, request: unknown): Promise<DesktopResponse<N>>;
  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvent<E>) => void): () => void;
  close(): Promise<void>;
}
