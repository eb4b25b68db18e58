/**
 * startHub(): the whole care hub in one call — database (PGlite or PostgreSQL), migrations,
 * API server, outbound dispatcher, optional demo. Used by the CLI, tests, e2e and benchmarks.
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
import { HubIngestor, type AnalyzePost, type RoutePost } from './ingest';
import { startDemo, type DemoInfo, type DemoOptions } from './demo/demo';
import { startSnoozeWaker } from './snooze';

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
}

export interface HubContext {
  app: FastifyInstance;
  db: Db;
  log: ChangeLog;
  connectors: ConnectorRegistry;
  ingestor(workspaceId: string): HubIngestor;
}

export interface Hub {
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

    const app = await buildApi(log, { logger: options.logger });
    const ingestor = (workspaceId: string) =>
      new HubIngestor(log, { workspaceId, analyzePost: options.analyzePost, route: options.route });
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
    dispatcher?.start();
    if (dispatcher) cleanups.push(() => dispatcher.stop());
    if (options.snoozeCheckMs !== 0) cleanups.push(startSnoozeWaker(log, options.snoozeCheckMs ?? 15_000));

    let demo: DemoInfo | null = null;
    if (options.demo) {
      demo = await startDemo(log, { analyzePost: options.analyzePost, route: options.route, ...(options.demo === true ? {} : options.demo) });
      const d = demo;
      cleanups.push(() => d.stop());
    }
    let closed = false;
    return {
      url, port, host, db, log, app, connectors, sandbox, dispatcher, ingestor, demo,
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
