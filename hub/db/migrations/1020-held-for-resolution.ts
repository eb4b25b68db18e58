/**
 * 1020: an outbound message may belong to one resolution of its conversation (a survey asked after
 * a resolve, possibly hours later): `for_resolved_at` is the conversation's resolved_at when it was
 * queued. The dispatcher sends it only while the conversation still is in that resolution; a reopen
 * (resolved_at NULL) or a later resolve (another resolved_at) makes it 'cancelled', never sent
 * (hub/outbound/held.ts). A cancelled question was never asked: its survey is marked cancelled in
 * the same statement (the trigger below), so reports do not count it, the customer's next post is
 * not read as its answer and the next resolve asks again. The survey row stays, so the metric facts
 * keep leaving its question out of the conversation's timing (0600 tend_metric_msgs).
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec(`
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_delivery_check;
ALTER TABLE messages ADD CONSTRAINT messages_delivery_check
  CHECK (delivery IN ('received', 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled'));
ALTER TABLE messages ADD COLUMN for_resolved_at timestamptz;
-- the dispatcher looks for held messages whose resolution is over at every claim: only the few waiting ones are indexed
CREATE INDEX messages_held ON messages (conversation_id)
  WHERE for_resolved_at IS NOT NULL AND delivery IN ('queued', 'failed');

ALTER TABLE surveys ADD COLUMN cancelled_at timestamptz;
CREATE FUNCTION tend_cancel_unasked_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE surveys SET cancelled_at = now() WHERE question_message_id = NEW.id AND answered_at IS NULL AND cancelled_at IS NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_cancel_unasked_surveys AFTER UPDATE OF delivery ON messages
  FOR EACH ROW WHEN (NEW.delivery = 'cancelled' AND OLD.delivery IS DISTINCT FROM 'cancelled')
  EXECUTE FUNCTION tend_cancel_unasked_surveys();
`);
}
