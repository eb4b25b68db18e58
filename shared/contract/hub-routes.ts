/**
 * The hub's HTTP and WebSocket routes as one table: method, path, and the schemas of each request
 * part and of the answer (a row is a route.ts HubRoute). The hub serves exactly these and the
 * administration's ADMIN_ROUTES (admin.ts) (hub/api/route.ts `serve` registers a handler for a row
 * and parses the request with its schemas); the desktop's HubClient calls them through the same rows
 * (main/core/sync/hub-client.ts `call`) and parses each answer with the row's schema, so each route
 * has one schema per part that every reader shares. hub/api/contract.test.ts fails when a route is
 * served that is not in a table, or the other way round; route-tables.test.ts when a method
 * and path is in two rows. No other source file spells a `/v1/...` path (lint).
 *
 * All but the `public` routes need `Authorization: Bearer <token>`, and nowhere else (a `?token=`
 * is refused). A WebSocket upgrade carries a single-use ticket (`?ticket=`, from `streamTicket`).
 * A refusal is a 4xx/5xx with the ApiError body of hub-api.ts.
 */
import { z } from 'zod';
import { LIMITS } from '../domain';
import {
  BootstrapPageSchema, ChangesPageSchema, HydrateRequestSchema, HydrateResponseSchema, LoginRequestSchema, LoginResponseSchema,
  MeResponseSchema, MutationBatchSchema, MutationResultsSchema, StreamMessageSchema,
} from './hub-api';
import {
  CheckReplySchema, ClaimRequestSchema, ClaimResponseSchema, CloseInsightSchema, HeartbeatRequestSchema, HeartbeatResponseSchema,
  HubInsightCloseResponseSchema, HubInsightsResponseSchema, InternalCheckSchema, MetricsReportSchema, OfferAnswerResponseSchema,
  OfferAnswerSchema, PresenceRequestSchema, PresenceResponseSchema, PresenceSetResponseSchema, PullResponseSchema,
  QueuesResponseSchema, ReplyCheckSchema, RoutingConfigResponseSchema, RoutingPushSchema, StreamClientMessageSchema,
  ApplyRulesSchema, PreviewRulesSchema, RulesApplyResponseSchema, RulesPreviewResponseSchema, RuleVersionResponseSchema,
  RuleVersionsResponseSchema, SetRoutingConfigResponseSchema, SetRoutingConfigSchema, SetRoutingRulesSchema,
} from './routing';
import { LogoutResponseSchema, StreamTicketSchema } from './accounts';
import { CustomerRelatedSchema, MergeRequestSchema, MergeResponseSchema } from './customers';
import { FloorSchema, RosterSchema, SupervisorMessageRequestSchema, SupervisorMessageResponseSchema, SupervisorStreamMessageSchema } from './supervisor';
import { AssistSuggestionsSchema, AssistSummarySchema } from './assist';
import { CrisisListResponseSchema, CrisisResponseSchema, SpikeAcknowledgeResponseSchema, SpikeAlertsQuerySchema, SpikeAlertsResponseSchema, StartCrisisSchema } from './spikes';
import { MetricsSettingsBodySchema, MetricsSettingsViewSchema } from './admin';
import { ApprovalDecidedSchema, ApprovalParams, ApprovalQueueSchema, ApproveBodySchema, RejectBodySchema } from './approvals';
import { QualityParams, QualityReviewBodySchema, QualitySampleQuerySchema, QualitySampleSchema, QualityScoresSchema, QualityScoreViewSchema } from './quality';
import type { HubRoute, HubStream } from './route';

const SyncId = z.coerce.number().int().refine(Number.isSafeInteger, 'since is out of range');
export const BootstrapQuerySchema = z.object({
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(500),
});
export const ChangesQuerySchema = z.object({ since: SyncId, limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(1000) });
export const SubscribeSchema = z.object({ type: z.literal('subscribe'), since: z.number().int().refine(Number.isSafeInteger) });
const IdParams = z.object({ id: z.string().min(1).max(200) });
/** Report parameters as typed (from, to, by, agent, team, channel, format): hub/metrics/params.ts reads them with its own reasons. */
const ReportQuerySchema = z.record(z.string(), z.unknown());

