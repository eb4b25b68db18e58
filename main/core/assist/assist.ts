/**
 * Suggested replies and handover summaries on the desktop, offline, from the SQLite cache: the
 * cached answered conversations feed the shared ranking core (shared/assist/suggest.ts), and the
 * cached thread feeds the shared summary (shared/assist/summary.ts). The hub runs the same core
 * for conversations that are not cached.
 *
 * The index is rebuilt only when the cache's messages or conversations changed (by sync id).
 * What the agent did with suggestions (accepted, edited, ignored) is kept in the cache's settings
 * (the newest FEEDBACK_KEPT), so rankings here keep learning across restarts; the core also queues
 * each one to the hub, whose ranking learns the whole team's.
 */
import type { Conversation, Customer } from '../../../shared/domain';
import { suggestCanned, SuggestionIndex, type AnsweredConversation, type CannedResponse, type FeedbackAction, type Suggestion } from '../../../shared/assist/suggest';
import { summarize, summaryNote, type Summary, type SummaryMessage } from '../../../shared/assist/summary';
import { searchTerms } from '../../../shared/assist/text';
import type { Db } from '../db/open';
import { CoreError } from '../errors';

interface MsgRow { conversation_id: string; direction: 'inbound' | 'outbound'; author_id: string | null; author_name: string; text: string; created_at: string; delivery: string; id: string }

export interface SuggestOptions {
  /** this agent's sign-off, appended to each suggestion */
  agentSignature?: string | null;
  /** the brand's handles, kept in replies */
  brandHandles?: string[];
  canned?: CannedResponse[];
  /** ms since the epoch (default: now) */
  now?: number;
  k?: number;
}

export interface AssistSuggestions { replies: Suggestion[]; canned: Suggestion[]; links: Suggestion[]; from: number; computed_by: 'desktop' | 'hub' }

/** How many of the newest cached conversations the index reads (bounded work on a big cache). */
const MAX_CONVERSATIONS = 20_000;
/** How many feedback records the desktop keeps (newest kept). */
export const FEEDBACK_KEPT = 1_000;
const FEEDBACK_SETTING = 'assist.feedback';

export class DesktopAssist {
  private index: SuggestionIndex | null = null;
  private builtAt = '';
  /** feedback recorded on this desktop, replayed into every rebuilt index */
  private feedback: Array<[string, FeedbackAction]> | null = null;

  constructor(private readonly db: Db) {}

  private storedFeedback(): Array<[string, FeedbackAction]> {
    if (!this.feedback) {
      const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(FEEDBACK_SETTING) as string | undefined;
      let list: unknown;
      try { list = raw ? JSON.parse(raw) : []; } catch { list = []; } // unreadable: start again rather than fail suggestions
      this.feedback = Array.isArray(list) ? list.filter((f): f is [string, FeedbackAction] => Array.isArray(f) && typeof f[0] === 'string' && ['accepted', 'edited', 'ignored'].includes(f[1] as string)) : [];
    }
    return this.feedback;
  }

  /**
   * What the cache holds, cheaply: every synced change moves the sync watermark, every bootstrap the
   * generation (meta), and every message added (a customer's history hydrated too, which moves no
   * watermark) the messages' rowid; pruning only follows a synced change that already took the
   * conversation out. Asked on every suggest, i.e. every conversation opened: max(sync_id) and
   * count(*) over 100,000 rows cost ~40 ms of the core's one thread per key (bench:ui).
   */
  private version(): string {
    return this.db.prepare(`SELECT coalesce((SELECT value FROM meta WHERE key = 'last_sync_id'), '') || ':'
      || coalesce((SELECT value FROM meta WHERE key = 'bootstrap_gen'), '') || ':' || coalesce((SELECT max(seq) FROM messages), 0)`).pluck().get() as string;
  }

  /** The cached conversations that were answered: the customer's words before the first reply, and that reply. */
  answered(): AnsweredConversation[] {
    const convs = this.db.prepare('SELECT id, customer_id, data FROM conversations ORDER BY created_at DESC LIMIT ?').all(MAX_CONVERSATIONS) as Array<{ id: string; customer_id: string; data: string }>;
    const customers = new Map<string, Customer>();
    const getCustomer = this.db.prepare('SELECT data FROM customers WHERE id = ?').pluck();
    const msgs = this.db.prepare(
      `SELECT id, conversation_id, direction, author_id, author_name, text, created_at, delivery FROM messages
       WHERE conversation_id = ? ORDER BY created_at, seq`);
    const out: AnsweredConversation[] = [];
    for (const c of convs) {
      const rows = msgs.all(c.id) as MsgRow[];
      // the first answer that reached the customer (a failed or cancelled message never did)
      const first = rows.findIndex((m) => m.direction === 'outbound' && m.delivery !== 'failed' && m.delivery !== 'cancelled');
      if (first <= 0) continue;
      const before = rows.slice(0, first).filter((m) => m.direction === 'inbound');
      if (!before.length) continue;
      const conv = JSON.parse(c.data) as Conversation;
      let cust = customers.get(c.customer_id);
      if (!cust) { const d = getCustomer.get(c.customer_id) as string | undefined; if (d) { cust = JSON.parse(d) as Customer; customers.set(c.customer_id, cust); } }
      out.push({
        id: c.id, customerText: before.map((m) => m.text).join('\n'), reply: rows[first].text, repliedAt: Date.parse(rows[first].created_at),
        customerHandles: [...new Set([...before.map((m) => m.author_id), ...(cust?.identities ?? []).map((i) => i.handle)].filter((h): h is string => !!h).map((h) => h.replace(/^@/, '')))],
        customerName: cust?.name ?? null,
        // a conversation resolved and then opened again did not end well
        outcome: { resolved: conv.status === 'resolved', reopened: conv.status !== 'resolved' && conv.resolved_at !== null },
      });
    }
    return out;
  }

