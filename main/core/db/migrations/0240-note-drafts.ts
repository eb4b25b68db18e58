import type { Database } from 'better-sqlite3';

/**
 * An internal note the hub refused (a handover summary among them) comes back as a note draft, apart
 * from the reply draft: before, it came back into the `drafts` row, which is the public reply's, so
 * the agent could send an internal note to the customer. One note draft per conversation; the
 * composer shows it in its Internal note mode and saves the agent's edits to it.
 * `refusal_id`: the refused outbox row the note draft came back from (null once the agent edited it).
 */
export default function noteDrafts(db: Database): void {
  db.exec(`CREATE TABLE note_drafts (
    conversation_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rejected_code TEXT,
    rejected_message TEXT,
    refusal_id TEXT
  ) WITHOUT ROWID`);
}
