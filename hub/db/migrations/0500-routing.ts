/**
 * 0500: routing state that outlives a hub restart (hub/routing). Never edit once shipped: add 0510-...
 *
 * - routing_config: the workspace's validated routing configuration (activities, teams' queues,
 *   rules, SLA policies, calendars), stored as the JSON the engine accepted.
 * - agent_presence: each agent's current activity (Available, Break, Offline, custom).
 * - routing_events: what the router did and why (offers and their outcome, overflow, SLA warnings,
 *   breaches and escalations), for supervisors and metrics.
 * - sla_flags: warnings and breaches already raised per conversation, so a restart does not raise
 *   them twice.
 * Insights routed to departments live in `insights` (0600).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE routing_config (
  workspace_id text PRIMARY KEY REFERENCES workspaces(id),
  config jsonb NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_presence (
  agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  workspace_id text NOT NULL REFERENCES workspaces(id),
  activity_id text NOT NULL,
  since timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_presence_workspace ON agent_presence (workspace_id);

CREATE TABLE routing_events (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  at timestamptz NOT NULL,
  type text NOT NULL,
  conversation_id text,
  agent_id text,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX routing_events_workspace_at ON routing_events (workspace_id, at);
CREATE INDEX routing_events_conversation ON routing_events (conversation_id, at) WHERE conversation_id IS NOT NULL;

CREATE TABLE sla_flags (
  conversation_id text PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  warned text[] NOT NULL DEFAULT '{}',
  breached text[] NOT NULL DEFAULT '{}'
);
`);
}
