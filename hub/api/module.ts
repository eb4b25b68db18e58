/**
 * What a hub module is: one small object that `startHub` (hub.ts) composes. A module brings its
 * endpoints, its hooks on the write path, and what it runs while the hub is up.
 *
 * The write path (hub/conversations) calls the hooks; each hook has one owner (startHub refuses a
 * second), and they are composed once at start, so a post pays no more than the hook itself.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Analysis, Priority } from '../../shared/domain';
import type { NormalizedPost } from '../connectors/types';
import type { Writer } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';

declare module 'fastify' {
  interface FastifyRequest {
    /** the agent of the request's session (set by the server's auth hook; null on public routes) */
    agent: AgentContext | null;
    /** the session the request came under (its public id, never the token) */
    session: { id: string } | null;
    /** this hub only passed the request on (routing's follower → leader): the hub that acts records it */
    auditedElsewhere?: boolean;
  }
  interface FastifyContextConfig {
    /** a change an admin (or supervisor) makes: recorded in the audit log when it succeeds (api/server.ts) */
    audit?: AuditedRoute;
  }
}

/**
 * The hub's structured log: Fastify's (pino). Each module gets a child named after it; inside a
 * request, `req.log` also carries the request id.
 */
export type HubLogger = FastifyBaseLogger;

/** Reports a background failure (a timer, an after-commit effect, a push) to the log. */
export const logErrors = (logger: HubLogger, what: string) => (err: unknown): void => { logger.error({ err }, what); };

/** The authenticated agent of a request, on routes behind the auth hook. */
export const agentOf = (req: FastifyRequest): AgentContext => req.agent as AgentContext;

// ---- sessions ------------------------------------------------------------------------------------

/** A live session: its public id and its agent. */
export interface AuthSession { id: string; agent: AgentContext }

/** What the server's auth hook asks of the accounts module (api/server.ts). */
export interface ServerAuth {
  /** the session of a bearer token (REST), or null */
  session(token: string): Promise<AuthSession | null>;
  /** the session of a stream ticket (WebSocket upgrades), or null; a ticket answers once */
  ticket(ticket: string): Promise<AuthSession | null>;
  /** a stream opened under a session: it is closed when the session ends */
  streamOpened(session: AuthSession, socket: WebSocket): void;
  /** records an audited route's success */
  audit?: RecordAudit;
}

// ---- audit ---------------------------------------------------------------------------------------

/**
 * A route whose success is an audited change: `serve(app, route, handler, { audit: { action: 'routing.rules_changed', body: true } })`.
 * The server records who, when, from where, the route's `:id` (as the target) and, with `body`, the
 * request body (never for routes that carry secrets).
 */
export interface AuditedRoute { action: string; target_type?: string; body?: boolean }

/** One audit log entry as a module records it (hub/accounts/audit.ts keeps them). */
export interface AuditRecord {
  workspace_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type?: string | null;
  target_id?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}
export type RecordAudit = (entry: AuditRecord) => Promise<void>;

export interface HubModule {
  readonly name: string;
  /** endpoints, registered before the server listens; each needs a session unless declared `config: { public: true }` */
  routes?(app: FastifyInstance): void | Promise<void>;
  /** hooks on ingest: every inbound post */
  ingest?: IngestHooks;
  /** hooks on mutations: every batch from an agent's outbox */
  mutations?: MutationHooks;
  /** once the server listens (timers, pollers, elections) */
  start?(server: { url: string; port: number; host: string }): void | Promise<void>;
  /** at close, after the server stopped, in the reverse order of the modules */
  stop?(): void | Promise<void>;
}

// ---- ingest --------------------------------------------------------------------------------------

/** Analysis of an inbound post (hub/analysis). */
export type AnalyzePost = (post: NormalizedPost) => Analysis | Promise<Analysis>;

export interface RouteInput {
  workspace_id: string;
  /** the id the new conversation is written with */
  conversation_id: string;
  post: NormalizedPost;
  analysis: Analysis;
  customer_id: string;
  /** what routing rules may read of the customer (from ingest's own lookup: no extra round trip) */
  customer: { tier: string | null; followers: number | null };
  default_team_id: string | null;
}
export interface RouteDecision {
  /**
   * the team queue the conversation is written to; null: not routed yet, so in nobody's queue (and on
   * no desktop) until routing places it after the commit (a hub that does not run routing itself)
   */
  team_id: string | null;
  assignee_id?: string | null;
  priority?: Priority;
  /** SLA due times; default: first response due one hour after the post */
  first_response_due_at?: string | null;
  resolution_due_at?: string | null;
}
/**
 * Where a new conversation queues (hub/routing): called once, inside the write transaction, so the
 * conversation's first stored (and synced) state is its routed state. Must not touch the database.
 */
export type RoutePost = (input: RouteInput) => RouteDecision | Promise<RouteDecision>;

/**
 * Inbound posts that answer something the hub asked (hub/metrics: survey answers). An answer is
 * recorded and does not reopen its conversation.
 */
