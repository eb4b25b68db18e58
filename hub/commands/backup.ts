/**
 * `npm run hub -- backup <file> [--data-dir .tend/hub] [--force]`
 * `npm run hub -- restore <file> [--data-dir .tend/hub] [--force]`
 *
 * Backups of a PGlite data dir (hub/db/backup.ts): taken from the running hub (over its socket beside
 * the data dir) or, with no hub on it, from the data dir itself; written 0600, whole or not at all.
 * A restore refuses a bad file, a data dir in use, or one that holds a database (unless --force, which
 * keeps it aside), and changes nothing then. With DATABASE_URL (a PostgreSQL server) both point to
 * pg_dump / pg_restore (docs/deploy.md).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { notABackup, requestBackup, restoreDataDir } from '../db/backup';
import { dataDirOwner, openDb } from '../db/db';
import { MIGRATIONS } from '../db/migrate';
import { PRIVATE_FILE_MODE } from '../db/private-files';

export interface CommandIo { out(line: string): void; err(line: string): void; env: NodeJS.ProcessEnv }
const defaultIo: CommandIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };

const PG_DUMP = 'a PostgreSQL server is backed up with pg_dump and restored with pg_restore: see docs/deploy.md ("Backups")';

function args(argv: string[], usage: string, io: CommandIo): { file: string; dataDir: string; force: boolean } | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string', default: '.tend/hub' }, force: { type: 'boolean', default: false } } });
  } catch (err) {
    io.err(`${(err as Error).message}\nusage: ${usage}`);
    return null;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`usage: ${usage}`);
    return null;
  }
  return { file: parsed.positionals[0], dataDir: parsed.values['data-dir'], force: parsed.values.force };
}

/** `backup <file>`: exit 0 with the file written, else 1 (a reason on stderr) and no file. */
export async function backup(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const a = args(argv, 'npm run hub -- backup <file> [--data-dir .tend/hub] [--force]', io);
  if (!a) return 2;
  if (io.env.DATABASE_URL) { io.err(`tend hub backup: DATABASE_URL is set: ${PG_DUMP}`); return 2; }
  if (!existsSync(a.dataDir) || !existsSync(`${a.dataDir}/PG_VERSION`)) { io.err(`tend hub backup: ${a.dataDir} holds no hub database (no PG_VERSION)`); return 1; }
  if (existsSync(a.file) && !a.force) { io.err(`tend hub backup: ${a.file} exists: add --force to replace it`); return 1; }
  let bytes: Uint8Array;
  try {
    if (dataDirOwner(a.dataDir) !== null) {
      bytes = await requestBackup(a.dataDir);
    } else {
      const db = await openDb({ dataDir: a.dataDir, thread: false });
      try { bytes = await db.backup!(); } finally { await db.close(); }
    }
  } catch (err) {
    io.err(`tend hub backup: ${(err as Error).message}`);
    return 1;
  }
  // written beside the target and renamed: a file named <file> is a whole backup
  const partial = `${a.file}.partial-${process.pid}`;
  try {
    const fd = openSync(partial, 'wx', PRIVATE_FILE_MODE);
    try {
      for (let at = 0; at < bytes.byteLength;) at += writeSync(fd, bytes, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, a.file);
  } catch (err) {
    rmSync(partial, { force: true });
    io.err(`tend hub backup: cannot write ${a.file}: ${(err as Error).message}`);
    return 1;
  }
  io.out(`backed up ${a.dataDir} to ${a.file} (${statSync(a.file).size} bytes); restore with: npm run hub -- restore ${a.file} --data-dir <dir>`);
  return 0;
}

/** `restore <file>`: exit 0 with the data dir replaced, else 1 (a reason on stderr) and nothing changed. */
export async function restore(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const a = args(argv, 'npm run hub -- restore <file> [--data-dir .tend/hub] [--force]', io);
  if (!a) return 2;
  if (io.env.DATABASE_URL) { io.err(`tend hub restore: DATABASE_URL is set: ${PG_DUMP}`); return 2; }
  let bytes: Buffer;
  try {
    bytes = readFileSync(a.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.err(`tend hub restore: ${code === 'ENOENT' ? `no such file: ${a.file}` : `cannot read ${a.file}: ${(err as Error).message}`}`);
    return 1;
  }
  const why = notABackup(bytes);
  if (why) { io.err(`tend hub restore: ${a.file} is not a hub backup: ${why}`); return 1; }
  try {
    const r = await restoreDataDir(bytes, a.dataDir, { force: a.force, latestMigration: MIGRATIONS.at(-1)!.version });
    io.out(`restored ${a.dataDir} from ${a.file}: schema ${r.schemaVersion}, ${r.conversations} conversations, ${r.messages} messages` +
      (r.keptAside ? `; what was there is kept in ${r.keptAside}` : '') +
      (r.schemaVersion < MIGRATIONS.at(-1)!.version ? '; the hub migrates it forward when it starts' : ''));
    return 0;
  } catch (err) {
    io.err(`tend hub restore: ${(err as Error).message}`);
    return 1;
  }
}

export const run = backup;
