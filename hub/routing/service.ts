/**
 * RoutingService: the routing engine wired to the hub. One engine and one collision tracker per
 * workspace, loaded from the database on first use.
 *
 * - Input: the change log. Every committed change is consumed (new conversations, status and
 *   assignment changes made by mutations, inbound messages, agents' public replies, agent records),
 *   so no other module has to call routing explicitly. Changes this service wrote itself are skipped.
 * - Ingest hook: `routePost` decides, once, which team's queue and which SLA due times a new
 *   conversation gets (the engine's `preview`), so its first stored and synced row is its routed
 *   state; when the change arrives the engine places it by that same decision. A hub that cannot
 *   decide at once (a follower, or a workspace not loaded yet) writes it unrouted (no team: on no
 *   desktop) and the leader routes it when it reads the change, so a desktop still sees one change.
 * - Output: engine events become conversation updates through the change log (so desktops sync
 *   assignee, team, priority and due times), rows in routing_events / agent_presence / sla_flags /
 *   insights, and pushes to connected desktops (offers, presence, collision, SLA alerts) at once,
 *   before the database write.
 * - Time: a timer ticks the engines (offer timeouts, overflow, SLA) and sweeps collision presence.
 * - Several hubs on one PostgreSQL schema (`shared()`, see leader.ts): only the elected leader runs
 *   engines. It consumes the `changes` table in sync_id order (= commit order: writers serialize on
 *   an advisory lock) after every commit of any hub (local event or NOTIFY poke), skipping its own
 *   writes. A follower routes nothing: the ingest hook gives the default team, reply checks are
 *   asked of the leader before the write (`prepareReplyChecks`), and api.ts forwards the rest.
 */
import type { Queryable } from '../db/db';
import type { ChangeLog, ChangeRecord } from '../sync/changelog';
import type { RouteDecision, RouteInput, RoutePost } from '../api/module';
import { PrioritySchema, type Agent, type Analysis, type Channel, type Conversation, type ConversationStatus, type Priority } from '../../shared/domain';
import { CollisionTracker, type CollisionEvent } from './collision';
import { RoutingEngine, type Insight, type RoutingEvent, type RuleMove, type SlaKind } from './engine';
import { RoutingError } from './errors';
import { DEFAULT_ACTIVITIES, type RoutingConfigInput, type RoutableConversationInput, type Rule } from './schemas';
import type { RoutingPush } from '../../shared/contract/routing';
import type { ReplyCheck } from './collision';

/** `assignee_id`: the conversation's assignee as the reply's transaction reads it; omitted, routing's own view is used. */
export type ReplyCheckInput = { workspace_id: string; conversation_id: string; agent_id: string; seen_up_to: number | null; confirm_token?: string | null; assignee_id?: string | null };

export interface RoutingServiceOptions {
  now?: () => number;
  /** how often timers are checked (ms); default 200 */
  tickMs?: number;
  /** capacity for agents whose record sets none; default 3 conversations per channel */
  defaultCapacity?: Record<string, number>;
  /** how long engine output may wait to be written together (ms); default 25 */
  flushDelayMs?: number;
  /** where routing problems are reported (the hub: its log) */
  onError(err: unknown): void;
  /** the analysis of a pasted post, for the rules editor's try-it box (hub/analysis, given by modules.ts) */
  analyze?: (workspaceId: string, text: string, channel: Channel) => Promise<TryAnalysis | null>;
}

/** What the try-it box needs of a post's analysis. */
export interface TryAnalysis {
  language?: string | null; intent?: string | null; topic?: string | null;
  sentiment?: { label?: string; score?: number } | null; priority?: string | null;
}

interface TeamRow { id: string; name: string; kind: 'support' | 'department' }

/**
 * What routing knows a conversation's row to be: the newest version it consumed from the change log
 * or wrote itself (`sync_id`), with its owner (assignee, team), status and priority.
 */
export interface KnownConversation { assignee: string | null; team: string | null; status: string; priority: string; syncId: number }

export class WorkspaceRouting {
  readonly known = new Map<string, KnownConversation>();
  constructor(readonly id: string, readonly engine: RoutingEngine, readonly collision: CollisionTracker, public teams: TeamRow[]) {}
}

/** `close`: end the subscriber's stream (this hub stopped leading: the desktop reconnects and is forwarded) */
export type Subscriber = { agentId: string; workspaceId: string; supervisor: boolean; send: (m: RoutingPush) => void; close?: () => void };

export class RoutingService {
  readonly now: () => number;
  private readonly workspaces = new Map<string, Promise<WorkspaceRouting>>();
  private readonly ready = new Map<string, WorkspaceRouting>();
  private readonly convWorkspace = new Map<string, string>();
  /** new conversations routed by the ingest hook, until their change arrives: the decision and what it read of the customer */
  private readonly decided = new Map<string, { rule_id: string | null; customer: { tier: string | null; followers: number | null } }>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly own = new WeakSet<object>();
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | null = null;
  private sweepAt = 0;
  /** where routing problems are reported */
  readonly onError: (err: unknown) => void;
  // pending database work, flushed in one change-log write
  private patches = new Map<string, Record<string, unknown>>();
  /** words added to a conversation's analysis reason (an escalation that raised its priority) */
  private reasonAdds = new Map<string, string[]>();
  private eventRows: Array<Record<string, unknown>> = [];
  private presenceRows = new Map<string, { workspace_id: string; activity_id: string; at: number }>();
  private insightRows: Array<Record<string, unknown>> = [];
  /** where routing put each conversation (routing_state, migration 0860): a restart restores it instead of running the rules */
  private stateRows = new Map<string, { workspace_id: string; queue_id: string; rule_id: string | null; target_index: number; entered_at: number }>();
  private flagRows: Array<{ conversation_id: string; warned: string[]; breached: string[] }> = [];
  /** SLA pause state per conversation (the engine sends the whole state each time: last wins) */
  private pauseRows = new Map<string, { paused_since: number | null; pauses: Array<readonly [number, number]> }>();
  /**
   * Conversation patches that met a row changed by someone else since routing last read it (a change not
   * consumed yet): held back, whole, until that change is consumed (applyConversation), then written on top of it.
   */
  private deferred = new Map<string, { patch?: Record<string, unknown>; adds?: string[] }>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  // several hubs on one schema (see shared())
  private isShared = false;
  private leading = true;
  /** shared: newest sync_id consumed from the changes table */
  private cursor = 0;
  /** shared: sync_ids of this service's own writes not yet passed by the cursor */
  private readonly ownIds = new Set<number>();
  private catchUpQueued = false;
  /** shared, follower: asks the leader's collision tracker */
  private askLeader: ((input: ReplyCheckInput) => Promise<ReplyCheck>) | null = null;
  private readonly leaderChecks = new Map<string, { check: ReplyCheck; until: number }>();

