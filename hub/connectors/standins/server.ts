/**
 * The common part of the local stand-ins: a node:http server on 127.0.0.1:<port> that records
 * every call, answers through the platform's route function, and can inject faults:
 *
 *   status        answer this status (and body) instead; the platform does not apply the request
 *   status-after  apply the request, then answer this status anyway (a 5xx after posting)
 *   delay         apply, answer after `ms`
 *   hang          apply, answer only when released (release()) or never: the client times out or dies
 *   reset         apply, then cut the connection without an answer
 *   reset-before  cut the connection without applying
 *
 * It can be driven from another process over HTTP (the soak suite does), under /_standin/:
 *   GET  calls | posts            what was called / what the platform holds
 *   POST faults {rules:[…]}       add fault rules (FaultRule); DELETE faults clears them
 *   POST release | reset          answer held requests | forget calls, faults and posts
 *   POST deliver {url, payload}   sign and send a webhook delivery to a hub, answer its reply
 *   GET  wait?calls=N&method=&path=&timeoutMs=   long poll until N matching calls arrived (408 on timeout)
 * Control routes need no token: the stand-ins listen on loopback only (hub/connectors/README.md).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON body, or null when it was not JSON */
  body: unknown;
  raw: string;
  /** the status the stand-in answered with; 0 while held or when the connection was cut */
  status: number;
  /** the fault applied to this call, if any */
  fault?: Fault['kind'];
  at: string;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'status-after'; status: number; body?: unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'reset-before' };

export interface FaultRule {
  /** only calls with this method (default: any) */
  method?: string;
  /** only calls whose path matches this regular expression (default: any) */
  path?: string;
  /** how many calls it applies to (default 1; 0 = until cleared) */
  times?: number;
  fault: Fault;
}

