/**
 * 1060: staffing (issue 15, hub/staffing): agents' shifts and each workspace's staffing settings.
 * A shift plans an activity (`work` on the queue, or `break`, `training`, …) for one agent from
 * starts_at to ends_at; a break may sit inside a work shift, but two shifts of the same kind of an agent
 * never overlap (the service checks, in the transaction that writes). Settings are one JSON row per
 * workspace over the defaults (shared/contract/staffing.ts).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE shifts (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  activity text NOT NULL DEFAULT 'work',
  created_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT shifts_order CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_workspace_time ON shifts (workspace_id, starts_at);
CREATE INDEX shifts_agent_time ON shifts (agent_id, starts_at);

CREATE TABLE staffing_settings (
  workspace_id text PRIMARY KEY REFERENCES workspaces(id),
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
`);
}
