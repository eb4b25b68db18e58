import type { Database } from 'better-sqlite3';

/**
 * Deletes the messages of conversations pruned from the cache (migration 0140), in one transaction
 * (a savepoint inside a caller's). A conversation that is back in the cache keeps its messages:
 * apply.ts clears its note when it returns, this is only a guard. Returns how many messages it deleted.
 */
export function pruneWaiting(db: Database): number {
  return db.transaction(() => {
    const n = db.prepare(`DELETE FROM messages WHERE conversation_id IN
      (SELECT conversation_id FROM prune_pending WHERE conversation_id NOT IN (SELECT id FROM conversations))`).run().changes;
    db.prepare('DELETE FROM prune_pending').run();
    return n;
  })();
}

/** For reads: the messages of these conversations are pruned, only not yet deleted. */
export const NOT_PRUNED = 'NOT IN (SELECT conversation_id FROM prune_pending)';
