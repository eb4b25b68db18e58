import type { Database } from 'better-sqlite3';

/**
 * Deleting the history of a customer who left the scope was a tenth of a change page's work (and
 * grows with the history: a long-standing customer has hundreds of messages). The page now deletes
 * the customer, its conversations and notes at once, and only notes each conversation whose
 * messages are left here; `db/prune.ts pruneWaiting` deletes those messages when sync is idle.
 *
 * Invariants: a message whose conversation_id is in `prune_pending` is shown by no read (a thread
 * needs its conversation row; search filters them out); a conversation that comes back into the
 * cache first drops its waiting messages and its note (sync/apply.ts), so nothing pruned resurrects.
 */
export default function pruneMessagesWhenIdle(db: Database): void {
  db.exec('CREATE TABLE prune_pending (conversation_id TEXT PRIMARY KEY) WITHOUT ROWID');
}
