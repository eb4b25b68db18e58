/**
 * 0010: the care hub's core tables and the change log. Never edit once shipped: add 0020-...
 * Every synced entity carries sync_id = sync_id of its latest entry in `changes`.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('support', 'department')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE agents (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  skills jsonb NOT NULL DEFAULT '{}',
  capacity jsonb NOT NULL DEFAULT '{}',
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sync_id bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX agents_email ON agents (lower(email));
CREATE INDEX agents_workspace ON agents (workspace_id);

CREATE TABLE agent_teams (
  agent_id text NOT NULL REFERENCES agents(id),
  team_id text NOT NULL REFERENCES teams(id),
  PRIMARY KEY (agent_id, team_id)
);
CREATE INDEX agent_teams_team ON agent_teams (team_id);

CREATE TABLE channel_accounts (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  channel text NOT NULL,
  handle text NOT NULL,
  name text NOT NULL DEFAULT '',
  config jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, channel, handle)
);

CREATE TABLE customers (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  name text NOT NULL,
  location text,
  followers integer,
  verified boolean NOT NULL DEFAULT false,
  tier text,
  tags text[] NOT NULL DEFAULT '{}',
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  sync_id bigint NOT NULL DEFAULT 0
);
CREATE INDEX customers_workspace ON customers (workspace_id);

CREATE TABLE customer_identities (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  workspace_id text NOT NULL,
  channel text NOT NULL,
  handle text NOT NULL,
  platform_user_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);
CREATE UNIQUE INDEX customer_identities_platform ON customer_identities (workspace_id, channel, platform_user_id) WHERE platform_user_id IS NOT NULL;
CREATE UNIQUE INDEX customer_identities_handle ON customer_identities (workspace_id, channel, lower(handle)) WHERE platform_user_id IS NULL;

CREATE TABLE conversations (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  channel text NOT NULL,
  channel_account_id text REFERENCES channel_accounts(id),
  customer_id text NOT NULL REFERENCES customers(id),
  thread_key text,
  subject text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
  snoozed_until timestamptz,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  assignee_id text REFERENCES agents(id),
  team_id text REFERENCES teams(id),
  tags text[] NOT NULL DEFAULT '{}',
  analysis jsonb NOT NULL DEFAULT '{}',
  first_response_due_at timestamptz,
  next_response_due_at timestamptz,
  resolution_due_at timestamptz,
  first_response_at timestamptz,
  resolved_at timestamptz,
  last_message_at timestamptz NOT NULL DEFAULT now(),
  last_inbound_at timestamptz,
  snippet text NOT NULL DEFAULT '',
  message_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sync_id bigint NOT NULL DEFAULT 0
);
CREATE INDEX conversations_assignee ON conversations (workspace_id, assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX conversations_queue ON conversations (workspace_id, team_id) WHERE assignee_id IS NULL;
CREATE INDEX conversations_customer ON conversations (customer_id);
CREATE INDEX conversations_thread ON conversations (workspace_id, channel, thread_key) WHERE thread_key IS NOT NULL;

CREATE TABLE messages (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  conversation_id text NOT NULL REFERENCES conversations(id),
  channel text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  visibility text NOT NULL CHECK (visibility IN ('public', 'private')),
  author_id text,
  author_name text NOT NULL DEFAULT '',
  text text NOT NULL,
  platform_id text,
  in_reply_to text,
  permalink text,
  delivery text NOT NULL CHECK (delivery IN ('received', 'queued', 'sending', 'sent', 'failed')),
  delivery_error text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  sync_id bigint NOT NULL DEFAULT 0
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
CREATE UNIQUE INDEX messages_platform ON messages (workspace_id, channel, platform_id) WHERE platform_id IS NOT NULL;
-- the dispatcher's work list: outbound messages not yet delivered
CREATE INDEX messages_outbox ON messages (next_attempt_at) WHERE direction = 'outbound' AND delivery IN ('queued', 'sending', 'failed');

CREATE TABLE notes (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  conversation_id text NOT NULL REFERENCES conversations(id),
  author_id text NOT NULL REFERENCES agents(id),
  author_name text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sync_id bigint NOT NULL DEFAULT 0
);
CREATE INDEX notes_conversation ON notes (conversation_id);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_agent ON sessions (agent_id);

-- client mutation ids with their results: written in the same transaction as the effect
CREATE TABLE mutations (
  id text PRIMARY KEY,
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  type text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE changes (
  sync_id bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  customer_id text,
  keys text[] NOT NULL DEFAULT '{}',
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- sync ids at or below retained_from - 1 may have been pruned: clients that old must re-bootstrap
CREATE TABLE sync_state (
  id integer PRIMARY KEY CHECK (id = 1),
  retained_from bigint NOT NULL DEFAULT 0
);
INSERT INTO sync_state (id, retained_from) VALUES (1, 0);

-- what the sandbox connector "posted": one row per message, so a retried delivery posts once
CREATE TABLE sandbox_posts (
  message_id text PRIMARY KEY,
  channel text NOT NULL,
  account text,
  visibility text NOT NULL,
  text text NOT NULL,
  in_reply_to text,
  recipient text,
  platform_id text NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now()
);
`);
}