export const HUB_ROUTES = {
  // ---- accounts (hub/accounts)
  login: { method: 'POST', path: '/v1/auth/login', body: LoginRequestSchema, response: LoginResponseSchema, public: true },
  /** the caller's session ends now, and every stream opened under it closes */
  logout: { method: 'POST', path: '/v1/auth/logout', response: LogoutResponseSchema },
  /** a single-use ticket, good for seconds, for one WebSocket upgrade (`?ticket=`): a session token never goes into a URL */
  streamTicket: { method: 'POST', path: '/v1/auth/ticket', response: StreamTicketSchema },
  me: { method: 'GET', path: '/v1/me', response: MeResponseSchema },

  // ---- sync (hub/sync, hub/conversations)
  bootstrap: { method: 'GET', path: '/v1/sync/bootstrap', query: BootstrapQuerySchema, response: BootstrapPageSchema },
  changes: { method: 'GET', path: '/v1/sync/changes', query: ChangesQuerySchema, response: ChangesPageSchema },
  hydrate: { method: 'POST', path: '/v1/sync/hydrate', body: HydrateRequestSchema, response: HydrateResponseSchema },
  mutations: { method: 'POST', path: '/v1/mutations', body: MutationBatchSchema, response: MutationResultsSchema },

  // ---- routing (hub/routing)
  routingConfig: { method: 'GET', path: '/v1/routing/config', response: RoutingConfigResponseSchema },
  /**
   * supervisors and admins; the body is a whole routing configuration (hub/routing/schemas.ts). Saving
   * never moves live work: new rules route new arrivals; a change of the rules is stored as a new
   * version (who, when), the first change also stores the rules it replaced as version 1.
   */
  setRoutingConfig: { method: 'PUT', path: '/v1/routing/config', body: SetRoutingConfigSchema, response: SetRoutingConfigResponseSchema },
  setRoutingRules: { method: 'PUT', path: '/v1/routing/rules', body: SetRoutingRulesSchema, response: SetRoutingConfigResponseSchema },
  /** supervisors and admins: every version of the rules, newest first */
  ruleVersions: { method: 'GET', path: '/v1/routing/rules/versions', response: RuleVersionsResponseSchema },
  ruleVersion: { method: 'GET', path: '/v1/routing/rules/versions/:version', params: z.object({ version: z.string().max(20) }), response: RuleVersionResponseSchema },
  /**
   * supervisors and admins: what "apply to open conversations" would move (conversations waiting in a
   * queue whose rules now lead elsewhere); `rules` previews a proposal without saving it
   */
  previewRules: { method: 'POST', path: '/v1/routing/rules/preview', body: PreviewRulesSchema, response: RulesPreviewResponseSchema },
  /** routes those conversations again with the saved rules; 409 rules_changed when they changed since the preview's version */
  applyRules: { method: 'POST', path: '/v1/routing/rules/apply', body: ApplyRulesSchema, response: RulesApplyResponseSchema },
  presence: { method: 'GET', path: '/v1/routing/presence', response: PresenceResponseSchema },
  setPresence: { method: 'PUT', path: '/v1/routing/presence', body: PresenceRequestSchema, response: PresenceSetResponseSchema },
  acceptOffer: { method: 'POST', path: '/v1/routing/offers/:id/accept', params: IdParams, body: OfferAnswerSchema, response: OfferAnswerResponseSchema },
  rejectOffer: { method: 'POST', path: '/v1/routing/offers/:id/reject', params: IdParams, body: OfferAnswerSchema, response: OfferAnswerResponseSchema },
  pull: { method: 'POST', path: '/v1/routing/pull', response: PullResponseSchema },
  queues: { method: 'GET', path: '/v1/routing/queues', response: QueuesResponseSchema },
  insights: { method: 'GET', path: '/v1/routing/insights', query: z.object({ department_id: z.string().min(1).max(200).optional() }), response: HubInsightsResponseSchema },
  closeInsight: { method: 'POST', path: '/v1/routing/insights/:id/close', params: IdParams, body: CloseInsightSchema, response: HubInsightCloseResponseSchema },
  heartbeat: { method: 'POST', path: '/v1/routing/collision/heartbeat', body: HeartbeatRequestSchema, response: HeartbeatResponseSchema },
  claim: { method: 'POST', path: '/v1/routing/collision/claim', body: ClaimRequestSchema, response: ClaimResponseSchema },
  releaseClaim: { method: 'DELETE', path: '/v1/routing/collision/claim/:id', params: IdParams, response: z.object({}) },
  checkReply: { method: 'POST', path: '/v1/routing/collision/check-reply', body: CheckReplySchema, response: ReplyCheckSchema },
  /** follower hub → routing leader, with the leader's secret header */
  internalCheckReply: { method: 'POST', path: '/v1/routing/internal/check-reply', body: InternalCheckSchema, response: ReplyCheckSchema, public: true },

  // ---- supervisor (hub/supervisor)
  floor: { method: 'GET', path: '/v1/supervisor/floor', response: FloorSchema },
  /** every agent (not only supervisors): each agent's presence and load, for the assign pickers */
  roster: { method: 'GET', path: '/v1/supervisor/roster', response: RosterSchema },
  messageAgent: { method: 'POST', path: '/v1/supervisor/message', body: SupervisorMessageRequestSchema, response: SupervisorMessageResponseSchema },

  // ---- spike alerts (hub/spikes; supervisors and admins, agents get 403): also on the Floor (Floor.alerts), live
  spikeAlerts: { method: 'GET', path: '/v1/spikes/alerts', query: SpikeAlertsQuerySchema, response: SpikeAlertsResponseSchema },
  /** acknowledged once: a second acknowledgement keeps the first one's who and when */
  acknowledgeSpikeAlert: { method: 'POST', path: '/v1/spikes/alerts/:id/acknowledge', params: IdParams, response: SpikeAcknowledgeResponseSchema },
  /** every agent of the workspace: the crises on now (banner, pinned holding statement) and those of the last 7 days */
  crisisList: { method: 'GET', path: '/v1/crisis', response: CrisisListResponseSchema },
  /** supervisors and admins: crisis mode on for a topic (409 while one is on for it) */
  startCrisis: { method: 'POST', path: '/v1/crisis', body: StartCrisisSchema, response: CrisisResponseSchema },
  /** supervisors and admins: crisis mode off; its routing rule goes, so the topic routes as before */
  endCrisis: { method: 'POST', path: '/v1/crisis/:id/end', params: IdParams, response: CrisisResponseSchema },

  // ---- assist (hub/assist): for conversations the desktop has not cached, the same ranking and summary it computes offline
  /** suggested replies (over the workspace's answered conversations and its agents' feedback), canned responses and help links */
  assistSuggestions: { method: 'GET', path: '/v1/assist/conversations/:id/suggestions', params: IdParams, response: AssistSuggestionsSchema },
  /** the three-line handover summary and the note text that keeps it */
  assistSummary: { method: 'GET', path: '/v1/assist/conversations/:id/summary', params: IdParams, response: AssistSummarySchema },

  // ---- customers (hub/customers; any agent of the workspace): profiles of one person merged, with undo
  customerRelated: { method: 'GET', path: '/v1/customers/:id/related', params: IdParams, response: CustomerRelatedSchema },
  mergeCustomers: { method: 'POST', path: '/v1/customers/merge', body: MergeRequestSchema, response: MergeResponseSchema },
  undoMerge: { method: 'POST', path: '/v1/customers/merges/:id/undo', params: IdParams, response: MergeResponseSchema },

  // ---- metrics (hub/metrics); `format=csv` answers text/csv instead
  metricsReport: { method: 'GET', path: '/v1/metrics/report', query: ReportQuerySchema, response: MetricsReportSchema },
  metricsMe: { method: 'GET', path: '/v1/metrics/me', query: ReportQuerySchema, response: MetricsReportSchema },
  /** supervisors and admins: return-on-care costs, how surveys are asked (CSAT, Net Easy: wording, when, where), business hours, SLA targets */
  metricsSettings: { method: 'GET', path: '/v1/metrics/settings', response: MetricsSettingsViewSchema },
  /** admins: {roi?, surveys?, calendar?, sla?}, each validated whole before anything is written */
  setMetricsSettings: { method: 'PUT', path: '/v1/metrics/settings', body: MetricsSettingsBodySchema, response: MetricsSettingsViewSchema },

  // ---- approvals for public replies (hub/approvals; supervisors and admins, never on their own reply)
  /** the replies waiting for approval in the workspace, oldest first, each with its conversation */
  approvalQueue: { method: 'GET', path: '/v1/approvals', response: ApprovalQueueSchema },
  /** approve as written, or edited (`text`): the reply is queued for sending once; 409 already_decided on a second decision */
  approveReply: { method: 'POST', path: '/v1/approvals/:id/approve', params: ApprovalParams, body: ApproveBodySchema, response: ApprovalDecidedSchema },
  /** reject with a note: never sent; the agent's desktop puts the text back in the composer with the note */
  rejectReply: { method: 'POST', path: '/v1/approvals/:id/reject', params: ApprovalParams, body: RejectBodySchema, response: ApprovalDecidedSchema },

  // ---- quality review (hub/quality): automatic scores of resolved conversations, reviews beside them
  /** an agent's own scores with the reviews of them, newest first (anyone: their own only) */
  qualityMine: { method: 'GET', path: '/v1/quality/mine', response: QualityScoresSchema },
  /** supervisors and admins: the week's review sample, a few per agent, stable across reviewers */
  qualitySample: { method: 'GET', path: '/v1/quality/sample', query: QualitySampleQuerySchema, response: QualitySampleSchema },
  /** supervisors and admins: one score with its conversation; an agent: one of their own */
  qualityScore: { method: 'GET', path: '/v1/quality/scores/:id', params: QualityParams, response: QualityScoreViewSchema },
  /** supervisors and admins, never on their own conversation: override items with notes, kept beside the automatic score (audited) */
  reviewQuality: { method: 'POST', path: '/v1/quality/scores/:id/review', params: QualityParams, body: QualityReviewBodySchema, response: QualityScoreViewSchema },
} as const satisfies Record<string, HubRoute>;

export const HUB_STREAMS = {
  /** send {type:'subscribe', since}; the hub answers `hello`, then a `changes` page after each commit touching your scope */
  sync: { method: 'GET', path: '/v1/sync/stream', websocket: { server: StreamMessageSchema, client: SubscribeSchema } },
  /** offers, presence, who is viewing/typing, SLA events, supervisor messages; the client sends heartbeats and leaves */
  routing: { method: 'GET', path: '/v1/routing/stream', websocket: { server: RoutingPushSchema, client: StreamClientMessageSchema } },
  /** supervisors and admins: the floor at once, then after changes (at most once a second); agents are closed with 4403 */
  supervisor: { method: 'GET', path: '/v1/supervisor/stream', websocket: { server: SupervisorStreamMessageSchema, client: z.never() } },
} as const satisfies Record<string, HubStream>;

export type HubRouteName = keyof typeof HUB_ROUTES;
