import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

export const CACHE_FILE = 'cache.sqlite';

/**
 * Opens (creating if needed) the desktop cache in `dataDir`: WAL, synchronous=NORMAL for the
 * cache (a lost last commit is re-synced from the hub); outbox commits go through
 * `durableTransaction`, which raises synchronous to FULL for their commit.
 */
export function openCache(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, CACHE_FILE));
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

/** Copies the WAL back into the database without waiting on readers; run when sync is idle. */
export function checkpointWhenIdle(db: Db): void {
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
