import Database from 'better-sqlite3';
import path from 'node:path';
import { migrate } from './migrate';
import { indexPending } from './fts';
import { pruneWaiting } from './prune';
import { ensurePrivateDir, ensurePrivateFile, tightenFile } from './private-files';

export type Db = Database.Database;

export const CACHE_FILE = 'cache.sqlite';

export interface OpenOptions {
  /**
   * The better-sqlite3 addon to load instead of node_modules' own (built for the system Node's ABI):
   * under Electron, a binding built for Electron's ABI.
   */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the desktop cache in `dataDir`: WAL, synchronous=NORMAL for the
 * cache (a lost last commit is re-synced from the hub); outbox commits go through
 * `durableTransaction`, which raises synchronous to FULL for their commit.
 */
export function openCache(dataDir: string, options: OpenOptions = {}): Db {
  // 0700 folder, 0600 files (private-files.ts). SQLite gives the -wal and -shm it creates the
  // database file's own mode, so a 0600 cache.sqlite makes them 0600 too.
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, CACHE_FILE);
  for (const f of [`${file}-wal`, `${file}-shm`]) tightenFile(f);
  ensurePrivateFile(file);
  const db = openDatabase(file, options.nativeBinding);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32000');
    db.pragma('temp_store = MEMORY');
    // A sync page dirties pages all over the tables; checkpointing after every commit (the
    // default, 1,000 pages) doubles its cost. The core checkpoints when sync goes idle
    // (checkpointWhenIdle); this bound only caps the WAL if it never does.
    db.pragma('wal_autocheckpoint = 16384');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function openDatabase(file: string, nativeBinding: string | undefined): Db {
  if (!nativeBinding) return new Database(file);
  try {
    return new Database(file, { nativeBinding });
  } catch (err) {
    throw new Error(`the SQLite binding ${nativeBinding} cannot be loaded: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

/**
 * Full-text index pages merged per idle call: bounded so an idle step stays short, enough to keep
 * up with a steady stream of change pages (writes no longer merge: migration 0060).
 */
export const IDLE_FTS_MERGE_PAGES = 500;

/**
 * Work deferred to when sync is idle: delete the messages of pruned conversations (migration 0140),
 * index the messages change pages left waiting (migration 0110), merge full-text index segments, then copy the WAL back into the database without waiting on readers.
 */
export function checkpointWhenIdle(db: Db): void {
  pruneWaiting(db);
  indexPending(db);
  db.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', ?)").run(IDLE_FTS_MERGE_PAGES);
  db.pragma('wal_checkpoint(PASSIVE)');
}

/** Runs `fn` in one transaction whose commit is fsynced (WAL + synchronous=FULL). */
export function durableTransaction<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
