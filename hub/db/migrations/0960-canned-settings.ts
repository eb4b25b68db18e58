/**
 * 0960: canned responses and an agent's own settings live on the hub (issue 12), so they follow
 * the person, not the desktop. A canned response is the team's (owner_id NULL: the workspace's,
 * changed by supervisors and admins) or one agent's; a shortcode names one of each at most, and
 * `uses` counts insertions. Every existing workspace gets the starter set the desktops had.
 * agent_settings holds what an agent chose for themselves (the keymap).
 */
import type { Queryable } from '../db';
import { DEFAULT_CANNED } from '../../../shared/text/canned';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE canned_responses (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  owner_id text REFERENCES agents(id),
  shortcode text NOT NULL,
  title text NOT NULL,
  text text NOT NULL,
  uses integer NOT NULL DEFAULT 0,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX canned_responses_shortcode ON canned_responses (workspace_id, coalesce(owner_id, ''), shortcode);

CREATE TABLE agent_settings (
  agent_id text NOT NULL REFERENCES agents(id),
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent_id, key)
);
`);
  const workspaces = await db.query<{ id: string }>('SELECT id FROM workspaces');
  for (const w of workspaces) await seedCanned(db, w.id);
}

/** The starter set of team canned responses, as the desktops had them (a new workspace gets them from hub/accounts/admin.ts). */
async function seedCanned(db: Queryable, workspaceId: string): Promise<void> {
  for (const c of DEFAULT_CANNED) {
    await db.query(`INSERT INTO canned_responses (id, workspace_id, owner_id, shortcode, title, text) VALUES ($1, $2, NULL, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [`${workspaceId}:${c.shortcode}`, workspaceId, c.shortcode, c.title, c.text]);
  }
}
