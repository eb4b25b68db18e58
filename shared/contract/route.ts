/**
 * What a row of a hub route table is (HUB_ROUTES in hub-routes.ts, ADMIN_ROUTES in admin.ts): method,
 * path, the schemas of each request part and of the answer. The hub serves a row with hub/api/route.ts
 * `serve`; the desktop calls it with HubClient `call` (main/core/sync/hub-client.ts). Both tables
 * together name each method and path once (route-tables.test.ts).
 */
import type { z } from 'zod';

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
  /** no session: login, first run, accepting an invitation, and hub-to-hub calls that carry their own secret */
  public?: true;
}

/** A WebSocket: what the hub sends and what the client may send. */
export interface HubStream {
  method: 'GET';
  path: string;
  websocket: { server: z.ZodType; client: z.ZodType };
}

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
