/**
 * 0950: workspace administration in the app (issue 12). Teams can be archived (kept for the
 * history that names them, out of routing and pickers). A person may have to replace a temporary
 * password before anything else works, or join through a one-time sign-up link (only its hash is
 * kept, as for session tokens). A workspace has a time zone (first run asks for it).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE teams ADD COLUMN archived_at timestamptz;
-- the workspace's own time zone (first run asks for it): new business-hours calendars start in it
ALTER TABLE workspaces ADD COLUMN time_zone text;
ALTER TABLE agents ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

CREATE TABLE agent_invites (
  token_hash text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents(id),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX agent_invites_agent ON agent_invites (agent_id) WHERE used_at IS NULL;
`);
}
