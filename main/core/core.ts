/**
 * The desktop core in-process: the cache, the outbox and the sync engine behind the
 * DesktopService interface. The worker runs exactly this; tests use it directly.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type {
  DesktopEvent, DesktopEventName, DesktopRequestName, DesktopResponse, ParsedDesktopRequest, SessionStatus, SignOutChoice, UnsentWork,
} from '../../shared/contract/desktop';
import type { MutationArgs, MutationType } from '../../shared/contract/hub-api';
import { ADMIN_ROUTES, parseInviteLink } from '../../shared/contract/admin';
import type { LoginResponseSchema, MeResponseSchema } from '../../shared/contract/hub-api';
import type { z } from 'zod';
import type { Conversation, Customer } from '../../shared/domain';
import { AgentSettings, isAgentSetting } from './agent-settings';
import { checkpointWhenIdle, openCache, type Db } from './db/open';
import { getDraft, saveDraft, saveNoteDraft, takeNoteDraft } from './drafts';
import { CoreError } from './errors';
import { Outbox } from './outbox';
import { conversationGet, customerGet, inboxCounts, inboxList, markRead, matchingIds } from './queries';
import { ActionRuns, UNDO_WINDOW_MS } from './actions/runs';
import { planSteps, type Plan } from './actions/expand';
import type { MacroStep } from '../../shared/contract/macros';
import { searchMessages } from './search';
import type { DesktopService } from './service';
import { SyncApplier } from './sync/apply';
import { SyncEngine, type EngineOptions } from './sync/engine';
import { HubClient, HubRequestError, NetworkError } from './sync/hub-client';
import { labelPatch } from './labels';
import { LiveLink } from './live/link';
import { lastDays, OnlineApi } from './live/online';
import { Insights } from './live/insights';
import { checkHubUrl } from './hub-url';
import { FileTokenStore, type TokenProtection } from './session-token';
import { HandleTimeTracker, type HandleTimeOptions } from './handle-time';
import { DesktopAssist } from './assist/assist';
import { latestSummaryNote, openConversationsOf, shiftItems } from './assist/shift';
import { signatureOf } from '../../shared/assist/adapt';
import { DEFAULT_CANNED } from '../../shared/text/canned';
import { keepWork, KeptWorkStore, restoreWork, unsentWork } from './kept-work';

export interface CoreOptions {
  dataDir: string;
  /** default hub for session.login when the request names none (CLI, web host) */
  hubUrl?: string;
  sync?: EngineOptions;
  /** the better-sqlite3 addon to load (under Electron: one built for Electron's ABI); node_modules' own by default */
  nativeBinding?: string;
  /** how the session token is kept at rest (session-token.ts); unencrypted 0600 file by default (web host) */
  tokenProtection?: TokenProtection;
  /** allow a plain-http hub off this machine (TEND_ALLOW_HTTP_HUB=1, for a lab): hub-url.ts */
  allowInsecureHub?: boolean;
  /** handle-time measuring (clock, idle cutoff, longest span): handle-time.ts */
  handleTime?: HandleTimeOptions;
}

/** How long "send first" waits for the outbox to drain before it gives the choice back to the agent. */
const SEND_BEFORE_SIGN_OUT_MS = 20_000;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function describeUnsent(u: UnsentWork): string {
  const parts = [u.replies && plural(u.replies, 'reply', 'replies'), u.notes && plural(u.notes, 'note'), u.changes && plural(u.changes, 'change'), u.drafts && plural(u.drafts, 'draft')];
  return parts.filter(Boolean).join(', ');
}

type Handler<N extends DesktopRequestName> = (request: ParsedDesktopRequest<N>) => DesktopResponse<N> | Promise<DesktopResponse<N>>;
/** A mutation for the outbox: its args already passed the contract (the desktop request schemas are the mutation's own). */
type OutboxMutation = { [T in MutationType]: { type: T; args: MutationArgs<T> } }[MutationType];

export class LocalDesktopService implements DesktopService {
  readonly db: Db;
  readonly applier: SyncApplier;
  readonly outbox: Outbox;
  readonly engine: SyncEngine;
  /** routing and supervisor streams */
  readonly live: LiveLink;
  /** requests only the hub can answer */
  readonly online: OnlineApi;
  /** department insights (online only) */
  readonly insights: Insights;
  /** handle time: the renderer's signs of activity on the open conversation, counted and queued as spans */
  readonly handleTime: HandleTimeTracker;
  /** suggested replies and handover summaries from the cache (offline) */
  readonly assist: DesktopAssist;
  /** the keymap and canned responses follow the person (hub), cached per agent */
  readonly agentSettings: AgentSettings;
  /** work agents kept at sign-out, apart from the cache (kept-work.ts) */
  readonly kept: KeptWorkStore;
  /** macros and bulk actions: runs held for their undo window, and their summaries (actions/) */
  readonly actions: ActionRuns;
  private readonly events = new EventEmitter();
  private closed = false;
  private closedDb = false;
  /** signed in with a temporary password: held in memory until the person chooses their own (never stored) */
  private pendingPassword: { url: string; email: string; login: z.infer<typeof LoginResponseSchema>; me: z.infer<typeof MeResponseSchema> } | null = null;

