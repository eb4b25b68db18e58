/**
 * Suggested replies and handover summaries on the hub, for conversations a desktop has not
 * cached: the same ranking core as the desktop (shared/assist), fed from PostgreSQL. One index
 * per workspace, rebuilt when the workspace's replies changed (by sync id), at most every
 * `rebuildMs`; agents' feedback is applied to it as it arrives. CSAT comes from the surveys table:
 * an answer rated below 4 is not offered.
 */
import { suggestCanned, SuggestionIndex, type AnsweredConversation, type CannedResponse, type FeedbackAction, type Suggestion } from '../../shared/assist/suggest';
import { summarize, summaryNote, type Summary, type SummaryMessage } from '../../shared/assist/summary';
import { searchTerms } from '../../shared/assist/text';
import type { Queryable } from '../db/db';

export interface HubSuggestOptions {
  agentSignature?: string | null;
  brandHandles?: string[];
  canned?: CannedResponse[];
  now?: number;
  k?: number;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** A workspace's answered conversations: the customer's words before the first reply, that reply, and how it ended. */
export async function answeredConversations(db: Queryable, workspaceId: string, limit = 20_000): Promise<AnsweredConversation[]> {
  const rows = await db.query<{ id: string; status: string; resolved_at: unknown; name: string | null; csat: number | null; customer_text: string | null; reply: string; replied_at: unknown; handles: string[] | null }>(
    `SELECT c.id, c.status, c.resolved_at, cu.name, s.score AS csat, r.text AS reply, r.created_at AS replied_at,
            (SELECT string_agg(m.text, E'\\n' ORDER BY m.created_at) FROM messages m
              WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.created_at <= r.created_at) AS customer_text,
            (SELECT array_agg(DISTINCT m.author_id) FROM messages m
              WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.author_id IS NOT NULL) AS handles
       FROM conversations c
       JOIN LATERAL (SELECT text, created_at FROM messages
                      WHERE conversation_id = c.id AND direction = 'outbound' AND delivery <> 'failed'
                      ORDER BY created_at LIMIT 1) r ON true
       LEFT JOIN customers cu ON cu.id = c.customer_id
       LEFT JOIN LATERAL (SELECT score FROM surveys
                           WHERE conversation_id = c.id AND kind = 'csat' AND score IS NOT NULL
                           ORDER BY answered_at DESC LIMIT 1) s ON true
      WHERE c.workspace_id = $1
      ORDER BY r.created_at DESC
      LIMIT $2`, [workspaceId, limit]);
  return rows.filter((r) => r.customer_text).map((r) => ({
    id: r.id, customerText: r.customer_text!, reply: r.reply, repliedAt: Date.parse(iso(r.replied_at)),
    customerHandles: (r.handles ?? []).map((h) => h.replace(/^@/, '')), customerName: r.name,
    outcome: { resolved: r.status === 'resolved', reopened: r.status !== 'resolved' && r.resolved_at !== null, csat: r.csat },
  }));
}

interface BuiltIndex {
  index: SuggestionIndex;
  /** the workspace's replies when it was built */
  version: string;
  builtAt: number;
  /** feedback rows applied (mutation ids), and the newest one's time */
  feedback: Set<string>;
  feedbackSince: string | null;
}

export class HubAssist {
  private readonly indexes = new Map<string, BuiltIndex>();
  private readonly building = new Map<string, Promise<BuiltIndex>>();

  /** `rebuildMs`: a workspace's index is rebuilt at most this often when its replies changed (feedback applies at once) */
  constructor(private readonly db: Queryable, private readonly opts: { rebuildMs?: number } = {}) {}

  private async version(workspaceId: string): Promise<string> {
    const [v] = await this.db.query<{ v: string | null }>(
      "SELECT max(sync_id)::text || ':' || count(*)::text AS v FROM messages WHERE workspace_id = $1 AND direction = 'outbound'", [workspaceId]);
    return v?.v ?? '';
  }

  private async index(workspaceId: string): Promise<SuggestionIndex> {
    let cur = this.indexes.get(workspaceId);
    if (!cur || (Date.now() - cur.builtAt >= (this.opts.rebuildMs ?? 0) && (await this.version(workspaceId)) !== cur.version)) cur = await this.rebuild(workspaceId);
    else await this.catchUpFeedback(workspaceId, cur);
    return cur.index;
  }

  /** One rebuild per workspace at a time: concurrent requests share it. */
  private rebuild(workspaceId: string): Promise<BuiltIndex> {
    const running = this.building.get(workspaceId);
    if (running) return running;
    const p = (async () => {
      const version = await this.version(workspaceId);
      const index = new SuggestionIndex();
      for (const a of await answeredConversations(this.db, workspaceId)) index.add(a);
      const built: BuiltIndex = { index, version, builtAt: Date.now(), feedback: new Set(), feedbackSince: null };
      await this.catchUpFeedback(workspaceId, built);
      this.indexes.set(workspaceId, built);
      return built;
    })().finally(() => this.building.delete(workspaceId));
    this.building.set(workspaceId, p);
    return p;
  }