  constructor(readonly log: ChangeLog, private readonly options: RoutingServiceOptions) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError;
  }

  private readonly onCommitted = (records: ChangeRecord[]) => {
    if (this.isShared) {
      // any hub's commit (our own records, or an empty poke): read the log in commit order
      if (!this.leading || this.catchUpQueued) return;
      this.catchUpQueued = true;
      this.chain = this.chain.then(() => { this.catchUpQueued = false; return this.catchUp(); }).catch(this.onError);
      return;
    }
    if (this.own.has(records) || records.length === 0) return;
    this.chain = this.chain.then(() => this.consume(records)).catch(this.onError);
  };

  /**
   * Several hubs share this database schema: routing runs only while `promote()`d (this hub holds
   * the leader lock), and then consumes every hub's changes from the `changes` table. Call before start().
   * `askLeader` answers reply-collision checks while this hub follows.
   */
  shared(askLeader: (input: ReplyCheckInput) => Promise<ReplyCheck>): void {
    this.isShared = true;
    this.leading = false;
    this.askLeader = askLeader;
  }

  /** engine events since this hub started, by type (offer.created, offer.expired, …): the hub's metrics (hub/ops) */
  readonly eventCounts = new Map<string, number>();

  /** Several hubs, leading: the last change of the log consumed (routing's lag is the log's head minus this); else null. */
  get consumedSyncId(): number | null { return this.isShared && this.leading ? this.cursor : null; }

  /** Whether this service runs the engines (always, unless shared and not promoted). */
  get isLeader(): boolean { return this.leading; }

  /** Workspaces whose engine is loaded (none on a follower). */
  loadedWorkspaces(): string[] { return [...this.ready.keys()]; }

  /**
   * This hub became the leader: start from the database's state. The cursor is read before the
   * workspaces load, so a change committed meanwhile is consumed again (applying a row twice is harmless).
   */
  async promote(): Promise<void> {
    const run = this.chain.then(async () => {
      this.dropState();
      this.cursor = await this.log.maxSyncId();
      this.leading = true;
      await this.loadOnline();
    });
    this.chain = run.catch(this.onError);
    await run;
    // commits that arrived while loading
    this.onCommitted([]);
  }

  /** Workspaces where agents are online are loaded at once, so waiting conversations are offered without waiting for a request. */
  private async loadOnline(): Promise<void> {
    const rows = await this.log.db.query<{ workspace_id: string }>(`SELECT DISTINCT workspace_id FROM agent_presence WHERE activity_id <> 'offline'`);
    for (const r of rows) await this.workspace(r.workspace_id).catch(this.onError);
  }

  /** This hub stopped leading: its engines and unwritten output are dropped (the new leader reloads from the database). */
  async demote(): Promise<void> {
    this.leading = false;
    await this.chain;
    this.dropState();
    for (const s of [...this.subscribers]) {
      if (s.close) { this.subscribers.delete(s); try { s.close(); } catch (err) { this.onError(err); } }
    }
  }

  private dropState(): void {
    this.workspaces.clear(); this.ready.clear(); this.convWorkspace.clear(); this.ownIds.clear();
    this.patches = new Map(); this.reasonAdds = new Map(); this.eventRows = []; this.presenceRows = new Map(); this.insightRows = []; this.flagRows = []; this.pauseRows = new Map();
    this.stateRows = new Map(); this.deferred = new Map();
  }

  /** Leader, shared: consume every change committed after the cursor, in sync_id (commit) order. */
  private async catchUp(): Promise<void> {
    if (!this.leading) return;
    const [state] = await this.log.db.query<{ retained_from: number }>('SELECT retained_from FROM sync_state');
    if (state && state.retained_from > this.cursor + 1) {
      // the log was pruned past what we consumed: what we missed is only in the rows now
      this.onError(new Error(`routing: change log pruned past sync_id ${this.cursor}; reloading routing state`));
      this.dropState();
      this.cursor = await this.log.maxSyncId();
      await this.loadOnline();
      return;
    }
    for (;;) {
      const rows = await this.log.db.query<ChangeRecord>(
        'SELECT sync_id, entity, keys, customer_id, data FROM changes WHERE sync_id > $1 ORDER BY sync_id LIMIT 500', [this.cursor]);
      if (!rows.length || !this.leading) return;
      this.cursor = rows[rows.length - 1].sync_id;
      const fresh = rows.filter((r) => !this.ownIds.delete(r.sync_id));
      if (fresh.length) await this.consume(fresh);
      for (const id of this.ownIds) if (id <= this.cursor) this.ownIds.delete(id);
      if (rows.length < 500) return;
    }
  }

  start(): void {
    this.log.events.on('committed', this.onCommitted);
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 200);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.log.events.off('committed', this.onCommitted);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    await this.flush();
  }

  /** Wait until every change seen so far has been consumed and written back (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.chain;
    await this.flush();
    await this.chain;
  }

  tick(): void {
    for (const ws of this.ready.values()) {
      try { ws.engine.tick(); } catch (err) { this.onError(err); }
    }
    const now = this.now();
    if (now >= this.sweepAt) {
      this.sweepAt = now + 1000;
      for (const ws of this.ready.values()) ws.collision.sweep();
    }
  }

  // ---------------------------------------------------------------- workspaces

  workspace(id: string): Promise<WorkspaceRouting> {
    let p = this.workspaces.get(id);
    if (!p) {
      p = this.load(id);
      this.workspaces.set(id, p);
      p.catch(() => this.workspaces.delete(id));
    }
    return p;
  }

  private async load(wsId: string): Promise<WorkspaceRouting> {
    const db = this.log.db;
    const teams = await teamsOf(db, wsId);
    if (!teams.some((t) => t.kind === 'support')) throw new RoutingError('invalid_config', `workspace ${wsId} has no support team to route to`);
    const [stored] = await db.query<{ config: RoutingConfigInput }>('SELECT config FROM routing_config WHERE workspace_id = $1', [wsId]);
    const config = withTeams(stored?.config ?? null, teams);
    const engine = new RoutingEngine({ config, now: this.now });
    const collision = new CollisionTracker({ now: this.now });
    const ws = new WorkspaceRouting(wsId, engine, collision, teams);
    engine.onEvent = (e) => this.onEngineEvent(ws, e);
    collision.onEvent = (e) => this.onCollisionEvent(ws, e);

    // agents start offline; conversations are loaded; then presence is restored (so nothing is offered twice)
    const agents = await db.query<{ j: Agent }>(`SELECT json_build_object('id', a.id, 'name', a.name, 'role', a.role, 'skills', a.skills, 'capacity', a.capacity,
      'team_ids', coalesce((SELECT json_agg(at.team_id) FROM agent_teams at WHERE at.agent_id = a.id), '[]'::json)) AS j FROM agents a WHERE a.workspace_id = $1`, [wsId]);
    for (const { j } of agents) this.upsertAgent(ws, j);
    // Conversations come back as they stand (restored, never routed again: a restart changes nothing a
    // user can see). Only one routing has never placed (no routing_state row) and nobody holds goes
    // through the rules, as a new arrival would.
    const convs = await db.query<StoredConversation & RoutedRow>(`
      SELECT c.id, c.sync_id, c.channel, c.priority, c.status, c.assignee_id, c.team_id, c.analysis, c.subject, c.snippet, c.created_at, c.first_response_at, c.last_inbound_at,
             cu.tier, cu.followers, f.warned, f.breached, f.conversation_id AS flags_id, f.paused_since, f.pauses,
             (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound' AND m.visibility = 'public') AS last_reply_at,
             ${ROUTED_COLUMNS}
        FROM conversations c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN sla_flags f ON f.conversation_id = c.id ${ROUTED_JOINS}
       WHERE c.workspace_id = $1 AND c.status <> 'resolved' ORDER BY c.created_at, c.id`, [wsId]);
    for (const c of convs) {
      this.convWorkspace.set(c.id, wsId);
      // known before it is placed: what a placement writes is decided from this version of the row
      ws.known.set(c.id, { assignee: c.assignee_id, team: c.team_id, status: c.status, priority: c.priority, syncId: Number(c.sync_id) });
      try {
        this.place(engine, c, { tier: c.tier, followers: c.followers });
        this.decided.delete(c.id); // written before this load read it: placed as it is stored
        const lastIn = c.last_inbound_at ? new Date(c.last_inbound_at).getTime() : null;
        const lastOut = c.last_reply_at ? new Date(c.last_reply_at).getTime() : null;
        engine.restoreClock(c.id, {
          first_responded_at: c.first_response_at ? new Date(c.first_response_at).getTime() : null,
          awaiting_since: lastIn !== null && (lastOut === null || lastIn > lastOut) ? lastIn : null,
          warned: c.warned ?? [], breached: c.breached ?? [],
          // no sla_flags row yet: nothing stored, a pending/snoozed conversation counts as paused from now
          pause: c.flags_id ? { since: c.paused_since ? new Date(c.paused_since).getTime() : null, intervals: c.pauses ?? [] } : null,
        });
      } catch (err) { this.onError(err); }
    }
    // every open insight can be closed, also one whose conversation went on to care after a follow-up
    for (const i of await db.query<InsightRow>(`SELECT ${INSIGHT_COLUMNS('i')} FROM insights i WHERE i.workspace_id = $1 AND i.status = 'open'`, [wsId])) {
      try { engine.restoreInsight(insightOf(i)); } catch (err) { this.onError(err); }
    }
    const presence = await db.query<{ agent_id: string; activity_id: string }>('SELECT agent_id, activity_id FROM agent_presence WHERE workspace_id = $1', [wsId]);
    for (const p of presence) {
      try { if (engine.hasAgent(p.agent_id) && p.activity_id !== 'offline') engine.setPresence(p.agent_id, p.activity_id); } catch (err) { this.onError(err); }
    }
    this.ready.set(wsId, ws);
    return ws;
  }

  private upsertAgent(ws: WorkspaceRouting, j: Pick<Agent, 'id' | 'name' | 'role' | 'skills' | 'capacity' | 'team_ids'>): void {
    const capacity = j.capacity && Object.keys(j.capacity).length ? j.capacity : (this.options.defaultCapacity ?? { '*': 3 });
    const skills = Object.fromEntries(Object.entries(j.skills ?? {}).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    try {
      ws.engine.upsertAgent({ id: j.id, name: j.name ?? '', role: j.role ?? 'agent', team_ids: j.team_ids ?? [], skills, capacity });
    } catch (err) { this.onError(err); }
  }

  /**
   * A conversation the engine does not hold yet, from its row (+ ROUTED_COLUMNS): restored where it
   * stands when routing placed it before or someone holds it; else a new arrival, through the rules.
   */
  private place(engine: RoutingEngine, c: PlaceableRow, extra: { tier: string | null; followers: number | null }, status?: ConversationStatus,
    decided?: { rule_id: string | null }): void {
    const attrs = attributes(c, extra);
    // with an insight (ins_id), its row's other columns are there too (ROUTED_JOINS)
    const insight = c.ins_id ? insightOf({
      id: c.ins_id, conversation_id: c.id, department_id: c.ins_dept!, rule_id: c.ins_rule ?? null, opened_at: c.ins_opened!, status: c.ins_status!,
      closed_at: c.ins_closed ?? null, closed_by: c.ins_closed_by ?? null, resolution: c.ins_resolution ?? null,
    }) : null;
    if (c.routed || (c.assignee_id && engine.hasAgent(c.assignee_id)) || (insight && insight.department_id === c.team_id)) {
      engine.restoreConversation(attrs, {
        status: status ?? c.status, team_id: c.team_id, assignee_id: c.assignee_id,
        queue_id: c.rs_queue, rule_id: c.rs_rule, target_index: c.rs_index, entered_at: c.rs_entered ? new Date(c.rs_entered).getTime() : null,
        insight,
      });
      return;
    }
    engine.upsertConversation(attrs, decided);
    if ((status ?? c.status) !== 'open') engine.setStatus(c.id, status ?? c.status);
  }

  /**
   * Save a new configuration for a workspace (validated by the engine first; refused = nothing saved).
   * New rules apply to new arrivals only: nothing waiting or assigned moves (see previewRules/applyRules).
   * A change of the rules is stored as a new rule version with who made it and when; the first change
   * also keeps the rules it replaced as version 1, so they can be gone back to.
   */
  async setConfig(wsId: string, input: unknown, by: string): Promise<{ rules_version: number }> {
    const ws = await this.workspace(wsId);
    const cfg = typeof input === 'object' && input !== null ? withTeams(input as RoutingConfigInput, ws.teams) : input;
    const before = ws.engine.getConfig();
    ws.engine.setConfig(cfg);
    const after = ws.engine.getConfig();
    const rulesChanged = JSON.stringify(before.rules) !== JSON.stringify(after.rules);
    try {
      return await this.log.db.transaction(async (tx) => {
        const [prev] = await tx.query<{ updated_by: string | null; updated_at: Date }>('SELECT updated_by, updated_at FROM routing_config WHERE workspace_id = $1', [wsId]);
        await tx.query(`INSERT INTO routing_config (workspace_id, config, updated_by, updated_at) VALUES ($1, $2, $3, now())
          ON CONFLICT (workspace_id) DO UPDATE SET config = excluded.config, updated_by = excluded.updated_by, updated_at = now()`,
        [wsId, JSON.stringify(after), by]);
        const [{ v }] = await tx.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM routing_rule_versions WHERE workspace_id = $1', [wsId]);
        if (!rulesChanged) return { rules_version: v };
        let version = v;
        if (version === 0) {
          version = 1;
          await tx.query('INSERT INTO routing_rule_versions (workspace_id, version, rules, changed_by, changed_at) VALUES ($1, 1, $2, $3, $4)',
            [wsId, JSON.stringify(before.rules), prev?.updated_by ?? null, prev?.updated_at ?? new Date(this.now()).toISOString()]);
        }
        await tx.query('INSERT INTO routing_rule_versions (workspace_id, version, rules, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)',
          [wsId, version + 1, JSON.stringify(after.rules), by, new Date(this.now()).toISOString()]);
        return { rules_version: version + 1 };
      });
    } catch (err) {
      // not stored: the engine goes back to what the database holds
      ws.engine.setConfig(before);
      throw err;
    }
  }

  /** The newest rule version of a workspace (0: the rules were never changed through the API). */
  async rulesVersion(wsId: string): Promise<number> {
    const [{ v }] = await this.log.db.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM routing_rule_versions WHERE workspace_id = $1', [wsId]);
    return v;
  }

  /** Rule versions, newest first, with who changed them and when (issue 12 shows and reverts them). */
  async ruleVersions(wsId: string): Promise<Array<{ version: number; changed_by: string | null; changed_by_name: string | null; changed_at: string; rules: number }>> {
    const rows = await this.log.db.query<{ version: number; changed_by: string | null; changed_by_name: string | null; changed_at: Date; rules: number }>(
      `SELECT v.version, v.changed_by, a.name AS changed_by_name, v.changed_at, jsonb_array_length(v.rules)::int AS rules
         FROM routing_rule_versions v LEFT JOIN agents a ON a.id = v.changed_by
        WHERE v.workspace_id = $1 ORDER BY v.version DESC`, [wsId]);
    return rows.map((r) => ({ ...r, changed_at: new Date(r.changed_at).toISOString() }));
  }

  async ruleVersion(wsId: string, version: number): Promise<{ version: number; rules: Rule[]; changed_by: string | null; changed_at: string } | null> {
    // each version's rules were the engine's validated configuration's
    const [r] = await this.log.db.query<{ version: number; rules: Rule[]; changed_by: string | null; changed_at: Date }>(
      'SELECT version, rules, changed_by, changed_at FROM routing_rule_versions WHERE workspace_id = $1 AND version = $2', [wsId, version]);
    return r ? { ...r, changed_at: new Date(r.changed_at).toISOString() } : null;
  }

  /** What applying rules (the saved ones, or `rules` proposed) to waiting conversations would move. Changes nothing. */
  async previewRules(wsId: string, rules?: unknown): Promise<{ rules_version: number; moves: RuleMove[] }> {
    const ws = await this.workspace(wsId);
    const moves = ws.engine.previewRules(rules);
    return { rules_version: await this.rulesVersion(wsId), moves };
  }

  /**
   * "Apply to open conversations": the saved rules route these waiting conversations again. Refused
   * (`rules_changed`) when the rules changed since the preview the person saw (`rulesVersion`).
   * Written before it answers.
   */
  async applyRules(wsId: string, rulesVersion: number, conversationIds?: string[]): Promise<{ rules_version: number } & ReturnType<RoutingEngine['applyRules']>> {
    const ws = await this.workspace(wsId);
    const current = await this.rulesVersion(wsId);
    if (current !== rulesVersion) throw new RoutingError('rules_changed', `the rules changed since that preview (version ${rulesVersion}, now ${current}): preview again`);
    const ids = conversationIds ?? ws.engine.previewRules().map((m) => m.conversation_id);
    const r = ws.engine.applyRules(ids);
    await this.flush();
    return { rules_version: current, ...r };
  }

  /** Close an insight (department members, supervisors, admins); stored before it answers. A closed one stays closed. */
  async closeInsight(wsId: string, insightId: string, agentId: string, resolution: string): Promise<Insight> {
    const ws = await this.workspace(wsId);
    if (!ws.engine.insight(insightId)) {
      const [row] = await this.log.db.query<InsightRow>(`SELECT ${INSIGHT_COLUMNS('i')} FROM insights i WHERE i.id = $1 AND i.workspace_id = $2`, [insightId, wsId]);
      if (row) ws.engine.restoreInsight(insightOf(row));
    }
    const closed = ws.engine.closeInsight(insightId, agentId, resolution);
    await this.flush();
    return closed;
  }

  /** A workspace's insights as stored: every open one and those closed in the last 30 days, newest first. */
  async listInsights(wsId: string, departmentId?: string): Promise<Insight[]> {
    await this.flush();
    const rows = await this.log.db.query<InsightRow>(
      `SELECT ${INSIGHT_COLUMNS('i')} FROM insights i
        WHERE i.workspace_id = $1 AND ($2::text IS NULL OR i.department_id = $2) AND i.conversation_id IS NOT NULL
          AND (i.status = 'open' OR i.closed_at > now() - interval '30 days')
        ORDER BY i.opened_at DESC, i.id LIMIT 2000`, [wsId, departmentId ?? null]);
    return rows.map(insightOf);
  }

  /**
   * The check the hub's reply mutation calls before storing a public reply (see collision.ts):
   * 'send', or 'warn' with the conflicts and a confirm token; the mutation is then refused with
   * code `collision` and the desktop asks the agent. Unknown workspace (not loaded yet) → send.
   */
  checkReplyCollision(input: ReplyCheckInput): ReplyCheck {
    if (!this.leading) {
      // follower: the leader's answer, asked by prepareReplyChecks before the transaction; none (leader unreachable) → send
      const hit = this.leaderChecks.get(checkKey(input));
      return hit && hit.until > this.now() ? hit.check : { decision: 'send' as const, confirmed_conflicts: [] };
    }
    const ws = this.ready.get(input.workspace_id);
    if (!ws) return { decision: 'send' as const, confirmed_conflicts: [] };
    const assignee = input.assignee_id !== undefined ? input.assignee_id
      : ws.engine.hasConversation(input.conversation_id) ? ws.engine.conversationView(input.conversation_id).assignee_id : null;
    return ws.collision.checkReply({ ...input, assignee_id: assignee });
  }

  /**
   * Before a mutation batch's write transaction (the check inside it must not wait on I/O): the
   * leader loads the workspace; a follower asks the leader about each public reply and keeps the
   * answers for checkReplyCollision. A leader that cannot be reached is logged and the reply goes
   * out unchecked (routing being down must not stop agents from answering).
   */
  async prepareReplyChecks(workspaceId: string, agentId: string, replies: Array<{ conversation_id: string; seen_up_to: number | null; confirm_token: string | null }>): Promise<void> {
    if (!replies.length) return;
    // a workspace that cannot load lets replies go out unchecked (see above); why is logged
    if (this.leading) { await this.workspace(workspaceId).catch(this.onError); return; }
    if (!this.askLeader) return;
    const now = this.now();
    for (const [k, v] of this.leaderChecks) if (v.until <= now) this.leaderChecks.delete(k);
    await Promise.all(replies.map(async (r) => {
      const input = { workspace_id: workspaceId, agent_id: agentId, ...r };
      try {
        this.leaderChecks.set(checkKey(input), { check: await this.askLeader!(input), until: this.now() + 30_000 });
      } catch (err) { this.onError(err); }
    }));
  }

  // ---------------------------------------------------------------- ingest hook

  /**
   * Called by the ingestor inside its write transaction: it must not touch the database (PGlite has
   * one connection, and the new customer row is not visible outside the transaction anyway). The
   * decision is kept until the conversation's change arrives, and the engine places it by it.
   * A follower (no engine) or a workspace not loaded yet: the conversation is written unrouted and
   * routed when the change arrives.
   */
  readonly routePost: RoutePost = (input: RouteInput): RouteDecision => {
    if (!this.leading) return { team_id: null };
    const ws = this.ready.get(input.workspace_id);
    if (!ws) {
      void this.workspace(input.workspace_id).catch(this.onError);
      return { team_id: null };
    }
    const p = ws.engine.preview(attributes({
      id: input.conversation_id, channel: input.post.channel, priority: input.analysis.priority ?? null, analysis: input.analysis,
      subject: null, snippet: null, text: input.post.text, created_at: input.post.created_at,
    }, input.customer));
    if (this.decided.size > 10_000) this.decided.clear(); // decisions of writes that rolled back; the rest are routed as loaded
    this.decided.set(input.conversation_id, { rule_id: p.rule_id, customer: input.customer });
    this.convWorkspace.set(input.conversation_id, input.workspace_id);
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return { team_id: p.team_id, priority: p.priority, first_response_due_at: iso(p.dues.first_response_due), resolution_due_at: iso(p.dues.resolution_due) };
  };

  /**
   * The ingest hook's readiness, before a post's write: the leader loads a workspace it has not loaded
   * yet (once; a load that fails is logged and the post is written unrouted, routed when it loads).
   * A follower has nothing to load: its posts are written unrouted.
   */
  readonly routeReady = (workspaceId: string): Promise<void> | null => {
    if (!this.leading || this.ready.has(workspaceId)) return null;
    return this.workspace(workspaceId).then(() => undefined, this.onError);
  };

  // ---------------------------------------------------------------- change-log consumer

  private async consume(records: ChangeRecord[]): Promise<void> {
    // conversations routed by the ingest hook bring their workspace and customer; others are looked up
    const extra = new Map<string, { tier: string | null; followers: number | null }>();
    for (const r of records) {
      const d = r.entity === 'conversation' ? this.decided.get(r.data.id) : undefined;
      if (d) extra.set(r.data.id, d.customer);
    }
    const unknown = records.flatMap((r) => (r.entity === 'conversation' && !this.convWorkspace.has(r.data.id) ? [r.data.id] : []));
    if (unknown.length) {
      const rows = await this.log.db.query<{ id: string; workspace_id: string; tier: string | null; followers: number | null }>(
        'SELECT c.id, c.workspace_id, cu.tier, cu.followers FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ANY($1)', [unknown]);
      for (const r of rows) { this.convWorkspace.set(r.id, r.workspace_id); extra.set(r.id, r); }
    }
    // conversations the engine does not hold (new, or reopened after it was resolved): where routing placed them before.
    // One the ingest hook decided on is new (its id was drawn in that write): routing has no record of it, so it is
    // not looked up (that query cost more than the rest of the post's routing)
    const placed = new Map<string, RoutedRow & { id: string }>();
    const absent = [...new Set(records.filter((r) => r.entity === 'conversation' && r.data.status !== 'resolved' && this.convWorkspace.has(r.data.id)
      && !this.ready.get(this.convWorkspace.get(r.data.id)!)?.engine.hasConversation(r.data.id)).map((r) => r.data.id as string))];
    for (const id of absent) if (this.decided.has(id)) placed.set(id, unrouted(id));
    if (absent.length > placed.size) {
      const rows = await this.log.db.query<RoutedRow & { id: string }>(`SELECT c.id, ${ROUTED_COLUMNS} FROM conversations c ${ROUTED_JOINS} WHERE c.id = ANY($1)`, [absent.filter((id) => !placed.has(id))]);
      for (const row of rows) placed.set(row.id, row);
    }
    const created = new Set<string>();
    for (const r of records) {
      try {
        if (r.entity === 'agent') {
          const ws = await this.workspace(r.data.workspace_id);
          if (r.data.team_ids?.some((t) => !ws.teams.some((x) => x.id === t))) await this.reloadTeams(ws);
          this.upsertAgent(ws, r.data);
        } else if (r.entity === 'conversation') {
          const wsId = this.convWorkspace.get(r.data.id);
          if (!wsId) continue;
          const ws = await this.workspace(wsId);
          const p = placed.get(r.data.id);
          if (!ws.engine.hasConversation(r.data.id) && !p?.routed) created.add(r.data.id);
          const decided = this.decided.get(r.data.id);
          this.decided.delete(r.data.id);
          this.applyConversation(ws, r.data, r.sync_id, extra.get(r.data.id), p, decided && { rule_id: decided.rule_id });
        } else if (r.entity === 'message') {
          const wsId = this.convWorkspace.get(r.data.conversation_id);
          if (!wsId || created.has(r.data.conversation_id)) continue;
          const ws = await this.workspace(wsId);
          const id = r.data.conversation_id;
          if (!ws.engine.hasConversation(id)) continue;
          const at = Date.parse(r.data.created_at) || this.now();
          if (r.data.direction === 'inbound') {
            if (ws.engine.conversationView(id).status !== 'resolved') ws.engine.customerMessage(id, at, { owner: ws.known.get(id)?.assignee ?? null });
          } else if (r.data.visibility === 'public' && r.data.author_id && ws.engine.hasAgent(r.data.author_id)) {
            ws.engine.agentReplied(id, r.data.author_id, at);
            ws.collision.recordReply(id, r.data.author_id, r.data.id, at);
          }
        }
      } catch (err) { this.onError(err); }
    }
  }

  /**
   * Where a pasted post would go (the rules editor's try-it box): analysed as an inbound post is,
   * then routed on paper by the engine under the saved rules or a proposal (`rules`). Nothing changes.
   */
  async tryRoute(wsId: string, post: { text: string; channel: Channel; priority?: Priority; followers?: number | null; customer_tier?: string | null }, rules?: unknown) {
    const ws = await this.workspace(wsId);
    const a = this.options.analyze ? await this.options.analyze(wsId, post.text, post.channel) : null;
    const attrs = {
      id: 'try-it', channel: post.channel, priority: post.priority ?? priorityOf(a?.priority),
      language: lang(a?.language), intent: str(a?.intent), topic: str(a?.topic),
      sentiment_label: str(a?.sentiment?.label), sentiment: num(a?.sentiment?.score, -1, 1),
      customer_tier: post.customer_tier ?? null, followers: post.followers ?? null, text: post.text,
    } satisfies RoutableConversationInput;
    const { id: _id, text: _text, ...analysis } = attrs;
    return { analysis, ...ws.engine.tryRoute(attrs, rules) };
  }

  /** The workspace's teams changed (created, renamed, archived): its queues follow at once. */
  async teamsChanged(wsId: string): Promise<void> {
    const ws = this.ready.get(wsId);
    if (!ws) return;
    this.chain = this.chain.then(() => this.reloadTeams(ws)).catch(this.onError);
    await this.chain;
  }

  private async reloadTeams(ws: WorkspaceRouting): Promise<void> {
    ws.teams = await teamsOf(this.log.db, ws.id);
    ws.engine.setConfig(withTeams(ws.engine.getConfig(), ws.teams));
  }

  /**
   * A conversation row changed outside routing: bring the engine in line with it. One the engine does
   * not hold: a new arrival goes by the ingest hook's decision when it made one (routing once), else
   * through the rules; one routing placed before (`placed.routed`: it was resolved, and is open again)
   * is restored as it was and reopened (to its owner, else its team's queue: engine.followUp), never
   * routed by the rules again.
   */
  private applyConversation(ws: WorkspaceRouting, row: Conversation, syncId: number, extra?: { tier: string | null; followers: number | null },
    placed?: RoutedRow, decided?: { rule_id: string | null }): void {
    const e = ws.engine;
    const prev = ws.known.get(row.id);
    // a version routing already holds (read by a workspace load that ran after it was committed)
    if (prev && Number(syncId) <= prev.syncId) return;
    ws.known.set(row.id, { assignee: row.assignee_id, team: row.team_id, status: row.status, priority: row.priority, syncId: Number(syncId) });
    this.resume(row.id, { assignee: !!prev && prev.assignee !== row.assignee_id, team: !!prev && prev.team !== row.team_id });
    if (!e.hasConversation(row.id)) {
      if (row.status === 'resolved') return;
      const attrs = extra ?? { tier: null, followers: null };
      if (placed?.routed) {
        this.place(e, { ...row, ...placed }, attrs, 'resolved');
        if (e.conversationView(row.id).state !== 'insight') e.setStatus(row.id, row.status, { owner: row.assignee_id });
        return;
      }
      this.place(e, { ...row, ...(placed ?? {}) }, attrs, undefined, decided);
      return;
    }
    const view = e.conversationView(row.id);
    if (view.state === 'insight') return;
    if (prev?.priority !== row.priority && view.priority !== row.priority && PrioritySchema.safeParse(row.priority).success) {
      const c = attributes(row, { tier: null, followers: null });
      e.upsertConversation({ ...c, created_at: undefined });
    }
    if (prev?.status !== row.status && view.status !== row.status) e.setStatus(row.id, row.status, { owner: row.assignee_id });
    // a resolved conversation is out of routing: its assignee is history (a resolve and an assign can come in one change)
    if (row.status !== 'resolved' && prev?.assignee !== row.assignee_id && e.conversationView(row.id).assignee_id !== row.assignee_id) {
      if (row.assignee_id && e.hasAgent(row.assignee_id)) e.adopt(row.id, row.assignee_id);
      else if (!row.assignee_id && e.conversationView(row.id).assignee_id) e.unassign(row.id);
    }
    // a person moved it, unassigned, to another team's queue (a supervisor's transfer, a bulk move): it waits
    // there and is offered to that team's agents (before, the engine kept it in the old queue)
    if (row.status !== 'resolved' && !row.assignee_id && row.team_id && prev && prev.team !== row.team_id && e.conversationView(row.id).team_id !== row.team_id) {
      e.transfer(row.id, row.team_id);
    }
  }

  /**
   * A change of a conversation by someone else was consumed: routing's patches held back for it are
   * written on top of it now. What that change moved of the owner (a person assigned it, or moved it to
   * another team) is dropped from what routing decided before it: the newer change stands. A moved
   * assignee is then brought into the engine (applyConversation), which says anew what differs.
   */
  private resume(id: string, moved: { assignee: boolean; team: boolean }): void {
    const held = this.deferred.get(id);
    this.deferred.delete(id);
    for (const p of [held?.patch, this.patches.get(id)]) {
      if (!p) continue;
      if (moved.assignee) { delete p.assignee_id; delete p.team_id; }
      if (moved.team) delete p.team_id;
    }
    if (!held) return;
    if (held.patch) this.patches.set(id, { ...held.patch, ...(this.patches.get(id) ?? {}) });
    if (held.adds) this.reasonAdds.set(id, [...held.adds, ...(this.reasonAdds.get(id) ?? [])]);
    this.scheduleFlush();
  }

  // ---------------------------------------------------------------- engine output

  private onEngineEvent(ws: WorkspaceRouting, e: RoutingEvent): void {
    this.eventCounts.set(e.type, (this.eventCounts.get(e.type) ?? 0) + 1);
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const patch = (id: string, p: Record<string, unknown>) => this.patches.set(id, { ...(this.patches.get(id) ?? {}), ...p });
    let agentId: string | null = null, convId: string | null = null;
    switch (e.type) {
      case 'offer.created': {
        agentId = e.offer.agent_id; convId = e.offer.conversation_id;
        const v = ws.engine.conversationView(convId);
        this.push(ws.id, (s) => s.agentId === agentId, { type: 'offer', offer: e.offer, conversation: { id: convId!, priority: v.priority, team_id: v.team_id, queue_id: v.queue_id, dues: v.dues } });
        break;
      }
      case 'offer.accepted': case 'offer.rejected': case 'offer.expired': case 'offer.withdrawn':
        agentId = e.offer.agent_id; convId = e.offer.conversation_id;
        this.push(ws.id, (s) => s.agentId === agentId, { type: 'offer_closed', offer_id: e.offer.id, conversation_id: convId!, outcome: e.type.slice(6) as 'accepted' });
        break;
      case 'conversation.queued':
        convId = e.conversation_id; patch(convId, { team_id: e.team_id, assignee_id: null });
        this.placedAt(ws.id, convId, e.queue_id, e.rule_id, e.target_index, e.at);
        break;
      case 'conversation.assigned': {
        convId = e.conversation_id; agentId = e.agent_id; patch(convId, { assignee_id: e.agent_id, team_id: e.team_id });
        const v = ws.engine.conversationView(convId);
        this.placedAt(ws.id, convId, v.queue_id, v.rule_id, v.target_index, e.at);
        break;
      }
      case 'conversation.requeued': convId = e.conversation_id; agentId = e.from_agent_id; patch(convId, { assignee_id: null }); break;
      case 'conversation.priority_changed': {
        convId = e.conversation_id;
        patch(convId, { priority: e.priority });
        // an SLA escalation raised it: the reason says so, or the header's priority contradicts the analysis' reason
        const breached = /^sla (\w+) breached$/.exec(e.reason);
        if (breached) {
          const adds = this.reasonAdds.get(convId) ?? [];
          adds.push(`priority raised to ${e.priority}: ${breached[1].replace('_', ' ')} SLA breached`);
          this.reasonAdds.set(convId, adds);
        }
        break;
      }
      case 'sla.due_changed': convId = e.conversation_id; patch(convId, { first_response_due_at: iso(e.dues.first_response_due), next_response_due_at: iso(e.dues.next_response_due), resolution_due_at: iso(e.dues.resolution_due) }); break;
      case 'sla.pause_changed': convId = e.conversation_id; this.pauseRows.set(convId, { paused_since: e.paused_since, pauses: e.pauses }); break;
      case 'presence.changed':
        agentId = e.agent_id;
        this.presenceRows.set(e.agent_id, { workspace_id: ws.id, activity_id: e.activity_id, at: e.at });
        this.push(ws.id, (s) => s.supervisor || s.agentId === e.agent_id, { type: 'presence', agent_id: e.agent_id, activity_id: e.activity_id, routable: e.routable, at: e.at });
        break;
      case 'insight.created': case 'insight.closed':
        convId = e.insight.conversation_id;
        if (e.type === 'insight.created') {
          patch(convId, { team_id: e.insight.department_id, assignee_id: null });
          this.placedAt(ws.id, convId, ws.engine.conversationView(convId).queue_id, e.insight.rule_id, 0, e.at);
        }
        this.insightRows.push({ ...e.insight, workspace_id: ws.id, opened_at: iso(e.insight.opened_at), closed_at: iso(e.insight.closed_at) });
        // supervisors and the department's members see their insight lists change at once
        this.push(ws.id, (s) => s.supervisor || ws.engine.inTeam(s.agentId, e.insight.department_id), {
          type: 'insight', event: e.type === 'insight.created' ? 'created' : 'closed',
          insight_id: e.insight.id, department_id: e.insight.department_id, conversation_id: convId,
        });
        break;
      case 'sla.warning': case 'sla.breach':
        convId = e.conversation_id;
        this.flagRows.push({ conversation_id: convId, warned: [e.kind], breached: e.type === 'sla.breach' ? [e.kind] : [] });
        this.push(ws.id, (s) => s.supervisor || s.agentId === ws.engine.conversationView(e.conversation_id).assignee_id, { type: 'sla', event: e.type === 'sla.warning' ? 'warning' : 'breach', conversation_id: convId, kind: e.kind, due_at: e.due_at });
        break;
      case 'supervisor.notify':
        convId = e.conversation_id;
        this.push(ws.id, (s) => e.supervisor_ids.includes(s.agentId) || (s.supervisor && e.supervisor_ids.length === 0), { type: 'supervisor_notify', conversation_id: convId, team_id: e.team_id, kind: e.kind, due_at: e.due_at });
        break;
      default:
        if ('conversation_id' in e) convId = e.conversation_id;
    }
    if (e.type !== 'sla.due_changed') {
      this.eventRows.push({ workspace_id: ws.id, at: iso(e.at), type: e.type, conversation_id: convId, agent_id: agentId, data: e });
    }
    this.scheduleFlush();
  }

  /** Where routing put a conversation (its queue, the rule and target that led there, since when). */
  private placedAt(wsId: string, convId: string, queueId: string, ruleId: string | null, targetIndex: number, at: number): void {
    const cur = this.stateRows.get(convId);
    const same = cur && cur.queue_id === queueId && cur.target_index === targetIndex && cur.rule_id === ruleId;
    this.stateRows.set(convId, { workspace_id: wsId, queue_id: queueId, rule_id: ruleId, target_index: targetIndex, entered_at: same ? cur.entered_at : at });
  }

  private onCollisionEvent(ws: WorkspaceRouting, e: CollisionEvent): void {
    if (e.type === 'collision.presence') this.push(ws.id, () => true, { type: 'collision', conversation_id: e.conversation_id, agents: e.agents });
    else this.push(ws.id, () => true, { type: 'claim', conversation_id: e.conversation_id, claim: e.claim });
  }

  private push(wsId: string, to: (s: Subscriber) => boolean, msg: RoutingPush): void {
    for (const s of this.subscribers) {
      if (s.workspaceId === wsId && to(s)) {
        try { s.send(msg); } catch (err) { this.onError(err); }
      }
    }
  }

  /** A push for every agent of the workspace (crisis mode turned on or off: hub/spikes). */
  broadcast(wsId: string, msg: RoutingPush): void {
    this.push(wsId, () => true, msg);
  }

  /** A supervisor's message to an agent, pushed on the agent's routing streams. Returns how many streams got it. */
  sendAgentMessage(wsId: string, agentId: string, msg: { from_agent_id: string; from_name: string; text: string; at: string }): number {
    let n = 0;
    this.push(wsId, (s) => { const hit = s.agentId === agentId; if (hit) n++; return hit; }, { type: 'agent_message', ...msg });
    return n;
  }

  /** A colleague mentioned the agents in a note: pushed on their routing streams. */
  sendMention(wsId: string, m: { conversation_id: string; note_id: string; from_agent_id: string; from_name: string; text: string; agent_ids: string[] }): void {
    const at = new Date(this.now()).toISOString();
    this.push(wsId, (s) => m.agent_ids.includes(s.agentId), {
      type: 'mention', conversation_id: m.conversation_id, note_id: m.note_id, from_agent_id: m.from_agent_id, from_name: m.from_name, text: m.text.slice(0, 500), at,
    });
  }

  /** An agent's routing view (presence, load), when the workspace is loaded and knows the agent. */
  agentState(wsId: string, agentId: string): { activity_id: string; routable: boolean } | null {
    const ws = this.ready.get(wsId);
    if (!ws || !ws.engine.hasAgent(agentId)) return null;
    const v = ws.engine.agentView(agentId);
    return { activity_id: v.activity_id, routable: v.routable };
  }

  /** An admin disabled the agent (hub/accounts): Offline at once, so nothing more is offered to them; the Offline activity decides where their conversations go. */
  agentDisabled(wsId: string, agentId: string): void {
    const ws = this.ready.get(wsId);
    if (!ws || !ws.engine.hasAgent(agentId)) return;
    try { ws.engine.endShift(agentId); } catch (err) { this.onError(err); }
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => { this.subscribers.delete(s); };
  }

  private scheduleFlush(): void {
    if (this.flushing) { this.flushAgain = true; return; }
    // Offers and pushes have already gone out; the rows can wait a moment, so a burst of events
    // (a post every few ms at peak, each offered and accepted) is written in one transaction.
    const delay = this.options.flushDelayMs ?? 25;
    // The write takes its turn on the chain, between the consumption of two changes: what it writes was
    // decided from the versions consumed so far, and checked against the row in the same transaction
    // (flushLoop). A change consumed meanwhile would make a placement decided before it look current.
    this.flushing = new Promise<void>((resolve) => (delay > 0 ? setTimeout(resolve, delay) : setImmediate(resolve)))
      .then(() => {
        const run = this.chain.then(() => this.flushLoop());
        this.chain = run.catch(this.onError);
        return run;
      }).finally(() => { this.flushing = null; });
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.patches.size || this.reasonAdds.size || this.eventRows.length || this.presenceRows.size || this.insightRows.length || this.flagRows.length || this.pauseRows.size || this.stateRows.size) {
      this.scheduleFlush();
      await this.flushing;
    }
  }

  private async flushLoop(): Promise<void> {
    do {
      this.flushAgain = false;
      const patches = this.patches, reasonAdds = this.reasonAdds, events = this.eventRows, presence = this.presenceRows, insights = this.insightRows, flags = this.flagRows, pauses = this.pauseRows;
      const states = this.stateRows;
      this.patches = new Map(); this.reasonAdds = new Map(); this.eventRows = []; this.presenceRows = new Map(); this.insightRows = []; this.flagRows = []; this.pauseRows = new Map();
      this.stateRows = new Map();
      if (!patches.size && !reasonAdds.size && !events.length && !presence.size && !insights.length && !flags.length && !pauses.size && !states.size) break;
      try {
        await this.log.write(async (w) => {
          this.own.add(w.changes);
          // shared: our own rows are skipped when the log is read (added before commit, so never read before)
          const ownIds = () => { if (this.isShared) for (const c of w.changes) this.ownIds.add(c.sync_id); };
          if (patches.size || reasonAdds.size) {
            // only what differs from the row is written: most patches repeat what the ingest hook already stored
            const rows = await w.query<{ id: string; sync_id: number; assignee_id: string | null; team_id: string | null; analysis: Record<string, unknown> | null } & Record<string, unknown>>(
              `SELECT id, sync_id, team_id, assignee_id, priority, first_response_due_at, next_response_due_at, resolution_due_at, analysis
                 FROM conversations WHERE id = ANY($1)`, [[...new Set([...patches.keys(), ...reasonAdds.keys()])]]);
            const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v).toISOString() : v ?? null);
            for (const row of rows) {
              const known = this.ready.get(this.convWorkspace.get(row.id) ?? '')?.known.get(row.id);
              // Compare-and-set: routing decided from the version it knows. Someone else (a person's assignment, a
              // new message, an import) wrote the row since, in a change not consumed yet: nothing is written over it.
              // The patch waits for that change (resume), so a placement never undoes a newer assignment.
              if (known && Number(row.sync_id) !== known.syncId) {
                const held = this.deferred.get(row.id) ?? {};
                if (patches.has(row.id)) held.patch = { ...(held.patch ?? {}), ...patches.get(row.id) };
                if (reasonAdds.has(row.id)) held.adds = [...(held.adds ?? []), ...reasonAdds.get(row.id)!];
                this.deferred.set(row.id, held);
                continue;
              }
              const p: Record<string, unknown> = { ...(patches.get(row.id) ?? {}) };
              const adds = reasonAdds.get(row.id);
              if (adds) p.analysis = withReasonAdded(row.analysis ?? {}, adds);
              const changed = Object.fromEntries(Object.entries(p).filter(([k, v]) => !(k in row) || k === 'analysis' || norm(row[k]) !== norm(v)));
              if (!Object.keys(changed).length) continue;
              await w.update('conversation', row.id, { ...changed, updated_at: new Date(this.now()).toISOString() });
              if (known) {
                known.syncId = Number(w.changes[w.changes.length - 1].sync_id);
                if ('assignee_id' in changed) known.assignee = changed.assignee_id as string | null;
                if ('team_id' in changed) known.team = changed.team_id as string | null;
              }
            }
            ownIds();
          }
          for (const [agent, p] of presence) {
            await w.query(`INSERT INTO agent_presence (agent_id, workspace_id, activity_id, since) VALUES ($1, $2, $3, $4)
              ON CONFLICT (agent_id) DO UPDATE SET activity_id = excluded.activity_id, since = excluded.since`, [agent, p.workspace_id, p.activity_id, new Date(p.at).toISOString()]);
          }
          for (const f of flags) {
            await w.query(`INSERT INTO sla_flags (conversation_id, warned, breached) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $1)
              ON CONFLICT (conversation_id) DO UPDATE SET warned = ARRAY(SELECT DISTINCT unnest(sla_flags.warned || excluded.warned)),
                breached = ARRAY(SELECT DISTINCT unnest(sla_flags.breached || excluded.breached))`, [f.conversation_id, f.warned, f.breached]);
          }
          for (const [id, p] of pauses) {
            await w.query(`INSERT INTO sla_flags (conversation_id, paused_since, pauses) SELECT $1, $2, $3::jsonb WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $1)
              ON CONFLICT (conversation_id) DO UPDATE SET paused_since = excluded.paused_since, pauses = excluded.pauses`,
            [id, p.paused_since === null ? null : new Date(p.paused_since).toISOString(), JSON.stringify(p.pauses)]);
          }
          for (const i of insights) {
            // opened_at is written once; a closed insight never goes back to open
            await w.query(`INSERT INTO insights (id, workspace_id, conversation_id, department_id, rule_id, opened_at, status, closed_at, closed_by, resolution)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
              ON CONFLICT (id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at, closed_by = excluded.closed_by, resolution = excluded.resolution
              WHERE insights.status = 'open'`,
            [i.id, i.workspace_id, i.conversation_id, i.department_id, i.rule_id, i.opened_at, i.status, i.closed_at, i.closed_by, i.resolution]);
          }
          // the events and where each conversation now is: one statement (a round trip to the database each is what
          // the serialized writer pays; with routing at every post, these two ran for nearly every post)
          if (events.length || states.size) {
            const rows = [...states].map(([id, x]) => ({ conversation_id: id, ...x, entered_at: new Date(x.entered_at).toISOString() }));
            await w.query(ROUTING_EVENTS_AND_STATE_SQL, [JSON.stringify(events), JSON.stringify(rows)]);
          }
        });
      } catch (err) { this.onError(err); }
    } while (this.flushAgain || this.patches.size);
  }
}

