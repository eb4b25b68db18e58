/**
 * One small database adapter over two engines with the same SQL: PGlite (embedded, the
 * default: a data dir on disk or in memory) and a PostgreSQL server through `pg` (DATABASE_URL).
 * Rows come back with int8 as JS numbers and timestamptz as Date on both engines.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PreparedStatements } from './pglite-prepared';
import { openPgliteThread, type PgliteThread } from './pglite-thread';
import { ensurePrivateDataDir, keepTreePrivate, PRIVATE_FILE_MODE, tightenTreeSync } from './private-files';
import type { Queryable } from './queryable';

export type { Queryable } from './queryable';

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /** the schema every query runs in (search_path) */
  readonly schema: string;
  /** a key derived from the schema, for pg_advisory_xact_lock: writers of one schema serialize */
  readonly lockKey: number;
  /** runs fn in one transaction (pass `tx` down: code inside must not call db.* directly) */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * PGlite: the data dir as a gzipped tar (PGlite's dumpDataDir after a CHECKPOINT), taken between two
   * transactions, so it holds every committed write and nothing half-done (backup.ts). Absent on a server: pg_dump.
   */
  backup?(): Promise<Uint8Array>;
  /** what the database side is doing, for the hub's metrics (hub/ops): read, never waited on */
  stats?(): DbStats;
  /** LISTEN on a channel; returns an unlisten function */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DbStats {
  /** PGlite in its thread: milliseconds that thread has spent working since it started */
  busyMs?: number;
  /** PostgreSQL server: the pool's connections, and queries waiting for one */
  pool?: { total: number; idle: number; waiting: number };
}

export interface OpenDbOptions {
  /** postgres://... : use a PostgreSQL server instead of PGlite */
  url?: string;
  /** PGlite data directory; omitted (or memory: true) = in memory */
  dataDir?: string;
  memory?: boolean;
  /** schema to create and use (default public); lets test files share one server database */
  schema?: string;
  /** pg pool size (default 10) */
  poolSize?: number;
  /** PGlite: run the database in a worker thread (default; TEND_PGLITE_THREAD=0 keeps it on the caller's thread) */
  thread?: boolean;
  /** PostgreSQL server: a read replica (reports read from it): nothing is created, every transaction is read-only */
  readOnly?: boolean;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

function lockKeyOf(schema: string): number {
  return createHash('sha256').update(`tend:${schema}`).digest().readInt32BE(0);
}

export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_RE.test(schema)) throw new Error(`invalid schema name "${schema}" (lower-case letters, digits, _)`);
  if (options.readOnly && !options.url) throw new Error('a read replica is a PostgreSQL server: give its postgres:// URL');
  return options.url ? openPg(options.url, schema, options.poolSize ?? 10, options.readOnly ?? false) : openPglite(options, schema);
}

// ---- PGlite -----------------------------------------------------------------

async function openPglite(options: OpenDbOptions, schema: string): Promise<Db> {
  const dir = options.memory || !options.dataDir ? undefined : options.dataDir;
  if (dir) {
    // 0700 before PGlite writes anything, refused when others can write it (private-files.ts)
    ensurePrivateDataDir(dir);
    lockDataDir(dir);
  }
  // PGlite makes its files 0666: tightened once open, every minute, and at close
  let stopKeeping = () => {};
  const opened = () => {
    if (!dir) return;
    tightenTreeSync(dir);
    stopKeeping = keepTreePrivate(dir);
  };
  const closed = () => {
    if (!dir) return;
    stopKeeping();
    tightenTreeSync(dir);
    unlockDataDir(dir);
  };
  if (options.thread ?? process.env.TEND_PGLITE_THREAD !== '0') {
    let t: PgliteThread;
    try {
      t = await openPgliteThread(dir);
    } catch (err) {
      if (dir) unlockDataDir(dir);
      throw err;
    }
    opened();
    if (schema !== 'public') await t.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
    return {
      kind: 'pglite', schema, lockKey: lockKeyOf(schema),
      query: t.query, exec: t.exec, transaction: t.transaction, listen: t.listen, stats: () => ({ busyMs: t.busyMs() }), backup: t.dump,
      async close() {
        await t.close();
        closed();
      },
    };
  }
  let lite: PGlite;
  try {
    lite = await PGlite.create(dir ? { dataDir: dir } : {});
  } catch (err) {
    if (dir) unlockDataDir(dir);
    throw err;
  }
  opened();
  if (schema !== 'public') {
    await lite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  }
  // statements that repeat run prepared: planned once (pglite-prepared.ts)
  const prepared = new PreparedStatements(lite);
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }, inTransaction: boolean): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const rows = await prepared.query<T>(sql, params, inTransaction);
      if (rows) return rows;
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      prepared.invalidate();
      await q.exec(sql);
    },
  });
  const base = wrap(lite, false);
  let inTx: Queryable | null = null;
  return {
    kind: 'pglite',
    schema,
    lockKey: lockKeyOf(schema),
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // PGlite is one connection: a nested call joins the running transaction.
      if (inTx) return fn(inTx);
      return lite.transaction(async (tx) => {
        inTx = wrap(tx, true);
        try {
          return await fn(inTx);
        } finally {
          inTx = null;
        }
      });
    },
    async backup() {
      await lite.exec('CHECKPOINT');
      return new Uint8Array(await (await lite.dumpDataDir('gzip')).arrayBuffer());
    },
    async listen(channel, onPayload) {
      const unsub = await lite.listen(channel, onPayload);
      return async () => { await unsub(); };
    },
    async close() {
      if (!lite.closed) await lite.close();
      closed();
    },
  };
}

