/** Messages between WorkerDesktopService (IPC thread) and the core's worker thread. */
import type { DesktopEventName, DesktopRequestName, ParsedDesktopRequest } from '../../shared/contract/desktop';

export type ToWorker =
  /** `request` was parsed at the edge (shared/contract/dispatch.ts) before it crossed to the worker */
  | { kind: 'call'; id: number; name: DesktopRequestName; request: ParsedDesktopRequest<DesktopRequestName> }
  | { kind: 'idle'; id: number }
  | { kind: 'close'; id: number };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: string; message: string } }
  | { kind: 'event'; event: DesktopEventName; payload: unknown };
