/**
 * The routing wire messages (hub/routing/api.ts serves them, the desktop's core calls them): the
 * request and answer schemas of the /v1/routing/* routes, the pushes of the routing stream, and an
 * agent's own figures (/v1/metrics/me). Which route takes which is the route table, hub-routes.ts.
 */
import { z } from 'zod';
import { ChannelSchema, PrioritySchema } from '../domain';

export const OfferSchema = z.object({
  id: z.string(), conversation_id: z.string(), agent_id: z.string(),
  /** epoch ms */
  offered_at: z.number(), expires_at: z.number(),
});
export type Offer = z.infer<typeof OfferSchema>;

export const SlaDuesSchema = z.object({
  first_response_due: z.number().nullable(), next_response_due: z.number().nullable(), resolution_due: z.number().nullable(),
});
export const SlaKindSchema = z.enum(['first_response', 'next_response', 'resolution']);
export const CollisionActivitySchema = z.enum(['viewing', 'typing']);
export type CollisionActivity = z.infer<typeof CollisionActivitySchema>;

/** Who is on a conversation (viewing or typing), with epoch-ms times. */
export const PresenceEntrySchema = z.object({ agent_id: z.string(), activity: CollisionActivitySchema, since: z.number(), expires_at: z.number() });
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;
export const ClaimSchema = z.object({ agent_id: z.string(), since: z.number(), expires_at: z.number() });

export const ActivitySchema = z.object({
  id: z.string(), label: z.string(), routable: z.boolean(), requeue_assignments: z.boolean().optional(),
});
export type Activity = z.infer<typeof ActivitySchema>;

export const AgentViewSchema = z.object({
  id: z.string(), activity_id: z.string(), routable: z.boolean(), offer: OfferSchema.nullable(),
  assigned: z.array(z.string()), load: z.record(z.string(), z.number()), idle_since: z.number(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

export const PresenceRequestSchema = z.object({ activity_id: z.string().min(1).max(100), agent_id: z.string().min(1).max(100).optional() }).strict();
export const OfferAnswerSchema = z.object({ offer_id: z.string().min(1).max(200).optional() }).strict();
export const HeartbeatRequestSchema = z.object({ conversation_id: z.string().min(1).max(200), activity: CollisionActivitySchema }).strict();
export const ClaimRequestSchema = z.object({ conversation_id: z.string().min(1).max(200) }).strict();
export const CloseInsightSchema = z.object({ resolution: z.string().max(10_000) }).strict();
/** POST /v1/routing/rules/preview: `rules` (not saved) previews a proposal; without, the saved rules */
export const PreviewRulesSchema = z.object({ rules: z.array(z.unknown()).max(500).optional() }).strict();
/** POST /v1/routing/rules/apply: the preview's `rules_version`; default every move of the preview */
export const ApplyRulesSchema = z.object({
  rules_version: z.number().int().nonnegative(),
  conversation_ids: z.array(z.string().min(1).max(200)).max(20_000).optional(),
}).strict();
/** An agent's reply, checked for a collision before it is written (`seen_up_to`: newest message time on screen, ISO or ms; null = none). */
export const CheckReplySchema = z.object({
  conversation_id: z.string().min(1).max(200),
  seen_up_to: z.union([z.iso.datetime(), z.number().int().nonnegative()]).nullable(),
  confirm_token: z.string().max(2000).nullable().optional(),
}).strict();
/** A follower hub asks the routing leader about a reply (authenticated by the leader's secret, not a session). */
export const InternalCheckSchema = z.object({
  workspace_id: z.string().min(1).max(200), conversation_id: z.string().min(1).max(200), agent_id: z.string().min(1).max(200),
  seen_up_to: z.number().nullable(), confirm_token: z.string().max(2000).nullable().optional(), assignee_id: z.string().max(200).nullable().optional(),
}).strict();

export const PresenceResponseSchema = z.object({ activities: z.array(ActivitySchema), agents: z.array(AgentViewSchema) });
export type PresenceResponse = z.infer<typeof PresenceResponseSchema>;
export const PresenceSetResponseSchema = z.object({ agent: AgentViewSchema });
export const PullResponseSchema = z.object({ conversation_id: z.string().nullable() });
export const OfferAnswerResponseSchema = z.object({ conversation: z.record(z.string(), z.unknown()) });
export const HeartbeatResponseSchema = z.object({ agents: z.array(PresenceEntrySchema) });

/** What the hub pushes on WS /v1/routing/stream. */
export const RoutingPushSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('offer'), offer: OfferSchema,
    conversation: z.object({ id: z.string(), priority: z.string(), team_id: z.string(), queue_id: z.string(), dues: SlaDuesSchema }),
  }),
  z.object({ type: z.literal('offer_closed'), offer_id: z.string(), conversation_id: z.string(), outcome: z.enum(['accepted', 'rejected', 'expired', 'withdrawn']) }),
  z.object({ type: z.literal('presence'), agent_id: z.string(), activity_id: z.string(), routable: z.boolean(), at: z.number() }),
  z.object({ type: z.literal('collision'), conversation_id: z.string(), agents: z.array(PresenceEntrySchema) }),
  z.object({ type: z.literal('claim'), conversation_id: z.string(), claim: ClaimSchema.nullable() }),
  z.object({ type: z.literal('sla'), event: z.enum(['warning', 'breach']), conversation_id: z.string(), kind: SlaKindSchema, due_at: z.number() }),
  z.object({ type: z.literal('supervisor_notify'), conversation_id: z.string(), team_id: z.string(), kind: SlaKindSchema, due_at: z.number() }),
  /** a supervisor's message to this agent (POST /v1/supervisor/message) */
  z.object({ type: z.literal('agent_message'), from_agent_id: z.string(), from_name: z.string(), text: z.string(), at: z.union([z.string(), z.number()]) }),
  /** a colleague mentioned this agent ("@Ana") in an internal note */
  z.object({ type: z.literal('mention'), conversation_id: z.string(), note_id: z.string(), from_agent_id: z.string(), from_name: z.string(), text: z.string(), at: z.string() }),
  /** an insight for a department was opened or closed (to supervisors and the department's members) */
  z.object({ type: z.literal('insight'), event: z.enum(['created', 'closed']), insight_id: z.string(), department_id: z.string(), conversation_id: z.string().nullable() }),
  /** crisis mode turned on or off for a topic (hub/spikes): every agent's desk reads the crises again */
  z.object({ type: z.literal('crisis'), event: z.enum(['started', 'ended']), crisis_id: z.string(), topic: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type RoutingPush = z.infer<typeof RoutingPushSchema>;

/** What the desktop sends on the routing stream. */
export const StreamClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat'), conversation_id: z.string().min(1).max(200), activity: CollisionActivitySchema }),
  z.object({ type: z.literal('leave'), conversation_id: z.string().min(1).max(200) }),
]);
export type StreamClientMessage = z.infer<typeof StreamClientMessageSchema>;

/** A reason a reply was held back (details.conflicts of a 'collision' rejection). */
export const ConflictSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('claimed_by_other'), agent_id: z.string(), expires_at: z.number() }),
  z.object({ kind: z.literal('replied_meanwhile'), agent_id: z.string(), message_id: z.string(), at: z.number() }),
]);
export type Conflict = z.infer<typeof ConflictSchema>;

