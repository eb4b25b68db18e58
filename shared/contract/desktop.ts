/**
 * The contract between the renderer and the desktop core (main/core).
 * One list of requests and events, two transports: Electron IPC (main/electron + preload)
 * and the web host's WebSocket (main/host). Both adapters loop over these keys, parse every
 * request with its schema, and answer `{ok:true, value} | {ok:false, error}`.
 */
import { z } from 'zod';
import {
  AgentSchema, ChannelSchema, ConversationSchema, ConversationStatusSchema, CustomerSchema,
  MessageSchema, NoteSchema, PrioritySchema, TeamSchema, VisibilitySchema,
} from '../domain';
import { CannedItemSchema } from './admin';
import { MacroSchema, MacroStepSchema } from './macros';
import { ADMIN_CALL_NAMES } from './admin-call';
import { AssistSuggestionsSchema, FeedbackActionSchema, SuggestionKeySchema, SummaryLineSchema } from './assist';
import { MutationArgsSchemas, RejectionCodeSchema } from './hub-api';
import { ActivitySchema, AgentViewSchema, CollisionActivitySchema, ConflictSchema, MetricsReportSchema, RoutingPushSchema } from './routing';
import { FloorSchema, RosterSchema } from './supervisor';
import { CrisisListResponseSchema, CrisisResponseSchema, SpikeAcknowledgeResponseSchema, StartCrisisSchema } from './spikes';
import { CustomerRelatedSchema, MergeRequestSchema, MergeResponseSchema } from './customers';

export const InboxTabSchema = z.enum(['mine', 'team', 'snoozed', 'resolved']);
export type InboxTab = z.infer<typeof InboxTabSchema>;
export const InboxSortSchema = z.enum(['sla', 'priority', 'age']);

/** A message as the agent sees it: the hub's copy, or a local reply still in the outbox. */
export const ThreadMessageSchema = MessageSchema.extend({
  /** 'waiting' = in the outbox while offline; otherwise the hub's delivery state */
  local_state: z.enum(['waiting', 'sending', 'synced']),
});
export type ThreadMessage = z.infer<typeof ThreadMessageSchema>;

export const DraftSchema = z.object({
  conversation_id: z.string(),
  text: z.string(),
  visibility: VisibilitySchema,
  updated_at: z.string(),
  /** set when the hub refused the reply this draft came back from */
  rejected: z.object({
    code: RejectionCodeSchema, message: z.string(),
    /** 'collision': what the hub saw, and the token that sends the reply anyway (reply.send confirm_collision) */
    conflicts: z.array(ConflictSchema).optional(),
    confirm_token: z.string().optional(),
    /** this refusal, for `refusal_seen` (draft.save, reply.send) */
    id: z.string().optional(),
  }).nullable(),
});

/**
 * An internal note's text kept on this desktop: what the agent types in the composer's Internal note
 * mode, and a note the hub refused (a handover summary among them), given back here with the reason.
 * Never the reply draft: nothing in it is sent to the customer.
 */
export const NoteDraftSchema = z.object({
  conversation_id: z.string(),
  text: z.string(),
  updated_at: z.string(),
  /** set when the hub refused the note this draft came back from; `id` for `refusal_seen` (noteDraft.save, note.add) */
  rejected: z.object({ code: RejectionCodeSchema, message: z.string(), id: z.string().optional() }).nullable(),
});
export type NoteDraft = z.infer<typeof NoteDraftSchema>;

/**
 * The newest refusal (Draft.rejected.id) the agent's composer has shown, null for none: a refusal
 * that came back after it is kept in the draft, never overwritten by a save or dropped by a send.
 * Left out, the caller is taken to have seen every refusal.
 */
const refusalSeen = z.string().max(200).nullable().optional();
export type Draft = z.infer<typeof DraftSchema>;

