import type { Database } from 'better-sqlite3';

/** Key/value tables: sync checkpoint and session (meta), the agent's preferences (settings). */
export default function createMeta(db: Database): void {
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `);
}
