import type { Database } from 'better-sqlite3';

/**
 * Customers and internal notes (hub rows as JSON), and `customer_scope`: the customers whose
 * whole history the cache holds, with whether that history has been fetched (hydrated) yet.
 */
export default function createCustomersNotes(db: Database): void {
  db.exec(`
    CREATE TABLE customers (
      id TEXT PRIMARY KEY,
      sync_id INTEGER NOT NULL,
      gen INTEGER NOT NULL DEFAULT 0,
      data TEXT NOT NULL
    );
    CREATE TABLE notes (
      id TEXT PRIMARY KEY,
      conversation_id TEXT NOT NULL,
      created_at TEXT NOT NULL,
      sync_id INTEGER NOT NULL,
      gen INTEGER NOT NULL DEFAULT 0,
      data TEXT NOT NULL
    );
    CREATE INDEX notes_conversation ON notes(conversation_id, created_at);
    CREATE TABLE customer_scope (
      customer_id TEXT PRIMARY KEY,
      hydrated INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
  `);
}
