/**
 * startHub(): the whole care hub in one call — database (PGlite or PostgreSQL), migrations,
 * API server, outbound dispatcher, optional demo. Used by the CLI, tests, e2e and benchmarks.
 *
 * Modules wired in (each can be turned off): analysis of every inbound post (one analyzer per
 * workspace, models in `analysis_models`), routing (offers, presence, SLA, collision checks on
 * replies), metrics endpoints and survey answers, the supervisor floor, platform webhooks /
 * outbound connectors / feed poller from TEND_* environment variables, CSAT surveys after a
 * resolve (off unless asked: they add outbound messages).
 */
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from './db/db';
import { migrate, MIGRATIONS, type Migration } from './db/migrate';
import { ChangeLog, NOTIFY_CHANNEL } from './sync/changelog';
import { buildApi } from './api/server';
import { ConnectorRegistry } from './outbound/registry';
import { Dispatcher, type DispatcherOptions } from './outbound/dispatcher';
import { SandboxConnector } from './connectors/sandbox';
import type { OutboundConnector } from './connectors/types';
import { HubIngestor, type AnalyzePost, type RoutePost } from './conversations/ingest';
import { startDemo, type DemoInfo, type DemoOptions } from './demo/demo';
import { startSnoozeWaker } from './conversations/snooze';
import { startStatsRefresher } from './db/maintenance';
import { AnalysisService } from './analysis/service';
import { PgModelStore } from './analysis/pg-store';
import { RoutingService, type RoutingServiceOptions } from './routing/service';
import { INTERNAL_CHECK_PATH, registerRoutingRoutes, SECRET_HEADER } from './routing/api';
import { RoutingLeadership } from './routing/leader';
import { askLeaderToCheckReply, forwardHttp } from './routing/proxy';
import { registerSupervisorRoutes } from './supervisor/routes';
import { createSurveyHook } from './metrics/survey-delivery';
import type { MutationHooks } from './conversations/mutations';
import {
  createOutboundConnectors, fileFeedStateStore, loadConnectorConfig, memoryFeedStateStore, registerWebhooks, startFeedPoller,
  type ConnectorConfig,
} from './connectors';
import type { Ingestor } from './connectors/types';
import { join } from 'node:path';
import { hostname } from 'node:os';

export interface StartHubOptions {
  /** an open Db to use (the caller closes it); otherwise one is opened from the options below */
  db?: Db;
  /** postgres://… : a PostgreSQL server; otherwise PGlite */
  databaseUrl?: string;
  /** PGlite data directory (default: in memory) */
  dataDir?: string;
  schema?: string;
  /** default 0 = a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** seed the demo workspace and replay IBM care conversations */
  demo?: boolean | DemoOptions;
  /** registered after the sandbox connector; a connector for a channel replaces '*' for it */
  connectors?: OutboundConnector[];
  /** register the sandbox connector for every channel (default true) */
  sandbox?: boolean;
  /** false: no dispatcher (tests that drive delivery by hand) */
  dispatcher?: DispatcherOptions | false;
  analyzePost?: AnalyzePost;
  route?: RoutePost;
  logger?: boolean;
  /** how often snoozed conversations are checked for waking (ms, default 15 000; 0 = never) */
  snoozeCheckMs?: number;
  /** extra migrations of other modules (routing, metrics…), merged with the core ones by version */
  migrations?: Migration[];
  /**
   * Runs before the server listens: register more routes/plugins on `app` (webhooks, routing,
   * metrics), connectors, pollers. May return a cleanup, run at close (after the server stopped).
   */
  extend?: (ctx: HubContext) => Promise<void | (() => Promise<void>)> | void | (() => Promise<void>);
  /** analysis of inbound posts (default true; an `analyzePost` option replaces it for ingest) */
  analysis?: boolean | AnalysisService;
  /**
   * routing service, routes and its ingest hook (default off here, on in the CLI: it offers and assigns conversations by itself; a `route` option replaces the hook).
   * On a PostgreSQL server opened from `databaseUrl`, hubs of one schema elect one routing leader (hub/routing/leader.ts);
   * the others forward routing to it. `leaderRetryMs`: how often a follower tries to take over (default 3000).
   */
  routing?: boolean | (RoutingServiceOptions & { leaderRetryMs?: number });
  /** where other hubs reach this one (routing leader); default TEND_HUB_URL, else the listen URL (0.0.0.0 → this host's name) */
  publicUrl?: string;
  /** /v1/metrics/* endpoints (default true) */
  metrics?: boolean;
  /** CSAT and effort questions sent after a resolve (default false) */
  surveys?: boolean;
  /** /v1/supervisor/* endpoints (default true) */
  supervisor?: boolean;
  /** webhooks, outbound connectors and feeds: a config, or false; default loadConnectorConfig(process.env) */
  channels?: ConnectorConfig | false;
  /** workspace that platform webhooks and feeds ingest into; default TEND_WORKSPACE, else the demo's, else the first */
  channelWorkspace?: string;
}

