import type { Database } from 'better-sqlite3';

/**
 * Approvals for public replies (issue 15): a reply an approver rejected comes back through sync as a
 * message in delivery 'rejected', and its text goes back to the agent's composer with the note once.
 * `approval_returns` remembers which rejected replies this cache has returned, so a later page or a
 * bootstrap carrying the same message never puts the text back a second time.
 */
export default function approvalReturns(db: Database): void {
  db.exec('CREATE TABLE approval_returns (message_id TEXT PRIMARY KEY, returned_at TEXT NOT NULL)');
}
