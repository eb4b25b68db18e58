/**
 * DesktopService on the IPC thread that forwards every call to the core's worker thread, so
 * SQLite work (a search, a 5,000-row sync page) never blocks IPC or the window.
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DesktopEvent, DesktopEventName, DesktopRequestName, DesktopResponse, ParsedDesktopRequest } from '../../shared/contract/desktop';
import { PendingRequests } from '../../shared/pending';
import type { CoreOptions } from './core';
import { CoreError } from './errors';
import type { DesktopService } from './service';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface WorkerOptions extends CoreOptions {
  /** the worker's entry file; defaults to worker-entry.ts next to this file (bundles pass their built file) */
  workerEntry?: string;
}

export class WorkerDesktopService implements DesktopService {
  private readonly pending = new PendingRequests<unknown>();
  private readonly events = new EventEmitter();
  private exited = false;

  private constructor(private readonly worker: Worker) {
    this.events.setMaxListeners(0);
    worker.on('message', (msg: FromWorker) => {
      if (msg.kind === 'event') this.events.emit(msg.event, msg.payload);
      else if (msg.kind === 'result') {
        if (msg.ok) this.pending.resolve(msg.id, msg.value);
        else this.pending.reject(msg.id, new CoreError(msg.error.code, msg.error.message));
      }
    });
    worker.on('exit', (code) => {
      this.exited = true;
      this.pending.rejectAll(new CoreError('closed', `desktop core worker exited (${code})`));
    });
  }

  static async start(options: WorkerOptions): Promise<WorkerDesktopService> {
    const { workerEntry, ...coreOptions } = options;
    const entry = workerEntry ?? fileURLToPath(new URL('./worker-entry.ts', import.meta.url));
    // A .ts entry (tsx, tests) starts through worker-tsx.mjs, which registers tsx first: Node 20
    // resolves a Worker's entry before `--import tsx` in execArgv takes effect. A bundled
    // .js/.cjs entry starts directly.
    const worker = /\.[cm]?ts$/.test(entry)
      ? new Worker(fileURLToPath(new URL('./worker-tsx.mjs', import.meta.url)), { workerData: { ...coreOptions, tsEntry: pathToFileURL(entry).href } })
      : new Worker(entry, { workerData: coreOptions });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (msg: FromWorker) => {
        if (msg.kind === 'ready') { cleanup(); resolve(); }
        if (msg.kind === 'fatal') { cleanup(); reject(new CoreError('open_failed', msg.message)); }
      };
      const onError = (err: Error) => { cleanup(); reject(err); };
      const onExit = (code: number) => { cleanup(); reject(new CoreError('open_failed', `desktop core worker exited (${code}) before it was ready`)); };
      const cleanup = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return new WorkerDesktopService(worker);
  }

  private call(msg: ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never): Promise<unknown> {
    if (this.exited) return Promise.reject(new CoreError('closed', 'the desktop core is closed'));
    const { id, answer } = this.pending.start();
    this.worker.postMessage({ ...msg, id } as ToWorker);
    return answer;
  }

  handle<N extends DesktopRequestName>(name: N, request: ParsedDesktopRequest<N>): Promise<DesktopResponse<N>> {
    return this.call({ kind: 'call', name, request }) as Promise<DesktopResponse<N>>;
  }

  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvent<E>) => void): () => void {
    this.events.on(event, listener);
    return () => { this.events.off(event, listener); };
  }

  /** Resolves when the worker's sync engine has nothing running or queued. */
  async idle(): Promise<void> {
    await this.call({ kind: 'idle' });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.call({ kind: 'close' });
    await new Promise<void>((resolve) => { if (this.exited) resolve(); else this.worker.once('exit', () => resolve()); });
    this.events.removeAllListeners();
  }
}
