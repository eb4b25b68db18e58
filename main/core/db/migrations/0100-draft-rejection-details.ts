import type { Database } from 'better-sqlite3';

/**
 * A refused reply may carry details the agent acts on: a 'collision' refusal names the
 * conflicts and the token that sends the reply anyway. JSON, NULL when there are none.
 */
export default function addDraftRejectionDetails(db: Database): void {
  db.exec('ALTER TABLE drafts ADD COLUMN rejected_details TEXT');
}
