/**
 * The webhook intake: a bounded queue between the platforms and the Ingestor.
 *
 * X and Meta redeliver what is not answered 200, so when the hub cannot keep up, the honest answer
 * is 503 with Retry-After, at once, not a request held for tens of seconds. A delivery is admitted
 * while the posts admitted and not yet committed stay under `maxQueuedPosts`, no admitted delivery
 * has waited longer than `maxQueueWaitMs` for its next batch to commit, and the time the waiting posts
 * would take at the rate the hub has been committing stays under `maxQueueWaitMs`; otherwise it is
 * refused before anything of it is stored. (The first two need no estimate: they hold from the first
 * second, and when the machine itself is short of CPU.) An admitted delivery is answered 200 only after all its
 * posts committed, so nothing answered 200 is ever lost (a crash before that is a redelivery, which
 * the Ingestor deduplicates). A delivery is stored in batches of `batchSize` posts, one transaction
 * each, in order (posts of one delivery may answer one another).
 *
 * A delivery larger than the bound is admitted when nothing else waits: it would never fit otherwise.
 */
import type { IngestResult, Ingestor, NormalizedPost } from './types';

export interface IntakeOptions {
  /** posts admitted and not yet committed, at most (default 1000) */
  maxQueuedPosts?: number;
  /** refuse when the posts waiting would take longer than this at the recent commit rate (ms, default 2000) */
  maxQueueWaitMs?: number;
  /** posts per transaction (default 100) */
  batchSize?: number;
  now?: () => number;
}

export type Admission =
  | { ok: true; results: Promise<Array<IngestResult | Error>> }
  | { ok: false; retryAfterS: number; reason: string };

/** How fast posts have been committed lately: a sliding window of one-second buckets. */
class Rate {
  private readonly buckets = new Map<number, number>();
  constructor(private readonly now: () => number, private readonly windowS = 5) {}
  add(n: number): void {
    const s = Math.floor(this.now() / 1000);
    this.buckets.set(s, (this.buckets.get(s) ?? 0) + n);
    for (const k of this.buckets.keys()) if (k <= s - this.windowS) this.buckets.delete(k);
  }
  /** posts per second over the window, or null before anything was committed in it */
  perSecond(): number | null {
    const s = Math.floor(this.now() / 1000);
    let n = 0;
    let oldest = s;
    for (const [k, v] of this.buckets) if (k > s - this.windowS) { n += v; oldest = Math.min(oldest, k); }
    if (n === 0) return null;
    // the current second counts by the part of it that has passed
    const span = (s - oldest) + ((this.now() % 1000) / 1000 || 0.001);
    return n / Math.max(span, 0.25);
  }
}

export class IngestIntake {
  private queued = 0;
  /** deliveries admitted and not done: when each last made progress (admitted, or a batch committed) */
  private readonly progress = new Map<number, number>();
  private nextDelivery = 0;
  private readonly maxQueued: number;
  private readonly maxWaitMs: number;
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly rate: Rate;

  constructor(private readonly ingestor: Ingestor, options: IntakeOptions = {}) {
    this.maxQueued = options.maxQueuedPosts ?? 1000;
    this.maxWaitMs = options.maxQueueWaitMs ?? 2000;
    this.batchSize = options.batchSize ?? 100;
    this.now = options.now ?? Date.now;
    this.rate = new Rate(this.now);
  }

  /** Posts admitted and not yet committed. */
  get inFlight(): number { return this.queued; }

  /** Full now, whatever comes: a delivery can be refused before its body is even parsed. */
  full(): { retryAfterS: number; reason: string } | null {
    if (this.queued === 0) return null;
    if (this.queued >= this.maxQueued) return this.refusal(`${this.queued} posts are waiting to be stored`);
    const stalled = this.longestWaitMs();
    if (stalled > this.maxWaitMs) return this.refusal(`a delivery has waited ${(stalled / 1000).toFixed(1)} s for its posts to be stored`);
    // The rate is what the hub committed lately, which is what was offered, not what it could do: with a
    // handful of posts in flight after a quiet spell it reads low and a healthy hub refused ~1 % of
    // deliveries at 200 posts/s (bench:webhook). So the estimate only speaks once a batch's worth waits.
    const wait = this.queued >= this.batchSize ? this.expectedWaitMs(this.queued) : null;
    if (wait !== null && wait > this.maxWaitMs) return this.refusal(`posts wait about ${Math.ceil(wait / 1000)} s to be stored`);
    return null;
  }

  /** Admits a delivery's posts (results in order, once all are committed), or refuses it whole. */
  submit(posts: NormalizedPost[]): Admission {
    const busy = this.full();
    if (busy) return { ok: false, ...busy };
    if (this.queued > 0 && this.queued + posts.length > this.maxQueued) {
      return { ok: false, ...this.refusal(`${this.queued} posts are waiting to be stored and this delivery has ${posts.length}`) };
    }
    this.queued += posts.length;
    return { ok: true, results: this.store(posts) };
  }

  /** How long the delivery that has waited longest has gone without a batch committed. */
  private longestWaitMs(): number {
    let oldest = Infinity;
    for (const at of this.progress.values()) if (at < oldest) oldest = at;
    return oldest === Infinity ? 0 : this.now() - oldest;
  }

  private refusal(reason: string): { retryAfterS: number; reason: string } {
    const wait = Math.max(this.expectedWaitMs(this.queued) ?? 0, this.longestWaitMs(), 1000);
    return { retryAfterS: Math.min(60, Math.ceil(wait / 1000)), reason };
  }

  private expectedWaitMs(posts: number): number | null {
    const r = this.rate.perSecond();
    return r === null ? null : (posts / r) * 1000;
  }

  private async store(posts: NormalizedPost[]): Promise<Array<IngestResult | Error>> {
    const out: Array<IngestResult | Error> = [];
    let left = posts.length;
    const id = this.nextDelivery++;
    this.progress.set(id, this.now());
    try {
      for (let i = 0; i < posts.length; i += this.batchSize) {
        const batch = posts.slice(i, i + this.batchSize);
        const rs = await this.batch(batch);
        out.push(...rs);
        left -= batch.length;
        this.queued -= batch.length;
        this.rate.add(batch.length);
        this.progress.set(id, this.now());
      }
      return out;
    } finally {
      this.queued -= left; // a batch that threw: its posts and the rest leave the queue unanswered
      this.progress.delete(id);
    }
  }

  private async batch(posts: NormalizedPost[]): Promise<Array<IngestResult | Error>> {
    if (this.ingestor.ingestMany) return this.ingestor.ingestMany(posts);
    const out: Array<IngestResult | Error> = [];
    for (const p of posts) out.push(await this.ingestor.ingest(p).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    return out;
  }
}