export interface StandinServer {
  url: string;
  calls: RecordedCall[];
  /** 'call' (RecordedCall) when a request arrives, before it is answered; 'answered' after */
  events: EventEmitter;
  /** answer the next `times` calls with this status (and body), then behave normally again */
  failNext(status: number, times?: number, body?: unknown, headers?: Record<string, string>): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** answers every held ('hang') request normally */
  release(): void;
  /** resolves when `count` calls matching method/path were received (no polling: on arrival) */
  waitForCalls(count: number, match?: { method?: string; path?: string }): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

export interface StandinRoutes {
  /** the platform's API; throws → 500 */
  route(call: Omit<RecordedCall, 'status' | 'at'>): Answer;
  /** what the platform holds, for GET /_standin/posts */
  posts(): unknown;
  /** forget what was posted (POST /_standin/reset) */
  clear(): void;
  /** signs and sends a webhook delivery to a hub (POST /_standin/deliver {url, payload}) */
  deliver?(url: string, payload: unknown): Promise<{ status: number; body: unknown }>;
}

export async function startStandinServer(routes: StandinRoutes, opts: { port?: number } = {}): Promise<StandinServer> {
  const calls: RecordedCall[] = [];
  const faults: Array<FaultRule & { left: number }> = [];
  const held: Array<() => void> = [];
  const events = new EventEmitter();
  events.setMaxListeners(100);

  const matches = (c: { method: string; path: string }, m: { method?: string; path?: string } = {}) =>
    (!m.method || m.method.toUpperCase() === c.method) && (!m.path || new RegExp(m.path).test(c.path));

  const takeFault = (c: { method: string; path: string }): Fault | null => {
    const i = faults.findIndex((f) => matches(c, f));
    if (i < 0) return null;
    const f = faults[i];
    if (f.left > 0 && --f.left === 0) faults.splice(i, 1);
    return f.fault;
  };

  const send = (res: ServerResponse, recorded: RecordedCall, a: Answer) => {
    recorded.status = a.status;
    if (res.destroyed) return;
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(JSON.stringify(a.body));
    events.emit('answered', recorded);
  };

  const control = (req: IncomingMessage, res: ServerResponse, u: URL, body: unknown) => {
    const json = (status: number, v: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    const p = u.pathname.slice('/_standin'.length);
    if (req.method === 'GET' && p === '/calls') return json(200, { calls: calls.map(({ headers: _h, ...c }) => c) });
    if (req.method === 'GET' && p === '/posts') return json(200, routes.posts());
    if (req.method === 'POST' && p === '/faults') {
      const rules = (body as { rules?: FaultRule[] } | null)?.rules;
      if (!Array.isArray(rules)) return json(400, { error: 'expected {rules: [{method?, path?, times?, fault: {kind, …}}]}' });
      for (const r of rules) server.addFault(r);
      return json(200, { faults: faults.length });
    }
    if (req.method === 'DELETE' && p === '/faults') { server.clearFaults(); return json(200, { faults: 0 }); }
    if (req.method === 'POST' && p === '/release') { const n = held.length; server.release(); return json(200, { released: n }); }
    if (req.method === 'POST' && p === '/reset') {
      server.clearFaults(); server.release(); calls.length = 0; routes.clear();
      return json(200, { reset: true });
    }
    if (req.method === 'POST' && p === '/deliver' && routes.deliver) {
      const b = body as { url?: unknown; payload?: unknown } | null;
      if (!b || typeof b.url !== 'string' || b.payload === undefined) return json(400, { error: 'expected {url, payload}' });
      void routes.deliver(b.url, b.payload).then((r) => json(200, r), (e: Error) => json(502, { error: e.message }));
      return;
    }
    if (req.method === 'GET' && p === '/wait') {
      // long poll: answers when `calls` matching calls were received, or 408 after timeoutMs
      const want = Number(u.searchParams.get('calls') ?? '1');
      const m = { method: u.searchParams.get('method') ?? undefined, path: u.searchParams.get('path') ?? undefined };
      const timer = setTimeout(() => json(408, { calls: calls.filter((c) => matches(c, m)).length }), Number(u.searchParams.get('timeoutMs') ?? '30000'));
      void server.waitForCalls(want, m).then((got) => { clearTimeout(timer); if (!res.writableEnded) json(200, { calls: got.length }); });
      return;
    }
    return json(404, { error: `no control route ${req.method} ${u.pathname}` });
  };

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = null; }
      if (u.pathname.startsWith('/_standin/')) return control(req, res, u, body);
      const call = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, raw };
      const fault = takeFault(call);
      const recorded: RecordedCall = { ...call, status: 0, at: new Date().toISOString(), ...(fault ? { fault: fault.kind } : {}) };
      calls.push(recorded);
      const apply = (): Answer => {
        try { return routes.route(call); } catch (e) { return { status: 500, body: { error: { message: (e as Error).message } } }; }
      };
      events.emit('call', recorded);
      if (!fault) return send(res, recorded, apply());
      switch (fault.kind) {
        case 'status': return send(res, recorded, { status: fault.status, body: fault.body ?? { error: { message: `stand-in failure ${fault.status}` } }, headers: fault.headers });
        case 'status-after': apply(); return send(res, recorded, { status: fault.status, body: fault.body ?? { error: { message: `stand-in failure ${fault.status}` } } });
        case 'reset-before': res.socket?.destroy(); return;
        case 'reset': apply(); res.socket?.destroy(); return;
        case 'delay': { const a = apply(); setTimeout(() => send(res, recorded, a), fault.ms); return; }
        case 'hang': { const a = apply(); held.push(() => send(res, recorded, a)); return; }
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: StandinServer = {
    url: `http://127.0.0.1:${port}`,
    calls,
    events,
    failNext(status, times = 1, body = { error: { message: `stand-in failure ${status}` } }, headers) {
      server.addFault({ times, fault: { kind: 'status', status, body, headers } });
    },
    addFault(rule) {
      faults.push({ ...rule, left: rule.times ?? 1 });
    },
    clearFaults() { faults.length = 0; },
    release() { for (const h of held.splice(0)) h(); },
    waitForCalls(count, m = {}) {
      return new Promise((resolve) => {
        const check = () => {
          const got = calls.filter((c) => matches(c, m));
          if (got.length < count) return false;
          events.off('call', onCall);
          resolve(got);
          return true;
        };
        const onCall = () => { check(); };
        events.on('call', onCall);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => {
      held.length = 0;
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
  return server;
}

/** POSTs a signed JSON delivery to a hub webhook URL; returns the hub's answer. */
export async function postDelivery(url: string, payload: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch {} // not JSON: the stand-in sees the raw text, as the platform would
  return { status: res.status, body };
}
