/**
 * A WebSocket to the hub that comes back by itself: exponential backoff with jitter
 * (shared/backoff.ts) after every close, until stopped. Each attempt asks for its URL anew (it
 * carries a single-use stream ticket, hub/accounts). Messages that are not JSON are dropped.
 * The one socket of the desktop core: the sync stream (sync/engine.ts) and the live links
 * (live/link.ts: routing, supervisor) all use it.
 */
import WebSocket from 'ws';
import { backoffDelay } from '../../shared/backoff';

export interface ReconnectingSocketOptions {
  /** the URL of one connection attempt (with a fresh ticket); a rejection counts as a failed attempt */
  url: () => Promise<string>;
  onMessage(msg: unknown): void;
  /** up (after open) or down (after a close, and at stop) */
  onState(up: boolean): void;
  /** right after each open, before onState(true): e.g. subscribe */
  onOpen?(socket: { send(msg: unknown): boolean }): void;
  /**
   * an attempt that failed while already down (onState does not fire again): the owner may check
   * the hub some other way, since a down stream says nothing about whether the hub answers now
   */
  onAttemptFailed?(): void;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  up = false;

  constructor(private readonly opts: ReconnectingSocketOptions) {
    this.connect();
  }

  /** Sends when connected; false otherwise (the caller falls back to HTTP or drops it). */
  send(msg: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.removeAllListeners();
    // terminating a socket that is still connecting emits 'error'; it is ours and closed on purpose
    ws?.on('error', () => {});
    ws?.terminate();
    this.setUp(false);
  }

  /**
   * The hub answers again some other way (the sync engine came back online over HTTP): if waiting out a backoff, try now.
   * Without it a stream that failed while the hub was down could sit out up to backoffMaxMs after the
   * hub came back, and in that time a second outage would go unseen (no socket to close).
   */
  nudge(): void {
    if (this.stopped || this.ws || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.failures = 0;
    this.connect();
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.opts.onState(up);
  }

  private connect(): void {
    if (this.stopped) return;
    this.opts.url().then((url) => { if (!this.stopped) this.open(url); }, () => this.retry(true));
  }

  /** `attemptFailed`: this attempt never opened (the owner hears of it: onAttemptFailed) */
  private retry(attemptFailed: boolean): void {
    if (this.stopped) return;
    if (attemptFailed) this.opts.onAttemptFailed?.();
    const delay = backoffDelay(this.failures++, { baseMs: this.opts.backoffBaseMs, maxMs: this.opts.backoffMaxMs });
    this.timer = setTimeout(() => { this.timer = null; this.connect(); }, delay);
    this.timer.unref();
  }

  private open(url: string): void {
    const ws = new WebSocket(url);
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.failures = 0;
      this.opts.onOpen?.(this);
      this.setUp(true);
    });
    ws.on('message', (raw) => {
      let msg: unknown;
      try { msg = JSON.parse(raw.toString()); } catch { return; } // not JSON: nothing the hub sends; dropped
      this.opts.onMessage(msg);
    });
    // every error is followed by 'close', which reconnects: nothing to do here
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setUp(false);
      this.retry(!opened);
    });
  }
}
