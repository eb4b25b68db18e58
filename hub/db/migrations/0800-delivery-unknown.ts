/**
 * 0800: outbound delivery can be 'unknown' (the request may have reached the platform, but no answer
 * came back: a crash, a timeout, a reset). Such a message is reconciled by reading back from the
 * platform before anything is sent again (hub/outbound/dispatcher.ts). `send_started_at` is when the
 * first POST of the message could have left: the read-back looks at platform posts from then on.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_delivery_check;
ALTER TABLE messages ADD CONSTRAINT messages_delivery_check
  CHECK (delivery IN ('received', 'queued', 'sending', 'sent', 'failed', 'unknown'));
ALTER TABLE messages ADD COLUMN send_started_at timestamptz;
DROP INDEX IF EXISTS messages_outbox;
CREATE INDEX messages_outbox ON messages (next_attempt_at)
  WHERE direction = 'outbound' AND delivery IN ('queued', 'sending', 'failed', 'unknown');
`);
}
