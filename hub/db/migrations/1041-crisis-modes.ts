/**
 * 1041: crisis mode per topic (hub/spikes/crisis.ts): who turned it on and off and when, the holding
 * statement, the team the topic went to (through a routing rule `crisis-<id>`, removed when it ends),
 * and the spike alert it came from. At most one crisis on per topic and workspace.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE crisis_modes (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  topic text NOT NULL,
  holding_statement text NOT NULL,
  team_id text REFERENCES teams(id),
  alert_id text,
  started_at timestamptz NOT NULL DEFAULT now(),
  started_by text,
  started_by_name text NOT NULL,
  ended_at timestamptz,
  ended_by text,
  ended_by_name text
);
CREATE UNIQUE INDEX crisis_modes_on ON crisis_modes (workspace_id, topic) WHERE ended_at IS NULL;
CREATE INDEX crisis_modes_recent ON crisis_modes (workspace_id, started_at DESC);
`);
}
