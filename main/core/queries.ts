/** Every read the workspace makes, served from the cache alone (the hub may be down). */
import type { DesktopResponse, InboxTab, ThreadMessage } from '../../shared/contract/desktop';
import type { Agent, Channel, Conversation, Customer, Note } from '../../shared/domain';
import type { Db } from './db/open';
import { getDraft, getNoteDraft } from './drafts';
import { CoreError } from './errors';
import type { OutboxRow } from './outbox';
import { PRIORITY_RANKS } from './sync/scope';

const ORDER = {
  sla: 'c.sla_key ASC, c.priority_rank DESC, c.created_at ASC',
  priority: 'c.priority_rank DESC, c.sla_key ASC, c.created_at ASC',
  age: 'c.created_at ASC',
} as const;

export interface InboxQuery { tab: InboxTab; sort: keyof typeof ORDER; channel?: Channel; tag?: string; offset: number; limit: number }

/**
 * The page's conversations in order, as (rowid, sort keys). 'priority' and 'age' are one range scan of
 * their index. 'sla' has no index of its own (migration 0130: a change page rewrote it with
 * conversations_tab_priority for every priority change): it merges the priority index's ranges of
 * each rank, which are each in SLA order, so it too reads only the entries up to the page's end.
 */
function pageKeys(where: string, sort: InboxQuery['sort']): string {
  const cols = 'c.rowid AS rid, c.sla_key, c.priority_rank, c.created_at';
  // rowid last: ties keep the index's order, the same on every page
  if (sort !== 'sla') return `SELECT ${cols} FROM conversations c WHERE ${where} ORDER BY ${ORDER[sort]}, rid LIMIT @limit OFFSET @offset`;
  const arms = PRIORITY_RANKS.map((rank) => `SELECT ${cols} FROM conversations c INDEXED BY conversations_tab_priority WHERE ${where} AND c.priority_rank = ${rank}`);
  return `${arms.join(' UNION ALL ')} ORDER BY sla_key ASC, priority_rank DESC, created_at ASC, rid LIMIT @limit OFFSET @offset`;
}

/** The list's filter as SQL over conversations `c` (inboxList, and bulk actions on everything that matches). */
function inboxWhere(q: Pick<InboxQuery, 'tab' | 'channel' | 'tag'>): string[] {
  const where = ['c.tab = @tab'];
  if (q.channel) where.push('c.channel = @channel');
  if (q.tag) where.push("EXISTS (SELECT 1 FROM json_each(c.data, '$.tags') t WHERE t.value = @tag)");
  return where;
}

/** Every conversation in the cache that matches the list's filter, across all its pages, in SLA order. */
export function matchingIds(db: Db, q: Pick<InboxQuery, 'tab' | 'channel' | 'tag'>): string[] {
  return db.prepare(`SELECT c.id FROM conversations c WHERE ${inboxWhere(q).join(' AND ')} ORDER BY ${ORDER.sla}, c.rowid`).pluck()
    .all({ tab: q.tab, channel: q.channel ?? null, tag: q.tag ?? null }) as string[];
}

export function inboxList(db: Db, q: InboxQuery): DesktopResponse<'inbox.list'> {
  const where = inboxWhere(q);
  const params = { tab: q.tab, channel: q.channel ?? null, tag: q.tag ?? null, limit: q.limit, offset: q.offset };
  const total = db.prepare(`SELECT count(*) FROM conversations c WHERE ${where.join(' AND ')}`).pluck().get(params) as number;
  const rows = db.prepare(`
    SELECT c.data, cu.data AS customer, r.read_at,
      -- a reply waiting for approval: the row says since when (the page's few rows, each by the (conversation_id, id) index)
      (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.delivery = 'awaiting_approval') AS awaiting_since
    FROM (${pageKeys(where.join(' AND '), q.sort)}) k
    JOIN conversations c ON c.rowid = k.rid
    LEFT JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN read_marks r ON r.conversation_id = c.id
    ORDER BY ${ORDER[q.sort].replaceAll('c.', 'k.')}, k.rid`).all(params) as { data: string; customer: string | null; read_at: string | null; awaiting_since: string | null }[];
  return {
    total,
    items: rows.map((r) => {
      const c = JSON.parse(r.data) as Conversation;
      const customer = r.customer ? (JSON.parse(r.customer) as Customer) : null;
      const identity = customer?.identities.find((i) => i.channel === c.channel) ?? customer?.identities[0];
      return {
        ...c,
        customer_name: customer?.name ?? '',
        customer_handle: identity?.handle ?? '',
        unread: c.last_inbound_at !== null && (r.read_at === null || Date.parse(r.read_at) < Date.parse(c.last_inbound_at)),
        awaiting_approval_since: r.awaiting_since,
      };
    }),
  };
}

