/**
 * 0710: indexes the supervisor floor reads by (last 12 hours of a workspace). Never edit once shipped.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
CREATE INDEX messages_workspace_time ON messages (workspace_id, created_at);
CREATE INDEX conversation_events_workspace_time ON conversation_events (workspace_id, at);
`);
}
