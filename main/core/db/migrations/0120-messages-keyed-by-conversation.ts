import type { Database } from 'better-sqlite3';

/**
 * A change page's 1,000 new messages each wrote a random leaf of two indexes: the unique one on
 * `id` and `messages_conversation(conversation_id, created_at)`, about 2,100 of the 4,800 pages a
 * page dirtied. Messages are now found by `(conversation_id, id)`, one unique index that serves
 * the upsert and the thread read (which sorts its few rows by created_at, seq): a message never
 * moves to another conversation on the hub, so the pair names it as well as the id did.
 *
 * SQLite cannot drop a column's UNIQUE constraint in place: the table is rebuilt with the same
 * rows and `seq` values (the full-text index refers to them), then the triggers of migration
 * 0110 are recreated unchanged. `fts_pending` is untouched.
 */
export default function messagesKeyedByConversation(db: Database): void {
  db.exec(`
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    CREATE TABLE messages_0120 (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      direction TEXT NOT NULL,
      visibility TEXT NOT NULL,
      author_id TEXT,
      author_name TEXT NOT NULL,
      text TEXT NOT NULL,
      platform_id TEXT,
      permalink TEXT,
      delivery TEXT NOT NULL,
      delivery_error TEXT,
      created_at TEXT NOT NULL,
      sync_id INTEGER NOT NULL,
      gen INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO messages_0120(seq, id, conversation_id, direction, visibility, author_id, author_name, text, platform_id, permalink, delivery, delivery_error, created_at, sync_id, gen)
      SELECT seq, id, conversation_id, direction, visibility, author_id, author_name, text, platform_id, permalink, delivery, delivery_error, created_at, sync_id, gen
      FROM messages ORDER BY seq;
    DROP TABLE messages;
    ALTER TABLE messages_0120 RENAME TO messages;
    CREATE UNIQUE INDEX messages_conversation_id ON messages(conversation_id, id);
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