export function inboxCounts(db: Db): DesktopResponse<'inbox.counts'> {
  const counts = { mine: 0, team: 0, snoozed: 0, resolved: 0 };
  const rows = db.prepare("SELECT tab, count(*) AS n FROM conversations WHERE tab <> 'history' GROUP BY tab").all() as { tab: keyof typeof counts; n: number }[];
  for (const r of rows) counts[r.tab] = r.n;
  // Unread as inboxList says it: a customer message newer than the agent's read mark (ISO times compare as text).
  const unread = db.prepare(`SELECT count(*) FROM conversations c LEFT JOIN read_marks r ON r.conversation_id = c.id
    WHERE c.tab = 'mine' AND json_extract(c.data, '$.last_inbound_at') IS NOT NULL
      AND (r.read_at IS NULL OR r.read_at < json_extract(c.data, '$.last_inbound_at'))`).pluck().get() as number;
  return { ...counts, unread };
}

export function conversationGet(db: Db, id: string, agent: Agent | null, online: boolean): DesktopResponse<'conversation.get'> {
  const row = db.prepare('SELECT data, customer_id FROM conversations WHERE id = ?').get(id) as { data: string; customer_id: string } | undefined;
  if (!row) throw new CoreError('not_found', `conversation ${id} is not in the cache`);
  const customer = db.prepare('SELECT data FROM customers WHERE id = ?').pluck().get(row.customer_id) as string | undefined;
  const messages: ThreadMessage[] = (db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, seq').all(id) as (Omit<ThreadMessage, 'local_state'> & { seq: number; gen: number })[])
    .map(({ seq: _seq, gen: _gen, ...m }) => ({ ...m, local_state: 'synced' as const }));
  const notes = (db.prepare('SELECT data FROM notes WHERE conversation_id = ? ORDER BY created_at').pluck().all(id) as string[]).map((n) => JSON.parse(n) as Note);
  // Replies and notes still in the outbox (or accepted but not yet synced back) show in place.
  const local = db.prepare("SELECT * FROM outbox WHERE conversation_id = ? AND type IN ('reply', 'note') ORDER BY seq").all(id) as OutboxRow[];
  const known = new Set(messages.map((m) => m.id));
  const knownNotes = new Set(notes.map((n) => n.id));
  for (const o of local) {
    const args = JSON.parse(o.args) as { text: string; visibility?: 'public' | 'private'; message_id?: string; note_id?: string };
    if (o.type === 'reply' && args.message_id && !known.has(args.message_id)) {
      messages.push({
        id: args.message_id, conversation_id: id, direction: 'outbound', visibility: args.visibility ?? 'public',
        author_id: agent?.id ?? null, author_name: agent?.name ?? '', text: args.text, platform_id: null, permalink: null,
        delivery: 'queued', delivery_error: o.last_error, created_at: o.created_at, sync_id: 0,
        local_state: o.state === 'pending' && !online ? 'waiting' : 'sending',
      });
    } else if (o.type === 'note' && args.note_id && !knownNotes.has(args.note_id)) {
      notes.push({ id: args.note_id, conversation_id: id, author_id: agent?.id ?? '', author_name: agent?.name ?? '', text: args.text, created_at: o.created_at, sync_id: 0 });
    }
  }
  return {
    conversation: JSON.parse(row.data) as Conversation,
    customer: customer ? (JSON.parse(customer) as Customer) : null,
    messages,
    notes,
    draft: getDraft(db, id),
    note_draft: getNoteDraft(db, id),
  };
}

export function customerGet(db: Db, id: string): DesktopResponse<'customer.get'> {
  const customer = db.prepare('SELECT data FROM customers WHERE id = ?').pluck().get(id) as string | undefined;
  if (!customer) throw new CoreError('not_found', `customer ${id} is not in the cache`);
  const conversations = (db.prepare('SELECT data FROM conversations WHERE customer_id = ? ORDER BY created_at DESC').pluck().all(id) as string[])
    .map((c) => JSON.parse(c) as Conversation);
  return { customer: JSON.parse(customer) as Customer, conversations };
}

export function markRead(db: Db, id: string): void {
  db.prepare(`INSERT INTO read_marks(conversation_id, read_at) VALUES (?, ?)
    ON CONFLICT(conversation_id) DO UPDATE SET read_at = excluded.read_at`).run(id, new Date().toISOString());
}
