/**
 * Handle time on this desktop: how long the agent had a conversation open and active (the window
 * focused, typing or reading), measured here from the renderer's signs of activity and sent to the
 * hub as `record_handle_time` mutations through the outbox (offline-safe, exactly once by span id).
 *
 * The renderer reports `activity.report {conversation_id, active}`: on opening a conversation with
 * the window focused, on input (keys, pointer, wheel, scroll; at most every few seconds), every 15 s
 * while the window is focused and the last input is under a minute old, and `active: false` on blur,
 * on hiding, after a minute without input, or when it leaves the conversation.
 *
 * Accounting: the time between two signs for the same conversation counts when it is at most
 * `idleMs` (60 s): a longer silence is an absence (a locked screen, a sleeping laptop), not work.
 * A span ends when the agent leaves the conversation or goes idle, and at most every `maxSpanMs`
 * (so a crash loses at most that much); spans under a second are not sent.
 */
import { randomUUID } from 'node:crypto';

export interface HandleSpan { conversation_id: string; span_id: string; started_at: string; ended_at: string; active_ms: number }

export interface HandleTimeOptions {
  now?: () => number;
  /** a silence longer than this between two signs is not counted (ms, default 60 000) */
  idleMs?: number;
  /** a span is sent at least this often while it lasts (ms, default 120 000) */
  maxSpanMs?: number;
}

export const HANDLE_IDLE_MS = 60_000;

export class HandleTimeTracker {
  private cur: { conversation_id: string; started_at: number; last_at: number; active_ms: number } | null = null;
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly maxSpanMs: number;

  constructor(private readonly record: (span: HandleSpan) => void, opts: HandleTimeOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.idleMs = opts.idleMs ?? HANDLE_IDLE_MS;
    this.maxSpanMs = opts.maxSpanMs ?? 120_000;
  }

  /** A sign from the renderer: the agent is active on `conversationId` now, or no longer active (`active: false`). */
  report(conversationId: string | null, active: boolean): void {
    const t = this.now();
    const cur = this.cur;
    if (cur) {
      const gap = t - cur.last_at;
      if (gap > 0 && gap <= this.idleMs) cur.active_ms += gap;
      cur.last_at = Math.max(cur.last_at, t);
      if (!active || cur.conversation_id !== conversationId || t - cur.started_at >= this.maxSpanMs) this.close();
    }
    if (active && conversationId && !this.cur) this.cur = { conversation_id: conversationId, started_at: t, last_at: t, active_ms: 0 };
  }

  /** Ends the running span (sign-out, closing the app): what was counted is recorded. */
  flush(): void {
    if (this.cur) this.report(null, false);
  }

  /** The conversation being handled now, if any (tests). */
  get current(): string | null { return this.cur?.conversation_id ?? null; }

  private close(): void {
    const cur = this.cur!;
    this.cur = null;
    if (cur.active_ms < 1000) return;
    this.record({
      conversation_id: cur.conversation_id, span_id: randomUUID(),
      started_at: new Date(cur.started_at).toISOString(), ended_at: new Date(cur.last_at).toISOString(), active_ms: Math.round(cur.active_ms),
    });
  }
}
