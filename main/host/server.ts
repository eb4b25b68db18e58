/**
 * The web host: serves the built renderer and the desktop core over ONE WebSocket on 127.0.0.1.
 * A per-launch random token is required on the WebSocket upgrade (the page gets it in the URL
 * fragment, which browsers never send to servers); the Origin and Host headers must be our own,
 * so another site open in the same browser, or a DNS-rebinding page, cannot drive the core.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { DesktopEvents, type DesktopEventName } from '../../shared/contract/desktop';
import { dispatchRequest } from '../../shared/contract/dispatch';
import type { DesktopService } from '../core/service';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

export interface WebHostOptions {
  service: DesktopService;
  /** the vite build output (renderer/dist) */
  staticDir: string;
  port?: number;
  /** fixed token (tests); random per launch otherwise */
  token?: string;
}

export interface WebHost {
  /** open this: it carries the token in the fragment */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const MAX_MESSAGE_BYTES = 1 << 20;

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request: the path has a malformed % escape.');
    return;
  }
  let file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) { res.writeHead(403).end(); return; }
  let info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) {
    // Single-page app: every unknown path is the app.
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info) { res.writeHead(503, { 'content-type': 'text/plain' }).end('The renderer is not built: run `npm run build`.'); return; }
  }
  const body = await readFile(file);
  const headers: Record<string, string> = {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
  };
  if (file.endsWith('.html')) {
    headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
    headers['x-frame-options'] = 'DENY';
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.staticDir);
  const server = createServer((req, res) => {
    serveStatic(root, req, res).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/rpc') return refuse(404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(403, 'Forbidden');
    if (!allowedOrigins.has(req.headers.origin ?? '')) return refuse(403, 'Forbidden');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  // Events go to every connected page.
  const unsubscribe = (Object.keys(DesktopEvents) as DesktopEventName[]).map((event) =>
    opts.service.on(event, (payload) => {
      const frame = JSON.stringify({ event, payload });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    }));

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', async (data) => {
      let msg: { id?: unknown; name?: unknown; req?: unknown };
      try { msg = JSON.parse(String(data)); } catch { ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'bad_frame', message: 'malformed JSON' } })); return; }
      if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number') {
        ws.send(JSON.stringify({ id: null, ok: false, error: { code: 'bad_frame', message: 'a frame is {id:number, name, req}' } }));
        return;
      }
      const result = await dispatchRequest((name, req) => opts.service.handle(name, req), msg.name, msg.req);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, ...result }));
    });
  });

  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const u of unsubscribe) u();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
