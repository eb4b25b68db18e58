import type { Database } from 'better-sqlite3';

/**
 * Change pages leave at most about this many messages waiting for the full-text index
 * (migration 0110) before one of them indexes the backlog inline; search scans the waiting
 * messages directly, so the bound also caps that scan.
 */
export const FTS_PENDING_BOUND = 5000;

export function pendingCount(db: Database): number {
  return db.prepare('SELECT count(*) FROM fts_pending').pluck().get() as number;
}

/**
 * Brings the full-text index up to date with the messages noted in `fts_pending`, in one
 * transaction (a savepoint inside a caller's): removes what the index holds for each noted
 * rowid, indexes the current text of those that still exist, and clears the notes.
 * Returns how many rowids it handled.
 */
export function indexPending(db: Database): number {
  return db.transaction(() => {
    db.prepare("INSERT INTO messages_fts(messages_fts, rowid, text) SELECT 'delete', seq, indexed_text FROM fts_pending WHERE indexed_text IS NOT NULL").run();
    db.prepare('INSERT INTO messages_fts(rowid, text) SELECT p.seq, m.text FROM fts_pending p JOIN messages m ON m.seq = p.seq').run();
    return db.prepare('DELETE FROM fts_pending').run().changes;
  })();
}

/** Indexes the backlog only when it has passed `bound`: the change pages' safety valve when sync never goes idle. */
export function indexPendingIfOver(db: Database, bound: number = FTS_PENDING_BOUND): number {
  return pendingCount(db) > bound ? indexPending(db) : 0;
}