  private current(): SuggestionIndex {
    const v = this.version();
    if (!this.index || v !== this.builtAt) {
      const index = new SuggestionIndex();
      for (const a of this.answered()) index.add(a);
      for (const [key, action] of this.storedFeedback()) index.recordFeedback(key, action);
      this.index = index;
      this.builtAt = v;
    }
    return this.index;
  }

  /** Up to three replies, plus canned responses and help links that fit the customer's latest words. */
  suggest(conversationId: string, opts: SuggestOptions = {}): AssistSuggestions {
    const row = this.db.prepare('SELECT data, customer_id FROM conversations WHERE id = ?').get(conversationId) as { data: string; customer_id: string } | undefined;
    if (!row) throw new CoreError('not_found', `conversation ${conversationId} is not in the cache`);
    const rows = this.db.prepare('SELECT direction, author_id, text FROM messages WHERE conversation_id = ? ORDER BY created_at, seq').all(conversationId) as Array<Pick<MsgRow, 'direction' | 'author_id' | 'text'>>;
    // the customer's latest burst: their messages since our last reply (or all of them)
    let lastOut = -1;
    rows.forEach((m, i) => { if (m.direction === 'outbound') lastOut = i; });
    const burst = rows.slice(lastOut + 1).filter((m) => m.direction === 'inbound');
    // the latest burst, then the customer's earlier words: a chaser ("any news?") says too little alone
    const earlierWords = rows.slice(0, lastOut + 1).filter((m) => m.direction === 'inbound').map((m) => m.text);
    const text = [...burst.map((m) => m.text), ...(searchTerms(burst.map((m) => m.text).join(' ')).length < 6 ? earlierWords : [])].join('\n');
    const custData = this.db.prepare('SELECT data FROM customers WHERE id = ?').pluck().get(row.customer_id) as string | undefined;
    const cust = custData ? (JSON.parse(custData) as Customer) : null;
    const conv = JSON.parse(row.data) as Conversation;
    const handle = burst[0]?.author_id ?? cust?.identities.find((i) => i.channel === conv.channel)?.handle ?? null;
    const index = this.current();
    const q = {
      text, now: opts.now ?? Date.now(), excludeConversationId: conversationId,
      target: { customerHandle: handle?.replace(/^@/, '') ?? null, customerName: cust?.name ?? null, agentSignature: opts.agentSignature ?? null, brandHandles: opts.brandHandles ?? [] },
    };
    return {
      replies: index.suggest(q, opts.k ?? 3),
      canned: opts.canned?.length ? suggestCanned(text, opts.canned, 2) : [],
      links: index.helpLinks(q, 2),
      from: index.size,
      computed_by: 'desktop',
    };
  }

  /** An agent accepted, edited or ignored a suggestion: kept in the cache, and later rankings here take it into account. */
  recordFeedback(key: string, action: FeedbackAction): void {
    const list = this.storedFeedback();
    list.push([key, action]);
    if (list.length > FEEDBACK_KEPT) list.splice(0, list.length - FEEDBACK_KEPT);
    this.db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(FEEDBACK_SETTING, JSON.stringify(list));
    if (list.length === FEEDBACK_KEPT) this.index = null; // an old record fell out: rebuild without it
    this.index?.recordFeedback(key, action);
  }

  /** The handover summary of a cached conversation, and the internal note that keeps it. */
  summary(conversationId: string, now = new Date().toISOString()): { summary: Summary; note: string } {
    const row = this.db.prepare('SELECT data FROM conversations WHERE id = ?').pluck().get(conversationId) as string | undefined;
    if (!row) throw new CoreError('not_found', `conversation ${conversationId} is not in the cache`);
    const conv = JSON.parse(row) as Conversation;
    const messages: SummaryMessage[] = (this.db.prepare('SELECT id, direction, author_name, text, created_at FROM messages WHERE conversation_id = ?').all(conversationId) as Array<{ id: string; direction: string; author_name: string; text: string; created_at: string }>)
      .map((m) => ({ id: m.id, direction: m.direction === 'inbound' ? 'in' as const : 'out' as const, author: m.author_name, text: m.text, at: m.created_at }));
    for (const n of this.db.prepare('SELECT data FROM notes WHERE conversation_id = ?').pluck().all(conversationId) as string[]) {
      const note = JSON.parse(n) as { id: string; author_name: string; text: string; created_at: string };
      // earlier handover summaries are not what was done
      if (note.text.startsWith('Handover summary\n')) continue;
      messages.push({ id: note.id, direction: 'note', author: note.author_name, text: note.text, at: note.created_at });
    }
    const due = conv.status === 'snoozed' && conv.snoozed_until ? { dueAt: conv.snoozed_until, dueLabel: 'snoozed until' }
      : conv.next_response_due_at ? { dueAt: conv.next_response_due_at, dueLabel: 'next response due' }
        : conv.resolution_due_at ? { dueAt: conv.resolution_due_at, dueLabel: 'resolution due' } : {};
    const summary = summarize(messages, { now, ...due });
    return { summary, note: summaryNote(summary) };
  }
}
