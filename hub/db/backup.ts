/**
 * Backups of a PGlite data dir, consistent while the hub runs.
 *
 * A backup is PGlite's own `dumpDataDir` (a gzipped tar of the data dir), taken after a CHECKPOINT
 * between two transactions, so it holds every committed write up to that moment and nothing half-done;
 * `PGlite.create({ loadDataDir })` opens it as it was. PGlite is one process: while a hub holds the data
 * dir, `npm run hub -- backup` asks that hub for it over a Unix socket beside the data dir
 * (`<data-dir>.sock`, 0600 like the data dir, so only its owner can ask); with no hub on it, the
 * command opens the data dir itself.
 *
 * A restore unpacks into a fresh folder beside the target, opens it, checks it is a Tend hub's
 * database this hub can run, and only then swaps it in (the folder it replaces is kept aside): a bad
 * file or a refused check changes nothing. A PostgreSQL server is backed up with pg_dump (docs/deploy.md).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { dataDirOwner, DATA_DIR_LOCK } from './db';
import { ensurePrivateDataDir, PRIVATE_FILE_MODE, tightenTreeSync } from './private-files';

/** Where a running hub answers backup requests for its data dir. */
export function backupSocketPath(dataDir: string): string {
  return `${resolve(dataDir)}.sock`;
}

/** A Unix socket path longer than this cannot be listened on (sun_path). */
const MAX_SOCKET_PATH = 107;

/**
 * Serves backups of `dataDir` while the hub runs. Returns a stop function; null when no socket could
 * be made (a read-only parent, a path too long), and `onProblem` says why: backups then need the hub stopped.
 */
export async function serveBackups(dataDir: string, dump: () => Promise<Uint8Array>, onProblem: (message: string) => void): Promise<(() => Promise<void>) | null> {
  const path = backupSocketPath(dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    onProblem(`no backups while the hub runs: the socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes (use a shorter --data-dir)`);
    return null;
  }
  // the data dir's lock is ours, so a socket left beside it is a dead hub's
  try { unlinkSync(path); } catch {}
  let busy: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((socket) => {
    socket.once('data', () => {
      // one backup at a time: each is a whole copy in memory
      busy = busy.then(async () => {
        try {
          const tar = await dump();
          socket.write(`${JSON.stringify({ ok: true, bytes: tar.byteLength })}\n`);
          socket.end(tar);
        } catch (err) {
          socket.end(`${JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) })}\n`);
        }
      });
    });
    socket.on('error', () => {}); // the asker went away: nothing to answer
  });
  try {
    await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(path, () => { server.off('error', fail); ok(); }); });
    chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    server.close();
    onProblem(`no backups while the hub runs: cannot listen on ${path}: ${(err as Error).message}`);
    return null;
  }
  return async () => {
    await busy;
    await new Promise<void>((ok) => server.close(() => ok()));
    try { unlinkSync(path); } catch {}
  };
}

/** Asks the hub running on `dataDir` for a backup (the socket's answer: a JSON line, then the bytes). */
export function requestBackup(dataDir: string): Promise<Uint8Array> {
  return new Promise((ok, fail) => {
    const socket = createConnection(backupSocketPath(dataDir));
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write('backup\n'));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      fail(new Error(err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
        ? `the hub on ${dataDir} does not answer backup requests at ${backupSocketPath(dataDir)}: stop it and run the backup again`
        : `asking the hub on ${dataDir} for a backup failed: ${err.message}`));
    });
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(10);
      let head: { ok: boolean; bytes?: number; error?: string };
      try { head = JSON.parse(all.subarray(0, nl).toString('utf8')); } catch { fail(new Error('the hub gave no backup (a garbled answer)')); return; }
      if (!head.ok) { fail(new Error(`the hub could not make a backup: ${head.error}`)); return; }
      const tar = all.subarray(nl + 1);
      if (tar.byteLength !== head.bytes) { fail(new Error(`the backup was cut short (${tar.byteLength} of ${head.bytes} bytes)`)); return; }
      ok(new Uint8Array(tar.buffer, tar.byteOffset, tar.byteLength));
    });
  });
}