/**
 * The workspace's teams are the database's; every team gets a queue if the config has none for it.
 * Teams come oldest first, so the default queue is the first support team, as for the ingest.
 */
export function withTeams(config: RoutingConfigInput | null, teams: TeamRow[]): RoutingConfigInput {
  const support = teams.filter((t) => t.kind === 'support');
  const base: RoutingConfigInput = config ?? {
    activities: DEFAULT_ACTIVITIES, queues: [], rules: [], default_queue_id: `q-${support[0]?.id}`,
    sla_policies: [
      { id: 'urgent', priorities: ['urgent'], first_response_seconds: 15 * 60, next_response_seconds: 15 * 60, resolution_seconds: 4 * 3600, on_breach: [{ type: 'notify_supervisor' }] },
      { id: 'high', priorities: ['high'], first_response_seconds: 30 * 60, next_response_seconds: 30 * 60, resolution_seconds: 8 * 3600, on_breach: [{ type: 'notify_supervisor' }] },
      { id: 'default', first_response_seconds: 3600, next_response_seconds: 3600, resolution_seconds: 24 * 3600, on_breach: [{ type: 'raise_priority' }] },
    ],
  };
  // an archived team's queue leaves with it (archiving is refused while work or rules still use it)
  const live = new Set(teams.map((t) => t.id));
  const queues = (base.queues ?? []).filter((q) => live.has(q.team_id));
  for (const t of teams) if (!queues.some((q) => q.team_id === t.id)) queues.push({ id: `q-${t.id}`, team_id: t.id, match: [] });
  return { ...base, teams: teams.map((t) => ({ id: t.id, name: t.name, kind: t.kind })), queues };
}