/** Whether a reply may go out: 'warn' holds it back until the agent confirms with the token. */
export const ReplyCheckSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('send'), confirmed_conflicts: z.array(ConflictSchema) }),
  z.object({ decision: z.literal('warn'), conflicts: z.array(ConflictSchema), confirm_token: z.string(), message: z.string() }),
]);
export type ReplyCheck = z.infer<typeof ReplyCheckSchema>;
export const ClaimResponseSchema = z.object({ claim: ClaimSchema });
// ---- the routing configuration: GET/PUT /v1/routing/config, PUT /v1/routing/rules ----------------
// One answer for every reader: the desktop core reads the rules' names, the rules editor the rules,
// queues and teams, the SLA screen the calendars and SLA policies (which it changes and sends back
// whole). hub/routing/schemas.ts is what the hub checks a new configuration with.

/** support teams answer customers; departments (product quality, store operations…) receive insights */
export const TeamKindSchema = z.enum(['support', 'department']);
/** A rule as hub/routing/schemas.ts keeps it (the hub validates it; the editor reads and sends it back). */
export const AdminRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  filters: z.array(z.object({ field: z.string(), op: z.string(), values: z.array(z.union([z.string(), z.number()])).optional(), value: z.number().optional() })),
  targets: z.array(z.object({ queue_id: z.string(), priority: z.number().optional(), timeout_seconds: z.number().nullable().optional() })),
});
export type AdminRule = z.infer<typeof AdminRuleSchema>;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/);
/** A business-hours calendar as hub/routing/calendar.ts keeps it: weekly windows in an IANA time zone, and holidays (local dates). */
export const AdminCalendarSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  time_zone: z.string(),
  hours: z.record(z.string(), z.array(z.tuple([HHMM, HHMM]))),
  holidays: z.array(z.string()),
});
export type AdminCalendar = z.infer<typeof AdminCalendarSchema>;
export const AdminSlaPolicySchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  /** empty = any */
  priorities: z.array(PrioritySchema),
  channels: z.array(ChannelSchema),
  /** null: the clock runs day and night */
  calendar_id: z.string().nullable(),
  first_response_seconds: z.number().nullable(),
  next_response_seconds: z.number().nullable(),
  resolution_seconds: z.number().nullable(),
  warn_at: z.number(),
  on_breach: z.array(z.object({ type: z.string() }).catchall(z.unknown())),
});
export type AdminSlaPolicy = z.infer<typeof AdminSlaPolicySchema>;
/** The workspace's routing configuration as the hub answers it; the rest (activities, offer timeout) passes through, so a screen can send the whole back. */
export const RoutingConfigViewSchema = z.object({
  rules: z.array(AdminRuleSchema),
  queues: z.array(z.object({ id: z.string(), team_id: z.string(), name: z.string().optional() }).catchall(z.unknown())),
  teams: z.array(z.object({ id: z.string(), name: z.string(), kind: TeamKindSchema })),
  default_queue_id: z.string(),
  calendars: z.array(AdminCalendarSchema),
  sla_policies: z.array(AdminSlaPolicySchema),
}).catchall(z.unknown());
export type RoutingConfigView = z.infer<typeof RoutingConfigViewSchema>;
export const RoutingConfigResponseSchema = z.object({ config: RoutingConfigViewSchema });
/** PUT /v1/routing/config: a whole configuration, checked by the hub with hub/routing/schemas.ts (every problem answered at once, as invalid_config) */
export const SetRoutingConfigSchema = z.record(z.string(), z.unknown());
/** PUT /v1/routing/rules: the rules in their order; the hub checks each rule with its own schema (hub/routing/schemas.ts) and answers every problem */
export const SetRoutingRulesSchema = z.object({ rules: z.array(z.unknown()).max(500) }).strict();
/** PUT /v1/routing/config and /v1/routing/rules: the configuration and the rules' version now (a change of the rules is a new version) */
export const SetRoutingConfigResponseSchema = RoutingConfigResponseSchema.extend({ rules_version: z.number().int() });
export const QueuesResponseSchema = z.object({ depths: z.record(z.string(), z.number()), order: z.record(z.string(), z.array(z.string())) });

