/**
 * 0870: handle time as desktops measure it (issue 10, item 6). One row per span an agent had a
 * conversation open and active on a desktop (`record_handle_time` mutations; main/core/handle-time.ts).
 * `span_id` is the desktop's id of the span: a span sent again is stored once. Metrics sum the spans
 * of a conversation (hub/metrics: handle time).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE TABLE handle_time (
  span_id text PRIMARY KEY,
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  active_ms integer NOT NULL CHECK (active_ms >= 0),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handle_time_conversation ON handle_time (conversation_id);
CREATE INDEX handle_time_agent ON handle_time (workspace_id, agent_id, started_at);
`);
}
