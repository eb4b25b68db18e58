/**
 * 1050: macros (issue 15), a named list of steps an agent runs on a conversation (shared/contract/macros.ts).
 * A macro is one person's (owner_id) or one team's (team_id), never both: the check says so. Its
 * steps are JSON the contract's schema checked on the way in. A name names one macro per owner or
 * team; a key is checked by the desk (it knows the keymap), not here.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE macros (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  owner_id text REFERENCES agents(id) ON DELETE CASCADE,
  team_id text REFERENCES teams(id) ON DELETE CASCADE,
  name text NOT NULL,
  key text,
  steps jsonb NOT NULL,
  uses integer NOT NULL DEFAULT 0,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT macros_one_owner CHECK ((owner_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX macros_name ON macros (workspace_id, coalesce(owner_id, ''), coalesce(team_id, ''), lower(name));
CREATE INDEX macros_team ON macros (team_id) WHERE team_id IS NOT NULL;
`);
}