export const SessionStatusSchema = z.object({
  logged_in: z.boolean(),
  agent: AgentSchema.nullable(),
  teams: z.array(TeamSchema),
  agents: z.array(z.object({ id: z.string(), name: z.string() })),
  hub_url: z.string().nullable(),
  online: z.boolean(),
  outbox_count: z.number().int(),
  last_sync_id: z.number().int(),
  syncing: z.boolean(),
  /** where the session token is kept at rest, for the About box (encrypted by the system's secret store, or not and why) */
  token_storage: z.object({ encrypted: z.boolean(), detail: z.string() }).optional(),
  /** signed in with a temporary password: they choose their own (session.changePassword) before anything else */
  password_change: z.object({ email: z.string() }).nullable().optional(),
  /** session.login only: work this agent kept at an earlier sign-out on this desktop, now back in the outbox and drafts */
  restored: z.object({ outbox: z.number().int(), drafts: z.number().int() }).optional(),
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

export const InboxCountsSchema = z.object({
  mine: z.number(), team: z.number(), snoozed: z.number(), resolved: z.number(),
  /** conversations in Mine with a customer message the agent has not opened yet (the window title counts them) */
  unread: z.number(),
});

const ok = z.object({ ok: z.literal(true) });

/**
 * What signing out would leave behind (session.unsent): changes not sent yet and drafts, with a few
 * items to recognise them. The sign-out dialog asks what to do with them (SignOutChoice).
 */
export const UnsentWorkSchema = z.object({
  replies: z.number().int(),
  notes: z.number().int(),
  /** status, assignment, tags, priority, label corrections */
  changes: z.number().int(),
  drafts: z.number().int(),
  total: z.number().int(),
  items: z.array(z.object({
    conversation_id: z.string(),
    kind: z.enum(['reply', 'note', 'change', 'draft']),
    customer_name: z.string().nullable(),
    text: z.string().nullable(),
    /** stopped on an error the hub gave (outbox.retry sends it again) */
    failed: z.boolean(),
  })),
});
export type UnsentWork = z.infer<typeof UnsentWorkSchema>;
/**
 * send: send the outbox now and sign out when it is empty (refused offline; drafts, and replies the hub
 * gives back as drafts, are kept); keep: keep everything for this agent's next sign-in on this desktop
 * and hub; discard: throw it away.
 */
export const SignOutChoiceSchema = z.enum(['send', 'keep', 'discard']);
export type SignOutChoice = z.infer<typeof SignOutChoiceSchema>;

/**
 * An insight: a post routed to a department (product quality, store operations…) that needs no
 * public answer, only closure with a resolution. The core adds names and the conversation's
 * subject and snippet (from the hub when it sends them, else from the cache; null when neither has it).
 */
export const InsightItemSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  department_id: z.string(),
  department_name: z.string(),
  rule_id: z.string().nullable(),
  rule_name: z.string().nullable(),
  opened_at: z.string(),
  status: z.enum(['open', 'closed']),
  closed_at: z.string().nullable(),
  closed_by: z.string().nullable(),
  resolution: z.string().nullable(),
  channel: z.string().nullable(),
  subject: z.string().nullable(),
  snippet: z.string().nullable(),
});
export type InsightItem = z.infer<typeof InsightItemSchema>;
export const LabelTaskSchema = z.enum(['sentiment', 'intent', 'topic', 'priority']);
export type LabelTask = z.infer<typeof LabelTaskSchema>;
const convId = z.string().min(1);
/** Requests that become a mutation of the outbox take the mutation's own field schemas, so what passes here passes the hub. */
const { reply: replyArgs, note: noteArgs, set_status: statusArgs, assign: assignArgs, tag: tagArgs, correct_label: labelArgs } = MutationArgsSchemas;

export type { AssistSuggestion, AssistSummaryLine } from './assist';

/** One of the agent's open conversations at shift end, with its handover summary (My shift). */
const ShiftItemSchema = z.object({
  conversation_id: z.string(), customer_name: z.string().nullable(), status: ConversationStatusSchema,
  /** the latest handover summary note's text (kept at shift end, or at an earlier handover) */
  summary: z.string(),
  /** when that note was written (null: none kept yet; `summary` is computed now) */
  kept_at: z.string().nullable(),
});
export type ShiftItem = z.infer<typeof ShiftItemSchema>;

// ---- macros and bulk actions (issue 15; main/core/actions) ----------------------------------------

