import type { Database } from 'better-sqlite3';

/**
 * FTS5 merges its index segments as part of each write by default (automerge), which puts an
 * occasional long merge inside a sync page's transaction. Merging moves to when sync is idle
 * (`checkpointWhenIdle` runs a bounded 'merge'); FTS5's crisis merge still bounds the number of
 * segments if sync never goes idle. A setting in the FTS config table: no rows change.
 */
export default function ftsMergeWhenIdle(db: Database): void {
  db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 0)");
}
