/**
 * Collision control: who is viewing or typing on a conversation, composing claims with a TTL,
 * and the check the hub's reply mutation runs so that a reply that could duplicate another
 * agent's is never sent silently.
 *
 * Who may signal: only agents who may reply to the conversation (its assignee, its team while it
 * is unassigned, supervisors and admins) may claim it or show as viewing or typing on it; the routes
 * check that (api.ts `mayReply`) before anything reaches the tracker. A claim lasts `claimTtlMs`
 * after its last renewal (typing renews it), is dropped when its agent's last stream closes, and
 * never holds back the conversation's assignee: the assignee is only warned about replies.
 *
 * Reply check protocol:
 *   1. The desktop sends the reply with `seen_up_to` (the newest message time it showed the agent).
 *   2. The hub calls `checkReply`. Conflicts: another agent holds a live composing claim, or another
 *      agent's public reply was recorded after `seen_up_to`.
 *   3. No conflict → send. Conflicts → the mutation is refused with code `collision`, the conflicts
 *      and a `confirm_token`; the desktop warns the agent, keeps the draft, and only if the agent
 *      confirms re-sends with `confirm_token`. The token names the exact conflicts shown, so a new
 *      conflict that appeared after the warning produces a new warning rather than a silent send.
 * Pure and deterministic: time comes from the injected clock.
 */
import { RoutingError } from './errors';

export type Activity = 'viewing' | 'typing';

export interface PresenceEntry { agent_id: string; activity: Activity; since: number; expires_at: number }
export interface Claim { agent_id: string; since: number; expires_at: number }

export type Conflict =
  | { kind: 'claimed_by_other'; agent_id: string; expires_at: number }
  | { kind: 'replied_meanwhile'; agent_id: string; message_id: string; at: number };

export type ReplyCheck =
  | { decision: 'send'; confirmed_conflicts: Conflict[] }
  | { decision: 'warn'; conflicts: Conflict[]; confirm_token: string; message: string };

export type CollisionEvent =
  | { type: 'collision.presence'; at: number; conversation_id: string; agents: PresenceEntry[] }
  | { type: 'collision.claim'; at: number; conversation_id: string; claim: Claim | null };

export interface CollisionOptions { now?: () => number; viewingTtlMs?: number; typingTtlMs?: number; claimTtlMs?: number }

interface ConvCollision {
  presence: Map<string, PresenceEntry>;
  claim: Claim | null;
  replies: Array<{ agent_id: string; message_id: string; at: number }>; // recent public replies, newest last
}

export class CollisionTracker {
  private readonly now: () => number;
  private readonly viewingTtl: number;
  private readonly typingTtl: number;
  private readonly claimTtl: number;
  private readonly convs = new Map<string, ConvCollision>();
  onEvent: ((e: CollisionEvent) => void) | null = null;

  constructor(opts: CollisionOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.viewingTtl = opts.viewingTtlMs ?? 15_000;
    this.typingTtl = opts.typingTtlMs ?? 6_000;
    this.claimTtl = opts.claimTtlMs ?? 30_000;
  }

  private state(id: string): ConvCollision {
    let s = this.convs.get(id);
    if (!s) { s = { presence: new Map(), claim: null, replies: [] }; this.convs.set(id, s); }
    return s;
  }

  /** A desktop says the agent is viewing (or typing on) a conversation; repeat within the TTL to stay. */
  heartbeat(conversationId: string, agentId: string, activity: Activity): void {
    if (!conversationId || !agentId) throw new RoutingError('invalid_input', 'conversation_id and agent_id are required');
    if (activity !== 'viewing' && activity !== 'typing') throw new RoutingError('invalid_input', `activity must be viewing or typing, got "${String(activity)}"`);
    const now = this.now();
    this.sweepOne(conversationId, now);
    const s = this.state(conversationId);
    const prev = s.presence.get(agentId);
    const ttl = activity === 'typing' ? this.typingTtl : this.viewingTtl;
    s.presence.set(agentId, { agent_id: agentId, activity, since: prev?.activity === activity ? prev.since : now, expires_at: now + ttl });
    if (activity === 'typing') this.claimInternal(s, conversationId, agentId, now, false);
    if (!prev || prev.activity !== activity) this.emitPresence(conversationId, s, now);
  }

  leave(conversationId: string, agentId: string): void {
    const s = this.convs.get(conversationId);
    if (!s) return;
    const now = this.now();
    const had = s.presence.delete(agentId);
    if (s.claim?.agent_id === agentId) { s.claim = null; this.emit({ type: 'collision.claim', at: now, conversation_id: conversationId, claim: null }); }
    if (had) this.emitPresence(conversationId, s, now);
  }

  /** Take (or renew) the composing claim. Another agent's live claim is not taken over: the caller is told who holds it. */
  claim(conversationId: string, agentId: string): { ok: true; claim: Claim } | { ok: false; held_by: Claim } {
    if (!conversationId || !agentId) throw new RoutingError('invalid_input', 'conversation_id and agent_id are required');
    const now = this.now();
    this.sweepOne(conversationId, now);
    return this.claimInternal(this.state(conversationId), conversationId, agentId, now, true);
  }

