/**
 * 0700: what hub/analysis keeps per workspace. Never edit once shipped: add 0710-...
 *
 * - analysis_models: the workspace's learned models (naive Bayes counts per task), its edited
 *   taxonomy and how many corrections it learnt, as the one JSON document the analyzer saves.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE analysis_models (
  workspace_id text PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  model jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`);
}
