/**
 * Messages held for one resolution (migration 1020): a survey question queued at a resolve, to be
 * sent later, belongs to that resolution (`for_resolved_at` = the conversation's resolved_at then).
 * When the conversation was reopened (a customer wrote again, an agent reopened it) or resolved
 * again before the message went out, that resolution is over: the message is cancelled, through
 * the change log so desktops show it as not sent, and never sent. The dispatcher decides this in
 * the same transaction that claims, so a message is never sent for a resolution that is over,
 * whichever path reopened it and however often the hub restarted meanwhile.
 */
import type { Writer } from '../sync/changelog';

export const CANCELLED_BY_REOPEN = 'not sent: the conversation was reopened before it was due';

/** Cancels the held messages (never sent: queued, or failed and waiting for a retry) whose resolution is over. */
export async function cancelEndedHolds(w: Writer): Promise<number> {
  const ended = await w.query<{ id: string }>(
    `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.for_resolved_at IS NOT NULL AND m.delivery IN ('queued', 'failed') AND m.next_attempt_at IS NOT NULL
        AND c.resolved_at IS DISTINCT FROM m.for_resolved_at`);
  for (const { id } of ended) await cancelHeld(w, id);
  return ended.length;
}

export async function cancelHeld(w: Writer, messageId: string): Promise<void> {
  await w.update('message', messageId, { delivery: 'cancelled', next_attempt_at: null, delivery_error: CANCELLED_BY_REOPEN });
}
