/**
 * 0520: SLA clocks pause while a conversation is pending or snoozed (hub/routing/sla-clock.ts).
 * What the engine needs to give the same due times after a restart is kept with the other
 * per-conversation SLA state in sla_flags:
 * - paused_since: start of the running pause (null while the clocks run);
 * - pauses: the ended pauses as a JSON array of [from_ms, to_ms] (epoch milliseconds), in order.
 * The service writes both from the engine's `sla.pause_changed` event (the whole state, last wins)
 * and passes them to `restoreClock({ pause })` when it loads a workspace.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE sla_flags ADD COLUMN paused_since timestamptz;
ALTER TABLE sla_flags ADD COLUMN pauses jsonb NOT NULL DEFAULT '[]'::jsonb;
`);
}