/** A workspace's teams, oldest first: withTeams takes the first support team as the default queue. */
function teamsOf(db: Queryable, wsId: string): Promise<TeamRow[]> {
  return db.query<TeamRow>('SELECT id, name, kind FROM teams WHERE workspace_id = $1 AND archived_at IS NULL ORDER BY created_at, name, id', [wsId]);
}

function checkKey(i: ReplyCheckInput): string {
  return JSON.stringify([i.agent_id, i.conversation_id, i.seen_up_to, i.confirm_token ?? null]);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : null;
}
/** The analysis' language for routing; 'und' (undetermined) asks for no language skill. */
function lang(v: unknown): string | null {
  const s = str(v);
  return s === null || s === 'und' ? null : s;
}
function num(v: unknown, lo: number, hi: number): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : null;
}
function priorityOf(v: unknown): Priority {
  return PrioritySchema.safeParse(v).success ? (v as Priority) : 'normal';
}

/** What routing reads of a conversation: its row (synced or stored), or a new post (`text`: the whole post). */
interface RoutableRow {
  id: string; channel: Channel; priority: string | null; analysis: Analysis | null;
  subject: string | null; snippet: string | null; text?: string; created_at: string | Date | null;
}

/** A conversation as a workspace's load reads it, with its customer and its SLA flags. */
interface StoredConversation extends RoutableRow {
  sync_id: number; priority: string; status: ConversationStatus; assignee_id: string | null; team_id: string | null; first_response_at: Date | null; last_inbound_at: Date | null;
  tier: string | null; followers: number | null; warned: SlaKind[] | null; breached: SlaKind[] | null;
  flags_id: string | null; paused_since: Date | null; pauses: Array<[number, number]> | null; last_reply_at: Date | null;
}