/** The lock file in a PGlite data dir: the pid of the process that has it open. */
export const DATA_DIR_LOCK = 'tend-hub.lock';

/** The live process that has a PGlite data dir open (this one included), or null. */
export function dataDirOwner(dir: string): number | null {
  let owner: number;
  try {
    owner = Number(readFileSync(join(dir, DATA_DIR_LOCK), 'utf8'));
  } catch {
    return null; // no lock file: nobody
  }
  if (!Number.isInteger(owner) || owner <= 0) return null;
  if (owner === process.pid) return owner;
  try {
    process.kill(owner, 0);
    return owner;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? owner : null;
  }
}

/**
 * PGlite is a single-process database: two processes on one data dir corrupt it. A lock file
 * with the owner's pid refuses a second opener while the first is alive.
 */
function lockDataDir(dir: string): void {
  const file = join(dir, DATA_DIR_LOCK);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx', mode: PRIVATE_FILE_MODE });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = dataDirOwner(dir);
  if (owner === process.pid) throw new Error(`the hub data dir ${dir} is already open in this process`);
  if (owner !== null) throw new Error(`the hub data dir ${dir} is in use by process ${owner}; stop it first (or use another --data-dir)`);
  writeFileSync(file, String(process.pid), { mode: PRIVATE_FILE_MODE }); // left by a process that died
}

function unlockDataDir(dir: string): void {
  try {
    if (Number(readFileSync(join(dir, DATA_DIR_LOCK), 'utf8')) === process.pid) rmSync(join(dir, DATA_DIR_LOCK));
  } catch {} // no lock file (or not ours): nothing to remove; the next start checks the owner anyway
}

// ---- pg (PostgreSQL server) ---------------------------------------------------

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v); // int8: our ids stay far below 2^53
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
};

async function openPg(url: string, schema: string, poolSize: number, readOnly: boolean): Promise<Db> {
  if (schema !== 'public' && !readOnly) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await c.end();
    }
  }
  const config = {
    connectionString: url,
    max: poolSize,
    types: pgTypes,
    // every connection resolves names in our schema first (pg_catalog stays implicit)
    options: `-c search_path=${schema}${readOnly ? ' -c default_transaction_read_only=on' : ''}`,
  };
  const pool = new pg.Pool(config);
  pool.on('error', () => { /* an idle client died; the pool replaces it */ });
  const listeners: pg.Client[] = [];
  const viaPool: Queryable = {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
  };
  return {
    kind: 'pg',
    schema,
    lockKey: lockKeyOf(schema),
    ...viaPool,
    stats: () => ({ pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } }),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<R>(sql: string, params: unknown[] = []) {
          return (await client.query(sql, params)).rows as R[];
        },
        async exec(sql: string) {
          await client.query(sql);
        },
      };
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        // the transaction's own error is the one to throw; a connection too broken to roll back is discarded by the pool
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // a LISTEN connection that fails only delays pokes: readers poll the log as well (changelog.ts)
      client.on('error', () => {});
      client.on('notification', (n) => { if (n.channel === channel) onPayload(n.payload ?? ''); });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        const i = listeners.indexOf(client);
        if (i >= 0) listeners.splice(i, 1);
        await client.end().catch(() => {}); // already broken: nothing left to end
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {}))); // already broken: nothing left to end
      await pool.end();
    },
  };
}