  /**
   * Agents' feedback (assist_feedback rows, synced from desktops) not yet in the index, each applied
   * once. Read from a while before the newest seen: a row's recorded_at is its transaction's start.
   */
  private async catchUpFeedback(workspaceId: string, b: BuiltIndex): Promise<void> {
    const rows = await this.db.query<{ mutation_id: string; key: string; action: FeedbackAction; recorded_at: unknown }>(
      `SELECT mutation_id, key, action, recorded_at FROM assist_feedback WHERE workspace_id = $1
       ${b.feedbackSince ? "AND recorded_at >= $2::timestamptz - interval '10 minutes'" : ''} ORDER BY recorded_at, mutation_id`,
      b.feedbackSince ? [workspaceId, b.feedbackSince] : [workspaceId]);
    for (const r of rows) {
      if (b.feedback.has(r.mutation_id)) continue;
      b.feedback.add(r.mutation_id);
      b.index.recordFeedback(r.key, r.action);
      const at = iso(r.recorded_at);
      if (!b.feedbackSince || at > b.feedbackSince) b.feedbackSince = at;
    }
  }

  /** Suggestions for a conversation, exactly as the desktop ranks them from its cache. */
  async suggest(workspaceId: string, conversationId: string, o: HubSuggestOptions = {}): Promise<{ replies: Suggestion[]; canned: Suggestion[]; links: Suggestion[]; from: number }> {
    const [conv] = await this.db.query<{ id: string; name: string | null; channel: string }>(
      'SELECT c.id, cu.name, c.channel FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1 AND c.workspace_id = $2', [conversationId, workspaceId]);
    if (!conv) throw new Error(`conversation ${conversationId} not found`);
    const msgs = await this.db.query<{ direction: string; author_id: string | null; text: string }>(
      'SELECT direction, author_id, text FROM messages WHERE conversation_id = $1 ORDER BY created_at, id', [conversationId]);
    let lastOut = -1;
    msgs.forEach((m, i) => { if (m.direction === 'outbound') lastOut = i; });
    const burst = msgs.slice(lastOut + 1).filter((m) => m.direction === 'inbound');
    const earlier = msgs.slice(0, lastOut + 1).filter((m) => m.direction === 'inbound').map((m) => m.text);
    const text = [...burst.map((m) => m.text), ...(searchTerms(burst.map((m) => m.text).join(' ')).length < 6 ? earlier : [])].join('\n');
    const handle = (burst[0] ?? msgs.find((m) => m.direction === 'inbound'))?.author_id ?? null;
    const index = await this.index(workspaceId);
    const q = {
      text, now: o.now ?? Date.now(), excludeConversationId: conversationId,
      target: { customerHandle: handle?.replace(/^@/, '') ?? null, customerName: conv.name, agentSignature: o.agentSignature ?? null, brandHandles: o.brandHandles ?? [] },
    };
    return { replies: index.suggest(q, o.k ?? 3), canned: o.canned?.length ? suggestCanned(text, o.canned, 2) : [], links: index.helpLinks(q, 2), from: index.size };
  }

  /** The handover summary of a conversation, and the internal note that keeps it. */
  async summary(workspaceId: string, conversationId: string, now = new Date().toISOString()): Promise<{ summary: Summary; note: string }> {
    const [c] = await this.db.query<{ status: string; snoozed_until: unknown; next_response_due_at: unknown; resolution_due_at: unknown }>(
      'SELECT status, snoozed_until, next_response_due_at, resolution_due_at FROM conversations WHERE id = $1 AND workspace_id = $2', [conversationId, workspaceId]);
    if (!c) throw new Error(`conversation ${conversationId} not found`);
    const msgs = await this.db.query<{ id: string; direction: string; author_name: string; text: string; created_at: unknown }>(
      'SELECT id, direction, author_name, text, created_at FROM messages WHERE conversation_id = $1', [conversationId]);
    const notes = await this.db.query<{ id: string; author_name: string; text: string; created_at: unknown }>(
      'SELECT id, author_name, text, created_at FROM notes WHERE conversation_id = $1', [conversationId]);
    const messages: SummaryMessage[] = [
      ...msgs.map((m) => ({ id: m.id, direction: m.direction === 'inbound' ? 'in' as const : 'out' as const, author: m.author_name, text: m.text, at: iso(m.created_at) })),
      ...notes.filter((n) => !n.text.startsWith('Handover summary\n')).map((n) => ({ id: n.id, direction: 'note' as const, author: n.author_name, text: n.text, at: iso(n.created_at) })),
    ];
    const due = c.status === 'snoozed' && c.snoozed_until ? { dueAt: iso(c.snoozed_until), dueLabel: 'snoozed until' }
      : c.next_response_due_at ? { dueAt: iso(c.next_response_due_at), dueLabel: 'next response due' }
        : c.resolution_due_at ? { dueAt: iso(c.resolution_due_at), dueLabel: 'resolution due' } : {};
    const summary = summarize(messages, { now, ...due });
    return { summary, note: summaryNote(summary) };
  }
}