/** Routing's record of a conversation (ROUTED_COLUMNS): where it placed it, and its latest insight. */
interface RoutedRow {
  routed: boolean; rs_queue: string | null; rs_rule: string | null; rs_index: number | null; rs_entered: Date | string | null;
  ins_id: string | null; ins_dept: string | null; ins_rule: string | null; ins_opened: Date | string | null; ins_status: 'open' | 'closed' | null;
  ins_closed: Date | string | null; ins_closed_by: string | null; ins_resolution: string | null;
}

/** A conversation routing is to hold: its row, with routing's record when there is one. */
type PlaceableRow = RoutableRow & { status: ConversationStatus; team_id: string | null; assignee_id: string | null } & Partial<RoutedRow>;

function attributes(row: RoutableRow, extra: { tier: string | null; followers: number | null }): RoutableConversationInput {
  const a: Analysis = row.analysis ?? {};
  return {
    id: row.id, channel: row.channel, priority: priorityOf(row.priority),
    language: lang(a.language), intent: str(a.intent), topic: str(a.topic),
    sentiment_label: str(a.sentiment?.label), sentiment: num(a.sentiment?.score, -1, 1),
    customer_tier: extra.tier ?? null, followers: extra.followers ?? null,
    text: (row.text ?? `${row.subject ?? ''} ${row.snippet ?? ''}`).slice(0, 100_000),
    created_at: row.created_at ? new Date(row.created_at).getTime() : undefined,
  };
}