  constructor(readonly options: CoreOptions) {
    this.db = openCache(options.dataDir, { nativeBinding: options.nativeBinding });
    this.applier = new SyncApplier(this.db, new FileTokenStore(options.dataDir, options.tokenProtection));
    this.applier.meta.moveTokenOutOfCache();
    this.kept = new KeptWorkStore(options.dataDir, options.tokenProtection);
    this.restoreKept(); // a sign-out cut short by a crash left the agent's work in both places: merge it back
    this.outbox = new Outbox(this.db);
    this.actions = new ActionRuns(this.db, this.outbox);
    this.events.setMaxListeners(0);
    this.engine = new SyncEngine(this.applier, this.outbox, {
      dataChanged: (ids, inbox, customers) => this.emit('data.changed', customers?.length ? { conversation_ids: ids, inbox, customer_ids: customers } : { conversation_ids: ids, inbox }),
      statusChanged: () => this.emit('session.changed', this.status()),
      idle: () => { if (!this.closed) checkpointWhenIdle(this.db); },
      unauthorized: () => {
        if (this.closed) return;
        // Back to the login screen with the cache, drafts and outbox intact: a re-login as the same agent keeps them.
        this.applier.meta.set('session', null);
        this.live.stop();
        this.emit('session.changed', this.status());
      },
    }, options.sync);
    this.live = new LiveLink({
      push: (p) => this.emit('routing.push', p),
      floor: (f) => this.emit('floor.changed', f),
      state: (s) => this.emit('live.changed', s),
      log: options.sync?.log,
    }, { baseMs: options.sync?.backoffBaseMs ?? 500, maxMs: options.sync?.backoffMaxMs ?? 30_000 });
    this.online = new OnlineApi(() => {
      const session = this.applier.meta.get('session');
      return session ? { ...session, agent: this.applier.meta.get('agent') } : null;
    });
    this.assist = new DesktopAssist(this.db);
    this.insights = new Insights(this.online, this.db, () => ({ agent: this.applier.meta.get('agent'), teams: this.applier.meta.get('teams') }));
    this.handleTime = new HandleTimeTracker((span) => {
      // a span of a conversation no longer in the cache, or after sign-out, has nowhere to go
      if (this.closedDb || !this.applier.meta.get('session') || !this.cached(span.conversation_id)) return;
      this.outbox.enqueue([{ type: 'record_handle_time', args: { ...span }, conversation_id: span.conversation_id }]);
      this.engine.kick();
    }, options.handleTime);
    this.agentSettings = new AgentSettings(this.db, this.online, () => this.applier.meta.get('agent')?.id ?? null);
    this.engine.start();
    this.startLive();
  }

