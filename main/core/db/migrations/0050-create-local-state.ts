import type { Database } from 'better-sqlite3';

/**
 * What only this desktop knows: drafts, the outbox of unsent mutations (drained in `seq`
 * order), and read marks.
 * `depends_on`: a mutation that must succeed first (send-and-resolve: the resolve waits for the reply
 * and is dropped if the reply is refused).
 * Outbox `state`: 'pending' (to send), 'acked' (the hub accepted it; kept until the synced
 * message arrives so the thread never flickers), 'failed' (stopped after a non-retryable error).
 */
export default function createLocalState(db: Database): void {
  db.exec(`
    CREATE TABLE drafts (
      conversation_id TEXT PRIMARY KEY,
      text TEXT NOT NULL,
      visibility TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      rejected_code TEXT,
      rejected_message TEXT
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      args TEXT NOT NULL,
      conversation_id TEXT NOT NULL,
      message_id TEXT,
      depends_on TEXT,
      state TEXT NOT NULL DEFAULT 'pending',
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX outbox_state ON outbox(state, seq);
    CREATE INDEX outbox_conversation ON outbox(conversation_id);
    CREATE TABLE read_marks (
      conversation_id TEXT PRIMARY KEY,
      read_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