/**
 * Routing's events ($1) and where each conversation is ($2: queue, rule, target; `entered_at` kept while they do not
 * change), both as jsonb arrays, in one statement. A conversation deleted meanwhile gets no routing_state row.
 */
const ROUTING_EVENTS_AND_STATE_SQL = `WITH e AS (
    INSERT INTO routing_events (workspace_id, at, type, conversation_id, agent_id, data)
    SELECT x.workspace_id, x.at, x.type, x.conversation_id, x.agent_id, x.data
      FROM jsonb_to_recordset($1::jsonb) AS x(workspace_id text, at timestamptz, type text, conversation_id text, agent_id text, data jsonb))
  INSERT INTO routing_state (conversation_id, workspace_id, queue_id, rule_id, target_index, entered_at, updated_at)
  SELECT x.conversation_id, x.workspace_id, x.queue_id, x.rule_id, x.target_index, x.entered_at, now()
    FROM jsonb_to_recordset($2::jsonb) AS x(conversation_id text, workspace_id text, queue_id text, rule_id text, target_index int, entered_at timestamptz)
   WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.id = x.conversation_id)
  ON CONFLICT (conversation_id) DO UPDATE SET queue_id = excluded.queue_id, rule_id = excluded.rule_id, target_index = excluded.target_index,
    entered_at = CASE WHEN routing_state.queue_id IS NOT DISTINCT FROM excluded.queue_id AND routing_state.target_index = excluded.target_index
                       AND routing_state.rule_id IS NOT DISTINCT FROM excluded.rule_id THEN routing_state.entered_at ELSE excluded.entered_at END,
    updated_at = now()`;

