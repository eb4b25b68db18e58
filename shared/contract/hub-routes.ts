/**
 * The hub's HTTP and WebSocket routes as one table: method, path, and the schemas of each request
 * part and of the answer. The hub serves exactly these (hub/api/route.ts `serve` registers a
 * handler for a row and parses the request with its schemas); the desktop's HubClient calls them
 * through the same rows (main/core/sync/hub-client.ts `call`) and parses each answer with the row's
 * schema. hub/api/contract.test.ts fails when a route is served that is not in the table, or the
 * other way round. No other source file spells a `/v1/...` path (lint).
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
  RuleVersionsResponseSchema, SetRoutingConfigResponseSchema,
} from './routing';
import { LogoutResponseSchema, StreamTicketSchema } from './accounts';
import { CustomerRelatedSchema, MergeRequestSchema, MergeResponseSchema } from './customers';
import { FloorSchema, RosterSchema, SupervisorMessageRequestSchema, SupervisorMessageResponseSchema, SupervisorStreamMessageSchema } from './supervisor';
import { AssistSuggestionsSchema, AssistSummarySchema } from './assist';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HubRoute {
  method: HttpMethod;
  /** Fastify's form: `:name` for a path parameter */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** the answer (2xx, JSON) */
  response: z.ZodType;
  /** no session: login, and hub-to-hub calls that carry their own secret */
  public?: true;
}

/** A WebSocket: what the hub sends and what the client may send. */
export interface HubStream {
  method: 'GET';
  path: string;
  websocket: { server: z.ZodType; client: z.ZodType };
}

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
const MetricsSettingsSchema = z.object({ roi: z.unknown(), surveys: z.unknown(), calendar: z.unknown(), sla: z.unknown(), surveys_sent: z.boolean().optional() });

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
  setRoutingConfig: { method: 'PUT', path: '/v1/routing/config', body: z.record(z.string(), z.unknown()), response: SetRoutingConfigResponseSchema },
  setRoutingRules: { method: 'PUT', path: '/v1/routing/rules', body: z.object({ rules: z.unknown() }), response: SetRoutingConfigResponseSchema },
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
  metricsSettings: { method: 'GET', path: '/v1/metrics/settings', response: MetricsSettingsSchema },
  /** admins: {roi?, surveys?, calendar?, sla?}, each validated whole before anything is written */
  setMetricsSettings: { method: 'PUT', path: '/v1/metrics/settings', body: z.record(z.string(), z.unknown()), response: MetricsSettingsSchema },
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

type Part<S> = S extends z.ZodType ? z.input<S> : never;
/** What a caller passes for a route: its path parameters, query and body, as the schemas take them. */
export type RouteCall<R extends HubRoute> =
  (R['params'] extends z.ZodType ? { params: Part<R['params']> } : { params?: never })
  & (R['query'] extends z.ZodType ? { query?: Part<R['query']> } : { query?: never })
  & (R['body'] extends z.ZodType ? { body: Part<R['body']> } : { body?: never });
export type RouteResponse<R extends HubRoute> = z.output<R['response']>;

/** The path of a route with its parameters filled in (each URL-encoded). */
export function routePath(route: { path: string }, params: Record<string, string> = {}): string {
  return route.path.replace(/:([a-z_]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`${route.path}: parameter ${name} is missing`);
    return encodeURIComponent(v);
  });
}