export interface InboundAnswers {
  /** SQL condition: conversation `conversationId` (an SQL expression) waits for an answer. Read inside ingest's own statements. */
  waitingSql(conversationId: string): string;
  /** a post to a waiting conversation: records it when it is an answer; the score goes onto the conversation's analysis */
  record(w: Writer, post: { conversation_id: string; message_id: string; at: number; text: string }): Promise<{ kind: 'csat' | 'effort'; score: number } | null>;
}

/** A customer's post as stored, with its analysis (the brand's own posts are not). */
export interface StoredPost { message_id: string; conversation_id: string; post: NormalizedPost; analysis: Analysis }

export interface IngestHooks {
  /** the analysis hook of a workspace (its own learned models) */
  analyzerFor?(workspaceId: string): AnalyzePost;
  /**
   * after the commit of customers' posts with their analysis (hub/spikes counts them); synchronous
   * and cheap: slow work is the hook's own to defer
   */
  stored?(workspaceId: string, posts: StoredPost[]): void;
  route?: RoutePost;
  /** before the write: a promise when `route` cannot decide for the workspace yet (routing loads it, once); null when it can */
  routeReady?(workspaceId: string): Promise<void> | null;
  answers?: InboundAnswers;
}

// ---- mutations -----------------------------------------------------------------------------------

/** Result of a reply collision check (hub/routing's CollisionTracker.checkReply). */
export type ReplyCollisionCheck =
  | { decision: 'send' }
  | { decision: 'warn'; conflicts: unknown[]; confirm_token: string; message: string };

export type LabelTask = 'sentiment' | 'intent' | 'topic' | 'priority';

/** A public reply of a batch, as the collision check needs it. */
export interface PublicReply { conversation_id: string; seen_up_to: number | null; confirm_token: string | null }

/**
 * What other hub modules add to mutations. All optional: without them replies are never checked
 * for collisions, corrections are stored but nothing learns, and resolving asks no survey.
 */
export interface MutationHooks {
  /** before the write transaction, may read the database (e.g. load the workspace's routing); gets the batch's public replies */
  prepare?(agent: AgentContext, replies: PublicReply[]): Promise<void>;
  /** public replies: hub/routing's collision check; synchronous, runs inside the transaction */
  checkReplyCollision?(input: { workspace_id: string; conversation_id: string; agent_id: string; seen_up_to: number | null; confirm_token: string | null; assignee_id: string | null }): ReplyCollisionCheck;
  /** after the commit of a fresh correct_label: the workspace's model learns the customer's text */
  learnLabel?(workspaceId: string, correction: { text: string; task: LabelTask; label: string }): Promise<void>;
  /**
   * inside the transaction of a fresh resolve, after the conversation is written (e.g. surveys: the
   * questions are queued in the same commit as the resolve, so no crash can keep one and lose the other)
   */
  onResolve?(w: Writer, workspaceId: string, conversationId: string): Promise<void>;
  /**
   * inside the transaction of a fresh resolve, after onResolve (hub/quality: the conversation's automatic
   * quality score is kept with the resolve, whichever path resolved it; `resolvedBy` is the agent who did).
   * It must never fail the resolve: hub/quality runs it in a savepoint and logs its failures
   */
  scoreResolve?(w: Writer, conversation: { id: string; workspace_id: string }, resolvedBy: string): Promise<void>;
  /**
   * public replies, inside the transaction (hub/approvals): why the reply must wait for a supervisor's
   * approval, one reason a line; empty: it is queued for sending as usual
   */
  replyApproval?(w: Writer, reply: {
    workspace_id: string; conversation_id: string; customer_id: string; agent_id: string; text: string; analysis: Analysis | null;
  }): Promise<string[]>;
  /** after the commit of a fresh note that mentions colleagues ("@Ana"): hub/routing tells them at once */
  afterMention?(workspaceId: string, mention: { conversation_id: string; note_id: string; from_agent_id: string; from_name: string; text: string; agent_ids: string[] }): Promise<void>;
}

/** The modules' hooks as the write path uses them: one owner per hook, composed once at start. */
export function composeHooks(modules: HubModule[]): { ingest: IngestHooks; mutations: MutationHooks } {
  const ingest: Record<string, unknown> = {};
  const mutations: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  const take = (into: Record<string, unknown>, kind: string, m: HubModule, hooks: object | undefined) => {
    for (const [name, hook] of Object.entries(hooks ?? {})) {
      if (hook === undefined) continue;
      const key = `${kind}.${name}`;
      if (owner.has(key)) throw new Error(`hub modules ${owner.get(key)} and ${m.name} both provide the ${key} hook`);
      owner.set(key, m.name);
      into[name] = hook;
    }
  };
  for (const m of modules) {
    take(ingest, 'ingest', m, m.ingest);
    take(mutations, 'mutations', m, m.mutations);
  }
  return { ingest: ingest as IngestHooks, mutations: mutations as MutationHooks };
}