/** Which conversations: these ids, or every one in the cache that matches the list's filter (all pages). */
export const ActionTargetSchema = z.object({
  conversation_ids: z.array(convId).min(1, 'select at least one conversation').max(5000).optional(),
  filter: z.object({ tab: InboxTabSchema, channel: ChannelSchema.optional(), tag: z.string().max(64).optional() }).optional(),
}).refine((t) => (t.conversation_ids === undefined) !== (t.filter === undefined), 'name the conversations or the filter, not both');
/** What to do: a macro by id (as cached here, so it runs offline), or steps (a bulk action is one step). */
const ActionWhatSchema = {
  macro_id: z.string().min(1).max(200).optional(),
  steps: z.array(MacroStepSchema).min(1).max(20).optional(),
};
const oneOfWhat = (r: { macro_id?: string; steps?: unknown[] }) => (r.macro_id === undefined) !== (r.steps === undefined);
const ActionItemStateSchema = z.enum(['queued', 'applied', 'refused', 'stopped', 'undone']);
/** A run's summary: per conversation, applied, waiting to be sent, refused (by this desktop or the hub) with why, or undone. */
export const ActionSummarySchema = z.object({
  run_id: z.string(), kind: z.enum(['macro', 'bulk']), label: z.string(), created_at: z.string(),
  /** sent to the hub from then on; null: not held (no undo) */
  held_until: z.string().nullable(),
  undone: z.boolean(),
  undoable: z.boolean(),
  total: z.number().int(), applied: z.number().int(), pending: z.number().int(), refused: z.number().int(),
  conversations: z.array(z.object({
    conversation_id: z.string(), customer_name: z.string().nullable(),
    state: z.enum(['applied', 'pending', 'refused', 'stopped', 'undone']),
    code: z.string().nullable(), message: z.string().nullable(),
  })),
  items: z.array(z.object({ conversation_id: z.string(), step: z.string(), state: ActionItemStateSchema, code: z.string().nullable(), message: z.string().nullable() })),
});
export type ActionSummary = z.infer<typeof ActionSummarySchema>;
export const ActionPreviewSchema = z.object({
  label: z.string(),
  /** conversations targeted, and how many of them this desktop refuses already */
  total: z.number().int(), refused: z.number().int(),
  /** the first conversations' plans (all of them up to 50) */
  plans: z.array(z.object({
    conversation_id: z.string(), customer_name: z.string().nullable(),
    refused: z.object({ code: z.string(), message: z.string() }).nullable(),
    lines: z.array(z.string()),
  })),
});

