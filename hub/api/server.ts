/**
 * The hub's HTTP + WebSocket server (Fastify 5): one error envelope, one auth hook. The modules
 * bring the endpoints (api/module.ts `routes`); hub.ts registers them here. Requests are parsed with
 * the contract's zod schemas (shared/contract); every refusal is a 4xx with an ApiError body
 * (api/errors.ts), decided before anything is written.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { AgentContext } from '../sync/scope';
import { apiError, HttpError } from './errors';

export interface ServerOptions {
  /** the agent behind a bearer token of a live session, or null */
  authenticate(token: string): Promise<AgentContext | null>;
  /** largest accepted request body (bytes); default 5 MiB (a full batch of 100 replies of 10,000 four-byte characters fits) */
  bodyLimit?: number;
  /**
   * The hub's log, Fastify's pino (JSON lines on stdout, each request's with its request id): a level
   * ('info' logs every request), true ('info'), or false (silent). Default: TEND_LOG_LEVEL, else 'warn'.
   */
  logger?: boolean | string;
}

/** The session token of a request: `Authorization: Bearer …`, or `?token=` (WebSockets from a browser). */
export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    return m ? m[1] : null;
  }
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : null;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const level = options.logger === undefined ? process.env.TEND_LOG_LEVEL ?? 'warn' : options.logger === true ? 'info' : options.logger;
  const app = Fastify({ logger: level === false ? false : { level }, bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.decorateRequest('agent', null);

  app.setErrorHandler((err: Partial<FastifyError> & Error, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send(apiError(err.code, err.message, err.details));
    const code: string = err?.code ?? '';
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(apiError('payload_too_large', `request body is larger than ${app.initialConfig.bodyLimit} bytes`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(apiError('unsupported_media_type', 'send JSON (Content-Type: application/json)'));
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send(apiError('invalid', 'the JSON body is empty'));
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) return reply.code(400).send(apiError('malformed_json', `malformed JSON: ${err.message}`));
    const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) return reply.code(status).send(apiError(code || 'bad_request', err.message));
    req.log.error({ err }, 'internal error');
    return reply.code(500).send(apiError('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(apiError('not_found', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`)));

  // Every route but `public` ones (login, platform webhooks, which check signatures) needs a bearer token of a live session.
  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.url) return;
    if ((req.routeOptions.config as { public?: boolean } | undefined)?.public === true) return;
    const token = bearerToken(req);
    const agent = token ? await options.authenticate(token) : null;
    if (!agent) throw new HttpError(401, 'unauthorized', token ? 'the token is unknown or expired: log in again' : 'missing bearer token');
    req.agent = agent;
  });
  return app;
}