export interface HubContext {
  app: FastifyInstance;
  db: Db;
  log: ChangeLog;
  connectors: ConnectorRegistry;
  ingestor(workspaceId: string): HubIngestor;
}

export interface Hub {
  analysis: AnalysisService | null;
  routing: RoutingService | null;
  url: string;
  port: number;
  host: string;
  db: Db;
  log: ChangeLog;
  app: FastifyInstance;
  connectors: ConnectorRegistry;
  sandbox: SandboxConnector | null;
  dispatcher: Dispatcher | null;
  /** an Ingestor for a workspace, with this hub's analysis and routing hooks */
  ingestor(workspaceId: string): HubIngestor;
  demo: DemoInfo | null;
  close(): Promise<void>;
}

export async function startHub(options: StartHubOptions = {}): Promise<Hub> {
  const ownDb = !options.db;
  const db = options.db ?? await openDb({ url: options.databaseUrl, dataDir: options.dataDir, schema: options.schema });
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const extra = options.migrations ?? [];
    const all = [...MIGRATIONS, ...extra.filter((m) => !MIGRATIONS.some((c) => c.version === m.version))].sort((a, b) => a.version - b.version);
    await migrate(db, all);
    const log = new ChangeLog(db);
    if (db.kind === 'pg') {
      // pokes from other hub instances sharing this server and schema
      const unlisten = await db.listen(NOTIFY_CHANNEL, (payload) => { if (payload === db.schema) log.poke(); });
      cleanups.push(unlisten);
    }
    const connectors = new ConnectorRegistry();
    const sandbox = options.sandbox === false ? null : new SandboxConnector(db);
    if (sandbox) connectors.register(sandbox);
    for (const c of options.connectors ?? []) connectors.register(c);
    const dispatcher = options.dispatcher === false ? null : new Dispatcher(log, connectors, options.dispatcher);

    const analysis = options.analysis === false ? null
      : options.analysis instanceof AnalysisService ? options.analysis : new AnalysisService({ store: new PgModelStore(db) });
    const routing = !options.routing ? null
      : new RoutingService(log, typeof options.routing === 'object' ? options.routing : {});
    // several hubs may share this server and schema: one leads routing (a Db handed in without its URL routes alone)
    const databaseUrl = options.databaseUrl;
    const leadership = routing && db.kind === 'pg' && databaseUrl
      ? new RoutingLeadership({
        db, databaseUrl, retryMs: typeof options.routing === 'object' ? options.routing.leaderRetryMs : undefined,
        onChange: (leads) => (leads ? routing.promote() : routing.demote()),
      })
      : null;
    if (routing && leadership) routing.shared((input) => askLeaderToCheckReply(() => leadership.leader(), INTERNAL_CHECK_PATH, SECRET_HEADER, input));
    const hooks: MutationHooks = {
      async prepare(agent, batch) {
        // the collision check runs inside the write transaction: load the workspace's routing (or ask the leader) before
        if (!routing) return;
        const replies = (batch as Array<{ type: string; args?: any }>).filter((m) => m.type === 'reply' && m.args?.visibility === 'public').map((m) => ({
          conversation_id: String(m.args.conversation_id), seen_up_to: m.args.seen_up_to ? Date.parse(m.args.seen_up_to) : null, confirm_token: m.args.confirm_collision ?? null,
        }));
        await routing.prepareReplyChecks(agent.workspace_id, agent.id, replies);
      },
      checkReplyCollision: routing ? (input) => routing.checkReplyCollision(input) : undefined,
      learnLabel: analysis ? (ws, c) => analysis.learn(ws, c) : undefined,
      afterResolve: options.surveys ? createSurveyHook(log) : undefined,
    };
    const app = await buildApi(log, { logger: options.logger, mutationHooks: hooks, metrics: options.metrics });
    const analyzeFor = (workspaceId: string) => options.analyzePost ?? analysis?.hookFor(workspaceId);
    const routeHook = options.route ?? (routing ? routing.routePost : undefined);
    const ingestor = (workspaceId: string) =>
      new HubIngestor(log, { workspaceId, analyzePost: analyzeFor(workspaceId), route: routeHook });
    if (routing) {
      routing.start();
      cleanups.push(async () => {
        // output written before the lock is given back, so the next leader loads it
        await routing.stop();
        await leadership?.stop();
      });
      registerRoutingRoutes(app, { routing, leadership });
    }
    if (options.supervisor !== false) {
      const stopSupervisor = registerSupervisorRoutes(app, {
        log, routing,
        forwardToRoutingLeader: routing && leadership ? (req, reply) => (routing.isLeader ? null : forwardHttp(() => leadership.leader(), req, reply)) : null,
      });
      cleanups.push(async () => stopSupervisor());
    }

    const channels = options.channels === false ? null : options.channels ?? loadConnectorConfig(process.env);
    let channelWs: string | null = options.channelWorkspace ?? process.env.TEND_WORKSPACE ?? (options.demo ? 'demo' : null);
    const channelIngestors = new Map<string, HubIngestor>();
    const channelIngestor: Ingestor = {
      async ingest(post) {
        if (!channelWs) {
          const [first] = await db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1');
          if (!first) throw new Error('no workspace to ingest into: create one or set TEND_WORKSPACE');
          channelWs = first.id;
        }
        let ing = channelIngestors.get(channelWs);
        if (!ing) { ing = ingestor(channelWs); channelIngestors.set(channelWs, ing); }
        return ing.ingest(post);
      },
    };
    if (channels) {
      await app.register(registerWebhooks, { ingestor: channelIngestor, config: channels.webhooks });
      for (const c of createOutboundConnectors(channels)) connectors.register(c);
    }
    if (options.extend) {
      const cleanup = await options.extend({ app, db, log, connectors, ingestor });
      if (typeof cleanup === 'function') cleanups.push(cleanup);
    }
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 0, host });
    cleanups.push(() => app.close());
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : options.port ?? 0;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (leadership) {
      const anyHost = host === '0.0.0.0' || host === '::';
      leadership.url = options.publicUrl ?? process.env.TEND_HUB_URL ?? (anyHost ? `http://${hostname()}:${port}` : url);
      await leadership.start();
    }
    dispatcher?.start();
    if (dispatcher) cleanups.push(() => dispatcher.stop());
    if (channels && channels.feeds.length) {
      const poller = startFeedPoller({
        feeds: channels.feeds, ingestor: channelIngestor,
        stateStore: options.dataDir ? fileFeedStateStore(join(options.dataDir, 'feeds')) : memoryFeedStateStore(),
      });
      cleanups.push(() => poller.stop());
    }
    if (options.snoozeCheckMs !== 0) cleanups.push(startSnoozeWaker(log, options.snoozeCheckMs ?? 15_000));
    cleanups.push(startStatsRefresher(db));

    let demo: DemoInfo | null = null;
    if (options.demo) {
      // the demo keeps its own team choice (by company) unless a route hook is given
      demo = await startDemo(log, { analyzePost: analyzeFor('demo'), route: options.route, ...(options.demo === true ? {} : options.demo) });
      const d = demo;
      cleanups.push(() => d.stop());
    }
    let closed = false;
    return {
      url, port, host, db, log, app, connectors, sandbox, dispatcher, ingestor, demo, analysis, routing,
      async close() {
        if (closed) return;
        closed = true;
        for (const c of cleanups.reverse()) await c().catch(() => {});
        if (ownDb) await db.close();
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    if (ownDb) await db.close();
    throw err;
  }
}
