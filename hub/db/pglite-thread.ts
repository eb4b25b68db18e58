/**
 * PGlite in a worker thread. PGlite runs Postgres as WebAssembly on the thread that calls it; on the
 * hub's main thread every statement blocks HTTP, WebSockets and analysis for its whole duration,
 * and at a few hundred posts a second SQL is most of the hub's work. Here the main thread only
 * posts messages; the database runs on another core.
 *
 * Same contract as the in-thread adapter (db.ts): one connection, so a transaction holds it, and a
 * plain query issued meanwhile waits for the transaction to end rather than joining it.
 */
import { Worker } from 'node:worker_threads';
import { PendingRequests } from '../../shared/pending';
import type { Queryable } from './queryable';

interface Reply { id?: number; rows?: unknown[]; error?: Record<string, unknown>; notify?: string; payload?: string; ready?: boolean }

/** a database error from the worker, with the fields callers test (code, constraint…) */
function toError(e: Record<string, unknown>): Error {
  return Object.assign(new Error(String(e.message)), e);
}

export interface PgliteThread extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** the data dir as a gzipped tar, between two transactions (Db.backup) */
  dump(): Promise<Uint8Array>;
  /** milliseconds the database thread has spent working (its event loop's active time) */
  busyMs(): number;
}

export async function openPgliteThread(dataDir: string | undefined): Promise<PgliteThread> {
  const worker = new Worker(new URL('./pglite-thread-entry.mjs', import.meta.url), { workerData: { dataDir } });
  const pending = new PendingRequests<unknown[]>();
  const listeners = new Map<string, (payload: string) => void>();
  let dead: Error | null = null;

  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: Reply) => {
      worker.off('error', reject);
      if (m.ready) resolve(); else reject(toError(m.error ?? { message: 'the database thread did not start' }));
    });
  });
  worker.on('message', (m: Reply) => {
    if (m.notify !== undefined) { listeners.get(m.notify)?.(m.payload ?? ''); return; }
    if (m.id === undefined) return;
    if (m.error) pending.reject(m.id, toError(m.error)); else pending.resolve(m.id, m.rows ?? []);
  });
  const fail = (err: Error) => {
    dead = err;
    pending.rejectAll(err);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));

  const send = (m: Record<string, unknown>): Promise<unknown[]> => {
    if (dead) return Promise.reject(dead);
    const { id, answer } = pending.start();
    worker.postMessage({ ...m, id });
    return answer;
  };

  // The connection's owner: null, or the running transaction (its end is `txEnd`).
  let inTx: Queryable | null = null;
  let txEnd: Promise<void> = Promise.resolve();
  const idle = async () => { while (inTx) await txEnd; };

  const direct: Queryable = {
    // rows as the worker decoded them; their shape is the caller's statement's
    query: <T>(sql: string, params: unknown[] = []) => send({ op: 'query', sql, params }) as Promise<T[]>,
    exec: async (sql) => { await send({ op: 'exec', sql }); },
  };

  return {
    async query<T>(sql: string, params: unknown[] = []) {
      if (inTx) await idle();
      return direct.query<T>(sql, params);
    },
    async exec(sql: string) {
      if (inTx) await idle();
      return direct.exec(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // as in db.ts: a nested call joins the running transaction
      if (inTx) return fn(inTx);
      let end!: () => void;
      txEnd = new Promise<void>((r) => { end = r; });
      // BEGIN is not a request of its own: it rides with the transaction's first statement (the worker
      // runs it just before), which saves a message each way and a wake of each thread per transaction.
      // A failing BEGIN fails that statement; a transaction that ran no statement opens nothing.
      let opened = false;
      const first = (m: Record<string, unknown>) => {
        if (!opened) { opened = true; m.begin = true; }
        return send(m);
      };
      const tx: Queryable = {
        query: <R>(sql: string, params: unknown[] = []) => first({ op: 'query', sql, params }) as Promise<R[]>,
        exec: async (sql) => { await first({ op: 'exec', sql }); },
      };
      inTx = tx;
      try {
        let out: T;
        try {
          out = await fn(tx);
        } catch (err) {
          // the transaction's own error is the one to throw; a rollback that fails leaves the worker to reset it
          if (opened) await send({ op: 'rollback' }).catch(() => {});
          throw err;
        }
        if (opened) await send({ op: 'commit' });
        return out;
      } finally {
        inTx = null;
        end();
      }
    },
    async listen(channel, onPayload) {
      listeners.set(channel, onPayload);
      await send({ op: 'listen', channel });
      return async () => {
        listeners.delete(channel);
        if (!dead) await send({ op: 'unlisten', channel });
      };
    },
    busyMs: () => worker.performance.eventLoopUtilization().active,
    async dump() {
      // sent right after the running transaction ends, before the next begins (the worker runs requests in order)
      while (inTx) await txEnd;
      const [bytes] = await send({ op: 'dump' });
      return bytes as Uint8Array;
    },
    async close() {
      // closing a database whose thread is failing: the thread is terminated below either way
      if (!dead) await send({ op: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}