  private claimInternal(s: ConvCollision, id: string, agentId: string, now: number, explicit: boolean): { ok: true; claim: Claim } | { ok: false; held_by: Claim } {
    if (s.claim && s.claim.agent_id !== agentId && s.claim.expires_at > now) return { ok: false, held_by: { ...s.claim } };
    const fresh = !s.claim || s.claim.agent_id !== agentId;
    s.claim = { agent_id: agentId, since: fresh ? now : s.claim!.since, expires_at: now + this.claimTtl };
    if (fresh || explicit) this.emit({ type: 'collision.claim', at: now, conversation_id: id, claim: { ...s.claim } });
    return { ok: true, claim: { ...s.claim } };
  }

  release(conversationId: string, agentId: string): void {
    const s = this.convs.get(conversationId);
    if (s?.claim?.agent_id === agentId) {
      s.claim = null;
      this.emit({ type: 'collision.claim', at: this.now(), conversation_id: conversationId, claim: null });
    }
  }

  presence(conversationId: string): PresenceEntry[] {
    const now = this.now();
    this.sweepOne(conversationId, now);
    return [...(this.convs.get(conversationId)?.presence.values() ?? [])].map((p) => ({ ...p })).sort((a, b) => a.agent_id.localeCompare(b.agent_id));
  }

  claimOf(conversationId: string): Claim | null {
    const c = this.convs.get(conversationId)?.claim;
    return c && c.expires_at > this.now() ? { ...c } : null;
  }

  /**
   * The check the hub's reply mutation calls before it stores a public reply.
   * `seenUpTo`: newest message time (ms) the agent had on screen; `confirmToken`: from a previous warning.
   */
  checkReply(input: { conversation_id: string; agent_id: string; seen_up_to: number | null; confirm_token?: string | null; assignee_id?: string | null }): ReplyCheck {
    const now = this.now();
    const s = this.convs.get(input.conversation_id);
    const conflicts: Conflict[] = [];
    // the conversation is the assignee's: someone else's claim never holds their reply back
    const isAssignee = !!input.assignee_id && input.assignee_id === input.agent_id;
    if (s) {
      if (s.claim && !isAssignee && s.claim.agent_id !== input.agent_id && s.claim.expires_at > now) conflicts.push({ kind: 'claimed_by_other', agent_id: s.claim.agent_id, expires_at: s.claim.expires_at });
      for (const r of s.replies) {
        if (r.agent_id !== input.agent_id && (input.seen_up_to === null || r.at > input.seen_up_to)) conflicts.push({ kind: 'replied_meanwhile', agent_id: r.agent_id, message_id: r.message_id, at: r.at });
      }
    }
    if (conflicts.length === 0) return { decision: 'send', confirmed_conflicts: [] };
    const token = tokenOf(conflicts);
    if (input.confirm_token && input.confirm_token === token) return { decision: 'send', confirmed_conflicts: conflicts };
    const words = conflicts.map((c) => (c.kind === 'claimed_by_other' ? `${c.agent_id} is writing a reply` : `${c.agent_id} already replied`));
    return { decision: 'warn', conflicts, confirm_token: token, message: `${words.join('; ')}. Send anyway?` };
  }

  /** The hub stored a public reply: later checks by other agents see it; the author's claim ends. */
  recordReply(conversationId: string, agentId: string, messageId: string, at?: number): void {
    const s = this.state(conversationId);
    // every delivery state of a reply (queued, sending, sent, unknown) arrives as a change of that
    // message: it is one reply, and a confirm token computed before a state change must stay valid
    if (s.replies.some((r) => r.message_id === messageId)) return;
    s.replies.push({ agent_id: agentId, message_id: messageId, at: at ?? this.now() });
    if (s.replies.length > 20) s.replies.shift();
    if (s.claim?.agent_id === agentId) this.release(conversationId, agentId);
  }

  /** An agent's desktop went away (their last stream closed): they view, type and claim nothing any more. */
  leaveAll(agentId: string): void {
    for (const [id, s] of [...this.convs]) if (s.presence.has(agentId) || s.claim?.agent_id === agentId) this.leave(id, agentId);
  }

  /** Drop expired presence and claims (call about once a second); emits the changes. */
  sweep(): void {
    const now = this.now();
    for (const id of [...this.convs.keys()]) this.sweepOne(id, now);
  }

  private sweepOne(id: string, now: number): void {
    const s = this.convs.get(id);
    if (!s) return;
    let changed = false;
    for (const [a, p] of s.presence) {
      if (p.expires_at <= now) { s.presence.delete(a); changed = true; }
    }
    if (s.claim && s.claim.expires_at <= now) { s.claim = null; this.emit({ type: 'collision.claim', at: now, conversation_id: id, claim: null }); }
    if (changed) this.emitPresence(id, s, now);
    if (s.presence.size === 0 && !s.claim && (s.replies.length === 0 || now - s.replies[s.replies.length - 1].at > 86_400_000)) this.convs.delete(id);
  }

  private emitPresence(id: string, s: ConvCollision, now: number): void {
    this.emit({ type: 'collision.presence', at: now, conversation_id: id, agents: [...s.presence.values()].map((p) => ({ ...p })).sort((a, b) => a.agent_id.localeCompare(b.agent_id)) });
  }

  private emit(e: CollisionEvent): void { this.onEvent?.(e); }
}

function tokenOf(conflicts: Conflict[]): string {
  return conflicts.map((c) => (c.kind === 'claimed_by_other' ? `claim:${c.agent_id}` : `reply:${c.message_id}`)).sort().join('|');
}
