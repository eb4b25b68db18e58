import type { Database } from 'better-sqlite3';

/**
 * Full-text indexing leaves the writing transaction: tokenizing 1,000 messages (and deleting a
 * pruned customer's history from the index) was most of a change page's cost. The triggers now
 * only note the message rowid in `fts_pending`, with the text the index holds for it
 * (`indexed_text`, NULL when it holds none); `db/fts.ts indexPending` brings the index up to date
 * (bootstrap pages inline, change pages when sync is idle or the backlog passes a bound), and
 * search reads the pending rows directly so it stays exact in between.
 *
 * Invariant: a message whose seq is not in `fts_pending` is indexed with its current text.
 * INSERT OR IGNORE keeps the first note of a rowid: it is the one that says what the index holds.
 */
export default function ftsDeferredIndexing(db: Database): void {
  db.exec(`
    CREATE TABLE fts_pending (seq INTEGER PRIMARY KEY, indexed_text TEXT);
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
      INSERT OR IGNORE INTO fts_pending(seq, indexed_text) VALUES (new.seq, NULL);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
      INSERT OR IGNORE INTO fts_pending(seq, indexed_text) VALUES (old.seq, old.text);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
      INSERT OR IGNORE INTO fts_pending(seq, indexed_text) VALUES (old.seq, old.text);
    END;
  `);
}
