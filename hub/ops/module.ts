/**
 * ops: what a load balancer and a monitoring system ask of a hub. Infrastructure endpoints, kept
 * apart from the API contract (shared/contract/hub-routes.ts is what the desktop calls under /v1;
 * these are at the root, where load balancers and Prometheus look for them, and no desktop calls them):
 *
 * - `GET /healthz`: the process is up and its event loop answers (no database): 200 `{ok: true}`.
 * - `GET /readyz`: the database answers, its schema is this hub's, a routing leader is known
 *   (health.ts): 200 `{ready: true, checks}`, else 503 `{ready: false, reason, checks}`.
 * - `GET /metrics`: Prometheus text (metrics.ts). On the hub's port it needs `Authorization: Bearer`
 *   with an admin's session token or the `TEND_METRICS_TOKEN`; with `TEND_METRICS_PORT` it is also
 *   served without credentials on that port alone (`TEND_METRICS_HOST`, default 127.0.0.1), for a
 *   scraper on a private network.
 *
 * Health and readiness need no session: a load balancer has none, and they tell nothing private.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from '../api/errors';
import type { AuthSession, HubLogger, HubModule } from '../api/module';
import { readiness, type ReadinessDeps } from './health';
import { hubMetrics, type MetricSources } from './metrics';

export interface OpsOptions {
  /** a bearer token Prometheus scrapes /metrics with on the hub's port (default TEND_METRICS_TOKEN; at least 16 characters) */
  metricsToken?: string | null;
  /** a port of its own for /metrics, without credentials (default TEND_METRICS_PORT; unset = none) */
  metricsPort?: number | null;
  /** where that port listens (default TEND_METRICS_HOST, else 127.0.0.1) */
  metricsHost?: string;
}

export interface OpsModule extends HubModule {
  /** where the metrics port listens, once started (null: none) */
  metricsUrl(): string | null;
}

/** `Authorization: Bearer …` (as api/server.ts reads it for sessions) */
function bearer(header: string | undefined): string | null {
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return m ? m[1] : null;
}

export function opsOptionsFromEnv(env: NodeJS.ProcessEnv): OpsOptions {
  const port = env.TEND_METRICS_PORT ? Number(env.TEND_METRICS_PORT) : null;
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`TEND_METRICS_PORT must be 0..65535, got ${env.TEND_METRICS_PORT}`);
  return { metricsToken: env.TEND_METRICS_TOKEN || null, metricsPort: port, metricsHost: env.TEND_METRICS_HOST || '127.0.0.1' };
}

export function opsModule(deps: ReadinessDeps & MetricSources & {
  /** the session of a bearer token (hub/accounts) */
  session(token: string): Promise<AuthSession | null>;
  logger: HubLogger;
}, options: OpsOptions = {}): OpsModule {
  const token = options.metricsToken ?? null;
  if (token !== null && token.length < 16) throw new Error('TEND_METRICS_TOKEN must be at least 16 characters');
  const tokenHash = token ? createHash('sha256').update(token).digest() : null;
  const metrics = hubMetrics(deps);
  let port: Server | null = null;
  let portUrl: string | null = null;

  const render = async (reply: FastifyReply) => reply.header('content-type', metrics.contentType).send(await metrics.render());
  /** a scraper's token, or an admin's session */
  const mayScrape = async (req: FastifyRequest): Promise<'ok' | 'unauthorized' | 'forbidden'> => {
    const given = bearer(req.headers.authorization);
    if (!given) return 'unauthorized';
    if (tokenHash && timingSafeEqual(createHash('sha256').update(given).digest(), tokenHash)) return 'ok';
    const session = await deps.session(given);
    if (!session) return 'unauthorized';
    return session.agent.role === 'admin' ? 'ok' : 'forbidden';
  };

  return {
    name: 'ops',
    routes(app) {
      // before the other modules' routes, so every route is measured
      app.addHook('onResponse', async (req, reply) => {
        const route = req.routeOptions.url;
        if (route) metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      });
      app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
      app.get('/readyz', { config: { public: true } }, async (_req, reply) => {
        const r = await readiness(deps);
        return reply.code(r.ready ? 200 : 503).send(r);
      });
      // public to the session hook: the check is its own (a scraper's token is not a session)
      app.get('/metrics', { config: { public: true } }, async (req, reply) => {
        const may = await mayScrape(req);
        if (may === 'unauthorized') return reply.code(401).send(apiError('unauthorized', 'metrics need Authorization: Bearer <TEND_METRICS_TOKEN or an admin\'s session token>'));
        if (may === 'forbidden') return reply.code(403).send(apiError('forbidden', 'metrics are for admins'));
        return render(reply);
      });
    },
    async start() {
      if (options.metricsPort === null || options.metricsPort === undefined) return;
      const host = options.metricsHost ?? '127.0.0.1';
      port = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
          return;
        }
        metrics.render().then((text) => { res.writeHead(200, { 'content-type': metrics.contentType }).end(text); }, (err: unknown) => {
          deps.logger.error({ err }, 'metrics failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed: see the hub log\n');
        });
      });
      await new Promise<void>((resolve, reject) => {
        port!.once('error', reject);
        port!.listen(options.metricsPort!, host, () => { port!.off('error', reject); resolve(); });
      });
      const addr = port.address();
      portUrl = `http://${host.includes(':') ? `[${host}]` : host}:${typeof addr === 'object' && addr ? addr.port : options.metricsPort}/metrics`;
    },
    async stop() {
      const p = port;
      port = null;
      portUrl = null;
      if (p) await new Promise<void>((resolve) => { p.close(() => resolve()); p.closeAllConnections(); });
    },
    metricsUrl: () => portUrl,
  };
}
