/**
 * Polls RSS/Atom feeds (review sites, forums, Reddit, YouTube) on a per-feed interval with
 * conditional GETs (If-None-Match / If-Modified-Since; a 304 costs nothing), and ingests each new
 * item once. Dedupe is twofold: a per-feed set of seen ids spares the Ingestor repeat calls, and the
 * Ingestor itself dedupes by platform id (so a restart without saved state stores nothing twice).
 * A failing feed is retried at a growing interval (up to 8×) and never stops the others.
 * Every failed poll, skipped item, unreadable date and charset mismatch is logged (one line,
 * `feeds: …`) and counted (`poller.stats()`): nothing is dropped or guessed silently. Items of one
 * forum topic (Discourse, phpBB, a Reddit post's comments) share a thread key (topics.ts), so the
 * hub threads them into one conversation.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { backoffDelay } from '../../../shared/backoff';
import type { Channel } from '../../../shared/domain';
import { checkPosts, clampText } from '../normalized';
import type { Ingestor, NormalizedPost } from '../types';
import { parseFeed, type FeedItem } from './parse';
import { topicKey } from './topics';

export const FeedConfigSchema = z.object({
  id: z.string().min(1).max(128),
  url: z.url({ protocol: /^https?$/ }),
  channel: z.enum(['rss', 'reddit', 'youtube', 'review', 'forum']),
  /** the brand account these posts are about (channel account id or a name) */
  account: z.string().min(1).max(256),
  intervalMs: z.number().int().min(1000).default(300_000),
  headers: z.record(z.string(), z.string()).optional(),
});
export type FeedConfig = z.input<typeof FeedConfigSchema>;

export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  /** ids already ingested, newest last (bounded) */
  seen: string[];
}

/** Where poll state lives between restarts; in memory unless the hub gives one. */
export interface FeedStateStore {
  load(feedId: string): Promise<FeedState | null>;
  save(feedId: string, state: FeedState): Promise<void>;
}

export interface PollResult {
  feed: string;
  status: 'fetched' | 'not_modified' | 'error';
  items: number;
  stored: number;
  duplicates: number;
  skipped: Array<{ id: string | null; reason: string }>;
  /** stored, but with something to say: a date that could not be read, a charset that did not match */
  warnings: Array<{ id: string | null; reason: string }>;
  error?: string;
}

/** What the poller did since start. */
export interface FeedStats {
  polls: number;
  errors: number;
  stored: number;
  duplicates: number;
  skipped: number;
  /** items stored with the time they were fetched, because they had no readable date */
  undated: number;
}

export interface FeedPollerOptions {
  feeds: FeedConfig[];
  ingestor: Ingestor;
  stateStore?: FeedStateStore;
  fetch?: typeof fetch;
  /** after every poll (for logs, metrics and tests) */
  onPoll?: (r: PollResult) => void;
  now?: () => Date;
  timeoutMs?: number;
  /** largest feed body accepted, default 5 MiB */
  maxBytes?: number;
  /** start polling right away (default) or only when pollNow is called */
  autoStart?: boolean;
  /** where failures, skipped items and warnings are logged, one line each (the hub: its log) */
  log: (line: string) => void;
}

export interface FeedPoller {
  pollNow(feedId: string): Promise<PollResult>;
  stats(): FeedStats;
  stop(): Promise<void>;
}

const SEEN_MAX = 5000;

export function memoryFeedStateStore(): FeedStateStore {
  const m = new Map<string, FeedState>();
  return { load: async (id) => m.get(id) ?? null, save: async (id, s) => { m.set(id, structuredClone(s)); } };
}

const FeedStateSchema = z.object({ etag: z.string().nullable(), lastModified: z.string().nullable(), seen: z.array(z.string()) });

/**
 * Poll state in a folder (one JSON file per feed), written atomically (temp file + rename); an
 * unreadable file counts as no state: the next poll fetches in full and the Ingestor dedupes.
 */