/**
 * Why `bytes` is not a PGlite data dir backup, or null when it looks like one: a gzipped (or plain)
 * tar that holds PG_VERSION and global/pg_control.
 */
export function notABackup(bytes: Uint8Array): string | null {
  let tar: Buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (tar[0] === 0x1f && tar[1] === 0x8b) {
    try { tar = gunzipSync(tar); } catch (err) { return `it is gzip but does not unpack (${(err as Error).message})`; }
  }
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || field(257, 5) !== 'ustar') return 'it is not a tar archive of a data dir';
    const prefix = field(345, 155);
    names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  if (!names.length) return 'it is not a tar archive of a data dir';
  const has = (file: string) => names.some((n) => n === file || n.endsWith(`/${file}`));
  if (!has('PG_VERSION') || !has('global/pg_control')) return 'it holds no PostgreSQL data dir (no PG_VERSION, global/pg_control)';
  return null;
}

export interface RestoreResult {
  /** the restored database's schema version (its newest migration) */
  schemaVersion: number;
  conversations: number;
  messages: number;
  /** where the data dir that was replaced was put, or null (there was none) */
  keptAside: string | null;
}

/**
 * Restores `backup` into `dataDir`. Refused, changing nothing, when the file is not a backup, the data
 * dir is in use or already holds a database (unless `force`: it is then renamed aside, not deleted),
 * or the backup is not a Tend hub database this hub can run (`latestMigration`).
 */
export async function restoreDataDir(backup: Uint8Array, dataDir: string, options: { force?: boolean; latestMigration: number; now?: Date }): Promise<RestoreResult> {
  const why = notABackup(backup);
  if (why) throw new Error(`not a hub backup: ${why}`);
  const target = resolve(dataDir);
  const owner = existsSync(target) ? dataDirOwner(target) : null;
  if (owner !== null) throw new Error(`the hub data dir ${dataDir} is in use by process ${owner}: stop that hub first`);
  const occupied = existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0);
  if (occupied && !options.force) {
    throw new Error(`${dataDir} is not empty: restoring replaces it. Add --force to restore anyway (what is there now is kept as ${basename(target)}.before-restore-<time>)`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const fresh = `${target}.restoring-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  ensurePrivateDataDir(fresh);
  let result: Omit<RestoreResult, 'keptAside'>;
  try {
    const lite = await PGlite.create({ dataDir: fresh, loadDataDir: new Blob([new Uint8Array(backup)]) });
    try {
      const [m] = (await lite.query<{ ok: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)).rows;
      if (!m.ok) throw new Error('not a hub backup: the database in it has no Tend schema (schema_migrations)');
      const [r] = (await lite.query<{ v: number; conversations: number; messages: number }>(
        `SELECT (SELECT max(version) FROM schema_migrations) AS v, (SELECT count(*)::int FROM conversations) AS conversations, (SELECT count(*)::int FROM messages) AS messages`)).rows;
      if (r.v > options.latestMigration) {
        throw new Error(`the backup is from a newer hub (schema ${r.v}; this hub knows up to ${options.latestMigration}): restore it with that hub's version`);
      }
      result = { schemaVersion: r.v, conversations: r.conversations, messages: r.messages };
    } finally {
      await lite.close();
    }
    // the hub that was backed up held the data dir: its lock is not ours
    rmSync(join(fresh, DATA_DIR_LOCK), { force: true });
    tightenTreeSync(fresh);
  } catch (err) {
    rmSync(fresh, { recursive: true, force: true });
    throw err;
  }
  let keptAside: string | null = null;
  if (occupied) {
    keptAside = `${target}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, keptAside);
  } else if (existsSync(target)) {
    rmSync(target, { recursive: true }); // an empty folder
  }
  renameSync(fresh, target);
  return { ...result, keptAside };
}
