/**
 * The hub's HTTP API as the desktop calls it: every call names a row of the route table
 * (shared/contract/hub-routes.ts), which gives its method and path; every answer is parsed with
 * the row's response schema.
 */
import type { z } from 'zod';
import { ApiErrorSchema, type Mutation } from '../../../shared/contract/hub-api';
import { HUB_ROUTES, HUB_STREAMS } from '../../../shared/contract/hub-routes';
import { routePath, type HubRoute, type HubStream, type RouteCall, type RouteResponse } from '../../../shared/contract/route';
import { LIMITS } from '../../../shared/domain';

/** The hub could not be reached, or answered 5xx: retry later. */
export class NetworkError extends Error {
  constructor(message: string) { super(message); this.name = 'NetworkError'; }
}
/** The hub answered 4xx: retrying the same request will not help. */
export class HubRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); this.name = 'HubRequestError'; }
}

export class HubClient {
  constructor(readonly baseUrl: string, private token: string | null = null, private readonly timeoutMs = 30_000) {}

  setToken(token: string | null): void { this.token = token; }

  /** One route of the table: its path parameters filled in, its query appended, its answer parsed. */
  call<R extends HubRoute>(route: R, input: RouteCall<R>): Promise<RouteResponse<R>> {
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)])).toString() : '';
    const sent = body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
    return this.request(route.response, route.method, `${routePath(route, params)}${q ? `?${q}` : ''}`, sent) as Promise<RouteResponse<R>>;
  }

  private async request<S extends z.ZodType>(schema: S, method: HubRoute['method'], path: string, body?: unknown): Promise<z.output<S>> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new NetworkError(`hub unreachable: ${(err as Error).message}`);
    }
    const text = await res.text().catch((err: Error) => { throw new NetworkError(`hub connection lost: ${err.message}`); });
    if (res.status >= 500) throw new NetworkError(`hub error ${res.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    if (!res.ok) {
      const parsed = ApiErrorSchema.safeParse(json);
      const e = parsed.success ? parsed.data.error : { code: `http_${res.status}`, message: text.slice(0, 200) || res.statusText };
      throw new HubRequestError(res.status, e.code, e.message);
    }
    // a route answering a file (an export as CSV or JSON) takes the body as text
    let parsed = schema.safeParse(json);
    if (!parsed.success && schema.safeParse(text).success) parsed = schema.safeParse(text);
    if (!parsed.success) throw new HubRequestError(res.status, 'bad_response', `hub answered ${path} with an unexpected body: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data;
  }

  login(email: string, password: string) { return this.call(HUB_ROUTES.login, { body: { email, password } }); }
  /** Ends this session on the hub (its streams close there too). */
  logout() { return this.call(HUB_ROUTES.logout, {}); }
  /** A single-use ticket for one stream: the session token never goes into a URL. */
  ticket() { return this.call(HUB_ROUTES.streamTicket, {}); }
  me() { return this.call(HUB_ROUTES.me, {}); }
  bootstrap(cursor: string | null, limit: number = LIMITS.syncPageMax) {
    return this.call(HUB_ROUTES.bootstrap, { query: { limit, ...(cursor !== null ? { cursor } : {}) } });
  }
  changes(since: number, limit: number = LIMITS.syncPageMax) { return this.call(HUB_ROUTES.changes, { query: { since, limit } }); }
  hydrate(customerIds: string[]) { return this.call(HUB_ROUTES.hydrate, { body: { customer_ids: customerIds } }); }
  mutations(mutations: Mutation[]) { return this.call(HUB_ROUTES.mutations, { body: { mutations } }); }

  /** A stream's WebSocket URL (default: sync) with a fresh ticket; the hub accepts nothing else on an upgrade. */
  async streamUrl(stream: HubStream = HUB_STREAMS.sync): Promise<string> {
    const { ticket } = await this.ticket();
    const u = new URL(stream.path, this.baseUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.searchParams.set('ticket', ticket);
    return u.toString();
  }
}
