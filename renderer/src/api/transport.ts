/**
 * How the renderer reaches the desktop core: Electron's preload bridge (`window.tend`) when
 * present, else the web host's WebSocket. Both speak the same contract and return Results.
 */
import { backoffDelay } from '../../../shared/backoff';
import type { DesktopEventName, Result } from '../../../shared/contract/desktop';
import { PendingRequests } from '../../../shared/pending';

export interface Transport {
  kind: 'electron' | 'web';
  invoke(name: string, req: unknown): Promise<Result<unknown>>;
  on(event: DesktopEventName, cb: (payload: unknown) => void): () => void;
  /** connection changes of the transport itself (the web host may go away) */
  onConnection(cb: (up: boolean) => void): () => void;
}

declare global {
  interface Window {
    tend?: { invoke(name: string, req: unknown): Promise<Result<unknown>>; on(event: string, cb: (p: unknown) => void): () => void };
  }
}

const TOKEN_KEY = 'tend.host.token';

/** The token arrives in the URL fragment; keep it for reloads of this tab, and clear it from the address bar. */
function takeToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', location.pathname + location.search);
    return m[1]!;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

class WebSocketTransport implements Transport {
  kind = 'web' as const;
  private ws: WebSocket | null = null;
  private pending = new PendingRequests<Result<unknown>>();
  private queue: string[] = [];
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private connListeners = new Set<(up: boolean) => void>();
  private retry = 0;
  private readonly token = takeToken();

  constructor() { this.connect(); }

  private connect(): void {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/rpc?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      for (const frame of this.queue.splice(0)) ws.send(frame);
      this.connListeners.forEach((cb) => cb(true));
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (typeof msg.event === 'string') { this.listeners.get(msg.event)?.forEach((cb) => cb(msg.payload)); return; }
      this.pending.resolve(msg.id, msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
    };
    ws.onclose = () => {
      this.connListeners.forEach((cb) => cb(false));
      this.pending.resolveAll({ ok: false, error: { code: 'disconnected', message: 'lost the connection to the Tend host' } });
      // Reconnect with backoff and jitter; the host may be restarting.
      const delay = backoffDelay(this.retry++, { baseMs: 250, maxMs: 5000 });
      setTimeout(() => this.connect(), delay);
    };
  }

  invoke(name: string, req: unknown): Promise<Result<unknown>> {
    const { id, answer } = this.pending.start();
    const frame = JSON.stringify({ id, name, req });
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
    else this.queue.push(frame);
    return answer;
  }

  on(event: DesktopEventName, cb: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(cb);
    this.listeners.set(event, set);
    return () => set.delete(cb);
  }

  onConnection(cb: (up: boolean) => void): () => void {
    this.connListeners.add(cb);
    return () => this.connListeners.delete(cb);
  }
}

class ElectronTransport implements Transport {
  kind = 'electron' as const;
  constructor(private bridge: NonNullable<Window['tend']>) {}
  invoke(name: string, req: unknown) { return this.bridge.invoke(name, req); }
  on(event: DesktopEventName, cb: (payload: unknown) => void) { return this.bridge.on(event, cb); }
  onConnection() { return () => {}; }
}

export function createTransport(): Transport {
  return window.tend ? new ElectronTransport(window.tend) : new WebSocketTransport();
}
