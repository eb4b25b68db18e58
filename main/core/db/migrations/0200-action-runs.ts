import type { Database } from 'better-sqlite3';

/**
 * Macros and bulk actions (issue 15). One run (a macro on a conversation, or a bulk action on many)
 * queues ordinary outbox mutations, tagged with the run (`run_id`), and held (`held_until`, ISO) for
 * the undo window: the outbox sends nothing at or after a held row until it is due, so nothing
 * public leaves before the window closes, and undo is deleting the rows and putting back the
 * conversations as they were (`action_runs.snapshots`). `action_items` is one row per mutation with
 * what the hub answered (applied, or refused with its code and reason) or why the desktop refused
 * the conversation before queueing anything: the run's summary, which never drops a refusal.
 */
export default function actionRuns(db: Database): void {
  db.exec(`
    ALTER TABLE outbox ADD COLUMN run_id TEXT;
    ALTER TABLE outbox ADD COLUMN held_until TEXT;
    CREATE INDEX outbox_run ON outbox(run_id) WHERE run_id IS NOT NULL;
    CREATE TABLE action_runs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('macro', 'bulk')),
      label TEXT NOT NULL,
      created_at TEXT NOT NULL,
      held_until TEXT,
      undone_at TEXT,
      snapshots TEXT NOT NULL
    );
    CREATE TABLE action_items (
      run_id TEXT NOT NULL REFERENCES action_runs(id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      conversation_id TEXT NOT NULL,
      outbox_id TEXT,
      step TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'applied', 'refused', 'stopped', 'undone')),
      code TEXT,
      message TEXT,
      PRIMARY KEY (run_id, seq)
    );
    CREATE INDEX action_items_outbox ON action_items(outbox_id) WHERE outbox_id IS NOT NULL;
  `);
}
