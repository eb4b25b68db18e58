/**
 * The embedded database in its own thread (see pglite-thread.ts): PGlite runs its WebAssembly
 * Postgres here, so SQL work does not stall the hub's event loop (HTTP, WebSockets, analysis).
 * Plain JavaScript: a worker thread cannot count on a TypeScript loader being registered.
 *
 * Requests are { id, op: 'query' | 'exec' | 'listen' | 'unlisten' | 'close', ... } and are run in the
 * order they arrive (PGlite is one connection); each gets { id, rows } or { id, error }.
 * Notifications go out as { notify: channel, payload }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const { dataDir } = workerData;
const unlisteners = new Map();

/** what callers test on a database error (code, constraint…), in a form that crosses threads */
function plainError(err) {
  const e = { message: String(err?.message ?? err) };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position', 'where', 'routine']) {
    if (err && err[k] !== undefined) e[k] = err[k];
  }
  return e;
}

let lite;
const ready = PGlite.create(dataDir ? { dataDir } : {}).then((db) => { lite = db; });

// One at a time, in arrival order: a BEGIN … COMMIT sent by the main thread stays one unit.
let chain = ready;
parentPort.on('message', (m) => {
  chain = chain.then(() => handle(m), () => handle(m));
});

async function handle(m) {
  try {
    let rows;
    if (m.op === 'query') rows = (await lite.query(m.sql, m.params)).rows;
    else if (m.op === 'exec') await lite.exec(m.sql);
    else if (m.op === 'listen') {
      unlisteners.set(m.channel, await lite.listen(m.channel, (payload) => parentPort.postMessage({ notify: m.channel, payload })));
    } else if (m.op === 'unlisten') {
      await unlisteners.get(m.channel)?.();
      unlisteners.delete(m.channel);
    } else if (m.op === 'close') {
      if (lite && !lite.closed) await lite.close();
    } else throw new Error(`unknown op ${m.op}`);
    parentPort.postMessage({ id: m.id, rows });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: plainError(err) });
  }
}

ready.then(() => parentPort.postMessage({ ready: true }), (err) => parentPort.postMessage({ ready: false, error: plainError(err) }));
