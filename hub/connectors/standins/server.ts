/**
 * The common part of the local stand-ins: a node:http server on 127.0.0.1:<random port> that
 * records every call, can be told to fail the next N calls (to exercise retry), and can send
 * signed webhook deliveries to a hub.
 */
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
  /** the status the stand-in answered with */
  status: number;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface StandinServer {
  url: string;
  calls: RecordedCall[];
  /** answer the next `times` calls with this status (and body), then behave normally again */
  failNext(status: number, times?: number, body?: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startStandinServer(route: (call: Omit<RecordedCall, 'status'>) => Answer): Promise<StandinServer> {
  const calls: RecordedCall[] = [];
  const failures: Answer[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = null; }
      const call = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, raw };
      let answer: Answer;
      try {
        answer = failures.shift() ?? route(call);
      } catch (e) {
        answer = { status: 500, body: { error: { message: (e as Error).message } } };
      }
      calls.push({ ...call, status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext(status, times = 1, body = { error: { message: `stand-in failure ${status}` } }, headers) {
      for (let i = 0; i < times; i++) failures.push({ status, body, headers });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** POSTs a signed JSON delivery to a hub webhook URL; returns the hub's answer. */
export async function postDelivery(url: string, payload: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch {}
  return { status: res.status, body };
}