const Duration = z.object({}).catchall(z.unknown());
/** An agent's own figures (GET /v1/metrics/me): the fields the panel shows; the rest passes through. */
export const MetricsReportSchema = z.object({
  from: z.string(), to: z.string(),
  total: z.object({
    conversations: z.number(),
    first_response: Duration, next_response: Duration, resolution: Duration, handle: Duration,
    resolved: z.number(),
    first_contact_resolution: z.object({ rate_pct: z.number().nullable() }).catchall(z.unknown()),
    sla: z.object({ overall: z.object({ hit_rate_pct: z.number().nullable() }).catchall(z.unknown()) }).catchall(z.unknown()),
    response_rate: z.object({ rate_pct: z.number().nullable() }).catchall(z.unknown()),
    csat: z.object({ mean: z.number().nullable(), csat_pct: z.number().nullable() }).catchall(z.unknown()),
  }).catchall(z.unknown()),
}).catchall(z.unknown());
export type MetricsReport = z.infer<typeof MetricsReportSchema>;

// ---- department insights: GET /v1/routing/insights, POST /v1/routing/insights/:id/close ----------

/** the conversation's subject, snippet and channel (a supervisor outside the department does not have it cached) */
const ConversationBriefSchema = z.object({ subject: z.string().nullable().optional(), snippet: z.string().nullable().optional(), channel: z.string().nullable().optional() });
export const HubInsightSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  department_id: z.string(),
  rule_id: z.string().nullable(),
  opened_at: z.number(),
  status: z.enum(['open', 'closed']),
  closed_at: z.number().nullable(),
  closed_by: z.string().nullable(),
  resolution: z.string().nullable(),
  conversation: ConversationBriefSchema.optional(),
});
export type HubInsight = z.infer<typeof HubInsightSchema>;
export const HubInsightsResponseSchema = z.object({ insights: z.array(HubInsightSchema) });
export const HubInsightCloseResponseSchema = z.object({ insight: HubInsightSchema });
// ---- rule changes (routes in hub-routes.ts; the rules editor of issue 12 uses these) --------------------

/** A conversation waiting in a queue that the rules would move ("apply to open conversations"). */
export const RuleMoveSchema = z.object({
  conversation_id: z.string(), from_queue_id: z.string(), from_team_id: z.string().nullable(),
  to_queue_id: z.string(), to_team_id: z.string(), rule_id: z.string().nullable(),
  /** the target is a department: the conversation becomes an insight */
  insight: z.boolean(),
});
export type RuleMove = z.infer<typeof RuleMoveSchema>;
/** POST /v1/routing/rules/preview { rules? } */
export const RulesPreviewResponseSchema = z.object({ rules_version: z.number().int(), moves: z.array(RuleMoveSchema) });
/** POST /v1/routing/rules/apply { rules_version, conversation_ids? } (409 rules_changed when the rules changed since the preview) */
export const RulesApplyResponseSchema = z.object({
  rules_version: z.number().int(),
  moved: z.array(RuleMoveSchema),
  skipped: z.array(z.object({ conversation_id: z.string(), reason: z.enum(['unknown', 'not_waiting', 'unchanged']) })),
});
/** GET /v1/routing/rules/versions: newest first; `rules` = how many rules that version has */
export const RuleVersionsResponseSchema = z.object({
  current: z.number().int(),
  versions: z.array(z.object({
    version: z.number().int(), changed_by: z.string().nullable(), changed_by_name: z.string().nullable(), changed_at: z.string(), rules: z.number().int(),
  })),
});
/** GET /v1/routing/rules/versions/:version */
export const RuleVersionResponseSchema = z.object({ version: z.number().int(), rules: z.array(AdminRuleSchema), changed_by: z.string().nullable(), changed_at: z.string() });
