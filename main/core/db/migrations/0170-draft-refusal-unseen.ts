import type { Database } from 'better-sqlite3';

/**
 * A refusal the hub sends back can reach the draft while the agent's composer still shows an older
 * one (or none). `refusal_id` names the refusal the draft carries (the refused outbox row's id), and
 * `refused_text` holds the refused texts the composer has not shown yet: a save or a send from a
 * composer that names an older refusal keeps them instead of overwriting or deleting them.
 */
export default function draftRefusalUnseen(db: Database): void {
  db.exec('ALTER TABLE drafts ADD COLUMN refusal_id TEXT');
  db.exec('ALTER TABLE drafts ADD COLUMN refused_text TEXT');
}
