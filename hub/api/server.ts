/**
 * The hub's HTTP + WebSocket server (Fastify 5): one error envelope, one auth hook, one audit hook.
 * The modules bring the endpoints (api/module.ts `routes`); hub.ts registers them here. Requests
 * are parsed with the contract's zod schemas (shared/contract); every refusal is a 4xx with an
 * ApiError body (api/errors.ts), decided before anything is written.
 *
 * Authentication: a REST request carries its session token in `Authorization: Bearer …` and
 * nowhere else (a token in a URL ends up in logs and histories). A WebSocket upgrade carries a
 * stream ticket (`?ticket=`, from POST /v1/auth/ticket): single use, good for seconds, so the
 * browser-style URL credential is worthless once used. Streams are registered with their session,
 * which closes them when it ends (hub/accounts).
 */
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { apiError, HttpError } from './errors';
import type { AuditedRoute, AuthSession, ServerAuth } from './module';

export interface ServerOptions {
  /** sessions, stream tickets, streams and the audit log (hub/accounts) */
  auth: ServerAuth;
  /** largest accepted request body (bytes); default 5 MiB (a full batch of 100 replies of 10,000 four-byte characters fits) */
  bodyLimit?: number;
  /**
   * The hub's log, Fastify's pino (JSON lines on stdout, each request's with its request id): a level
   * ('info' logs every request), true ('info'), or false (silent). Default: TEND_LOG_LEVEL, else 'warn'.
   */
  logger?: boolean | string;
}

/** The session token of a request: `Authorization: Bearer …` only. */
export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m ? m[1] : null;
}

const queryParam = (req: FastifyRequest, name: string): string | null => {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : null;
};

/** The session an upgrade's ticket was redeemed for, kept on the raw request until the socket exists. */
const STREAM_SESSION = Symbol('tend.streamSession');
type RawWithSession = IncomingMessage & { [STREAM_SESSION]?: AuthSession };

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const level = options.logger === undefined ? process.env.TEND_LOG_LEVEL ?? 'warn' : options.logger === true ? 'info' : options.logger;
  const app = Fastify({ logger: level === false ? false : { level }, bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.decorateRequest('agent', null);
  app.decorateRequest('session', null);
  const auth = options.auth;
  // every stream is registered with the session it was opened under (closed when that session ends)
  app.websocketServer.on('connection', (socket: WebSocket, raw: RawWithSession) => {
    const s = raw[STREAM_SESSION];
    if (s) auth.streamOpened(s, socket);
  });

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
    let session: AuthSession | null;
    if (req.ws) {
      const ticket = queryParam(req, 'ticket');
      if (!ticket) throw new HttpError(401, 'unauthorized', 'a stream needs a ticket: POST /v1/auth/ticket, then connect with ?ticket=<ticket>');
      session = await auth.ticket(ticket);
      if (!session) throw new HttpError(401, 'unauthorized', 'the stream ticket is unknown, used or expired: ask for a new one (POST /v1/auth/ticket)');
      (req.raw as RawWithSession)[STREAM_SESSION] = session;
    } else {
      const token = bearerToken(req);
      if (!token && queryParam(req, 'token') !== null) {
        throw new HttpError(401, 'unauthorized', 'send the session token in the Authorization header (Bearer); a token in the URL is not accepted');
      }
      session = token ? await auth.session(token) : null;
      if (!session) throw new HttpError(401, 'unauthorized', token ? 'the session is unknown, ended or expired: sign in again' : 'missing bearer token');
    }
    req.agent = session.agent;
    req.session = { id: session.id };
  });

  // An audited route's success is in the audit log before the answer leaves (api/module.ts AuditedRoute).
  app.addHook('onSend', async (req, reply, payload) => {
    const spec = (req.routeOptions.config as { audit?: AuditedRoute } | undefined)?.audit;
    if (!spec || !auth.audit || !req.agent || req.auditedElsewhere || reply.statusCode >= 400) return payload;
    const a = req.agent;
    const params = (req.params ?? {}) as Record<string, unknown>;
    await auth.audit({
      workspace_id: a.workspace_id, actor_id: a.id, actor_name: a.name, action: spec.action,
      target_type: spec.target_type ?? null, target_id: typeof params.id === 'string' ? params.id : null, ip: req.ip ?? null,
      details: { method: req.method, path: req.url.split('?')[0], ...(spec.body && req.body !== undefined ? { body: req.body } : {}) },
    });
    return payload;
  });
  return app;
}
