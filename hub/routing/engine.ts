/**
 * The routing engine: a deterministic state machine over agents, presence, queues, offers and
 * SLA clocks. No I/O, no wall clock: time comes from the injected `now()` and timers fire in
 * `tick()`. Every public method validates first and mutates after, so a thrown RoutingError
 * leaves the state unchanged. Changes come out as events (`drainEvents`) for the hub to
 * persist and push to desktops.
 *
 * Invariants (checked by `checkInvariants`, asserted by the simulation test at every step):
 *  - no agent holds more open conversations on a channel than their capacity for it;
 *  - a conversation is offered to at most one agent at a time, and an agent holds at most one offer;
 *  - no queued conversation waits while an agent who could take it is free: routable presence,
 *    no pending offer, below capacity on its channel, in the queue's team, with the skills,
 *    and who has not rejected or missed it in the current target.
 */
import { ChannelSchema, PRIORITY_RANK, type Channel, type ConversationStatus, type Priority } from '../../shared/domain';
import { ALWAYS_OPEN, BusinessCalendar } from './calendar';
import { RoutingError } from './errors';
import { pausedDue, validPauseState, type Pause, type PauseState } from './sla-clock';
import { compileFilter, compileRules, explainFilter, firstMatchingRule, type CompiledRule } from './rules';
import {
  PRIORITIES, RoutableConversationSchema, RoutingAgentSchema, validateConfig,
  type Activity, type EscalationAction, type Queue, type RoutableConversation, type RoutableConversationInput,
  type RoutingAgent, type RoutingAgentInput, type RoutingConfig, type RoutingTeam, type Rule, type SlaPolicy, type Target,
} from './schemas';
import { SortedQueue, TimerHeap, type QueueKey } from './structures';

export type RouteState = 'queued' | 'offered' | 'assigned' | 'parked' | 'insight' | 'closed';
export type SlaKind = 'first_response' | 'next_response' | 'resolution';
const SLA_KINDS: SlaKind[] = ['first_response', 'next_response', 'resolution'];

export interface Offer { id: string; conversation_id: string; agent_id: string; offered_at: number; expires_at: number }

export interface Insight {
  id: string; conversation_id: string; department_id: string; rule_id: string | null;
  opened_at: number; status: 'open' | 'closed'; closed_at: number | null; closed_by: string | null; resolution: string | null;
}

/** A waiting conversation the rules would move (previewRules / applyRules). */
export interface RuleMove {
  conversation_id: string; from_queue_id: string; from_team_id: string | null;
  to_queue_id: string; to_team_id: string; rule_id: string | null; insight: boolean;
}

export interface SlaDues { first_response_due: number | null; next_response_due: number | null; resolution_due: number | null }

export type RoutingEvent =
  | { type: 'conversation.queued'; at: number; conversation_id: string; queue_id: string; team_id: string; rule_id: string | null; target_index: number }
  | { type: 'conversation.overflowed'; at: number; conversation_id: string; from_queue_id: string; queue_id: string }
  | { type: 'conversation.assigned'; at: number; conversation_id: string; agent_id: string; team_id: string; via: 'offer' | 'pull' | 'manual' }
  | { type: 'conversation.requeued'; at: number; conversation_id: string; from_agent_id: string; reason: 'agent_presence' | 'unassigned' | 'agent_removed' | 'escalation' }
  | { type: 'conversation.closed'; at: number; conversation_id: string }
  | { type: 'conversation.priority_changed'; at: number; conversation_id: string; priority: Priority; reason: string }
  | { type: 'offer.created'; at: number; offer: Offer }
  | { type: 'offer.accepted'; at: number; offer: Offer }
  | { type: 'offer.rejected'; at: number; offer: Offer }
  | { type: 'offer.expired'; at: number; offer: Offer }
  | { type: 'offer.withdrawn'; at: number; offer: Offer; reason: string }
  | { type: 'presence.changed'; at: number; agent_id: string; activity_id: string; routable: boolean }
  | { type: 'insight.created'; at: number; insight: Insight }
  | { type: 'insight.closed'; at: number; insight: Insight }
  | { type: 'sla.due_changed'; at: number; conversation_id: string; policy_id: string | null; dues: SlaDues }
  /** the resolution / next-response clocks paused (pending, snoozed) or resumed; the whole pause state, to persist */
  | { type: 'sla.pause_changed'; at: number; conversation_id: string; paused_since: number | null; pauses: Pause[] }
  | { type: 'sla.warning'; at: number; conversation_id: string; kind: SlaKind; due_at: number }
  | { type: 'sla.breach'; at: number; conversation_id: string; kind: SlaKind; due_at: number }
  | { type: 'sla.met'; at: number; conversation_id: string; kind: SlaKind; due_at: number | null; breached: boolean }
  | { type: 'sla.escalated'; at: number; conversation_id: string; kind: SlaKind; action: EscalationAction }
  | { type: 'supervisor.notify'; at: number; conversation_id: string; team_id: string; supervisor_ids: string[]; kind: SlaKind; due_at: number };

interface AgentState {
  a: RoutingAgent;
  activity: Activity;
  teams: Set<string>;
  offer: string | null; // conversation id of the pending offer
  assigned: Set<string>;
  load: Map<string, number>; // channel → open assigned conversations
  idleSince: number;
}

interface SlaClock {
  policy: SlaPolicy | null;
  start: number;
  firstRespondedAt: number | null;
  awaitingSince: number | null; // customer waiting for a next response since
  /** pending/snoozed stretches: the resolution and next-response clocks do not count them */
  pause: PauseState;
  dues: SlaDues;
  version: number;
  warned: Set<SlaKind>;
  breached: Set<SlaKind>;
}

interface ConvState {
  c: RoutableConversation;
  status: ConversationStatus;
  state: RouteState;
  priority: Priority;
  ruleId: string | null;
  targets: Target[];
  targetIdx: number;
  targetToken: number;
  overflowDue: boolean;
  queueId: string;
  reqs: Array<readonly [string, number]>;
  qkey: QueueKey;
  bucket: Bucket | null;
  offer: Offer | null;
  excluded: Set<string>;
  assignee: string | null;
  /** who answers a follow-up: the agent who last held it (kept through a resolve; cleared when routing takes it back) */
  owner: string | null;
  sla: SlaClock;
}

interface QueueState { q: Queue; team: RoutingTeam; waiting: WaitingQueue }

/** Waiting conversations with the same channel and skill requirements: one agent check covers them all. */
interface Bucket { key: string; channel: string; reqs: Array<readonly [string, number]>; list: SortedQueue<ConvState> }

/**
 * A queue's waiting conversations, split into buckets by channel and required skills, each kept in
 * service order. Finding the next conversation for a freed agent looks at the head of each bucket
 * the agent can serve instead of scanning thousands of conversations.
 */
class WaitingQueue {
  readonly buckets = new Map<string, Bucket>();
  size = 0;
  insert(cs: ConvState): void {
    const key = `${cs.c.channel}|${cs.reqs.map(([k, v]) => `${k}>=${v}`).join(',')}`;
    let b = this.buckets.get(key);
    if (!b) { b = { key, channel: cs.c.channel, reqs: cs.reqs, list: new SortedQueue<ConvState>() }; this.buckets.set(key, b); }
    b.list.insert(cs);
    cs.bucket = b;
    this.size++;
  }
  remove(cs: ConvState): void {
    if (cs.bucket?.list.remove(cs)) this.size--;
    cs.bucket = null;
  }
  has(cs: ConvState): boolean {
    return cs.bucket !== null && this.buckets.get(cs.bucket.key) === cs.bucket && cs.bucket.list.items.includes(cs);
  }
  all(): ConvState[] {
    const out: ConvState[] = [];
    for (const b of this.buckets.values()) for (const cs of b.list.items) out.push(cs);
    return out;
  }
  sorted(): ConvState[] {
    return this.all().sort(compareQueueKeys);
  }
}

export interface EngineOptions { config: unknown; now?: () => number }

export interface AgentView {
  id: string; activity_id: string; routable: boolean; offer: Offer | null;
  assigned: string[]; load: Record<string, number>; idle_since: number;
}
export type ConversationView = {
  id: string; status: ConversationStatus; state: RouteState; priority: Priority; queue_id: string; team_id: string;
  rule_id: string | null; target_index: number; assignee_id: string | null; offer: Offer | null; dues: SlaDues;
  breached: SlaKind[];
  /** when the resolution / next-response clocks paused (pending, snoozed), or null while they run */
  sla_paused_since: number | null;
};

export class RoutingEngine {
  private readonly now: () => number;
  private config!: RoutingConfig;
  private rules: CompiledRule[] = [];
  private activities = new Map<string, Activity>();
  private teams = new Map<string, RoutingTeam>();
  private queues = new Map<string, QueueState>();
  private calendars = new Map<string, BusinessCalendar>();
  private readonly agents = new Map<string, AgentState>();
  private readonly teamMembers = new Map<string, Set<AgentState>>();
  /** agents who could take an offer on a channel now: routable, no pending offer, below capacity there */
  private readonly freeByChannel = new Map<string, Set<AgentState>>(ChannelSchema.options.map((ch) => [ch, new Set()]));
  private readonly convs = new Map<string, ConvState>();
  private readonly insights = new Map<string, Insight>();
  /** conversations that were routed to a department once: rules never send them there again (a follow-up took them out) */
  private readonly insightConvs = new Set<string>();
  private readonly timers = new TimerHeap();
  private events: RoutingEvent[] = [];
  private readonly dirtyConvs = new Set<ConvState>();
  private readonly dirtyAgents = new Set<AgentState>();
  private seq = 0;
  private offerSeq = 0;
  private insightSeq = 0;
  private readonly alwaysOpen = new BusinessCalendar(ALWAYS_OPEN);
  /** called with every event as it happens (in addition to the drainable buffer) */
  onEvent: ((e: RoutingEvent) => void) | null = null;

