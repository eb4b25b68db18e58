/** Messages between WorkerDesktopService (IPC thread) and the core's worker thread. */
import type { DesktopEventName, DesktopRequestName } from '../../shared/contract/desktop';

export type ToWorker =
  | { kind: 'call'; id: number; name: DesktopRequestName; request: unknown }
  | { kind: 'idle'; id: number }
  | { kind: 'close'; id: number };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: string; message: string } }
  | { kind: 'event'; event: DesktopEventName; payload: unknown };
