/**
 * The hub's HTTP + WebSocket API (Fastify 5), implementing shared/contract/hub-api.ts.
 * Requests are parsed with the contract's zod schemas; every refusal is a 4xx with an ApiError
 * body, decided before anything is written. Sync pages are assembled as JSON text in SQL
 * (hub/sync/scope.ts) and sent as they are.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { z } from 'zod';
import {
  HydrateRequestSchema, LoginRequestSchema, MutationBatchSchema, type ApiError, type Mutation,
} from '../../shared/contract/hub-api';
import { LIMITS } from '../../shared/domain';
import { agentContextForToken, burnPasswordCheck, createSession, verifyPassword } from '../accounts/auth';
import { applyMutations, MutationBatchError, type MutationHooks } from '../conversations/mutations';
import { registerMetricsRoutes } from '../metrics/routes';
import { startMetricFactsRefresher } from '../metrics/facts';
import type { ChangeLog } from '../sync/changelog';
import {
  bootstrapPage, changesPage, decodeCursor, hydrate, type AgentContext,
} from '../sync/scope';
import { agentJson } from '../sync/rows';
import { attachStream } from '../sync/stream';

export interface ApiOptions {
  /** largest accepted request body (bytes); default 5 MiB (a full batch of 100 replies of 10,000 four-byte characters fits) */
  bodyLimit?: number;
  logger?: boolean;
  /** collision checks, learning from corrections, surveys after a resolve (see hub.ts) */
  mutationHooks?: MutationHooks;
  /** the metrics endpoints (/v1/metrics/*); default true */
  metrics?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    agent: AgentContext | null;
  }
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

const apiError = (code: string, message: string, details?: unknown): ApiError =>
  ({ error: details === undefined ? { code, message } : { code, message, details } });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new HttpError(400, 'invalid', `invalid ${what}: ${issues.join('; ')}`, { issues: r.error.issues });
}

const BootstrapQuerySchema = z.object({
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(500),
});
const ChangesQuerySchema = z.object({
  since: z.coerce.number().int().refine(Number.isSafeInteger, 'since is out of range'),
  limit: z.coerce.number().int().min(1).max(LIMITS.syncPageMax).default(1000),
});

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    return m ? m[1] : null;
  }
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : null;
}

export async function buildApi(log: ChangeLog, options: ApiOptions = {}): Promise<FastifyInstance> {
  const db = log.db;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.decorateRequest('agent', null);

  app.setErrorHandler((err: any, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send(apiError(err.code, err.message, err.details));
    if (err instanceof MutationBatchError) return reply.code(err.status).send(apiError(err.code, err.message, err.details));
    const code: string = err?.code ?? '';
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(apiError('payload_too_large', `request body is larger than ${app.initialConfig.bodyLimit} bytes`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(apiError('unsupported_media_type', 'send JSON (Content-Type: application/json)'));
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send(apiError('invalid', 'the JSON body is empty'));
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) return reply.code(400).send(apiError('malformed_json', `malformed JSON: ${err.message}`));
    const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) return reply.code(status).send(apiError(code || 'bad_request', err.message));
    app.log.error(err);
    return reply.code(500).send(apiError('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(apiError('not_found', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`)));

  // Every route but login needs a bearer token of a live session.
  // Routes declared with `config: { public: true }` (platform webhooks, which authenticate by
  // signature) are let through.
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.url === '/v1/auth/login' || !req.routeOptions.url) return;
    if ((req.routeOptions.config as { public?: boolean } | undefined)?.public === true) return;
    const token = bearerToken(req);
    const agent = token ? await agentContextForToken(db, token) : null;
    if (!agent) throw new HttpError(401, 'unauthorized', token ? 'the token is unknown or expired: log in again' : 'missing bearer token');
    req.agent = agent;
  });

  // the metric facts are refreshed off the write path, in batches (hub/metrics/facts.ts)
  const facts = startMetricFactsRefresher(db, { onError: (err) => app.log.error(err) });
  app.addHook('onClose', async () => { await facts.stop(); });

  const agentOf = (req: FastifyRequest) => req.agent as AgentContext;
  if (options.metrics !== false) registerMetricsRoutes(app, { db, authenticate: (req) => req.agent });
  const sendJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

  app.post('/v1/auth/login', async (req, reply) => {
    const body = parse(LoginRequestSchema, req.body, 'login request');
    const [row] = await db.query<{ id: string; password_hash: string }>(
      'SELECT id, password_hash FROM agents WHERE lower(email) = lower($1)', [body.email]);
    if (!row) {
      await burnPasswordCheck(body.password);
      throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
    }
    if (!(await verifyPassword(body.password, row.password_hash))) throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
    const token = await createSession(db, row.id);
    const [a] = await db.query<{ j: string }>(`SELECT ${agentJson('a')}::text AS j FROM agents a WHERE a.id = $1`, [row.id]);
    return sendJson(reply, `{"token":${JSON.stringify(token)},"agent":${a.j}}`);
  });

  app.get('/v1/me', async (req, reply) => {
    const agent = agentOf(req);
    const [r] = await db.query<{ me: string; teams: string; agents: string }>(
      `SELECT (SELECT ${agentJson('a')}::text FROM agents a WHERE a.id = $2) AS me,
              (SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind) ORDER BY t.name), '[]')::text
                 FROM teams t WHERE t.workspace_id = $1) AS teams,
              (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name), '[]')::text
                 FROM agents g WHERE g.workspace_id = $1) AS agents`, [agent.workspace_id, agent.id]);
    return sendJson(reply, `{"agent":${r.me},"teams":${r.teams},"agents":${r.agents}}`);
  });

  app.get('/v1/sync/bootstrap', async (req, reply) => {
    const q = parse(BootstrapQuerySchema, req.query, 'query');
    const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new HttpError(400, 'invalid', 'invalid cursor: pass back next_cursor as it was given');
    return sendJson(reply, await bootstrapPage(db, agentOf(req), cursor, q.limit));
  });

  app.get('/v1/sync/changes', async (req, reply) => {
    const q = parse(ChangesQuerySchema, req.query, 'query');
    return sendJson(reply, (await changesPage(db, agentOf(req), q.since, q.limit)).json);
  });

  app.post('/v1/sync/hydrate', async (req, reply) => {
    const body = parse(HydrateRequestSchema, req.body, 'hydrate request');
    const r = await hydrate(db, agentOf(req), body.customer_ids);
    if (!r.ok) {
      throw r.code === 'not_found'
        ? new HttpError(404, 'not_found', `unknown customers: ${r.ids.join(', ')}`, { customer_ids: r.ids })
        : new HttpError(403, 'forbidden', `customers outside your scope: ${r.ids.join(', ')}`, { customer_ids: r.ids });
    }
    return sendJson(reply, r.json);
  });

  app.post('/v1/mutations', async (req) => {
    const body = parse(MutationBatchSchema, req.body, 'mutation batch');
    const results = await applyMutations(log, agentOf(req), body.mutations as Mutation[], options.mutationHooks);
    return { results };
  });

  attachStream(app, log);
  return app;
}
