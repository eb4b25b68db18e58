import type { Database } from 'better-sqlite3';

/**
 * Conversations: the hub's row as JSON in `data`, plus the columns the inbox reads by.
 * `tab` (mine/team/snoozed/resolved/history) is derived at write time from the session's
 * agent and teams, so every inbox page is a single index range scan.
 * `sla_key` is the earliest due time or '9999' so conversations without SLA sort last.
 */
export default function createConversations(db: Database): void {
  db.exec(`
    CREATE TABLE conversations (
      id TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      assignee_id TEXT,
      team_id TEXT,
      status TEXT NOT NULL,
      channel TEXT NOT NULL,
      tab TEXT NOT NULL,
      sla_key TEXT NOT NULL,
      priority_rank INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      last_inbound_at TEXT,
      sync_id INTEGER NOT NULL,
      gen INTEGER NOT NULL DEFAULT 0,
      data TEXT NOT NULL
    );
    CREATE INDEX conversations_tab_sla ON conversations(tab, sla_key, priority_rank DESC, created_at);
    CREATE INDEX conversations_tab_priority ON conversations(tab, priority_rank DESC, sla_key, created_at);
    CREATE INDEX conversations_tab_age ON conversations(tab, created_at);
    CREATE INDEX conversations_customer ON conversations(customer_id);
  `);
}
