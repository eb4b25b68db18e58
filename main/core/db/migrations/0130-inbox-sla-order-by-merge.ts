import type { Database } from 'better-sqlite3';

/**
 * Drops `conversations_tab_sla`. Every priority or SLA change rewrote an entry in it and in
 * `conversations_tab_priority` (about 1,000 of a change page's dirty pages); the SLA order is now
 * read from `conversations_tab_priority` alone: its range for each priority rank is already in
 * SLA order, and queries.ts merges the ranks (a UNION ALL SQLite merges without sorting).
 */
export default function inboxSlaOrderByMerge(db: Database): void {
  db.exec('DROP INDEX conversations_tab_sla');
}