export function fileFeedStateStore(dir: string): FeedStateStore {
  const file = (id: string) => join(dir, `${encodeURIComponent(id)}.json`);
  return {
    async load(id) {
      try {
        const r = FeedStateSchema.safeParse(JSON.parse(await readFile(file(id), 'utf8')));
        return r.success ? r.data : null;
      } catch {
        return null;
      }
    },
    async save(id, state) {
      // private whatever the umask (the hub's data dir is; hub/db/private-files.ts)
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const tmp = `${file(id)}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file(id));
    },
  };
}

/** Whether an item of a forum topic is the topic's first post (which carries the topic's title) rather than a reply. */
function opensTopic(item: FeedItem): boolean {
  if (item.id && /^t1_/.test(item.id)) return false; // a Reddit comment (t3_ is the post)
  if (item.link && /\/t\/(?:[^/]+\/)?\d+\/(\d+)\/?$/.test(item.link)) return /\/1\/?$/.test(item.link); // Discourse post number
  return !/(^|•\s*)Re:/i.test(item.title) && !/^\/u\/\S+ on /.test(item.title);
}

export function feedItemToPost(feed: z.output<typeof FeedConfigSchema>, item: FeedItem, fetchedAt: Date, feedSelf?: string | null): NormalizedPost {
  const topic = topicKey(item, feedSelf ?? feed.url);
  const body = item.body && item.body !== item.title && !item.body.startsWith(item.title + '\n') ? item.body : '';
  // a reply in a forum topic repeats the topic's title ("Re: …", "/u/x on …"): its own words are enough
  const textParts = topic && body && !opensTopic(item) ? [body] : [item.title, body].filter(Boolean);
  // Reddit names authors "/u/name"; keep the name.
  const handle = (item.author.name ?? '').replace(/^\/?u\//, '').trim() || 'anonymous';
  return {
    channel: feed.channel as Channel,
    account: feed.account,
    platform_id: item.id!,
    author: { platform_user_id: item.author.uri, handle: handle.slice(0, 256), name: (item.author.name ?? handle).slice(0, 512), followers: null, verified: false, location: null },
    text: clampText(textParts.join('\n\n')),
    visibility: 'public',
    in_reply_to: null,
    // no readable date: the time it was fetched (the poller logs and counts it)
    created_at: item.published ?? fetchedAt.toISOString(),
    permalink: item.link && item.link.length <= 2048 ? item.link : null,
    from_brand: false,
    thread_key: topic,
  };
}

export function startFeedPoller(opts: FeedPollerOptions): FeedPoller {
  const feeds = opts.feeds.map((f) => FeedConfigSchema.parse(f));
  const ids = new Set<string>();
  for (const f of feeds) {
    if (ids.has(f.id)) throw new Error(`feed id ${f.id} is used twice`);
    ids.add(f.id);
  }
  const store = opts.stateStore ?? memoryFeedStateStore();
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const log = opts.log;
  const stats: FeedStats = { polls: 0, errors: 0, stored: 0, duplicates: 0, skipped: 0, undated: 0 };
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Map<string, Promise<PollResult>>();
  const failures = new Map<string, number>();
  let stopped = false;

  async function poll(feed: z.output<typeof FeedConfigSchema>): Promise<PollResult> {
    const result: PollResult = { feed: feed.id, status: 'fetched', items: 0, stored: 0, duplicates: 0, skipped: [], warnings: [] };
    const state: FeedState = (await store.load(feed.id)) ?? { etag: null, lastModified: null, seen: [] };
    const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8', 'user-agent': 'Tend/0.1 (+feed poller)', ...feed.headers };
    if (state.etag) headers['if-none-match'] = state.etag;
    if (state.lastModified) headers['if-modified-since'] = state.lastModified;
    try {
      const res = await doFetch(feed.url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000), redirect: 'follow' });
      if (res.status === 304) return { ...result, status: 'not_modified' };
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > maxBytes) throw new Error(`feed larger than ${maxBytes} bytes`);
      const buf = Buffer.from(await res.arrayBuffer());
      if (buf.length > maxBytes) throw new Error(`feed larger than ${maxBytes} bytes`);
      // the bytes, with the Content-Type: the charset may be in either, or in the XML declaration
      const parsed = parseFeed(buf, res.headers.get('content-type'));
      if (parsed.encodingNote) result.warnings.push({ id: null, reason: parsed.encodingNote });
      const fetchedAt = now();
      const seen = new Set(state.seen);
      result.items = parsed.items.length;
      const fresh: NormalizedPost[] = [];
      for (const item of parsed.items) {
        if (!item.id) { result.skipped.push({ id: null, reason: 'item has no guid, id or link' }); continue; }
        if (seen.has(item.id)) { result.duplicates++; continue; }
        try {
          fresh.push(checkPosts([feedItemToPost(feed, item, fetchedAt, parsed.self)])[0]);
          if (item.dateNote) {
            result.warnings.push({ id: item.id, reason: item.published ? item.dateNote : `${item.dateNote}: stored with the time it was fetched` });
            if (!item.published) stats.undated++;
          }
        } catch (e) {
          result.skipped.push({ id: item.id, reason: (e as Error).message });
        }
      }
      // oldest first, so a conversation list shows them in the order they were written
      fresh.sort((a, b) => a.created_at.localeCompare(b.created_at));
      for (const post of fresh) {
        const r = await opts.ingestor.ingest(post);
        if (r.status === 'stored') result.stored++; else result.duplicates++;
        seen.add(post.platform_id);
        state.seen.push(post.platform_id);
      }
      state.seen = state.seen.slice(-SEEN_MAX);
      state.etag = res.headers.get('etag');
      state.lastModified = res.headers.get('last-modified');
      await store.save(feed.id, state);
      return result;
    } catch (e) {
      return { ...result, status: 'error', error: (e as Error).message };
    }
  }

  function runOnce(feed: z.output<typeof FeedConfigSchema>): Promise<PollResult> {
    const running = inFlight.get(feed.id);
    if (running) return running;
    const p = poll(feed).then((r) => {
      failures.set(feed.id, r.status === 'error' ? (failures.get(feed.id) ?? 0) + 1 : 0);
      stats.polls++;
      stats.stored += r.stored;
      stats.duplicates += r.duplicates;
      stats.skipped += r.skipped.length;
      if (r.status === 'error') {
        stats.errors++;
        log(`feeds: ${feed.id} (${feed.url}) poll failed: ${r.error}`);
      }
      for (const s of r.skipped) log(`feeds: ${feed.id} item ${s.id ?? '(no id)'} skipped: ${s.reason}`);
      for (const w of r.warnings) log(`feeds: ${feed.id}${w.id ? ` item ${w.id}` : ''}: ${w.reason}`);
      opts.onPoll?.(r);
      return r;
    }).finally(() => inFlight.delete(feed.id));
    inFlight.set(feed.id, p);
    return p;
  }

  function schedule(feed: z.output<typeof FeedConfigSchema>, delayMs: number) {
    if (stopped) return;
    const t = setTimeout(async () => {
      await runOnce(feed);
      // a failing feed is polled less often: up to 8 intervals apart
      schedule(feed, backoffDelay(failures.get(feed.id) ?? 0, { baseMs: feed.intervalMs, maxMs: 8 * feed.intervalMs, jitter: 'none' }));
    }, delayMs);
    t.unref();
    timers.set(feed.id, t);
  }

  if (opts.autoStart !== false) {
    // spread the first polls over a few seconds rather than hitting every site at once
    feeds.forEach((f, i) => schedule(f, Math.min(f.intervalMs, i * 500)));
  }

  return {
    pollNow(feedId) {
      const feed = feeds.find((f) => f.id === feedId);
      if (!feed) return Promise.reject(new Error(`unknown feed ${feedId}`));
      return runOnce(feed);
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