/** Columns of routing's record of a conversation `c` (ROUTED_JOINS): routing_state and its latest insight. */
const ROUTED_COLUMNS = `rs.conversation_id IS NOT NULL AS routed, rs.queue_id AS rs_queue, rs.rule_id AS rs_rule, rs.target_index AS rs_index, rs.entered_at AS rs_entered,
  li.id AS ins_id, li.department_id AS ins_dept, li.rule_id AS ins_rule, li.opened_at AS ins_opened, li.status AS ins_status,
  li.closed_at AS ins_closed, li.closed_by AS ins_closed_by, li.resolution AS ins_resolution`;
/** Routing's record of a conversation it never placed: what ROUTED_COLUMNS read for it. */
function unrouted(id: string): RoutedRow & { id: string } {
  return {
    id, routed: false, rs_queue: null, rs_rule: null, rs_index: null, rs_entered: null,
    ins_id: null, ins_dept: null, ins_rule: null, ins_opened: null, ins_status: null, ins_closed: null, ins_closed_by: null, ins_resolution: null,
  };
}
const ROUTED_JOINS = `LEFT JOIN routing_state rs ON rs.conversation_id = c.id
  LEFT JOIN LATERAL (SELECT * FROM insights i WHERE i.conversation_id = c.id ORDER BY i.opened_at DESC, i.id DESC LIMIT 1) li ON true`;

