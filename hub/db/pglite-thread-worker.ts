/**
 * The embedded database's thread (see pglite-thread.ts): PGlite runs its WebAssembly Postgres
 * here, so SQL work does not stall the hub's event loop (HTTP, WebSockets, analysis).
 *
 * Requests are { id, op, ... } and run one at a time in arrival order (PGlite is one connection,
 * so a BEGIN … COMMIT sent by the main thread stays one unit); each gets { id, rows } or
 * { id, error }. Notifications go out as { notify: channel, payload }. Statements that repeat
 * run prepared (pglite-prepared.ts), as in the in-thread adapter.
 */
import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, protocol } from '@electric-sql/pglite';
import { PreparedStatements } from './pglite-prepared';

export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[]; begin?: boolean }
  | { id: number; op: 'exec'; sql: string; begin?: boolean }
  | { id: number; op: 'begin' | 'commit' | 'rollback' | 'close' | 'dump' }
  | { id: number; op: 'listen' | 'unlisten'; channel: string };

const port = parentPort!;
const { dataDir } = workerData as { dataDir?: string };
const unlisteners = new Map<string, () => Promise<void>>();

/** what callers test on a database error (code, constraint…), in a form that crosses threads */
function plainError(err: unknown): Record<string, unknown> {
  const from = (err && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const e: Record<string, unknown> = { message: String(from.message ?? err) };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position', 'where', 'routine']) {
    if (from[k] !== undefined) e[k] = from[k];
  }
  return e;
}

let lite!: PGlite;
let prepared!: PreparedStatements;
let inTransaction = false;
const ready = PGlite.create(dataDir ? { dataDir } : {}).then((db) => { lite = db; prepared = new PreparedStatements(db); });

// TEND_PGLITE_PROFILE=<file>: the thread's time per statement text (calls, ms, rows), written to <file> on close.
// For benchmarks: it is time on this thread, so what each statement costs the database, queueing excluded.
const profileFile = process.env.TEND_PGLITE_PROFILE || null;
const profile = new Map<string, { calls: number; ms: number; rows: number }>();

let chain: Promise<unknown> = ready;
port.on('message', (m: ThreadRequest) => {
  const run = profileFile ? () => profiled(m) : () => handle(m);
  chain = chain.then(run, run);
});

async function profiled(m: ThreadRequest): Promise<void> {
  // written before the close is answered: the main thread then terminates this thread
  if (m.op === 'close') writeFileSync(profileFile!, JSON.stringify([...profile].map(([sql, v]) => ({ sql, ...v })).sort((a, b) => b.ms - a.ms)));
  const t = performance.now();
  let rows = 0;
  await handle(m, (n) => { rows = n; });
  const key = m.op === 'query' || m.op === 'exec' ? m.sql.replace(/\s+/g, ' ').slice(0, 160) : m.op;
  const e = profile.get(key) ?? { calls: 0, ms: 0, rows: 0 };
  e.calls++; e.ms += performance.now() - t; e.rows += rows;
  profile.set(key, e);
}

const BEGIN = protocol.serialize.query('BEGIN');

/** BEGIN straight through the protocol: no result to parse, and nothing to sync to disk. */
async function begin(): Promise<void> {
  await lite._runExclusiveQuery(() => lite.execProtocol(BEGIN, { syncToFs: false }));
  inTransaction = true;
}

async function handle(m: ThreadRequest, counted?: (rows: number) => void): Promise<void> {
  try {
    let rows: unknown[] | undefined;
    // the first statement of a transaction brings its BEGIN (pglite-thread.ts); it changes nothing on disk
    if ((m.op === 'query' || m.op === 'exec') && m.begin) await begin();
    switch (m.op) {
      case 'query':
        rows = (await prepared.query(m.sql, m.params, inTransaction)) ?? (await lite.query(m.sql, m.params)).rows;
        break;
      case 'exec':
        // DDL may change what a prepared statement was planned on
        prepared.invalidate();
        await lite.exec(m.sql);
        break;
      case 'begin': await begin(); break;
      case 'commit': inTransaction = false; await lite.exec('COMMIT'); break;
      case 'rollback': inTransaction = false; await lite.exec('ROLLBACK'); break;
      case 'listen':
        unlisteners.set(m.channel, await lite.listen(m.channel, (payload) => port.postMessage({ notify: m.channel, payload })));
        break;
      case 'unlisten':
        await unlisteners.get(m.channel)?.();
        unlisteners.delete(m.channel);
        break;
      case 'close':
        if (lite && !lite.closed) await lite.close();
        break;
      case 'dump': {
        // everything committed is in the data files, so the copy opens without replaying the log
        await lite.exec('CHECKPOINT');
        const bytes = new Uint8Array(await (await lite.dumpDataDir('gzip')).arrayBuffer());
        port.postMessage({ id: m.id, rows: [bytes] }, [bytes.buffer]);
        return;
      }
    }
    port.postMessage({ id: m.id, rows });
    counted?.(rows?.length ?? 0);
  } catch (err) {
    port.postMessage({ id: m.id, error: plainError(err) });
  }
}

ready.then(() => port.postMessage({ ready: true }), (err) => port.postMessage({ ready: false, error: plainError(err) }));
