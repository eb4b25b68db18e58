/**
 * How a module serves a route of the contract's table (shared/contract/hub-routes.ts): the row
 * gives the method, the path, whether a session is needed, and the schemas; the request's path
 * parameters, query and body are parsed with them here, once (a 400 `invalid` naming every problem
 * otherwise), and the handler gets them typed; what it answers is typed by the row's response schema,
 * the one the desktop parses it with.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { HubRoute, HubStream } from '../../shared/contract/route';
import { parseRequest } from './errors';
import type { AuditedRoute } from './module';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export interface RouteInput<R extends HubRoute> { params: Out<R['params']>; query: Out<R['query']>; body: Out<R['body']> }

/** What a handler answers: what the row's response schema takes (tsc checks it), or the reply it sent itself (a CSV, a forward). */
type Answer<R extends HubRoute> = z.input<R['response']> | FastifyReply;
export type RouteHandler<R extends HubRoute> = (req: FastifyRequest, input: RouteInput<R>, reply: FastifyReply) => Answer<R> | Promise<Answer<R>>;

/** `audit`: the route's success is an admin change, written to the audit log (api/server.ts, api/module.ts AuditedRoute). */
export function serve<R extends HubRoute>(app: FastifyInstance, route: R, handler: RouteHandler<R>, options: { audit?: AuditedRoute } = {}): void {
  app.route({
    method: route.method,
    url: route.path,
    config: { public: route.public === true, ...(options.audit ? { audit: options.audit } : {}) },
    handler: (req, reply) => handler(req, {
      params: route.params ? parseRequest(route.params, req.params, 'path') : undefined,
      query: route.query ? parseRequest(route.query, req.query, 'query') : undefined,
      body: route.body ? parseRequest(route.body, req.body ?? {}, 'body') : undefined,
    } as RouteInput<R>, reply),
  });
}

/** A WebSocket route of the table (its messages are parsed by the handler, each as it comes). */
export function serveStream(app: FastifyInstance, stream: HubStream, handler: (socket: WebSocket, req: FastifyRequest) => void): void {
  app.get(stream.path, { websocket: true }, handler);
}