  /** The live streams follow the session (login, logout, expired token). */
  private startLive(): void {
    const session = this.applier.meta.get('session');
    const agent = this.applier.meta.get('agent');
    if (this.options.sync?.live === false) return; // tests of pure pull
    this.live.start(session && agent ? { hub_url: session.hub_url, token: session.token, role: agent.role } : null);
  }

  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvent<E>) => void): () => void {
    this.events.on(event, listener);
    return () => { this.events.off(event, listener); };
  }

  private emit<E extends DesktopEventName>(event: E, payload: DesktopEvent<E>): void {
    if (!this.closed) this.events.emit(event, payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.handleTime.flush(); // the running span is kept in the outbox, sent at the next start
    this.live.stop();
    await this.engine.stop();
    this.closed = true;
    this.events.removeAllListeners();
    this.closedDb = true;
    this.db.close();
  }

  async handle<N extends DesktopRequestName>(name: N, request: ParsedDesktopRequest<N>): Promise<DesktopResponse<N>> {
    if (this.closed) throw new CoreError('closed', 'the desktop core is closed');
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, name) ? this.handlers[name] as Handler<N> : undefined;
    if (!handler) throw new CoreError('unknown_request', `unknown request ${String(name)}`);
    return handler(request);
  }

  /** One handler per contract request (a new request does not compile without its handler); requests come parsed. */
  private readonly handlers: { [N in DesktopRequestName]: Handler<N> } = {
    'session.status': () => this.status(),
    'session.login': (r) => this.login(r.hub_url, r.email, r.password),
    'session.logout': (r) => { this.pendingPassword = null; return this.logout(r.unsent); },
    'session.unsent': () => unsentWork(this.db),
    'session.changePassword': (r) => this.changePassword(r.current_password, r.new_password),
    'session.acceptInvite': (r) => this.acceptInvite(r.link, r.password),
    'session.setupNeeded': (r) => this.setupNeeded(r.hub_url),
    'session.setup': (r) => this.setup(r),
    'admin.call': (r) => this.online.admin(r.route, r) as Promise<Record<string, unknown>>,
    'inbox.list': (r) => inboxList(this.db, r),
    'inbox.counts': () => inboxCounts(this.db),
    'conversation.get': (r) => conversationGet(this.db, r.id, this.applier.meta.get('agent'), this.engine.online),
    'conversation.markRead': (r) => { this.requireConversation(r.id); markRead(this.db, r.id); this.changed(r.id); return { ok: true }; },
    'customer.get': (r) => customerGet(this.db, r.id),
    'customer.update': (r) => this.updateCustomer(r),
    'customer.related': (r) => this.online.customerRelated(r.customer_id),
    // the moved handles and conversations arrive through sync
    'customer.merge': async (r) => { const res = await this.online.mergeCustomers(r.into_id, r.from_id); void this.engine.syncNow(); return res; },
    'customer.unmerge': async (r) => { const res = await this.online.unmergeCustomers(r.merge_id); void this.engine.syncNow(); return res; },
    'search': (r) => ({ hits: searchMessages(this.db, r.query, r.limit) }),
    'draft.save': (r) => {
      // A draft belongs to the agent signed in: after a sign-out (the cache wiped, the work kept
      // apart) a late autosave must not leave the last keystrokes for the next agent to find.
      this.owner();
      saveDraft(this.db, r.conversation_id, r.text, r.visibility, r.refusal_seen);
      return { ok: true };
    },
    'draft.get': (r) => getDraft(this.db, r.conversation_id),
    'noteDraft.save': (r) => {
      this.owner(); // as draft.save: a late autosave after a sign-out leaves nothing for the next agent
      saveNoteDraft(this.db, r.conversation_id, r.text, r.refusal_seen);
      return { ok: true };
    },
    'reply.send': (r) => this.sendReply(r),
    'note.add': (r) => {
      const note_id = randomUUID();
      this.queue({ type: 'note', args: { conversation_id: r.conversation_id, note_id, text: r.text } }, undefined, note_id,
        () => takeNoteDraft(this.db, r.conversation_id, r.refusal_seen));
      return { note_id };
    },
    'conversation.setStatus': (r) => {
      const args = { conversation_id: r.conversation_id, status: r.status, snoozed_until: r.snoozed_until ?? null };
      this.queue({ type: 'set_status', args }, { status: r.status, snoozed_until: args.snoozed_until });
      return { ok: true };
    },
    'conversation.assign': async (r) => {
      const m = { type: 'assign' as const, args: { conversation_id: r.conversation_id, assignee_id: r.assignee_id } };
      if (!this.cached(r.conversation_id)) {
        // a supervisor taking over or handing on from the floor: the hub's summary is kept for the new owner first
        if (r.assignee_id) await this.keepSummaryOnHub(r.conversation_id, (await this.online.assistSummary(r.conversation_id)).note);
        await this.online.mutate(m);
        void this.engine.syncNow();
        return { ok: true };
      }
      // a conversation changing hands gets its handover summary, kept as an internal note for the new owner
      if (r.assignee_id && r.assignee_id !== this.requireConversation(r.conversation_id).assignee_id) this.keepSummary(r.conversation_id);
      this.queue(m, { assignee_id: r.assignee_id });
      return { ok: true };
    },
    'conversation.tag': (r) => {
      const c = this.requireConversation(r.conversation_id);
      const tags = [...new Set([...c.tags.filter((t) => !r.remove.includes(t)), ...r.add])];
      this.queue({ type: 'tag', args: { conversation_id: r.conversation_id, add: r.add, remove: r.remove } }, { tags });
      return { ok: true };
    },
    'conversation.setPriority': async (r) => {
      const m = { type: 'set_priority' as const, args: { conversation_id: r.conversation_id, priority: r.priority } };
      if (!this.cached(r.conversation_id)) { await this.online.mutate(m); return { ok: true }; }
      this.queue(m, { priority: r.priority });
      return { ok: true };
    },
    'label.correct': (r) => {
      const c = this.requireConversation(r.conversation_id);
      const patch = labelPatch(c, r.task, r.label);
      // A corrected priority moves the conversation's priority too (the hub does the same).
      this.queue({ type: 'correct_label', args: { conversation_id: r.conversation_id, task: r.task, label: r.label } }, patch);
      return { ok: true };
    },
    'roster.get': () => this.online.roster(),
    'presence.get': () => this.online.presence(),
    'presence.set': async (r) => {
      const me = this.applier.meta.get('agent') as { id?: string } | null;
      // going Offline oneself ends the shift: the open conversations get their handover summaries first (kept even if the hub refuses)
      if (r.activity_id === 'offline' && (!r.agent_id || r.agent_id === me?.id)) this.keepShiftSummaries();
      return this.online.setPresence(r.activity_id, r.agent_id);
    },
    'shift.end': async () => {
      const kept = this.keepShiftSummaries();
      let offline_on_hub = false;
      try { await this.online.setPresence('offline'); offline_on_hub = true; } catch { /* offline: the summaries wait in the outbox */ }
      return { items: this.shiftList(), kept, offline_on_hub };
    },
    'shift.summaries': () => ({ items: this.shiftList() }),
    'offer.accept': (r) => this.answerOffer(r, 'accept'),
    'offer.reject': (r) => this.answerOffer(r, 'reject'),
    'queue.pull': async () => {
      const res = await this.online.pull();
      if (res.conversation_id) await this.engine.syncNow();
      return res;
    },
    'collision.heartbeat': async (r) => {
      const msg = r.activity === 'leave'
        ? { type: 'leave' as const, conversation_id: r.conversation_id }
        : { type: 'heartbeat' as const, conversation_id: r.conversation_id, activity: r.activity };
      // The stream is cheaper; without it, a heartbeat goes over HTTP (a leave just lapses by its TTL).
      if (!this.live.send(msg) && msg.type === 'heartbeat') await this.online.heartbeat(msg.conversation_id, msg.activity);
      return { ok: true };
    },
    'floor.get': () => this.online.floor(),
    'supervisor.message': async (r) => { await this.online.message(r.agent_id, r.text); return { ok: true }; },
    'spikes.acknowledge': (r) => this.online.acknowledgeSpike(r.id),
    'crisis.list': () => this.online.crises(),
    'crisis.start': (r) => this.online.startCrisis(r),
    'crisis.end': (r) => this.online.endCrisis(r.id),
    'metrics.me': (r) => {
      const d = lastDays(7);
      return this.online.metricsMe(r.from ?? d.from, r.to ?? d.to);
    },
    'insights.list': (r) => this.insights.list(r),
    'insights.close': (r) => this.insights.close(r),
    'activity.report': (r) => {
      this.handleTime.report(r.conversation_id && this.cached(r.conversation_id) ? r.conversation_id : null, r.active);
      return { ok: true };
    },
    'assist.suggest': (r) => {
      // not cached (a supervisor on someone else's conversation, one just offered): the hub ranks it the same way
      if (!this.cached(r.conversation_id)) return this.online.assistSuggestions(r.conversation_id);
      const agent = this.applier.meta.get('agent') as { name?: string } | null;
      const local = this.assist.suggest(r.conversation_id, { agentSignature: signatureOf(agent?.name), canned: this.cannedForAssist() });
      // this desktop caches only its own scope: with nothing to offer from it, the hub's whole workspace may have an answer
      if (local.replies.length || !this.engine.online) return local;
      return this.online.assistSuggestions(r.conversation_id).catch(() => local);
    },
    'assist.feedback': (r) => {
      this.assist.recordFeedback(r.key, r.action);
      // the hub's ranking learns it too: queued like any change (offline too); a record, not the agent's unsent work
      if (this.cached(r.conversation_id) && this.applier.meta.get('session')) {
        this.outbox.enqueue([{ type: 'assist_feedback', args: { conversation_id: r.conversation_id, key: r.key, action: r.action }, conversation_id: r.conversation_id }]);
        this.engine.kick();
      } else {
        void this.online.mutate({ type: 'assist_feedback', args: { conversation_id: r.conversation_id, key: r.key, action: r.action } }).catch(() => {});
      }
      return { ok: true };
    },
    'assist.summary': async (r) => {
      if (!this.cached(r.conversation_id)) {
        const { lines, note } = await this.online.assistSummary(r.conversation_id);
        const note_id = r.keep ? await this.keepSummaryOnHub(r.conversation_id, note) : null;
        return { lines, note, note_id };
      }
      const { summary, note } = this.assist.summary(r.conversation_id);
      const note_id = r.keep ? this.keepSummary(r.conversation_id, note) : null;
      return { lines: summary.lines, note, note_id };
    },
    // the canned responses a macro's reply names are read with it, so the macros just listed run offline
    'macros.list': async () => (await Promise.all([this.agentSettings.macros(), this.agentSettings.canned().catch(() => null)]))[0],
    'actions.preview': (r) => {
      const { label, plans } = this.planActions(r);
      const named = plans.slice(0, 50).map((p) => ({ conversation_id: p.conversation_id, customer_name: this.customerName(p.conversation_id), refused: p.refused, lines: p.lines }));
      return { label, total: plans.length, refused: plans.filter((p) => p.refused).length, plans: named };
    },
    'actions.run': (r) => {
      const owner = this.owner();
      const { label, plans, kind } = this.planActions(r);
      const { run_id } = this.actions.run(owner, kind, r.label ?? label, plans, r.undo_ms ?? UNDO_WINDOW_MS);
      if (r.macro_id) void this.agentSettings.macroUsed(r.macro_id);
      this.emit('data.changed', { conversation_ids: plans.map((p) => p.conversation_id), inbox: true });
      this.emit('session.changed', this.status());
      this.engine.kick();
      return this.actions.summary(run_id);
    },
    'actions.undo': (r) => {
      const { conversation_ids } = this.actions.undo(r.run_id);
      this.emit('data.changed', { conversation_ids, inbox: true });
      this.emit('session.changed', this.status());
      return this.actions.summary(r.run_id);
    },
    'actions.summary': (r) => this.actions.summary(r.run_id),
    'outbox.retry': (r) => {
      if (!this.outbox.retry(r.id)) throw new CoreError('not_found', `no stopped outbox entry ${r.id}`);
      this.afterLocalChange(null);
      return { ok: true };
    },
    'canned.list': () => this.agentSettings.canned(),
    'canned.used': async (r) => { await this.agentSettings.used(r.id); return { ok: true }; },
    'settings.get': (r) => {
      if (isAgentSetting(r.key)) return { value: this.agentSettings.get(r.key) };
      const raw = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(r.key) as string | undefined;
      return { value: raw === undefined ? null : JSON.parse(raw) };
    },
    'settings.set': async (r) => {
      if (isAgentSetting(r.key)) { await this.agentSettings.set(r.key, r.value); return { ok: true }; }
      this.db.prepare('INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
        .run(r.key, JSON.stringify(r.value ?? null));
      return { ok: true };
    },
  };

  private async answerOffer(r: ParsedDesktopRequest<'offer.accept'>, answer: 'accept' | 'reject'): Promise<{ ok: true }> {
    await this.online.answerOffer(r.conversation_id, answer, r.offer_id);
    void this.engine.syncNow(); // the assignment arrives through sync
    return { ok: true };
  }

  /** Adds the handover summary as an internal note, through the outbox: kept offline, synced later. */
  private keepSummary(conversationId: string, note = this.assist.summary(conversationId).note): string {
    const note_id = randomUUID();
    this.queue({ type: 'note', args: { conversation_id: conversationId, note_id, text: note } }, undefined, note_id);
    return note_id;
  }

  /** Shift end: a handover summary note on each of the agent's open conversations whose latest one does not already say it. */
  private keepShiftSummaries(): number {
    const me = (this.applier.meta.get('agent') as { id?: string } | null)?.id;
    if (!me) throw new CoreError('not_logged_in', 'log in first');
    let kept = 0;
    for (const c of openConversationsOf(this.db, me)) {
      const { note } = this.assist.summary(c.id);
      if (latestSummaryNote(this.db, c.id)?.text === note) continue;
      this.keepSummary(c.id, note);
      kept++;
    }
    return kept;
  }

  private shiftList() {
    const me = (this.applier.meta.get('agent') as { id?: string } | null)?.id;
    if (!me) throw new CoreError('not_logged_in', 'log in first');
    return shiftItems(this.db, me, (id) => this.assist.summary(id).note);
  }

  /** The handover summary of a conversation outside the cache, added as an internal note on the hub at once. */
  private async keepSummaryOnHub(conversationId: string, note: string): Promise<string> {
    const note_id = randomUUID();
    await this.online.mutate({ type: 'note', args: { conversation_id: conversationId, note_id, text: note } });
    return note_id;
  }

  /**
   * A macro (as cached here) or steps on the target conversations, each planned from the cache:
   * what runs and what the preview shows are the same plans (actions/expand.ts).
   */
  private planActions(r: { target: { conversation_ids?: string[]; filter?: { tab: 'mine' | 'team' | 'snoozed' | 'resolved'; channel?: Conversation['channel']; tag?: string } }; macro_id?: string; steps?: MacroStep[] }): { label: string; kind: 'macro' | 'bulk'; plans: Plan[] } {
    const agent = this.applier.meta.get('agent');
    if (!agent || !this.applier.meta.get('session')) throw new CoreError('not_logged_in', 'log in first');
    let steps: MacroStep[];
    let label: string;
    if (r.macro_id) {
      const macro = (this.agentSettings.cachedMacros() ?? []).find((m) => m.id === r.macro_id);
      if (!macro) throw new CoreError('not_found', `no macro ${r.macro_id} on this desktop (the list is read from the hub when online)`);
      steps = macro.steps;
      label = macro.name;
    } else {
      steps = r.steps ?? [];
      label = steps.map((s) => (s.kind === 'status' ? s.status : s.kind)).join(', ');
    }
    const ids = r.target.conversation_ids ? [...new Set(r.target.conversation_ids)] : matchingIds(this.db, r.target.filter!);
    const ctx = {
      me: { id: agent.id, name: agent.name, role: agent.role, team_ids: agent.team_ids },
      agents: this.applier.meta.get('agents') ?? [], teams: this.applier.meta.get('teams') ?? [],
      canned: this.agentSettings.cachedCanned() ?? DEFAULT_CANNED, now: Date.now(),
    };
    const read = this.db.prepare('SELECT c.data, cu.data AS customer FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?');
    const plans = ids.map((id): Plan => {
      const row = read.get(id) as { data: string; customer: string | null } | undefined;
      if (!row) return { conversation_id: id, refused: { code: 'not_found', message: 'not on this desktop (someone else\'s now, or outside your queues)' }, mutations: [], lines: [] };
      const conv = JSON.parse(row.data) as Conversation;
      const customer = row.customer ? (JSON.parse(row.customer) as Customer) : null;
      const handle = customer?.identities.find((i) => i.channel === conv.channel)?.handle;
      return planSteps(conv, steps, { ...ctx, customer: { name: customer?.name ?? '', handle } });
    });
    return { label, kind: r.macro_id ? 'macro' : 'bulk', plans };
  }

  private customerName(conversationId: string): string | null {
    const raw = this.db.prepare('SELECT cu.data FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?').pluck().get(conversationId) as string | undefined;
    return raw ? (JSON.parse(raw) as Customer).name : null;
  }

  /** The agent's canned responses as last read from the hub (the team's and their own), else the defaults, for the suggestions. */
  private cannedForAssist() {
    const list = this.agentSettings.cachedCanned() ?? DEFAULT_CANNED;
    return list.map((c) => ({ id: c.shortcode, shortcode: c.shortcode, title: c.title, body: c.text }));
  }

  status(): SessionStatus {
    const m = this.applier.meta;
    const session = m.get('session');
    return {
      logged_in: session !== null,
      agent: m.get('agent'),
      teams: m.get('teams'),
      agents: m.get('agents'),
      hub_url: session?.hub_url ?? m.get('hub_url') ?? this.options.hubUrl ?? null,
      online: this.engine.online,
      outbox_count: this.outbox.pendingChanges(),
      last_sync_id: m.get('last_sync_id'),
      syncing: this.engine.syncing,
      token_storage: this.applier.meta.tokens.description,
      password_change: this.pendingPassword ? { email: this.pendingPassword.email } : null,
    };
  }

  private async login(hubUrl: string | undefined, email: string, password: string): Promise<SessionStatus> {
    const url = hubUrl ?? this.options.hubUrl;
    if (!url) throw new CoreError('invalid', 'no hub URL given');
    checkHubUrl(url, this.options.allowInsecureHub);
    const client = new HubClient(url);
    let login, me, mustChange;
    this.pendingPassword = null;
    try {
      login = await client.login(email, password);
      client.setToken(login.token);
      me = await client.me();
      mustChange = (await client.call(ADMIN_ROUTES.account, {})
        .catch((err: unknown) => { if (err instanceof HubRequestError && err.status === 404) return { must_change_password: false }; throw err; })).must_change_password;
    } catch (err) {
      throw hubError(err);
    }
    if (mustChange) {
      // nothing is stored or synced until the person has chosen their own password
      this.pendingPassword = { url, email: me.agent.email, login, me };
      const status = this.status();
      this.emit('session.changed', status);
      return status;
    }
    return this.establish(url, login, me);
  }

  /** A new password: finishes a sign-in with a temporary password, or changes the signed-in agent's own. */
  private async changePassword(current: string, next: string): Promise<SessionStatus> {
    const pending = this.pendingPassword;
    const session = this.applier.meta.get('session');
    const where = pending ? { url: pending.url, token: pending.login.token } : session ? { url: session.hub_url, token: session.token } : null;
    if (!where) throw new CoreError('not_logged_in', 'sign in first');
    const route = ADMIN_ROUTES.changePassword;
    try {
      await new HubClient(where.url, where.token).call(route, { body: { current_password: current, new_password: next } });
    } catch (err) {
      throw hubError(err);
    }
    if (!pending) return this.status();
    this.pendingPassword = null;
    return this.establish(pending.url, pending.login, pending.me);
  }

  /** Whether the hub at this address has nobody on it yet (first run). A hub without the endpoint is not new. */
  private async setupNeeded(hubUrl: string): Promise<{ needed: boolean }> {
    checkHubUrl(hubUrl, this.options.allowInsecureHub);
    const route = ADMIN_ROUTES.setupStatus;
    try {
      return await new HubClient(hubUrl, null, 5_000).call(route, {});
    } catch (err) {
      if (err instanceof HubRequestError && err.status === 404) return { needed: false };
      throw hubError(err);
    }
  }

  /** First run: the hub creates the workspace and its first admin (checked there), then they are signed in. */
  private async setup(r: { hub_url: string; workspace_name: string; time_zone: string; name: string; email: string; password: string }): Promise<SessionStatus> {
    checkHubUrl(r.hub_url, this.options.allowInsecureHub);
    const route = ADMIN_ROUTES.setup;
    const { hub_url, ...body } = r;
    const check = route.body.safeParse(body);
    if (!check.success) throw new CoreError('invalid', check.error.issues.map((i) => i.message).join('; '));
    let email: string;
    try {
      ({ email } = await new HubClient(hub_url).call(route, { body: check.data }));
    } catch (err) {
      throw hubError(err);
    }
    return this.login(hub_url, email, r.password);
  }

  /** A one-time sign-up link: the person's chosen password is set on the hub, then they are signed in with it. */
  private async acceptInvite(link: string, password: string): Promise<SessionStatus> {
    const parsed = parseInviteLink(link);
    if ('error' in parsed) throw new CoreError('invalid', parsed.error);
    checkHubUrl(parsed.hub_url, this.options.allowInsecureHub);
    const route = ADMIN_ROUTES.acceptInvite;
    let email: string;
    try {
      ({ email } = await new HubClient(parsed.hub_url).call(route, { body: { token: parsed.token, password } }));
    } catch (err) {
      throw hubError(err);
    }
    return this.login(parsed.hub_url, email, password);
  }

  private async establish(url: string, login: z.infer<typeof LoginResponseSchema>, me: z.infer<typeof MeResponseSchema>): Promise<SessionStatus> {
    await this.engine.stop();
    const m = this.applier.meta;
    const previous = m.get('agent');
    const previousHub = m.get('session')?.hub_url ?? m.get('hub_url');
    const sameAgent = previous?.id === login.agent.id && previousHub === url;
    if (!sameAgent && previous) {
      // Another agent (or hub) on this desktop: whatever the previous one left unsent (their session
      // ended without a sign-out) is kept for them, apart, before the cache is wiped for this one.
      try {
        if (previousHub) keepWork(this.db, this.kept, previousHub, previous.id);
      } catch (err) {
        this.engine.start();
        throw new CoreError('keep_failed', `${previous.name}'s unsent work could not be kept for them (${(err as Error).message}); nothing was changed`);
      }
      this.wipe();
    }
    this.db.transaction(() => {
      m.set('session', { hub_url: url, token: login.token });
      m.set('hub_url', url);
      m.set('agent', me.agent);
      m.set('teams', me.teams);
      m.set('agents', me.agents);
      if (!sameAgent) m.set('needs_bootstrap', true);
    })();
    const restored = this.restoreKept();
    // the person's own keymap from the hub (their changes made offline go up first)
    await this.agentSettings.signedIn();
    this.engine.start();
    this.startLive();
    const status = this.status();
    this.emit('session.changed', status);
    if (restored.outbox + restored.drafts > 0) this.emit('data.changed', { conversation_ids: [], inbox: true });
    return { ...status, restored };
  }

  /** The signed-in agent's kept work back into the cache (kept-work.ts); a file that cannot be read stays where it is. */
  private restoreKept(): { outbox: number; drafts: number } {
    const session = this.applier.meta.get('session');
    const agent = this.applier.meta.get('agent');
    if (!session || !agent) return { outbox: 0, drafts: 0 };
    try {
      return restoreWork(this.db, this.kept, session.hub_url, agent.id);
    } catch (err) {
      this.options.sync?.log?.(`kept work: ${(err as Error).message}`);
      return { outbox: 0, drafts: 0 };
    }
  }

  /**
   * Sign-out never drops work silently: with unsent changes or drafts it needs the agent's choice
   * (session.unsent says what there is). send: the outbox goes out first (refused, nothing changed,
   * when it cannot); keep: kept apart for this agent's next sign-in here; discard: gone.
   * What 'send' leaves (drafts, replies the hub gave back as drafts, changes stopped on an error) is kept.
   */
  private async logout(choice?: SignOutChoice): Promise<{ ok: true }> {
    // the running handle-time span is recorded first: it goes out with 'send', is kept with 'keep'
    // (and with no choice needed), and is dropped with 'discard'; it never asks by itself (unsentWork)
    this.handleTime.flush();
    const unsent = unsentWork(this.db, 0);
    if (unsent.total > 0 && !choice) {
      throw new CoreError('unsent_work', `${describeUnsent(unsent)} not sent yet: send them first, keep them for your next sign-in on this desktop, or discard them`);
    }
    if (choice === 'send' && this.outbox.pendingCount() > 0) await this.sendBeforeSignOut();
    const agent = this.applier.meta.get('agent');
    const hub = this.applier.meta.get('session')?.hub_url ?? this.applier.meta.get('hub_url');
    this.live.stop();
    await this.engine.stop();
    if (choice !== 'discard' && agent && hub) {
      try {
        keepWork(this.db, this.kept, hub, agent.id);
      } catch (err) {
        this.engine.start();
        this.startLive();
        throw new CoreError('keep_failed', `your unsent work could not be kept (${(err as Error).message}); you are still signed in and nothing was lost`);
      }
    }
    // The hub ends the session (and closes its streams everywhere) before the token is forgotten
    // here. Offline, the hub still holds it until its idle limit (12 h by default) or an admin revokes it.
    const session = this.applier.meta.get('session');
    if (session) {
      await new HubClient(session.hub_url, session.token, 5000).logout()
        .catch((err: Error) => this.options.sync?.log?.(`sign-out: the hub did not confirm (${err.message}); the session ends at the hub's idle limit`));
    }
    this.applier.meta.set('session', null); // removes the token file
    this.wipe();
    this.emit('session.changed', this.status());
    this.emit('data.changed', { conversation_ids: [], inbox: true });
    return { ok: true };
  }

  /** Drains the outbox now; refused (CoreError 'offline') when something is still unsent after it. */
  private async sendBeforeSignOut(): Promise<void> {
    const timeout = new Promise<'timeout'>((resolve) => { setTimeout(() => resolve('timeout'), SEND_BEFORE_SIGN_OUT_MS).unref(); });
    const outcome = await Promise.race([this.engine.syncNow().then(() => 'done' as const), timeout]);
    const left = this.outbox.pendingCount();
    if (left === 0) return;
    const why = outcome === 'timeout' ? 'the hub did not answer in time' : this.engine.online ? (this.engine.lastError ?? 'the hub did not take them') : 'you are offline';
    throw new CoreError('offline', `${left} change(s) could not be sent (${why}). Keep them for your next sign-in, or discard them.`);
  }

  /** Everything tied to the agent; settings (keymap, preferences) stay with the desktop. */
  private wipe(): void {
    // What the agent typed (drafts, queued replies and notes) is overwritten in the file, not only
    // unlinked from it (secure_delete), and the WAL frames that held it are dropped: the next agent
    // on this desktop cannot read it from the cache file either. Kept work is in kept/ (kept-work.ts).
    const secureDelete = this.db.pragma('secure_delete', { simple: true });
    this.db.transaction(() => {
      this.db.pragma('secure_delete = ON');
      for (const t of ['drafts', 'note_drafts', 'outbox']) this.db.prepare(`DELETE FROM ${t}`).run();
      this.db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
      for (const t of ['meta', 'conversations', 'messages', 'notes', 'customers', 'customer_scope', 'read_marks', 'action_items', 'action_runs']) {
        this.db.prepare(`DELETE FROM ${t}`).run();
      }
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private sendReply(r: ParsedDesktopRequest<'reply.send'>): { message_id: string } {
    this.requireConversation(r.conversation_id);
    // What the agent had on screen lets the hub warn when someone else answered meanwhile.
    const seen = r.seen_up_to ?? this.newestSynced(r.conversation_id);
    const collision = { ...(seen ? { seen_up_to: seen } : {}), ...(r.confirm_collision ? { confirm_collision: r.confirm_collision } : {}) };
    const result = this.outbox.queueReply(this.owner(), r.conversation_id, r.text, r.visibility, r.resolve, collision, r.refusal_seen);
    this.afterLocalChange(r.conversation_id);
    return result;
  }

  /** Queues durably, shows the effect in the cache at once. */
  private queue(m: OutboxMutation, patch?: Partial<Conversation>, rowId?: string, alsoInTransaction?: () => void): void {
    const conversationId = m.args.conversation_id;
    this.requireConversation(conversationId);
    const owner = this.owner();
    this.outbox.enqueue([{ type: m.type, args: m.args, conversation_id: conversationId, message_id: rowId }], () => {
      if (patch) this.outbox.applyLocally(owner, conversationId, patch);
      alsoInTransaction?.();
    });
    this.afterLocalChange(conversationId);
  }

  private afterLocalChange(conversationId: string | null): void {
    this.emit('data.changed', { conversation_ids: conversationId ? [conversationId] : [], inbox: true });
    this.emit('session.changed', this.status());
    this.engine.kick();
  }

  private changed(conversationId: string): void {
    this.emit('data.changed', { conversation_ids: [conversationId], inbox: true });
  }

  private owner() {
    if (!this.applier.meta.get('session')) throw new CoreError('not_logged_in', 'log in first');
    return this.applier.owner();
  }

  /** created_at of the newest message of the conversation the hub has sent us (ISO), or null. */
  private newestSynced(conversationId: string): string | null {
    const at = this.db.prepare('SELECT max(created_at) FROM messages WHERE conversation_id = ?').pluck().get(conversationId) as string | null;
    return at && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : null;
  }

  private cached(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM conversations WHERE id = ?').pluck().get(id) !== undefined;
  }

  /** A conversation's customer's tags and notes: queued durably, shown in the cache at once. */
  private updateCustomer(r: { conversation_id: string; add_tags: string[]; remove_tags: string[]; notes?: string }): { ok: true } {
    const c = this.requireConversation(r.conversation_id);
    const raw = this.db.prepare('SELECT data FROM customers WHERE id = ?').pluck().get(c.customer_id) as string | undefined;
    const customer = raw ? (JSON.parse(raw) as Customer) : null;
    // what the agent started from: the hub keeps both texts if someone changed the notes meanwhile
    const args: MutationArgs<'update_customer'> = {
      conversation_id: r.conversation_id, add_tags: r.add_tags, remove_tags: r.remove_tags,
      ...(r.notes === undefined ? {} : { notes: r.notes, notes_base: customer?.notes ?? null }),
    };
    this.owner();
    this.outbox.enqueue([{ type: 'update_customer', args, conversation_id: r.conversation_id }], () => {
      if (!customer) return;
      const tags = [...new Set([...customer.tags.filter((t) => !r.remove_tags.includes(t)), ...r.add_tags])].sort();
      this.db.prepare('UPDATE customers SET data = ? WHERE id = ?').run(JSON.stringify({ ...customer, tags, notes: r.notes ?? customer.notes }), customer.id);
    });
    this.afterLocalChange(r.conversation_id);
    return { ok: true };
  }

  private requireConversation(id: string): Conversation {
    const raw = this.db.prepare('SELECT data FROM conversations WHERE id = ?').pluck().get(id) as string | undefined;
    if (!raw) throw new CoreError('not_found', `conversation ${id} is not in the cache`);
    return JSON.parse(raw) as Conversation;
  }
}

/** A hub's refusal or absence as the desk shows it. */
function hubError(err: unknown): unknown {
  if (err instanceof HubRequestError) return new CoreError(err.status === 401 ? 'unauthorized' : err.code, err.message);
  if (err instanceof NetworkError) return new CoreError('offline', err.message);
  return err;
}
