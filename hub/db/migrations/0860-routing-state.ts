/**
 * 0860: routing state that a restart must not change (issue 10, 1).
 *
 * - routing_state: where routing placed each conversation (its queue, the rule and target that led
 *   there, since when). A restart restores conversations from it and from their rows; only a
 *   conversation routing never placed goes through the rules. Every conversation that exists now
 *   was placed by the routing before this migration: it gets a row (no queue: its team's queue),
 *   so upgrading does not route live work again either.
 * - routing_rule_versions: each change of a workspace's rules, with who made it and when.
 * - insights: looked up by conversation (a restart finds a conversation's insight).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE routing_state (
  conversation_id text PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  workspace_id text NOT NULL,
  queue_id text,
  rule_id text,
  target_index integer NOT NULL DEFAULT 0,
  entered_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO routing_state (conversation_id, workspace_id, entered_at) SELECT id, workspace_id, created_at FROM conversations;

CREATE TABLE routing_rule_versions (
  workspace_id text NOT NULL REFERENCES workspaces(id),
  version integer NOT NULL,
  rules jsonb NOT NULL,
  changed_by text,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, version)
);

CREATE INDEX insights_conversation ON insights (conversation_id, opened_at);
`);
}