  constructor(opts: EngineOptions) {
    this.now = opts.now ?? Date.now;
    this.applyConfig(this.parseConfig(opts.config));
  }

  // ---------------------------------------------------------------- configuration

  private parseConfig(input: unknown): RoutingConfig {
    const r = validateConfig(input);
    if (!r.ok) {
      const ruleProblem = r.problems.every((p) => p.path.startsWith('rules'));
      throw new RoutingError(ruleProblem ? 'invalid_rule' : 'invalid_config',
        r.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '), r.problems);
    }
    const c = r.config;
    const problems: string[] = [];
    const teams = new Map(c.teams.map((t) => [t.id, t]));
    const qTeam = (id: string) => teams.get(c.queues.find((q) => q.id === id)?.team_id ?? '');
    c.rules.forEach((rule, i) => {
      const dept = rule.targets.filter((t) => qTeam(t.queue_id)?.kind === 'department');
      if (dept.length > 0 && rule.targets.length > 1) problems.push(`rules.${i}: a department (insight) queue must be the rule's only target`);
    });
    if (qTeam(c.default_queue_id)?.kind === 'department') problems.push('default_queue_id: the default queue must belong to a support team');
    c.sla_policies.forEach((p, i) => p.on_breach.forEach((a, j) => {
      if (a.type === 'reroute' && qTeam(a.queue_id)?.kind === 'department') problems.push(`sla_policies.${i}.on_breach.${j}: cannot re-route to a department queue`);
    }));
    if (problems.length) throw new RoutingError(problems.every((p) => p.startsWith('rules')) ? 'invalid_rule' : 'invalid_config', problems.join('; '), problems);
    return c;
  }

  /** Replace the whole configuration. Refused (with every reason) if invalid or if it would orphan live state. */
  setConfig(input: unknown): void {
    const c = this.parseConfig(input);
    const queueIds = new Set(c.queues.map((q) => q.id));
    const actIds = new Set(c.activities.map((a) => a.id));
    const problems: string[] = [];
    for (const cs of this.convs.values()) {
      if (cs.state !== 'closed' && cs.state !== 'insight' && !queueIds.has(cs.queueId)) { problems.push(`queue "${cs.queueId}" still holds conversations`); break; }
    }
    for (const ag of this.agents.values()) {
      if (!actIds.has(ag.activity.id)) { problems.push(`activity "${ag.activity.id}" is in use by agent "${ag.a.id}"`); break; }
    }
    if (problems.length) throw new RoutingError('invalid_config', problems.join('; '), problems);
    this.applyConfig(c);
    // New rules apply to new arrivals; queues, teams and calendars may have changed for the rest.
    for (const cs of this.convs.values()) {
      const team = this.queues.get(cs.queueId)?.team;
      if (cs.state === 'queued') {
        const w = this.queues.get(cs.queueId)!.waiting;
        w.remove(cs);
        cs.reqs = this.requirements(cs);
        w.insert(cs);
      } else if (cs.state === 'offered') cs.reqs = this.requirements(cs);
      if (cs.state !== 'closed' && cs.state !== 'insight' && team) this.recomputeSla(cs);
      if (cs.state === 'queued') this.dirtyConvs.add(cs);
    }
    for (const ag of this.agents.values()) {
      ag.activity = this.activities.get(ag.activity.id)!;
      this.refresh(ag);
      this.dirtyAgents.add(ag);
    }
    this.dispatch();
  }

  /** Replace only the rules (the workspace's rule editor). */
  setRules(rules: unknown): void {
    this.setConfig({ ...this.config, rules });
  }

  getConfig(): RoutingConfig { return this.config; }

  private applyConfig(c: RoutingConfig): void {
    const oldLists = this.queues;
    this.config = c;
    this.rules = compileRules(c.rules);
    this.activities = new Map(c.activities.map((a) => [a.id, a]));
    this.teams = new Map(c.teams.map((t) => [t.id, t]));
    this.queues = new Map(c.queues.map((q) => [q.id, { q, team: this.teams.get(q.team_id)!, waiting: oldLists.get(q.id)?.waiting ?? new WaitingQueue() }]));
    this.calendars = new Map(c.calendars.map((x) => [x.id, new BusinessCalendar(x)]));
    this.teamMembers.clear();
    for (const t of c.teams) this.teamMembers.set(t.id, new Set());
    for (const ag of this.agents.values()) for (const t of ag.a.team_ids) this.teamMembers.get(t)?.add(ag);
  }

  // ---------------------------------------------------------------- agents and presence

  /** Add or update an agent. A new agent starts Offline. Lowering capacity below the current load is refused. */
  upsertAgent(input: RoutingAgentInput): void {
    const parsed = RoutingAgentSchema.safeParse(input);
    if (!parsed.success) throw new RoutingError('invalid_input', `agent: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const a = parsed.data;
    for (const t of a.team_ids) if (!this.teams.has(t)) throw new RoutingError('invalid_input', `agent ${a.id}: unknown team "${t}"`);
    const existing = this.agents.get(a.id);
    if (existing) {
      for (const [ch, n] of existing.load) {
        if (n > capacityOf(a, ch)) throw new RoutingError('over_capacity', `agent ${a.id} holds ${n} open ${ch} conversations; capacity ${capacityOf(a, ch)} would put them above it`);
      }
      for (const t of existing.a.team_ids) this.teamMembers.get(t)?.delete(existing);
      existing.a = a;
      existing.teams = new Set(a.team_ids);
      for (const t of a.team_ids) this.teamMembers.get(t)!.add(existing);
      this.refresh(existing);
      // Skills or teams may no longer fit the pending offer: offer again from scratch.
      if (existing.offer) this.withdrawOffer(this.convs.get(existing.offer)!, 'agent_changed');
      this.dirtyAgents.add(existing);
    } else {
      const st: AgentState = { a, teams: new Set(a.team_ids), activity: this.activities.get('offline')!, offer: null, assigned: new Set(), load: new Map(), idleSince: this.now() };
      this.agents.set(a.id, st);
      this.refresh(st);
      for (const t of a.team_ids) this.teamMembers.get(t)!.add(st);
    }
    this.dispatch();
  }

  removeAgent(agentId: string): void {
    const ag = this.agent(agentId);
    if (ag.offer) this.withdrawOffer(this.convs.get(ag.offer)!, 'agent_removed');
    for (const id of [...ag.assigned]) this.requeueFromAgent(this.convs.get(id)!, 'agent_removed');
    for (const t of ag.a.team_ids) this.teamMembers.get(t)?.delete(ag);
    this.agents.delete(agentId);
    for (const set of this.freeByChannel.values()) set.delete(ag);
    this.dispatch();
  }

  setPresence(agentId: string, activityId: string): void {
    const ag = this.agent(agentId);
    const act = this.activities.get(activityId);
    if (!act) throw new RoutingError('unknown_activity', `unknown activity "${activityId}" (known: ${[...this.activities.keys()].join(', ')})`);
    const now = this.now();
    const wasRoutable = ag.activity.routable;
    ag.activity = act;
    this.refresh(ag);
    this.emit({ type: 'presence.changed', at: now, agent_id: ag.a.id, activity_id: act.id, routable: act.routable });
    if (!act.routable && ag.offer) this.withdrawOffer(this.convs.get(ag.offer)!, 'agent_unavailable');
    if (act.requeue_assignments) for (const id of [...ag.assigned]) this.requeueFromAgent(this.convs.get(id)!, 'agent_presence');
    if (act.routable && !wasRoutable) ag.idleSince = now;
    if (act.routable) this.dirtyAgents.add(ag);
    this.dispatch();
  }

  /** Ending a shift is going Offline; the Offline activity decides whether assignments return to routing. */
  endShift(agentId: string): void {
    this.setPresence(agentId, 'offline');
  }

  // ---------------------------------------------------------------- conversations

  /**
   * A new conversation enters routing, or an existing one's attributes change (priority, analysis).
   * `decided`: the rule `preview` chose for it when it was written (the ingest hook), so a new
   * conversation is routed by that one decision and lands where its first stored row already is.
   */
  upsertConversation(input: RoutableConversationInput, decided?: { rule_id: string | null }): void {
    const parsed = RoutableConversationSchema.safeParse(input);
    if (!parsed.success) throw new RoutingError('invalid_input', `conversation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const c = parsed.data;
    const now = this.now();
    const existing = this.convs.get(c.id);
    if (existing) {
      if (existing.c.channel !== c.channel) throw new RoutingError('invalid_input', `conversation ${c.id}: the channel cannot change`);
      const prioChanged = existing.priority !== c.priority;
      existing.c = { ...c, created_at: existing.c.created_at };
      if (prioChanged) this.changePriority(existing, c.priority, 'updated');
      this.dispatch();
      return;
    }
    const start = c.created_at ?? now;
    const cs: ConvState = {
      c: { ...c, created_at: start }, status: 'open', state: 'parked', priority: c.priority, ruleId: null, targets: [], targetIdx: 0,
      targetToken: 0, overflowDue: false, queueId: this.config.default_queue_id, reqs: [], qkey: { due: Infinity, prank: 0, tprio: 0, seq: 0 }, bucket: null,
      offer: null, excluded: new Set(), assignee: null, owner: null,
      sla: { policy: null, start, firstRespondedAt: null, awaitingSince: start, pause: { since: null, intervals: [] }, dues: { first_response_due: null, next_response_due: null, resolution_due: null }, version: 0, warned: new Set(), breached: new Set() },
    };
    this.convs.set(c.id, cs);
    this.route(cs, decided);
    this.dispatch();
  }

  /**
   * A customer wrote again: reopens a resolved conversation, or starts the next-response clock.
   * A follow-up always reaches a person: a resolved conversation goes back to its owner (`owner`, the
   * conversation's assignee as stored, else the agent who last held it here) when they can take work,
   * else to its team's queue; a conversation routed to a department as an insight (no one answers
   * insights) goes to its owner, else to care (the first matching rule with a support queue, else the
   * default queue). The insight itself keeps its state. Rules never turn a follow-up into an insight.
   */
  customerMessage(conversationId: string, at?: number, opts: { owner?: string | null } = {}): void {
    const cs = this.conv(conversationId);
    const t = at ?? this.now();
    // the post that made the insight is not a follow-up (its message may be read after its conversation)
    if (cs.state === 'insight' && t <= (cs.c.created_at ?? 0)) return;
    if (cs.status === 'resolved' || cs.state === 'insight') {
      cs.status = 'open';
      cs.sla = { ...cs.sla, start: t, firstRespondedAt: null, awaitingSince: t, warned: new Set(), breached: new Set() };
      this.setPause(cs, { since: null, intervals: [] });
      cs.excluded.clear();
      this.followUp(cs, opts.owner);
    } else {
      if (cs.sla.awaitingSince === null) cs.sla.awaitingSince = t;
      // the customer's message ends the wait on them: the clocks resume from when they wrote
      if (cs.status !== 'open') this.setStatusInternal(cs, 'open', t);
      else this.recomputeSla(cs);
    }
    this.dispatch();
  }

  /** An agent's public reply went out: meets the first or next response target. */
  agentReplied(conversationId: string, agentId: string, at?: number): void {
    const cs = this.conv(conversationId);
    this.agent(agentId);
    const t = at ?? this.now();
    const s = cs.sla;
    if (s.firstRespondedAt === null) {
      s.firstRespondedAt = t;
      this.emit({ type: 'sla.met', at: t, conversation_id: cs.c.id, kind: 'first_response', due_at: s.dues.first_response_due, breached: s.breached.has('first_response') });
    } else if (s.awaitingSince !== null) {
      this.emit({ type: 'sla.met', at: t, conversation_id: cs.c.id, kind: 'next_response', due_at: s.dues.next_response_due, breached: s.breached.has('next_response') });
    }
    s.awaitingSince = null;
    s.warned.delete('next_response');
    s.breached.delete('next_response');
    this.recomputeSla(cs);
    this.dispatch();
  }

  /** `owner`: the conversation's assignee as stored, for a reopen (see customerMessage). */
  setStatus(conversationId: string, status: ConversationStatus, opts: { owner?: string | null } = {}): void {
    const cs = this.conv(conversationId);
    if (cs.state === 'insight') throw new RoutingError('invalid_input', `conversation ${conversationId} is an insight: close the insight instead`);
    if (!['open', 'pending', 'snoozed', 'resolved'].includes(status)) throw new RoutingError('invalid_input', `unknown status "${status}"`);
    this.setStatusInternal(cs, status, undefined, opts.owner);
    this.dispatch();
  }

  private setStatusInternal(cs: ConvState, status: ConversationStatus, resumeAt?: number, owner?: string | null): void {
    const now = this.now();
    if (status === cs.status) return;
    const prev = cs.status;
    cs.status = status;
    const pause = cs.sla.pause;
    if (status === 'pending' || status === 'snoozed') {
      if (pause.since === null) this.setPause(cs, { since: now, intervals: pause.intervals });
    } else if (pause.since !== null) {
      // resolved: the clocks stop anyway; open: they resume with the business time they had left
      const end = Math.max(pause.since, Math.min(resumeAt ?? now, now));
      this.setPause(cs, status === 'resolved' ? { since: null, intervals: [] } : { since: null, intervals: end > pause.since ? [...pause.intervals, [pause.since, end]] : pause.intervals });
    }
    if (status === 'resolved') {
      if (cs.sla.dues.resolution_due !== null || cs.sla.policy?.resolution_seconds) {
        this.emit({ type: 'sla.met', at: now, conversation_id: cs.c.id, kind: 'resolution', due_at: cs.sla.dues.resolution_due, breached: cs.sla.breached.has('resolution') });
      }
      if (cs.offer) this.withdrawOffer(cs, 'conversation_resolved', false);
      if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
      if (cs.assignee) this.release(cs);
      cs.state = 'closed';
      cs.sla.awaitingSince = null;
      this.recomputeSla(cs);
      this.emit({ type: 'conversation.closed', at: now, conversation_id: cs.c.id });
      return;
    }
    if (prev === 'resolved') {
      // reopened: clocks restart; back to its owner, else its team's queue (rules never move it)
      cs.sla = { ...cs.sla, start: now, firstRespondedAt: null, awaitingSince: now, warned: new Set(), breached: new Set() };
      this.setPause(cs, { since: status === 'open' ? null : now, intervals: [] });
      cs.excluded.clear();
      this.followUp(cs, owner);
      return;
    }
    // open ↔ pending ↔ snoozed: an assigned conversation stays with its agent (and counts);
    // an unassigned one waits out of the queue until it is open again.
    if (status === 'open' && cs.state === 'parked') this.enqueue(cs);
    else if (status !== 'open' && (cs.state === 'queued' || cs.state === 'offered')) {
      if (cs.offer) this.withdrawOffer(cs, 'conversation_parked', false);
      if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
      cs.state = 'parked';
    }
    this.recomputeSla(cs);
  }

  // ---------------------------------------------------------------- offers, pull, manual assignment

  accept(conversationId: string, agentId: string, offerId?: string): void {
    const cs = this.conv(conversationId);
    const ag = this.agent(agentId);
    const offer = this.checkOffer(cs, ag, offerId, 'accept');
    const now = this.now();
    this.endOffer(cs, ag);
    this.emit({ type: 'offer.accepted', at: now, offer });
    this.assignTo(cs, ag, 'offer');
    this.dirtyAgents.add(ag); // free for the next offer if still below capacity
    this.dispatch();
  }

  reject(conversationId: string, agentId: string, offerId?: string): void {
    const cs = this.conv(conversationId);
    const ag = this.agent(agentId);
    const offer = this.checkOffer(cs, ag, offerId, 'reject');
    this.endOffer(cs, ag);
    cs.excluded.add(ag.a.id);
    this.emit({ type: 'offer.rejected', at: this.now(), offer });
    this.afterOfferEnded(cs);
    this.dirtyAgents.add(ag);
    this.dispatch();
  }

  private checkOffer(cs: ConvState, ag: AgentState, offerId: string | undefined, verb: string): Offer {
    const id = cs.c.id;
    if (!cs.offer) {
      if (cs.assignee === ag.a.id) throw new RoutingError('already_assigned', `conversation ${id} is already assigned to ${ag.a.id}: the offer was accepted before`);
      throw new RoutingError('no_offer', `conversation ${id} has no pending offer to ${verb}`);
    }
    if (offerId !== undefined && offerId !== cs.offer.id) throw new RoutingError('no_offer', `offer ${offerId} is no longer pending for conversation ${id}`);
    if (cs.offer.agent_id !== ag.a.id) throw new RoutingError('offer_not_yours', `conversation ${id} is offered to another agent, not ${ag.a.id}`);
    if (this.now() >= cs.offer.expires_at) throw new RoutingError('offer_expired', `the offer of conversation ${id} to ${ag.a.id} expired at ${new Date(cs.offer.expires_at).toISOString()}`);
    return cs.offer;
  }

  /** Pull: the agent takes the next conversation of their teams' queues (SLA due, then priority). */
  pull(agentId: string): string | null {
    const ag = this.agent(agentId);
    if (ag.activity.id === 'offline') throw new RoutingError('agent_offline', `agent ${agentId} is offline`);
    let best: ConvState | null = null;
    for (const qs of this.agentQueues(ag)) {
      for (const b of qs.waiting.buckets.values()) {
        const head = b.list.items[0];
        if (!head || (best && compareQueueKeys(head, best) >= 0)) continue;
        if (this.roomFor(ag, b.channel, true) && this.hasReqs(ag, b.reqs)) best = head;
      }
    }
    if (!best) return null;
    this.queues.get(best.queueId)!.waiting.remove(best);
    this.assignTo(best, ag, 'pull');
    this.dispatch();
    return best.c.id;
  }

  /** Manual assignment (supervisor or agent): never above the agent's capacity. */
  assign(conversationId: string, agentId: string): void {
    const cs = this.conv(conversationId);
    const ag = this.agent(agentId);
    if (cs.state === 'closed') throw new RoutingError('conversation_closed', `conversation ${conversationId} is resolved`);
    if (cs.state === 'insight') throw new RoutingError('invalid_input', `conversation ${conversationId} is an insight for a department`);
    if (cs.assignee === agentId) return;
    if (!this.roomFor(ag, cs.c.channel, true)) {
      throw new RoutingError('over_capacity', `agent ${agentId} is at capacity on ${cs.c.channel} (${ag.load.get(cs.c.channel) ?? 0}/${capacityOf(ag.a, cs.c.channel)})`);
    }
    if (cs.offer) this.withdrawOffer(cs, 'assigned_manually', false);
    if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
    if (cs.assignee) this.release(cs);
    this.assignTo(cs, ag, 'manual');
    this.dispatch();
  }

  /**
   * Record an assignment a person made outside routing (replying to a queued conversation takes it;
   * a supervisor takes over). It is kept even above capacity: routing itself never adds to an agent
   * at or above capacity, so such an agent gets no offers until below it again.
   */
  adopt(conversationId: string, agentId: string): void {
    const cs = this.conv(conversationId);
    const ag = this.agent(agentId);
    if (cs.state === 'closed') throw new RoutingError('conversation_closed', `conversation ${conversationId} is resolved`);
    if (cs.state === 'insight') throw new RoutingError('invalid_input', `conversation ${conversationId} is an insight for a department`);
    if (cs.assignee === agentId) return;
    if (cs.offer) this.withdrawOffer(cs, 'assigned_manually', false);
    if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
    if (cs.assignee) this.release(cs);
    this.assignTo(cs, ag, 'manual');
    this.dispatch();
  }

  /**
   * Restore a conversation's SLA clock after a restart (what was met, what is awaited, what already
   * fired, and its pauses as the last `sla.pause_changed` said). Without `pause` (nothing stored) a
   * pending or snoozed conversation counts as paused since it was loaded. A stored running pause is
   * used only while the conversation is still pending or snoozed.
   */
  restoreClock(conversationId: string, r: {
    first_responded_at: number | null; awaiting_since: number | null; warned: string[]; breached: string[];
    pause?: { since: number | null; intervals: Array<readonly [number, number]> } | null;
  }): void {
    const cs = this.conv(conversationId);
    if (r.pause) {
      const problem = validPauseState(r.pause);
      if (problem) throw new RoutingError('invalid_input', `conversation ${conversationId}: stored SLA pauses: ${problem}`);
    }
    const kinds = (xs: string[]) => new Set(xs.filter((k): k is SlaKind => (SLA_KINDS as string[]).includes(k)));
    cs.sla.firstRespondedAt = r.first_responded_at;
    cs.sla.awaitingSince = r.awaiting_since;
    cs.sla.warned = kinds(r.warned);
    cs.sla.breached = kinds(r.breached);
    if (r.pause) {
      const parked = cs.status === 'pending' || cs.status === 'snoozed';
      const intervals = r.pause.intervals.map(([a, b]) => [a, b] as const);
      const since = parked ? (r.pause.since ?? cs.sla.pause.since) : null;
      if (since !== null && intervals.length && since < intervals[intervals.length - 1][1]) throw new RoutingError('invalid_input', `conversation ${conversationId}: stored SLA pauses overlap the running one`);
      this.setPause(cs, { since, intervals });
    }
    this.recomputeSla(cs);
    this.dispatch();
  }

  /** Where a new conversation would go and its SLA due times, without changing anything (the ingest hook uses it). */
  preview(input: RoutableConversationInput): { queue_id: string; team_id: string; team_kind: 'support' | 'department'; rule_id: string | null; priority: Priority; dues: SlaDues } {
    const parsed = RoutableConversationSchema.safeParse(input);
    if (!parsed.success) throw new RoutingError('invalid_input', `conversation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const c = { ...parsed.data, created_at: parsed.data.created_at ?? this.now() };
    const rule = firstMatchingRule(this.rules, c);
    const qs = this.queues.get(rule ? rule.targets[0].queue_id : this.config.default_queue_id)!;
    const dues: SlaDues = { first_response_due: null, next_response_due: null, resolution_due: null };
    if (qs.team.kind === 'support') {
      for (const p of this.config.sla_policies) {
        if ((p.priorities.length === 0 || p.priorities.includes(c.priority)) && (p.channels.length === 0 || p.channels.includes(c.channel))) {
          const cal = this.calendarOf(p);
          if (p.first_response_seconds) dues.first_response_due = cal.addBusinessTime(c.created_at, p.first_response_seconds * 1000);
          if (p.resolution_seconds) dues.resolution_due = cal.addBusinessTime(c.created_at, p.resolution_seconds * 1000);
          break;
        }
      }
    }
    return { queue_id: qs.q.id, team_id: qs.team.id, team_kind: qs.team.kind, rule_id: rule?.id ?? null, priority: c.priority, dues };
  }

  /**
   * The SLA a post of this priority and channel arriving at `at` would get: the first policy that
   * matches, its calendar, whether that calendar is open at `at`, and each target's due time as if
   * the clock started then (the admin screen's preview; nothing changes).
   */
  slaPreview(priority: Priority, channel: Channel, at: number = this.now()): {
    at: number; policy_id: string | null; calendar_id: string | null; open_now: boolean;
    first_response_due: number | null; next_response_due: number | null; resolution_due: number | null;
  } {
    const p = this.config.sla_policies.find((x) => (x.priorities.length === 0 || x.priorities.includes(priority)) && (x.channels.length === 0 || x.channels.includes(channel))) ?? null;
    const cal = p ? this.calendarOf(p) : this.alwaysOpen;
    const due = (secs: number | null) => (p && secs ? cal.addBusinessTime(at, secs * 1000) : null);
    return {
      at, policy_id: p?.id ?? null, calendar_id: p?.calendar_id ?? null, open_now: cal.isOpen(at),
      first_response_due: due(p?.first_response_seconds ?? null), next_response_due: due(p?.next_response_seconds ?? null), resolution_due: due(p?.resolution_seconds ?? null),
    };
  }

  /**
   * A person moved a waiting (unassigned) conversation to another team: it leaves its queue (an open offer is
   * withdrawn) and waits in that team's queue, offered to its agents; the rules are not run again and its SLA
   * clocks run on. Nothing for an assigned conversation (its owner keeps it), an insight, or a department.
   */
  transfer(conversationId: string, teamId: string): void {
    const cs = this.conv(conversationId);
    if (cs.assignee || (cs.state !== 'queued' && cs.state !== 'offered' && cs.state !== 'parked')) return;
    const queues = [...this.queues.values()].filter((x) => x.team.id === teamId);
    const to = queues.find((x) => x.q.id === `q-${teamId}`) ?? queues[0];
    if (!to || to.team.kind === 'department' || to.q.id === cs.queueId) return;
    if (cs.offer) this.withdrawOffer(cs, 'transferred', false);
    if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
    cs.targets = [{ queue_id: to.q.id, priority: 0, timeout_seconds: null }];
    cs.excluded.clear();
    this.enterTarget(cs, 0);
    if (cs.status === 'open') this.enqueue(cs); else cs.state = 'parked';
    this.dispatch();
  }

  unassign(conversationId: string): void {
    const cs = this.conv(conversationId);
    if (!cs.assignee) throw new RoutingError('not_assigned', `conversation ${conversationId} is not assigned`);
    this.requeueFromAgent(cs, 'unassigned');
    this.dispatch();
  }

  closeInsight(insightId: string, agentId: string, resolution: string): Insight {
    const ins = this.insights.get(insightId);
    if (!ins) throw new RoutingError('unknown_insight', `unknown insight "${insightId}"`);
    const ag = this.agent(agentId);
    if (ins.status === 'closed') throw new RoutingError('insight_closed', `insight ${insightId} was closed at ${new Date(ins.closed_at!).toISOString()}`);
    if (!ag.a.team_ids.includes(ins.department_id) && ag.a.role === 'agent') throw new RoutingError('not_eligible', `agent ${agentId} is not in department ${ins.department_id}`);
    if (typeof resolution !== 'string' || resolution.length > 10_000) throw new RoutingError('invalid_input', 'resolution must be a string of at most 10,000 characters');
    const now = this.now();
    Object.assign(ins, { status: 'closed', closed_at: now, closed_by: agentId, resolution });
    this.emit({ type: 'insight.closed', at: now, insight: { ...ins } });
    return { ...ins };
  }

  // ---------------------------------------------------------------- time

  /** Fire every timer due at or before now (offer timeouts, queue overflow, SLA warnings and breaches). */
  tick(): void {
    const now = this.now();
    for (let t = this.timers.peek(); t && t.at <= now; t = this.timers.peek()) {
      this.timers.pop();
      const cs = this.convs.get(t.id);
      if (!cs) continue;
      if (t.kind === 'offer') this.onOfferTimeout(cs, t.token);
      else if (t.kind === 'overflow') this.onOverflow(cs, t.token);
      else this.onSlaTimer(cs, t.kind, t.token, t.at);
      this.dispatch();
    }
  }

  /** When the next timer fires (to sleep until then), or null. */
  nextTimerAt(): number | null {
    return this.timers.peek()?.at ?? null;
  }

  drainEvents(): RoutingEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  // ---------------------------------------------------------------- views

  /** Whether an agent (known to the engine) belongs to a team or department. */
  inTeam(agentId: string, teamId: string): boolean {
    return this.agents.get(agentId)?.a.team_ids.includes(teamId) ?? false;
  }

  agentView(agentId: string): AgentView {
    const ag = this.agent(agentId);
    return {
      id: ag.a.id, activity_id: ag.activity.id, routable: ag.activity.routable,
      offer: ag.offer ? { ...this.convs.get(ag.offer)!.offer! } : null,
      assigned: [...ag.assigned].sort(), load: Object.fromEntries(ag.load), idle_since: ag.idleSince,
    };
  }

  conversationView(conversationId: string): ConversationView {
    const cs = this.conv(conversationId);
    return {
      id: cs.c.id, status: cs.status, state: cs.state, priority: cs.priority, queue_id: cs.queueId,
      team_id: this.queues.get(cs.queueId)?.team.id ?? '', rule_id: cs.ruleId, target_index: cs.targetIdx,
      assignee_id: cs.assignee, offer: cs.offer ? { ...cs.offer } : null, dues: { ...cs.sla.dues }, breached: [...cs.sla.breached],
      sla_paused_since: cs.sla.pause.since,
    };
  }

  hasConversation(id: string): boolean { return this.convs.has(id); }
  hasAgent(id: string): boolean { return this.agents.has(id); }
  agentIds(): string[] { return [...this.agents.keys()]; }
  insight(id: string): Insight | null { const i = this.insights.get(id); return i ? { ...i } : null; }
  listInsights(departmentId?: string): Insight[] {
    return [...this.insights.values()].filter((i) => !departmentId || i.department_id === departmentId).map((i) => ({ ...i }));
  }

  /** Waiting conversations of a queue in service order (SLA due, priority, arrival). */
  queueOrder(queueId: string, limit = 100): string[] {
    const qs = this.queues.get(queueId);
    if (!qs) throw new RoutingError('unknown_queue', `unknown queue "${queueId}"`);
    return qs.waiting.sorted().slice(0, limit).map((c) => c.c.id);
  }

  queueDepths(): Record<string, number> {
    return Object.fromEntries([...this.queues].map(([id, qs]) => [id, qs.waiting.size]));
  }

  /** A canonical dump of the whole state (tests compare it before and after a refused call). */
  snapshot(): unknown {
    const convs = [...this.convs.values()].map((cs) => ({
      ...this.conversationView(cs.c.id), excluded: [...cs.excluded].sort(), overflowDue: cs.overflowDue, token: cs.targetToken,
      sla: { ...cs.sla, pause: { since: cs.sla.pause.since, intervals: cs.sla.pause.intervals.map((x) => [...x]) }, policy: cs.sla.policy?.id ?? null, warned: [...cs.sla.warned].sort(), breached: [...cs.sla.breached].sort() },
    }));
    return {
      agents: [...this.agents.keys()].sort().map((id) => ({ ...this.agentView(id), profile: this.agents.get(id)!.a })),
      convs, queues: [...this.queues].map(([id, qs]) => [id, qs.waiting.sorted().map((c) => c.c.id)]),
      insights: [...this.insights.values()], timers: this.timers.size, seq: this.seq, offerSeq: this.offerSeq, config: this.config,
    };
  }

  /** Every invariant violation in the current state (empty when all hold). */
  checkInvariants(): string[] {
    const out: string[] = [];
    const offered = new Map<string, string>();
    const free: AgentState[] = [];
    for (const ag of this.agents.values()) {
      const counted = new Map<string, number>();
      for (const id of ag.assigned) {
        const cs = this.convs.get(id);
        if (!cs || cs.assignee !== ag.a.id || cs.state !== 'assigned') out.push(`agent ${ag.a.id} lists ${id} which is not assigned to them`);
        else counted.set(cs.c.channel, (counted.get(cs.c.channel) ?? 0) + 1);
      }
      for (const [ch, n] of counted) {
        if ((ag.load.get(ch) ?? 0) !== n) out.push(`agent ${ag.a.id} load on ${ch} is ${ag.load.get(ch)} but holds ${n}`);
        if (n > capacityOf(ag.a, ch)) out.push(`agent ${ag.a.id} holds ${n} ${ch} conversations, above capacity ${capacityOf(ag.a, ch)}`);
      }
      if (ag.offer) {
        const cs = this.convs.get(ag.offer);
        if (!cs?.offer || cs.offer.agent_id !== ag.a.id) out.push(`agent ${ag.a.id} holds an offer of ${ag.offer} that is not theirs`);
        else if (!ag.activity.routable) out.push(`agent ${ag.a.id} holds an offer while not routable`);
      } else if (ag.activity.routable) free.push(ag);
    }
    for (const cs of this.convs.values()) {
      if (cs.offer) {
        if (offered.has(cs.c.id)) out.push(`conversation ${cs.c.id} offered twice`);
        offered.set(cs.c.id, cs.offer.agent_id);
        if (this.agents.get(cs.offer.agent_id)?.offer !== cs.c.id) out.push(`conversation ${cs.c.id} offered to ${cs.offer.agent_id} who does not hold it`);
        if (cs.state !== 'offered') out.push(`conversation ${cs.c.id} has an offer but state ${cs.state}`);
      } else if (cs.state === 'offered') out.push(`conversation ${cs.c.id} in state offered without an offer`);
      if (cs.state === 'assigned' && !this.agents.get(cs.assignee ?? '')?.assigned.has(cs.c.id)) out.push(`conversation ${cs.c.id} assigned to ${cs.assignee} who does not list it`);
      if (cs.state === 'queued' && !this.queues.get(cs.queueId)!.waiting.has(cs)) out.push(`conversation ${cs.c.id} queued but missing from ${cs.queueId}`);
    }
    for (const qs of this.queues.values()) {
      let n = 0;
      for (const cs of qs.waiting.all()) {
        n++;
        if (cs.state !== 'queued') out.push(`queue ${qs.q.id} lists ${cs.c.id} in state ${cs.state}`);
        if (cs.queueId !== qs.q.id) out.push(`queue ${qs.q.id} lists ${cs.c.id} which belongs to ${cs.queueId}`);
      }
      if (n !== qs.waiting.size) out.push(`queue ${qs.q.id} counts ${qs.waiting.size} but holds ${n}`);
    }
    for (const ag of free) {
      for (const qs of this.agentQueues(ag)) {
        for (const cs of qs.waiting.all()) {
          if (this.eligible(ag, cs)) { out.push(`conversation ${cs.c.id} waits unoffered in ${qs.q.id} while ${ag.a.id} is free for it`); break; }
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- internals: routing

  private agent(id: string): AgentState {
    const ag = typeof id === 'string' ? this.agents.get(id) : undefined;
    if (!ag) throw new RoutingError('unknown_agent', `unknown agent "${String(id)}"`);
    return ag;
  }

  private conv(id: string): ConvState {
    const cs = typeof id === 'string' ? this.convs.get(id) : undefined;
    if (!cs) throw new RoutingError('unknown_conversation', `unknown conversation "${String(id)}"`);
    return cs;
  }

  private emit(e: RoutingEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
  }

  /** The agent who should answer a follow-up, if they can take work now (not in a presence that hands work back, e.g. Offline). */
  private availableOwner(id: string | null | undefined): AgentState | null {
    const ag = id ? this.agents.get(id) : undefined;
    return ag && !ag.activity.requeue_assignments ? ag : null;
  }

  /**
   * Where a follow-up goes (a customer wrote to a resolved conversation or to an insight, or it was
   * reopened): its owner if they can take work, else its support queue. Never through a department.
   */
  private followUp(cs: ConvState, owner: string | null | undefined): void {
    if (cs.offer) this.withdrawOffer(cs, 'conversation_reopened', false);
    if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
    if (cs.assignee) this.release(cs);
    const team = this.queues.get(cs.queueId)?.team;
    if (!team || team.kind !== 'support') {
      // out of the department's list: care answers it (the first rule that leads to a support queue, else the default queue)
      const rule = firstMatchingRule(this.rules.filter((r) => this.queues.get(r.rule.targets[0].queue_id)?.team.kind === 'support'), cs.c);
      cs.ruleId = rule?.id ?? null;
      cs.targets = rule ? rule.targets : [{ queue_id: this.config.default_queue_id, priority: 0, timeout_seconds: null }];
      this.enterTarget(cs, 0);
    } else if (cs.targets[cs.targetIdx]?.queue_id !== cs.queueId) {
      cs.targets = [{ queue_id: cs.queueId, priority: 0, timeout_seconds: null }];
      this.enterTarget(cs, 0);
    }
    this.recomputeSla(cs);
    const ag = this.availableOwner(owner ?? cs.owner);
    if (ag) this.assignTo(cs, ag, 'manual');
    else if (cs.status === 'open') this.enqueue(cs);
    else cs.state = 'parked';
  }

  /**
   * Load a conversation as it stands after a restart, without running the rules: the stored row is the
   * truth (its team, its assignee, its status), routing's own record (`queue_id`, `rule_id`,
   * `target_index`, `entered_at`) keeps the overflow chain where it still fits, and a conversation in a
   * department's list comes back as that insight, with its stored state and times. Emits nothing
   * (nothing changed); waiting conversations are offered as usual.
   */
  restoreConversation(input: RoutableConversationInput, r: {
    status: ConversationStatus; team_id: string | null; assignee_id: string | null;
    queue_id?: string | null; rule_id?: string | null; target_index?: number | null; entered_at?: number | null;
    insight?: Insight | null;
  }): void {
    const parsed = RoutableConversationSchema.safeParse(input);
    if (!parsed.success) throw new RoutingError('invalid_input', `conversation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (this.convs.has(parsed.data.id)) throw new RoutingError('invalid_input', `conversation ${parsed.data.id} is already loaded`);
    const c = parsed.data;
    const now = this.now();
    const start = c.created_at ?? now;
    const cs: ConvState = {
      c: { ...c, created_at: start }, status: r.status, state: 'parked', priority: c.priority, ruleId: null, targets: [], targetIdx: 0,
      targetToken: 0, overflowDue: false, queueId: this.config.default_queue_id, reqs: [], qkey: { due: Infinity, prank: 0, tprio: 0, seq: 0 }, bucket: null,
      offer: null, excluded: new Set(), assignee: null, owner: r.assignee_id,
      sla: { policy: null, start, firstRespondedAt: null, awaitingSince: start, pause: { since: null, intervals: [] }, dues: { first_response_due: null, next_response_due: null, resolution_due: null }, version: 0, warned: new Set(), breached: new Set() },
    };
    const ins = r.insight ?? null;
    const deptQueue = ins ? [...this.queues.values()].find((q) => q.team.id === ins.department_id) : undefined;
    if (ins) this.restoreInsight(ins);
    if (ins && deptQueue && r.team_id === ins.department_id) {
      cs.queueId = deptQueue.q.id;
      cs.ruleId = ins.rule_id;
      cs.targets = [{ queue_id: deptQueue.q.id, priority: 0, timeout_seconds: null }];
      cs.state = 'insight';
      cs.status = r.status === 'resolved' ? 'open' : r.status; // an insight's conversation is out of the status flow
      this.convs.set(c.id, cs);
      return;
    }
    // its queue: routing's record when it still names a queue of the row's team, else the team's queue, else the default
    const stored = r.queue_id ? this.queues.get(r.queue_id) : undefined;
    const queue = stored && stored.team.id === r.team_id ? stored
      : [...this.queues.values()].find((q) => q.team.id === r.team_id && q.q.id === `q-${r.team_id}`)
        ?? [...this.queues.values()].find((q) => q.team.id === r.team_id)
        ?? this.queues.get(this.config.default_queue_id)!;
    const rule = r.rule_id ? this.config.rules.find((x) => x.id === r.rule_id) : undefined;
    const idx = r.target_index ?? 0;
    if (rule && rule.targets[idx]?.queue_id === queue.q.id) {
      cs.ruleId = rule.id;
      cs.targets = rule.targets;
    } else {
      cs.targets = [{ queue_id: queue.q.id, priority: 0, timeout_seconds: null }];
    }
    const targetIdx = cs.targets === rule?.targets ? idx : 0;
    cs.targetIdx = targetIdx;
    cs.queueId = queue.q.id;
    cs.reqs = this.requirements(cs);
    const t = cs.targets[targetIdx];
    if (t.timeout_seconds !== null && targetIdx < cs.targets.length - 1) {
      cs.targetToken++;
      this.timers.push((r.entered_at ?? now) + t.timeout_seconds * 1000, 'overflow', c.id, cs.targetToken);
    }
    this.convs.set(c.id, cs);
    if (r.status === 'resolved') { cs.state = 'closed'; return; }
    const ag = r.assignee_id ? this.agents.get(r.assignee_id) : undefined;
    if (ag) {
      // as stored, even above capacity (adopt's rule): the agent gets no offers until below it
      cs.state = 'assigned'; cs.assignee = ag.a.id; cs.targetToken++;
      ag.assigned.add(c.id);
      ag.load.set(c.channel, (ag.load.get(c.channel) ?? 0) + 1);
      this.refresh(ag);
    } else if (r.status === 'open') {
      const s = cs.sla.dues;
      cs.qkey = { due: Math.min(s.first_response_due ?? Infinity, s.next_response_due ?? Infinity, s.resolution_due ?? Infinity), prank: PRIORITY_RANK[cs.priority], tprio: t.priority ?? 0, seq: ++this.seq };
      cs.state = 'queued';
      queue.waiting.insert(cs);
      this.dirtyConvs.add(cs);
    }
    this.recomputeSla(cs);
    this.dispatch();
  }

  /** An insight as stored (open, or closed with its resolution), known again after a restart. Emits nothing. */
  restoreInsight(ins: Insight): void {
    const cur = this.insights.get(ins.id);
    if (ins.conversation_id) this.insightConvs.add(ins.conversation_id);
    if (cur && cur.status === 'closed') return; // a closed insight never reopens
    this.insights.set(ins.id, { ...ins });
  }

  /**
   * What applying the rules (the current ones, or `rules` if given: validated, not saved) to the
   * conversations waiting in queues would move. Changes nothing. Only waiting work moves: assigned
   * conversations stay with their agent, insights with their department, resolved ones where they are.
   */
  /**
   * The try-it box of the rules editor: where a post with these attributes would go under `rules`
   * (a proposal, validated like a save; default the saved rules), and why: each rule up to the one
   * that matches with the conditions that did not hold, the queue or department, the skills its
   * queue asks for, and each person of that team with whether they could be offered it now (and
   * why not). Changes nothing.
   */
  tryRoute(input: RoutableConversationInput, rules?: unknown): TryRouteResult {
    const parsed = RoutableConversationSchema.safeParse(input);
    if (!parsed.success) throw new RoutingError('invalid_input', `post: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const c = parsed.data;
    const config = rules === undefined ? this.config : this.parseConfig({ ...this.config, rules });
    const lower = c.text.toLowerCase();
    const steps: TryRouteResult['rules'] = [];
    let matched: Rule | null = null;
    for (const rule of config.rules) {
      if (matched) { steps.push({ id: rule.id, name: rule.name, enabled: rule.enabled, matched: false, failed: [], evaluated: false }); continue; }
      const failed = rule.filters.filter((f) => !compileFilter(f)(c, lower)).map((f) => explainFilter(f, c));
      const ok = rule.enabled && failed.length === 0;
      steps.push({ id: rule.id, name: rule.name, enabled: rule.enabled, matched: ok, failed, evaluated: rule.enabled });
      if (ok) matched = rule;
    }
    const queueId = matched ? matched.targets[0].queue_id : config.default_queue_id;
    const queue = config.queues.find((q) => q.id === queueId)!;
    const team = config.teams.find((t) => t.id === queue.team_id)!;
    const reqs = new Map<string, number>(Object.entries(queue.required_skills));
    for (const m of queue.match) {
      const v = m === 'language' ? c.language : m === 'channel' ? c.channel : m === 'topic' ? c.topic : c.customer_tier;
      if (v) reqs.set(`${m}:${v.toLowerCase()}`, Math.max(reqs.get(`${m}:${v.toLowerCase()}`) ?? 1, 1));
    }
    const agents: TryRouteResult['agents'] = [];
    if (team.kind === 'support') {
      for (const ag of this.agents.values()) {
        if (!ag.teams.has(team.id)) continue;
        const why: string[] = [];
        if (!ag.activity.routable) why.push(`${ag.activity.label} (not taking work)`);
        if (ag.offer) why.push('has an offer waiting');
        const load = ag.load.get(c.channel) ?? 0, cap = capacityOf(ag.a, c.channel);
        if (load >= cap) why.push(cap === 0 ? `takes no ${c.channel} work (capacity 0)` : `at capacity on ${c.channel} (${load}/${cap})`);
        for (const [k, min] of reqs) if ((ag.a.skills[k] ?? 0) < min) why.push(`lacks skill ${k}${min > 1 ? ` ≥ ${min}` : ''}`);
        let score = 0;
        for (const [k] of reqs) score += ag.a.skills[k] ?? 0;
        agents.push({ agent_id: ag.a.id, name: ag.a.name, eligible: why.length === 0, why_not: why, score, idle_since: ag.idleSince });
      }
      agents.sort((x, y) => Number(y.eligible) - Number(x.eligible) || y.score - x.score || x.idle_since - y.idle_since || (x.agent_id < y.agent_id ? -1 : 1));
    }
    return {
      rule_id: matched?.id ?? null, queue_id: queue.id, team_id: team.id, team_name: team.name, team_kind: team.kind,
      targets: matched ? matched.targets.map((t) => ({ queue_id: t.queue_id, timeout_seconds: t.timeout_seconds })) : [{ queue_id: queue.id, timeout_seconds: null }],
      required_skills: [...reqs].map(([skill, min]) => ({ skill, min })),
      rules: steps, agents, offered_to: agents[0]?.eligible ? agents[0].agent_id : null,
    };
  }

  previewRules(rules?: unknown): RuleMove[] {
    const compiled = rules === undefined ? this.rules : compileRules(this.parseConfig({ ...this.config, rules }).rules);
    const out: RuleMove[] = [];
    for (const cs of [...this.convs.values()].sort((a, b) => (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0))) {
      const m = this.moveFor(cs, compiled);
      if (m) out.push(m);
    }
    return out;
  }

  private moveFor(cs: ConvState, compiled: CompiledRule[]): RuleMove | null {
    if (cs.assignee || (cs.state !== 'queued' && cs.state !== 'offered' && cs.state !== 'parked')) return null;
    const rule = firstMatchingRule(compiled, cs.c);
    const targets = rule ? rule.targets : [{ queue_id: this.config.default_queue_id }];
    // already in one of the targets of the rule that matches now: where it overflowed to is not a move
    if ((rule?.id ?? null) === cs.ruleId && targets.some((t) => t.queue_id === cs.queueId)) return null;
    if (!rule && cs.queueId === this.config.default_queue_id) return null;
    const to = this.queues.get(targets[0].queue_id);
    if (!to) return null;
    // once out of a department's list (a customer's follow-up went to care), never back into it
    if (to.team.kind === 'department' && this.insightConvs.has(cs.c.id)) return null;
    const from = this.queues.get(cs.queueId);
    return {
      conversation_id: cs.c.id, from_queue_id: cs.queueId, from_team_id: from?.team.id ?? null,
      to_queue_id: to.q.id, to_team_id: to.team.id, rule_id: rule?.id ?? null, insight: to.team.kind === 'department',
    };
  }

  /**
   * Apply the current rules to these waiting conversations ("apply to open conversations", after the
   * preview): each that the rules would still move is routed again (an offer in flight is withdrawn;
   * a department target makes it an insight). Returns what moved and why the others did not.
   */
  applyRules(conversationIds: string[]): { moved: RuleMove[]; skipped: Array<{ conversation_id: string; reason: 'unknown' | 'not_waiting' | 'unchanged' }> } {
    const moved: RuleMove[] = [];
    const skipped: Array<{ conversation_id: string; reason: 'unknown' | 'not_waiting' | 'unchanged' }> = [];
    for (const id of [...new Set(conversationIds)]) {
      const cs = this.convs.get(id);
      if (!cs) { skipped.push({ conversation_id: id, reason: 'unknown' }); continue; }
      if (cs.assignee || (cs.state !== 'queued' && cs.state !== 'offered' && cs.state !== 'parked')) { skipped.push({ conversation_id: id, reason: 'not_waiting' }); continue; }
      const m = this.moveFor(cs, this.rules);
      if (!m) { skipped.push({ conversation_id: id, reason: 'unchanged' }); continue; }
      if (cs.offer) this.withdrawOffer(cs, 'rules_applied', false);
      if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
      this.route(cs);
      moved.push(m);
    }
    this.dispatch();
    return { moved, skipped };
  }

  /**
   * Run the rules (or take the decision made at ingest, while its rule still exists) and put the
   * conversation in its first target (or a department's insight list).
   */
  private route(cs: ConvState, decided?: { rule_id: string | null }): void {
    const rule: Rule | null = decided === undefined ? firstMatchingRule(this.rules, cs.c)
      : decided.rule_id === null ? null
        : this.rules.find((r) => r.rule.id === decided.rule_id)?.rule ?? firstMatchingRule(this.rules, cs.c);
    cs.ruleId = rule?.id ?? null;
    cs.targets = rule ? rule.targets : [{ queue_id: this.config.default_queue_id, priority: 0, timeout_seconds: null }];
    cs.excluded.clear();
    const first = this.queues.get(cs.targets[0].queue_id)!;
    if (first.team.kind === 'department') {
      cs.queueId = first.q.id;
      cs.state = 'insight';
      const now = this.now();
      // unique across restarts (the map starts from the database's open insights): never the id of a stored one
      const ins: Insight = { id: `ins-${cs.c.id}-${now.toString(36)}-${++this.insightSeq}`, conversation_id: cs.c.id, department_id: first.team.id, rule_id: cs.ruleId, opened_at: now, status: 'open', closed_at: null, closed_by: null, resolution: null };
      this.insights.set(ins.id, ins);
      this.insightConvs.add(cs.c.id);
      this.recomputeSla(cs); // no clocks for an insight
      this.emit({ type: 'insight.created', at: now, insight: { ...ins } });
      return;
    }
    this.enterTarget(cs, 0);
    this.recomputeSla(cs);
    if (cs.status === 'open') this.enqueue(cs);
    else cs.state = 'parked';
  }

  private enterTarget(cs: ConvState, idx: number): void {
    const t = cs.targets[idx];
    cs.targetIdx = idx;
    cs.queueId = t.queue_id;
    cs.targetToken++;
    cs.overflowDue = false;
    cs.reqs = this.requirements(cs);
    if (t.timeout_seconds !== null && idx < cs.targets.length - 1) {
      this.timers.push(this.now() + t.timeout_seconds * 1000, 'overflow', cs.c.id, cs.targetToken);
    }
  }

  private requirements(cs: ConvState): Array<readonly [string, number]> {
    const q = this.queues.get(cs.queueId)!.q;
    const reqs = new Map<string, number>(Object.entries(q.required_skills));
    const c = cs.c;
    for (const m of q.match) {
      const v = m === 'language' ? c.language : m === 'channel' ? c.channel : m === 'topic' ? c.topic : c.customer_tier;
      if (v) {
        const key = `${m}:${v.toLowerCase()}`;
        reqs.set(key, Math.max(reqs.get(key) ?? 1, 1));
      }
    }
    return [...reqs];
  }

  private enqueue(cs: ConvState): void {
    const s = cs.sla.dues;
    const due = Math.min(s.first_response_due ?? Infinity, s.next_response_due ?? Infinity, s.resolution_due ?? Infinity);
    cs.qkey = { due, prank: PRIORITY_RANK[cs.priority], tprio: cs.targets[cs.targetIdx]?.priority ?? 0, seq: ++this.seq };
    cs.state = 'queued';
    this.queues.get(cs.queueId)!.waiting.insert(cs);
    this.emit({ type: 'conversation.queued', at: this.now(), conversation_id: cs.c.id, queue_id: cs.queueId, team_id: this.queues.get(cs.queueId)!.team.id, rule_id: cs.ruleId, target_index: cs.targetIdx });
    this.dirtyConvs.add(cs);
  }

  /** Re-sort a waiting conversation whose due time or priority changed. */
  private rekey(cs: ConvState): void {
    if (cs.state !== 'queued') return;
    const list = this.queues.get(cs.queueId)!.waiting;
    list.remove(cs);
    const s = cs.sla.dues;
    cs.qkey = { ...cs.qkey, due: Math.min(s.first_response_due ?? Infinity, s.next_response_due ?? Infinity, s.resolution_due ?? Infinity), prank: PRIORITY_RANK[cs.priority] };
    list.insert(cs);
  }

  private agentQueues(ag: AgentState): QueueState[] {
    const out: QueueState[] = [];
    for (const qs of this.queues.values()) if (qs.team.kind === 'support' && ag.teams.has(qs.team.id)) out.push(qs);
    return out;
  }

  /** Keep the free-agent index in step with the agent's presence, offer and load. */
  private refresh(ag: AgentState): void {
    const canOffer = ag.activity.routable && ag.offer === null && this.agents.get(ag.a.id) === ag;
    for (const [ch, set] of this.freeByChannel) {
      if (canOffer && (ag.load.get(ch) ?? 0) < capacityOf(ag.a, ch)) set.add(ag); else set.delete(ag);
    }
  }

  private roomFor(ag: AgentState, channel: string, countOffer: boolean): boolean {
    let load = ag.load.get(channel) ?? 0;
    if (countOffer && ag.offer && this.convs.get(ag.offer)!.c.channel === channel) load++;
    return load < capacityOf(ag.a, channel);
  }

  private hasSkills(ag: AgentState, cs: ConvState): boolean {
    return this.hasReqs(ag, cs.reqs);
  }

  private hasReqs(ag: AgentState, reqs: Array<readonly [string, number]>): boolean {
    for (const [k, min] of reqs) if ((ag.a.skills[k] ?? 0) < min) return false;
    return true;
  }

  /** Could this agent be offered this queued conversation right now? */
  private eligible(ag: AgentState, cs: ConvState): boolean {
    return ag.activity.routable && ag.offer === null && !cs.excluded.has(ag.a.id) && this.roomFor(ag, cs.c.channel, false) && this.hasSkills(ag, cs);
  }

  private score(ag: AgentState, cs: ConvState): number {
    let s = 0;
    for (const [k] of cs.reqs) s += ag.a.skills[k] ?? 0;
    return s;
  }

  /** Offer waiting conversations to free agents until no pair fits (keeps the no-idle-wait invariant). */
  private dispatch(): void {
    while (this.dirtyConvs.size || this.dirtyAgents.size) {
      for (const cs of this.dirtyConvs) {
        this.dirtyConvs.delete(cs);
        if (cs.state === 'queued') this.offerConversation(cs);
      }
      for (const ag of this.dirtyAgents) {
        this.dirtyAgents.delete(ag);
        if (this.agents.get(ag.a.id) === ag) this.offerToAgent(ag);
        if (this.dirtyConvs.size) break;
      }
    }
  }

  /** Best free agent for one conversation: highest skill score, then longest idle, then id. */
  private offerConversation(cs: ConvState): void {
    const qs = this.queues.get(cs.queueId)!;
    let best: AgentState | null = null;
    let bestScore = -1;
    for (const ag of this.freeByChannel.get(cs.c.channel)!) {
      if (!ag.teams.has(qs.team.id) || !this.eligible(ag, cs)) continue;
      const sc = this.score(ag, cs);
      if (!best || sc > bestScore || (sc === bestScore && (ag.idleSince < best.idleSince || (ag.idleSince === best.idleSince && ag.a.id < best.a.id)))) {
        best = ag;
        bestScore = sc;
      }
    }
    if (best) this.makeOffer(cs, best);
  }

  /** First waiting conversation (in service order across the agent's queues) this agent can take. */
  private offerToAgent(ag: AgentState): void {
    if (!ag.activity.routable || ag.offer) return;
    let best: ConvState | null = null;
    for (const qs of this.agentQueues(ag)) {
      for (const b of qs.waiting.buckets.values()) {
        if (b.list.size === 0 || !this.roomFor(ag, b.channel, false) || !this.hasReqs(ag, b.reqs)) continue;
        for (const cs of b.list.items) {
          if (best && compareQueueKeys(cs, best) >= 0) break;
          if (!cs.excluded.has(ag.a.id)) { best = cs; break; }
        }
      }
    }
    if (best) this.makeOffer(best, ag);
  }

  private makeOffer(cs: ConvState, ag: AgentState): void {
    const now = this.now();
    this.queues.get(cs.queueId)!.waiting.remove(cs);
    const offer: Offer = { id: `off-${++this.offerSeq}`, conversation_id: cs.c.id, agent_id: ag.a.id, offered_at: now, expires_at: now + this.config.offer_timeout_seconds * 1000 };
    cs.offer = offer;
    cs.state = 'offered';
    ag.offer = cs.c.id;
    this.refresh(ag);
    this.timers.push(offer.expires_at, 'offer', cs.c.id, this.offerSeq);
    this.emit({ type: 'offer.created', at: now, offer: { ...offer } });
  }

  private endOffer(cs: ConvState, ag: AgentState): void {
    ag.offer = null;
    ag.idleSince = this.now();
    cs.offer = null;
    this.refresh(ag);
  }

  /** After a reject/timeout/withdrawal: overflow if the target's time ran out meanwhile, else wait again. */
  private afterOfferEnded(cs: ConvState): void {
    if (cs.overflowDue) this.overflow(cs);
    else this.enqueue(cs);
  }

  private withdrawOffer(cs: ConvState, reason: string, requeue = true): void {
    const offer = cs.offer!;
    const ag = this.agents.get(offer.agent_id)!;
    this.endOffer(cs, ag);
    this.emit({ type: 'offer.withdrawn', at: this.now(), offer, reason });
    this.dirtyAgents.add(ag);
    if (requeue) this.afterOfferEnded(cs);
  }

  private onOfferTimeout(cs: ConvState, token: number): void {
    if (!cs.offer || cs.offer.id !== `off-${token}`) return;
    const offer = cs.offer;
    const ag = this.agents.get(offer.agent_id)!;
    this.endOffer(cs, ag);
    cs.excluded.add(ag.a.id);
    this.emit({ type: 'offer.expired', at: this.now(), offer });
    this.afterOfferEnded(cs);
    this.dirtyAgents.add(ag);
  }

  private onOverflow(cs: ConvState, token: number): void {
    if (token !== cs.targetToken) return;
    if (cs.state === 'offered') cs.overflowDue = true;
    else if (cs.state === 'queued') {
      this.queues.get(cs.queueId)!.waiting.remove(cs);
      this.overflow(cs);
    }
    // parked: the target's time only runs while waiting; it restarts when reopened
  }

  private overflow(cs: ConvState): void {
    const from = cs.queueId;
    if (cs.targetIdx + 1 >= cs.targets.length) { this.enqueue(cs); return; }
    cs.excluded.clear();
    this.enterTarget(cs, cs.targetIdx + 1);
    this.emit({ type: 'conversation.overflowed', at: this.now(), conversation_id: cs.c.id, from_queue_id: from, queue_id: cs.queueId });
    this.enqueue(cs);
  }

  private assignTo(cs: ConvState, ag: AgentState, via: 'offer' | 'pull' | 'manual'): void {
    cs.state = 'assigned';
    cs.assignee = ag.a.id;
    cs.owner = ag.a.id;
    cs.targetToken++; // the queue timeout no longer applies
    cs.overflowDue = false;
    ag.assigned.add(cs.c.id);
    ag.load.set(cs.c.channel, (ag.load.get(cs.c.channel) ?? 0) + 1);
    this.refresh(ag);
    this.emit({ type: 'conversation.assigned', at: this.now(), conversation_id: cs.c.id, agent_id: ag.a.id, team_id: this.queues.get(cs.queueId)!.team.id, via });
  }

  /** Take the conversation off its agent (capacity freed); the caller decides where it goes. */
  private release(cs: ConvState): AgentState {
    const ag = this.agents.get(cs.assignee!)!;
    ag.assigned.delete(cs.c.id);
    const n = (ag.load.get(cs.c.channel) ?? 1) - 1;
    if (n > 0) ag.load.set(cs.c.channel, n); else ag.load.delete(cs.c.channel);
    cs.assignee = null;
    this.refresh(ag);
    this.dirtyAgents.add(ag);
    return ag;
  }

  private requeueFromAgent(cs: ConvState, reason: 'agent_presence' | 'unassigned' | 'agent_removed' | 'escalation'): void {
    const ag = this.release(cs);
    cs.owner = null;
    cs.excluded.add(ag.a.id); // do not hand it straight back to the agent who left it
    this.emit({ type: 'conversation.requeued', at: this.now(), conversation_id: cs.c.id, from_agent_id: ag.a.id, reason });
    if (cs.status === 'open') this.enqueue(cs); else cs.state = 'parked';
  }

  private changePriority(cs: ConvState, p: Priority, reason: string): void {
    cs.priority = p;
    cs.c = { ...cs.c, priority: p };
    this.emit({ type: 'conversation.priority_changed', at: this.now(), conversation_id: cs.c.id, priority: p, reason });
    this.recomputeSla(cs);
  }

  // ---------------------------------------------------------------- internals: SLA

  private policyFor(cs: ConvState): SlaPolicy | null {
    for (const p of this.config.sla_policies) {
      if ((p.priorities.length === 0 || p.priorities.includes(cs.priority)) && (p.channels.length === 0 || p.channels.includes(cs.c.channel))) return p;
    }
    return null;
  }

  private calendarOf(p: SlaPolicy): BusinessCalendar {
    return p.calendar_id ? this.calendars.get(p.calendar_id)! : this.alwaysOpen;
  }

  /** Recompute due times from the clock's state and (re)arm warning and breach timers. */
  private recomputeSla(cs: ConvState): void {
    const s = cs.sla;
    const p = cs.state === 'insight' ? null : this.policyFor(cs);
    const cal = p ? this.calendarOf(p) : null;
    const open = cs.status !== 'resolved';
    // [start, target seconds, pauses count?]: first response keeps running while nobody has answered
    const clock = (kind: SlaKind): [number, number, boolean] | null => {
      if (!p || !cal || !open) return null;
      if (kind === 'first_response' && p.first_response_seconds && s.firstRespondedAt === null) return [s.start, p.first_response_seconds, false];
      if (kind === 'next_response' && p.next_response_seconds && s.firstRespondedAt !== null && s.awaitingSince !== null) return [s.awaitingSince, p.next_response_seconds, true];
      if (kind === 'resolution' && p.resolution_seconds) return [s.start, p.resolution_seconds, true];
      return null;
    };
    const noPause: PauseState = { since: null, intervals: [] };
    const dues: SlaDues = { first_response_due: null, next_response_due: null, resolution_due: null };
    s.version++;
    for (const kind of SLA_KINDS) {
      const c = clock(kind);
      if (!c || !cal || !p) continue;
      const [from, secs, pausable] = c;
      const pause = pausable ? s.pause : noPause;
      const due = pausedDue(cal, from, secs * 1000, pause);
      dues[`${kind}_due`] = due;
      // a paused clock raises nothing; its timers are armed again on resume
      if (due === null || pause.since !== null) continue;
      if (!s.warned.has(kind)) this.timers.push(pausedDue(cal, from, Math.floor(secs * 1000 * p.warn_at), pause)!, `warn:${kind}`, cs.c.id, s.version);
      if (!s.breached.has(kind)) this.timers.push(due, `breach:${kind}`, cs.c.id, s.version);
    }
    const changed = p?.id !== s.policy?.id || SLA_KINDS.some((k) => dues[`${k}_due`] !== s.dues[`${k}_due`]);
    s.policy = p;
    s.dues = dues;
    if (changed) {
      this.emit({ type: 'sla.due_changed', at: this.now(), conversation_id: cs.c.id, policy_id: p?.id ?? null, dues: { ...dues } });
      this.rekey(cs);
    }
  }

  private setPause(cs: ConvState, next: PauseState): void {
    const cur = cs.sla.pause;
    const same = cur.since === next.since && cur.intervals.length === next.intervals.length
      && cur.intervals.every(([a, b], i) => a === next.intervals[i][0] && b === next.intervals[i][1]);
    cs.sla.pause = next;
    if (!same) this.emit({ type: 'sla.pause_changed', at: this.now(), conversation_id: cs.c.id, paused_since: next.since, pauses: next.intervals.map(([a, b]) => [a, b] as const) });
  }

  private onSlaTimer(cs: ConvState, kindTag: string, token: number, at: number): void {
    const s = cs.sla;
    if (token !== s.version) return;
    const [what, kind] = kindTag.split(':') as ['warn' | 'breach', SlaKind];
    const due = s.dues[`${kind}_due`];
    if (due === null) return;
    if (what === 'warn') {
      if (s.warned.has(kind)) return;
      s.warned.add(kind);
      this.emit({ type: 'sla.warning', at, conversation_id: cs.c.id, kind, due_at: due });
      return;
    }
    if (s.breached.has(kind)) return;
    s.breached.add(kind);
    s.warned.add(kind);
    this.emit({ type: 'sla.breach', at, conversation_id: cs.c.id, kind, due_at: due });
    for (const action of s.policy?.on_breach ?? []) this.escalate(cs, kind, action, due);
  }

  private escalate(cs: ConvState, kind: SlaKind, action: EscalationAction, due: number): void {
    const now = this.now();
    this.emit({ type: 'sla.escalated', at: now, conversation_id: cs.c.id, kind, action });
    if (action.type === 'notify_supervisor') {
      const team = this.queues.get(cs.queueId)!.team.id;
      const sups = [...(this.teamMembers.get(team) ?? [])].filter((a) => a.a.role !== 'agent').map((a) => a.a.id).sort();
      this.emit({ type: 'supervisor.notify', at: now, conversation_id: cs.c.id, team_id: team, supervisor_ids: sups, kind, due_at: due });
    } else if (action.type === 'raise_priority') {
      const i = PRIORITIES.indexOf(cs.priority);
      if (i < PRIORITIES.length - 1) this.changePriority(cs, PRIORITIES[i + 1], `sla ${kind} breached`);
    } else if (action.type === 'reroute') {
      if (cs.queueId === action.queue_id || cs.state === 'closed' || cs.state === 'insight') return;
      if (cs.offer) this.withdrawOffer(cs, 'escalation', false);
      if (cs.state === 'queued') this.queues.get(cs.queueId)!.waiting.remove(cs);
      if (cs.assignee) {
        const ag = this.release(cs);
        this.emit({ type: 'conversation.requeued', at: now, conversation_id: cs.c.id, from_agent_id: ag.a.id, reason: 'escalation' });
      }
      const from = cs.queueId;
      cs.targets = [{ queue_id: action.queue_id, priority: 100, timeout_seconds: null }];
      cs.excluded.clear();
      this.enterTarget(cs, 0);
      this.emit({ type: 'conversation.overflowed', at: now, conversation_id: cs.c.id, from_queue_id: from, queue_id: cs.queueId });
      if (cs.status === 'open') this.enqueue(cs); else cs.state = 'parked';
    }
  }
}

export function capacityOf(a: RoutingAgent, channel: string): number {
  return a.capacity[channel] ?? a.capacity['*'] ?? 0;
}

function compareQueueKeys(a: { qkey: QueueKey }, b: { qkey: QueueKey }): number {
  const x = a.qkey, y = b.qkey;
  return x.due - y.due || y.prank - x.prank || y.tprio - x.tprio || x.seq - y.seq;
}

/** What the try-it box shows (engine.tryRoute). */
export interface TryRouteResult {
  rule_id: string | null;
  queue_id: string; team_id: string; team_name: string; team_kind: 'support' | 'department';
  targets: Array<{ queue_id: string; timeout_seconds: number | null }>;
  required_skills: Array<{ skill: string; min: number }>;
  /** the rules in order: the conditions that did not hold, up to the one that matched (later ones not evaluated) */
  rules: Array<{ id: string; name: string; enabled: boolean; matched: boolean; evaluated: boolean; failed: string[] }>;
  /** the team's people, who could be offered it first; why not for the others */
  agents: Array<{ agent_id: string; name: string; eligible: boolean; why_not: string[]; score: number; idle_since: number }>;
  offered_to: string | null;
}
