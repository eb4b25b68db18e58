import type { Database } from 'better-sqlite3';

/**
 * Messages and their full-text index. The FTS5 table is external-content (no second copy of
 * the text) and kept in step by triggers; `seq` is an explicit INTEGER PRIMARY KEY so the
 * rowids FTS refers to survive VACUUM.
 */
export default function createMessages(db: Database): void {
  db.exec(`
    CREATE TABLE messages (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
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
    CREATE INDEX messages_conversation ON messages(conversation_id, created_at);

    CREATE VIRTUAL TABLE messages_fts USING fts5(
      text, content='messages', content_rowid='seq',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    );
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
      INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
      INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
    END;
  `);
}
