/** The hub's HTTP API as the desktop calls it; every answer is parsed with the shared contract. */
import type { z } from 'zod';
import {
  ApiErrorSchema, BootstrapPageSchema, ChangesPageSchema, HydrateResponseSchema, LoginResponseSchema, MeResponseSchema,
  MutationResultsSchema, type Mutation,
} from '../../../shared/contract/hub-api';
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

  /** One call parsed with `schema` (routing, supervisor and metrics endpoints use it directly). */
  async request<S extends z.ZodTypeAny>(schema: S, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<z.infer<S>> {
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
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new HubRequestError(res.status, 'bad_response', `hub answered ${path} with an unexpected body: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data;
  }

  login(email: string, password: string) { return this.request(LoginResponseSchema, 'POST', '/v1/auth/login', { email, password }); }
  me() { return this.request(MeResponseSchema, 'GET', '/v1/me'); }
  bootstrap(cursor: string | null, limit: number = LIMITS.syncPageMax) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('cursor', cursor);
    return this.request(BootstrapPageSchema, 'GET', `/v1/sync/bootstrap?${q}`);
  }
  changes(since: number, limit: number = LIMITS.syncPageMax) {
    return this.request(ChangesPageSchema, 'GET', `/v1/sync/changes?since=${since}&limit=${limit}`);
  }
  hydrate(customerIds: string[]) { return this.request(HydrateResponseSchema, 'POST', '/v1/sync/hydrate', { customer_ids: customerIds }); }
  mutations(mutations: Mutation[]) { return this.request(MutationResultsSchema, 'POST', '/v1/mutations', { mutations }); }

  streamUrl(path = '/v1/sync/stream'): string {
    const u = new URL(path, this.baseUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }
  authHeader(): Record<string, string> { return this.token ? { authorization: `Bearer ${this.token}` } : {}; }
}
