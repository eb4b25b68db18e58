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
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
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
