/**
 * 1070: quality review (issue 15). Never edit once shipped: add 1071-...
 *
 * - quality_scores: the automatic score of a conversation at a resolve (shared/quality/score.ts), one row
 *   per resolve: resolving again after a reopen adds a row and the earlier one is no longer `latest`.
 *   The row is written in the resolve's own transaction and never updated but for `latest`.
 * - quality_reviews: reviewers' overrides of a score's items with their notes, one row per review (the
 *   latest is the current review; earlier ones stay), beside the automatic score, never over it.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE quality_scores (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  agent_id text REFERENCES agents(id),
  team_id text,
  resolved_by text,
  resolved_at timestamptz NOT NULL,
  scored_at timestamptz NOT NULL DEFAULT now(),
  items jsonb NOT NULL,
  passed integer NOT NULL,
  applicable integer NOT NULL,
  score integer,
  latest boolean NOT NULL DEFAULT true
);
CREATE INDEX quality_scores_workspace_resolved ON quality_scores (workspace_id, resolved_at DESC) WHERE latest;
CREATE INDEX quality_scores_agent ON quality_scores (agent_id, resolved_at DESC) WHERE latest;
CREATE INDEX quality_scores_conversation ON quality_scores (conversation_id) WHERE latest;

CREATE TABLE quality_reviews (
  id bigserial PRIMARY KEY,
  score_id bigint NOT NULL REFERENCES quality_scores(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  reviewer_id text NOT NULL REFERENCES agents(id),
  reviewer_name text NOT NULL,
  overrides jsonb NOT NULL,
  items jsonb NOT NULL,
  passed integer NOT NULL,
  applicable integer NOT NULL,
  score integer,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_reviews_score ON quality_reviews (score_id, created_at DESC);
`);
}
