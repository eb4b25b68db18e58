/**
 * 0970: sessions that end (issue 11). A session gets a public id (admins list and revoke by it,
 * the token's hash never leaves the database), the time it was last used (idle expiry), and when
 * and why it was revoked. Agents can be disabled. Stream tickets: short-lived, single-use
 * credentials for WebSocket upgrades, so the session token never travels in a URL. Sign-in
 * throttling by account and by source address, and the audit log.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE agents ADD COLUMN disabled_at timestamptz;

ALTER TABLE sessions ADD COLUMN id text;
UPDATE sessions SET id = gen_random_uuid()::text;
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE sessions ADD COLUMN revoked_at timestamptz;
ALTER TABLE sessions ADD COLUMN revoked_reason text;
ALTER TABLE sessions ADD COLUMN ip text;
ALTER TABLE sessions ADD COLUMN user_agent text;

CREATE TABLE stream_tickets (
  ticket_hash text PRIMARY KEY,
  session_id text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- one row per e-mail ('account:<lower email>', known or not) or source address ('ip:<addr>') with recent failures
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz,
  locked_until timestamptz
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  workspace_id text,
  actor_id text,
  actor_name text,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id DESC);
`);
}