export const DesktopRequests = {
  'session.status': { req: z.object({}), res: SessionStatusSchema },
  'session.login': {
    req: z.object({ hub_url: z.url(), email: z.string().min(1), password: z.string().min(1) }),
    res: SessionStatusSchema,
  },
  /** with unsent work and no `unsent` choice it is refused with 'unsent_work' (ask with session.unsent first) */
  'session.logout': { req: z.object({ unsent: SignOutChoiceSchema.optional() }), res: ok },
  'session.unsent': { req: z.object({}), res: UnsentWorkSchema },
  /** the caller's new password: finishes a sign-in with a temporary password, or changes it while signed in */
  'session.changePassword': {
    req: z.object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(200) }),
    res: SessionStatusSchema,
  },
  /** whether the hub at this address is new (nobody on it): the sign-in screen then offers to set it up */
  'session.setupNeeded': { req: z.object({ hub_url: z.string().trim().min(1).max(2000) }), res: z.object({ needed: z.boolean() }) },
  /** first run: the workspace and its first admin on a new hub, then signed in as that admin */
  'session.setup': {
    req: z.object({
      hub_url: z.string().trim().min(1).max(2000), workspace_name: z.string().max(200), time_zone: z.string().max(100),
      name: z.string().max(200), email: z.string().max(320), password: z.string().max(200),
    }),
    res: SessionStatusSchema,
  },
  /** a one-time sign-up link (`<hub>/join#<token>`) and the password the person chooses; signs them in */
  'session.acceptInvite': {
    req: z.object({ link: z.string().trim().min(1).max(2000), password: z.string().min(1).max(200) }),
    res: SessionStatusSchema,
  },

  'inbox.list': {
    req: z.object({
      tab: InboxTabSchema,
      sort: InboxSortSchema.default('sla'),
      channel: ChannelSchema.optional(),
      tag: z.string().optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    res: z.object({
      total: z.number().int(),
      items: z.array(ConversationSchema.extend({
        customer_name: z.string(),
        customer_handle: z.string(),
        unread: z.boolean(),
        /** the earliest of the agent's replies here still waiting for a supervisor's approval (hub/approvals), or null */
        awaiting_approval_since: z.string().nullable().optional(),
      })),
    }),
  },
  'inbox.counts': { req: z.object({}), res: InboxCountsSchema },

  'conversation.get': {
    req: z.object({ id: convId }),
    res: z.object({
      conversation: ConversationSchema,
      customer: CustomerSchema.nullable(),
      messages: z.array(ThreadMessageSchema),
      notes: z.array(NoteSchema),
      draft: DraftSchema.nullable(),
      /** the internal note being written, or a refused note given back (never in `draft`, the reply's) */
      note_draft: NoteDraftSchema.nullable().optional(),
    }),
  },
  'conversation.markRead': { req: z.object({ id: convId }), res: ok },
  /** the customer's tags and notes: shown in the cache at once, queued as `update_customer` (works offline) */
  'customer.update': {
    req: z.object({
      conversation_id: convId,
      add_tags: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
      remove_tags: z.array(z.string().trim().min(1).max(64)).max(50).default([]),
      notes: z.string().max(10_000).optional(),
    }),
    res: ok,
  },
  'customer.get': {
    req: z.object({ id: z.string().min(1) }),
    res: z.object({ customer: CustomerSchema, conversations: z.array(ConversationSchema) }),
  },
  'search': {
    req: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(200).default(50) }),
    res: z.object({
      hits: z.array(z.object({
        message_id: z.string(), conversation_id: z.string(), snippet: z.string(),
        customer_name: z.string(), created_at: z.string(),
      })),
    }),
  },

  'draft.save': {
    req: z.object({ conversation_id: convId, text: z.string().max(10_000), visibility: VisibilitySchema, refusal_seen: refusalSeen }),
    res: ok,
  },
  'draft.get': { req: z.object({ conversation_id: convId }), res: DraftSchema.nullable() },
  /** the composer's Internal note text (an empty text deletes it); `refusal_seen` as for draft.save */
  'noteDraft.save': { req: z.object({ conversation_id: convId, text: z.string().max(10_000), refusal_seen: refusalSeen }), res: ok },

  /** Moves the draft into the outbox in one durable transaction; the outbox sends it when online. */
  'reply.send': {
    req: z.object({
      conversation_id: convId, text: replyArgs.shape.text, visibility: VisibilitySchema, resolve: z.boolean().default(false),
      /** newest message time the agent had on screen; default: the newest message in the cache */
      seen_up_to: z.iso.datetime().optional(),
      /** the token of a 'collision' refusal: the agent saw the warning and sends anyway */
      confirm_collision: z.string().min(1).max(2000).optional(),
      refusal_seen: refusalSeen,
    }),
    res: z.object({ message_id: z.string() }),
  },
  /**
   * Queues an internal note. With `refusal_seen` (the composer's), the note draft it was written in is
   * done with, unless a refused note came back to it since.
   */
  'note.add': { req: z.object({ conversation_id: convId, text: noteArgs.shape.text, refusal_seen: refusalSeen }), res: z.object({ note_id: z.string() }) },
  'conversation.setStatus': {
    req: z.object({ conversation_id: convId, status: ConversationStatusSchema, snoozed_until: statusArgs.shape.snoozed_until }),
    res: ok,
  },
  'conversation.assign': { req: z.object({ conversation_id: convId, assignee_id: assignArgs.shape.assignee_id }), res: ok },
  'conversation.tag': { req: z.object({ conversation_id: convId, add: tagArgs.shape.add, remove: tagArgs.shape.remove }), res: ok },
  'conversation.setPriority': { req: z.object({ conversation_id: convId, priority: PrioritySchema }), res: ok },
  /** Corrects an automated label: shown in the cache at once, queued as `correct_label` (works offline). */
  'label.correct': {
    req: z.object({ conversation_id: convId, task: LabelTaskSchema, label: labelArgs.shape.label }),
    res: ok,
  },

  // ---- online only (routing, supervisor, metrics): `offline` error when the hub is unreachable ----
  'presence.get': { req: z.object({}), res: z.object({ activities: z.array(ActivitySchema), agents: z.array(AgentViewSchema) }) },
  /** `agent_id`: a supervisor moves another agent's presence */
  'presence.set': { req: z.object({ activity_id: z.string().min(1).max(100), agent_id: z.string().min(1).max(100).optional() }), res: z.object({ agent: AgentViewSchema }) },
  'offer.accept': { req: z.object({ conversation_id: convId, offer_id: z.string().min(1).max(200).optional() }), res: ok },
  'offer.reject': { req: z.object({ conversation_id: convId, offer_id: z.string().min(1).max(200).optional() }), res: ok },
  /** takes the next conversation from the team queue (SLA due, then priority) */
  'queue.pull': { req: z.object({}), res: z.object({ conversation_id: z.string().nullable() }) },
  /** tells the others this agent is viewing/typing on a conversation, or has left it */
  'collision.heartbeat': { req: z.object({ conversation_id: convId, activity: z.union([CollisionActivitySchema, z.literal('leave')]) }), res: ok },
  /** supervisors and admins */
  'floor.get': { req: z.object({}), res: FloorSchema },
  /** everyone: each agent's presence and load as the hub knows them (the assign pickers warn with it) */
  'roster.get': { req: z.object({}), res: RosterSchema },
  /** profiles that may be the same person, and merges into this customer (shared/contract/customers.ts) */
  'customer.related': { req: z.object({ customer_id: z.string().min(1).max(200) }), res: CustomerRelatedSchema },
  'customer.merge': { req: MergeRequestSchema, res: MergeResponseSchema },
  'customer.unmerge': { req: z.object({ merge_id: z.string().min(1).max(200) }), res: MergeResponseSchema },
  'supervisor.message': { req: z.object({ agent_id: z.string().min(1), text: z.string().trim().min(1).max(2000) }), res: ok },
  /** supervisors and admins: a spike alert seen (the Floor's alerts come with the floor) */
  'spikes.acknowledge': { req: z.object({ id: z.string().min(1).max(200) }), res: SpikeAcknowledgeResponseSchema },
  /** everyone: crisis mode on now (banner, holding statement pinned on the topic's conversations) and lately; needs the hub */
  'crisis.list': { req: z.object({}), res: CrisisListResponseSchema },
  /** supervisors and admins: crisis mode on for a topic, off again */
  'crisis.start': { req: StartCrisisSchema, res: CrisisResponseSchema },
  'crisis.end': { req: z.object({ id: z.string().min(1).max(200) }), res: CrisisResponseSchema },
  /** the agent's own figures; dates YYYY-MM-DD, default the last 7 days */
  'metrics.me': {
    req: z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    res: MetricsReportSchema,
  },

  /** insights of the agent's departments (supervisors and admins: all), open ones unless include_closed; newest first */
  'insights.list': {
    req: z.object({ department_id: z.string().min(1).max(100).optional(), include_closed: z.boolean().default(false) }),
    res: z.object({ insights: z.array(InsightItemSchema) }),
  },
  /** closes an insight with what was done about it (department members, supervisors, admins) */
  'insights.close': {
    req: z.object({ id: z.string().min(1).max(200), resolution: z.string().trim().min(1, 'say what was done').max(10_000) }),
    res: z.object({ insight: InsightItemSchema }),
  },

  /**
   * Workspace administration (online only): one row of shared/contract/admin-call.ts ADMIN_CALL_ROUTES, with its
   * path parameters, query and body; the core checks the body with the row's schema and the answer with its response schema.
   */
  'admin.call': {
    req: z.object({
      route: z.enum(ADMIN_CALL_NAMES),
      params: z.record(z.string(), z.string().max(500)).optional(),
      query: z.record(z.string(), z.string().max(2000)).optional(),
      body: z.unknown().optional(),
    }),
    res: z.object({}).catchall(z.unknown()),
  },

  /** the team's canned responses and the agent's own (from the hub, or as last read when offline) */
  'canned.list': { req: z.object({}), res: z.object({ canned: z.array(CannedItemSchema), offline: z.boolean() }) },
  /** one insertion of a canned response, for its usage count */
  'canned.used': { req: z.object({ id: z.string().min(1).max(200) }), res: ok },

  /** the caller's own macros and their teams': from the hub when it answers, else as last read (they run offline) */
  'macros.list': { req: z.object({}), res: z.object({ macros: z.array(MacroSchema), offline: z.boolean() }) },
  /** what a macro or bulk action will do on each conversation, before anything is queued */
  'actions.preview': { req: z.object({ target: ActionTargetSchema, ...ActionWhatSchema }).refine(oneOfWhat, 'name a macro or steps'), res: ActionPreviewSchema },
  /**
   * runs it: one durable transaction of outbox mutations (offline too), shown in the cache at once, held
   * `undo_ms` (default 5 s; 0: no undo) before anything is sent; conversations the desktop already knows
   * the hub would refuse are refused here, with why, and nothing is queued for them
   */
  'actions.run': {
    req: z.object({ target: ActionTargetSchema, ...ActionWhatSchema, label: z.string().trim().min(1).max(100).optional(), undo_ms: z.number().int().min(0).max(30_000).optional() })
      .refine(oneOfWhat, 'name a macro or steps'),
    res: ActionSummarySchema,
  },
  /** takes a run back while it is held (its changes leave the outbox, the conversations are as before); 'too_late' after */
  'actions.undo': { req: z.object({ run_id: z.string().min(1).max(200) }), res: ActionSummarySchema },
  /** a run's summary as the hub's answers come in */
  'actions.summary': { req: z.object({ run_id: z.string().min(1).max(200) }), res: ActionSummarySchema },

  'outbox.retry': { req: z.object({ id: z.string() }), res: ok },
  /**
   * Handle time: the agent is active on this conversation now (`active`: window focused and visible,
   * input within the last minute), or no longer (`active: false`, or `conversation_id: null`). Sent on
   * opening, on input (at most every few seconds), every 15 s while active, and on leaving; the core
   * counts the time and syncs it (main/core/handle-time.ts).
   */
  'activity.report': { req: z.object({ conversation_id: z.string().min(1).max(200).nullable(), active: z.boolean() }), res: ok },

  /**
   * suggested replies, canned responses and help links: from the cache (offline too), or from the
   * hub (same ranking) for a conversation that is not cached
   */
  'assist.suggest': { req: z.object({ conversation_id: convId }), res: AssistSuggestionsSchema },
  /**
   * an agent accepted, edited or ignored a suggestion: later rankings here take it into account at
   * once, and it is queued as `assist_feedback` (works offline) so the hub's ranking learns it too
   */
  'assist.feedback': { req: z.object({ conversation_id: convId, key: SuggestionKeySchema, action: FeedbackActionSchema }), res: ok },
  /** the three-line handover summary; `keep` also adds it as an internal note (through the outbox) */
  'assist.summary': {
    req: z.object({ conversation_id: convId, keep: z.boolean().default(false) }),
    res: z.object({ lines: z.array(SummaryLineSchema), note: z.string(), note_id: z.string().nullable() }),
  },

  /**
   * Ending the shift: each of the agent's open conversations gets a handover summary note (through
   * the outbox, offline too; not again when its latest summary says the same), then the agent goes
   * Offline on the hub when it is reachable. Choosing Offline for oneself does the same.
   */
  'shift.end': { req: z.object({}), res: z.object({ items: z.array(ShiftItemSchema), kept: z.number().int(), offline_on_hub: z.boolean() }) },
  /** My shift: the agent's open conversations, each with its latest handover summary */
  'shift.summaries': { req: z.object({}), res: z.object({ items: z.array(ShiftItemSchema) }) },

  'settings.get': { req: z.object({ key: z.string().min(1).max(100) }), res: z.object({ value: z.unknown().nullable() }) },
  'settings.set': { req: z.object({ key: z.string().min(1).max(100), value: z.unknown() }), res: ok },
} as const;