const INSIGHT_COLUMNS = (i: string) => `${i}.id, ${i}.conversation_id, ${i}.department_id, ${i}.rule_id, ${i}.opened_at, ${i}.status, ${i}.closed_at, ${i}.closed_by, ${i}.resolution`;

/** An insights row as the engine's Insight (times in ms). */
/** An insights row (INSIGHT_COLUMNS) as the database gives it. */
interface InsightRow {
  id: string; conversation_id: string; department_id: string; rule_id: string | null; opened_at: Date | string;
  status: 'open' | 'closed'; closed_at: Date | string | null; closed_by: string | null; resolution: string | null;
}

function insightOf(r: InsightRow): Insight {
  const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).getTime());
  return {
    id: r.id, conversation_id: r.conversation_id, department_id: r.department_id, rule_id: r.rule_id ?? null,
    opened_at: ms(r.opened_at)!, status: r.status, closed_at: ms(r.closed_at), closed_by: r.closed_by ?? null, resolution: r.resolution ?? null,
  };
}

/** The analysis with words added to its reason (kept, never replaced: the reason tells the whole story). */
export function withReasonAdded(analysis: Record<string, unknown>, adds: string[]): Record<string, unknown> {
  const own = typeof analysis.reason === 'string' && analysis.reason ? [analysis.reason] : [];
  return { ...analysis, reason: [...own, ...adds].join('; ') };
}
