/**
 * Shift end on the desktop (issue 14): each of the agent's open conversations gets a handover
 * summary, kept as an internal note, and "My shift" lists them. Read from the cache, so both work
 * offline; the notes go through the outbox like any other.
 */
import type { ShiftItem } from '../../../shared/contract/desktop';
import type { ConversationStatus } from '../../../shared/domain';
import type { Db } from '../db/open';

export const SUMMARY_HEADER = 'Handover summary\n';

/** The agent's conversations that are not resolved, oldest first. */
export function openConversationsOf(db: Db, agentId: string): Array<{ id: string; status: ConversationStatus; customer_name: string | null }> {
  return db.prepare(`SELECT c.id, c.status, json_extract(cu.data, '$.name') AS customer_name FROM conversations c
    LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE c.assignee_id = ? AND c.status <> 'resolved' ORDER BY c.created_at, c.id`).all(agentId) as Array<{ id: string; status: ConversationStatus; customer_name: string | null }>;
}

/** The latest handover summary note of a conversation, synced or still in the outbox. */
export function latestSummaryNote(db: Db, conversationId: string): { text: string; at: string } | null {
  const synced = (db.prepare('SELECT data FROM notes WHERE conversation_id = ?').pluck().all(conversationId) as string[])
    .map((d) => JSON.parse(d) as { text: string; created_at: string })
    .map((n) => ({ text: n.text, at: n.created_at }));
  const queued = (db.prepare("SELECT args, created_at FROM outbox WHERE conversation_id = ? AND type = 'note'").all(conversationId) as Array<{ args: string; created_at: string }>)
    .map((o) => ({ text: (JSON.parse(o.args) as { text: string }).text, at: o.created_at }));
  const all = [...synced, ...queued].filter((n) => n.text.startsWith(SUMMARY_HEADER)).sort((a, b) => a.at.localeCompare(b.at));
  return all.pop() ?? null;
}

/** My shift: each open conversation with its latest summary, or one computed now where none was kept. */
export function shiftItems(db: Db, agentId: string, summaryNow: (conversationId: string) => string): ShiftItem[] {
  return openConversationsOf(db, agentId).map((c) => {
    const kept = latestSummaryNote(db, c.id);
    return { conversation_id: c.id, customer_name: c.customer_name, status: c.status, summary: kept?.text ?? summaryNow(c.id), kept_at: kept?.at ?? null };
  });
}
