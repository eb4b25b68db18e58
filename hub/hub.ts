/**
 * startHub(): the whole care hub in one call — database (PGlite or PostgreSQL), migrations, the
 * API server, and the modules of modules.ts (each one object: routes, hooks on the write path,
 * start and stop; api/module.ts). Used by the CLI, tests, e2e and benchmarks.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountsModule } from './accounts/module';
import type { AnalysisService } from './analysis/service';
import { logErrors, type HubModule } from './api/module';
import { buildServer, type ServerOptions } from './api/server';
import type { SandboxConnector } from './connectors/sandbox';
import type { HubIngestor } from './conversations/ingest';
import { openDb, type Db } from './db/db';
import { migrate } from './db/migrate';
import type { DemoInfo } from './demo/demo';
import { hubModules, type ModuleOptions } from './modules';
import type { Dispatcher } from './outbound/dispatcher';
import type { ConnectorRegistry } from './outbound/registry';
import type { RoutingService } from './routing/service';
import type { SpikeService } from './spikes/service';
import { ChangeLog } from './sync/changelog';

export interface StartHubOptions extends ModuleOptions {
  /** an open Db (the caller closes it), or where to open one: a PostgreSQL server (`url`, `schema`), else PGlite in `dataDir`, else in memory */
  database?: Db | { url?: string; dataDir?: string; schema?: string };
  /**
   * a read replica of that PostgreSQL server for reports and exports (DATABASE_REPLICA_URL): an open Db (the caller
   * closes it) or its URL (opened read-only, in the database's schema)
   */
  replica?: Db | { url: string };
  /**
   * where the API listens: `port` (default 0 = a free one), `host` (default 127.0.0.1), `publicUrl` (where other hubs
   * reach this one); `logger`: the hub's log (pino JSON lines on stdout), a level or false (default: TEND_LOG_LEVEL, else 'warn')
   */
  server?: { port?: number; host?: string; publicUrl?: string; logger?: ServerOptions['logger'] };
  /**
   * Runs before the server listens: more routes/plugins on `app`, connectors, pollers (tests, embedding).
   * May return a cleanup, run at close.
   */
  extend?: (ctx: HubContext) => Promise<void | (() => Promise<void>)> | void | (() => Promise<void>);
}

export interface HubContext {
  app: FastifyInstance;
  db: Db;
  log: ChangeLog;
  connectors: ConnectorRegistry;
  ingestor(workspaceId: string): HubIngestor;
}

export interface Hub {
  /** sessions, sign-in throttling, the audit log (hub/accounts) */
  accounts: AccountsModule;
  analysis: AnalysisService | null;
  routing: RoutingService | null;
  /** live spike alerts (hub/spikes), unless turned off */
  spikes: SpikeService | null;
  url: string;
  port: number;
  host: string;
  db: Db;
  log: ChangeLog;
  app: FastifyInstance;
  connectors: ConnectorRegistry;
  sandbox: SandboxConnector | null;
  dispatcher: Dispatcher | null;
  /** an Ingestor for a workspace, with this hub's hooks (analysis, routing, survey answers) */
  ingestor(workspaceId: string): HubIngestor;
  demo: DemoInfo | null;
  /** where /metrics is served without credentials (TEND_METRICS_PORT), or null (hub/ops) */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startHub(options: StartHubOptions = {}): Promise<Hub> {
  const given = options.database && 'query' in options.database ? options.database : null;
  const where = given ? {} : (options.database ?? {}) as { url?: string; dataDir?: string; schema?: string };
  const givenReplica = options.replica && 'query' in options.replica ? options.replica : null;
  if (options.replica && !givenReplica && (given ? given.kind !== 'pg' : !where.url)) {
    throw new Error('DATABASE_REPLICA_URL needs DATABASE_URL: a replica is of a PostgreSQL server, and this hub runs on PGlite');
  }
  const db = given ?? await openDb({ url: where.url, dataDir: where.dataDir, schema: where.schema });
  let replica: Db | null = givenReplica;
  if (options.replica && !givenReplica) {
    try {
      replica = await openDb({ url: (options.replica as { url: string }).url, schema: db.schema, poolSize: 4, readOnly: true });
    } catch (err) {
      if (!given) await db.close();
      throw new Error(`cannot reach the read replica (DATABASE_REPLICA_URL): ${(err as Error).message}`, { cause: err });
    }
  }
  const server = options.server ?? {};
  let parts: ReturnType<typeof hubModules> | null = null;
  // the server first: its log is the hub's; it authenticates with the accounts module once the modules exist
  const app: FastifyInstance = await buildServer({
    logger: server.logger,
    auth: {
      session: (token) => (parts ? parts.accounts.auth.session(token) : Promise.resolve(null)),
      ticket: (ticket) => (parts ? parts.accounts.auth.ticket(ticket) : Promise.resolve(null)),
      streamOpened: (session, socket) => parts?.accounts.auth.streamOpened(session, socket),
      audit: (entry) => (parts ? parts.accounts.audit(entry) : Promise.resolve()),
    },
  });
  const onError = logErrors(app.log, 'stopping the hub');
  // at close: the server stops taking requests, then the modules stop (last started first), then the rest
  const started: HubModule[] = [];
  const stops: Array<() => unknown> = [];
  const stopAll = async () => {
    await app.close().catch(onError);
    for (const m of started.reverse()) await Promise.resolve().then(() => m.stop?.()).catch(onError);
    for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(onError);
    if (!given) await db.close();
    if (replica && !givenReplica) await replica.close().catch(onError);
  };
  try {
    await migrate(db);
    const log = new ChangeLog(db);
    stops.push(await log.listenToOtherHubs());
    parts = hubModules({ db, log, logger: app.log, databaseUrl: where.url, dataDir: where.dataDir, publicUrl: server.publicUrl, replica: replica ?? undefined }, options);
    for (const m of parts.modules) await m.routes?.(app);
    const ingestor = parts.conversations.ingestor;
    const connectors = parts.outbound.registry;
    if (options.extend) {
      const cleanup = await options.extend({ app, db, log, connectors, ingestor });
      if (typeof cleanup === 'function') stops.push(cleanup);
    }
    const host = server.host ?? '127.0.0.1';
    await app.listen({ port: server.port ?? 0, host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : server.port ?? 0;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    for (const m of parts.modules) {
      started.push(m);
      await m.start?.({ url, port, host });
    }
    let closed = false;
    return {
      url, port, host, db, log, app, connectors, ingestor, accounts: parts.accounts,
      sandbox: parts.outbound.sandbox, dispatcher: parts.outbound.dispatcher, demo: parts.demo?.info ?? null,
      analysis: parts.analysis?.service ?? null, routing: parts.routing?.service ?? null, spikes: parts.spikes?.service ?? null, metricsUrl: parts.ops.metricsUrl(),
      async close() {
        if (closed) return;
        closed = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