export type DesktopRequestName = keyof typeof DesktopRequests;
/** A request as the renderer sends it (defaults may be left out). */
export type DesktopRequest<N extends DesktopRequestName> = z.input<(typeof DesktopRequests)[N]['req']>;
/** A request as the core gets it: parsed once, at the edge (dispatch.ts), defaults filled in. */
export type ParsedDesktopRequest<N extends DesktopRequestName> = z.output<(typeof DesktopRequests)[N]['req']>;
export type DesktopResponse<N extends DesktopRequestName> = z.infer<(typeof DesktopRequests)[N]['res']>;
export const DESKTOP_REQUEST_NAMES = Object.keys(DesktopRequests) as DesktopRequestName[];

export const DesktopEvents = {
  /** Data in the cache changed (sync applied, local mutation queued/acked). */
  /** customer_ids: profiles that changed without a conversation of theirs changing (another agent's tags and notes, a merge undone) */
  'data.changed': z.object({ conversation_ids: z.array(z.string()), inbox: z.boolean(), customer_ids: z.array(z.string()).optional() }),
  'session.changed': SessionStatusSchema,
  /** a routing push from the hub (offers, presence, who is viewing/typing, SLA events, supervisor messages) */
  'routing.push': RoutingPushSchema,
  /** supervisors: the floor changed (pushed by the hub at most once a second) */
  'floor.changed': FloorSchema,
  /** the routing/supervisor live connection went up or down */
  'live.changed': z.object({ routing: z.boolean(), supervisor: z.boolean() }),
} as const;
export type DesktopEventName = keyof typeof DesktopEvents;
export type DesktopEvent<N extends DesktopEventName> = z.infer<(typeof DesktopEvents)[N]>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
