/**
 * 1000: what agents did with suggested replies (issue 14). One row per `assist_feedback` mutation
 * (its id: sent twice, stored once): the suggestion's key, accepted / edited / ignored. The hub's
 * suggestion ranking (hub/assist) reads a workspace's rows; later rankings prefer what was used.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE assist_feedback (
  mutation_id text PRIMARY KEY,
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  key text NOT NULL,
  action text NOT NULL CHECK (action IN ('accepted', 'edited', 'ignored')),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assist_feedback_workspace ON assist_feedback (workspace_id, recorded_at);
`);
}
