/**
 * 0990: channel accounts and feeds connected from the app (issue 12). `settings` holds what may be
 * shown (account id, handle, feed address); `secrets` the sealed secrets (AES-256-GCM, hub/connectors/
 * secret-box.ts: the key is never in the database) and `secret_hints` their last 4 characters, the
 * only part the API ever answers again.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE channel_connections (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  kind text NOT NULL CHECK (kind IN ('x', 'facebook', 'instagram', 'feed')),
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}',
  secrets text,
  secret_hints jsonb NOT NULL DEFAULT '{}',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_connections_workspace ON channel_connections (workspace_id, created_at);
`);
}
