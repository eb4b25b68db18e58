/**
 * Crisis and spike detection (issue 15): per key (a topic, an intent, a keyword, a channel, or all
 * of a workspace's posts), the volume in the current 15-minute interval against what is expected for
 * that hour of the week, learned from the workspace's own history as it goes.
 *
 * Expected: once an hour of the week has been seen `minWeeks` times, the key's mean per interval in
 * that hour of the week; before that, the key's mean per interval since the detector started (a new
 * workspace learns its week first). An interval is a spike when it holds at least `minCount` posts,
 * `minRatio` times the expected volume, and a Poisson z-score of `minZ` or more: a rare key needs a
 * real burst, a busy one a real rise. An alert carries its severity (how far above expected), how long
 * it has lasted, a few example posts, the terms that grew against the key's history, and the shift in
 * sentiment. A keyword's spike that another open alert of the workspace already covers (most of its
 * posts are that alert's) is added to that alert's terms instead of being raised on its own.
 *
 * Pure and incremental: `observe` one post at a time, in time order (replayed history or live posts).
 */
import { searchTerms } from '../../shared/assist/text';
import { HOUR_MS, INTERVAL_MS, WEEK_HOURS, hourOfWeek } from '../../shared/calendar/week';

export { INTERVAL_MS } from '../../shared/calendar/week';

export interface SpikePost {
  id: string;
  /** ms since the epoch */
  at: number;
  text: string;
  /** e.g. 'topic:delivery', 'intent:complaint', 'channel:x' ('all' and the keywords are added) */
  keys: string[];
  /** -1 … 1, when the analysis gave one */
  sentiment?: number;
}

export interface SpikeOptions {
  /** posts in the interval before anything is a spike */
  minCount: number;
  /** times the expected volume */
  minRatio: number;
  /** Poisson z-score: (observed − expected) / √expected */
  minZ: number;
  /** weeks an hour of the week must have been seen before its own mean is the expectation */
  minWeeks: number;
  /** no alert before the detector has this much history (everything is new at first) */
  warmupMs: number;
  /** keywords as keys of their own (each distinct search term of a post) */
  keywords: boolean;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = { minCount: 8, minRatio: 4, minZ: 4, minWeeks: 2, warmupMs: 24 * HOUR_MS, keywords: true };

export type Severity = 'watch' | 'high' | 'critical';

export interface SpikeAlert {
  key: string;
  /** start of the first interval over the threshold */
  started_at: string;
  /** when it was raised (the post that crossed the threshold) */
  raised_at: string;
  /** the latest interval over the threshold (its start) */
  last_interval: string;
  /** how long it has lasted, in minutes: from started_at to the end of the last interval over the threshold */
  lasted_min: number;
  /** posts in the interval that raised it, or the highest one since */
  observed: number;
  expected: number;
  ratio: number;
  z: number;
  severity: Severity;
  /** up to three posts of the interval that raised it */
  examples: Array<{ id: string; text: string }>;
  /** the terms that grew most against the key's history (log ratio of their shares) */
  terms: Array<{ term: string; count: number; growth: number }>;
  /** mean sentiment of the spike's posts minus the key's mean before it; null without sentiment */
  sentiment_shift: number | null;
  /** keys whose own spike this alert covers (a keyword inside it, the one channel of a brand) */
  covers: string[];
  open: boolean;
  /** a broader alert raised after this one over the same posts took it in (it is shown as that one) */
  merged_into?: string;
}

/** A post with its terms, worked out once when it arrives (every key the post counts for reads them). */
type SeenPost = SpikePost & { terms: string[] };

interface KeyState {
  /** where this key's counts begin (the detector's start, or the keyword horizon after a warm-up) */
  since: number;
  /** posts of this key per hour of week, all time (for the seasonal mean) */
  slotCount: Float64Array;
  total: number;
  firstAt: number;
  /** the current interval */
  interval: number;
  posts: SeenPost[];
  /** term counts of the key's history (closed intervals) and their sum */
  terms: Map<string, number>;
  termTotal: number;
  sentimentSum: number;
  sentimentN: number;
  alert: SpikeAlert | null;
}

/** How far above expected, and on what volume: eight posts where none were expected is worth a look, not a crisis. */
const severityOf = (observed: number, ratio: number, minCount: number): Severity =>
  (ratio >= 10 && observed >= 4 * minCount ? 'critical' : ratio >= 6 && observed >= 2 * minCount ? 'high' : 'watch');
/** all → channel → topic → intent → keyword: the broader key speaks for a spike two keys share */
const breadth = (key: string): number => (key === 'all' ? 0 : key.startsWith('channel:') ? 1 : key.startsWith('topic:') ? 2 : key.startsWith('intent:') ? 3 : key.startsWith('keyword:') ? 5 : 4);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** A post's distinct search terms of three letters or more (the words that can name what grew). */
const termsOf = (text: string): string[] => [...new Set(searchTerms(text).filter((t) => t.length >= 3))];

export class SpikeDetector {
  private readonly opts: SpikeOptions;
  private readonly keys = new Map<string, KeyState>();
  private startedAt: number | null = null;
  private readonly raised: SpikeAlert[] = [];
  /** after a warm-up from counts: keywords are counted from here on (the counts carry no words) */
  private keywordSince: number | null = null;

  constructor(opts: Partial<SpikeOptions> = {}) {
    this.opts = { ...DEFAULT_SPIKE_OPTIONS, ...opts };
  }

  /** Takes one post (in time order); returns the alerts it raised. */
  observe(post: SpikePost): SpikeAlert[] {
    if (this.startedAt === null) this.startedAt = post.at;
    const interval = Math.floor(post.at / INTERVAL_MS);
    const terms = termsOf(post.text);
    const seen: SeenPost = { ...post, terms };
    const keys = new Set(['all', ...post.keys, ...(this.opts.keywords ? terms.map((t) => `keyword:${t}`) : [])]);
    const candidates: Array<{ key: string; state: KeyState; expected: number; z: number; ratio: number }> = [];
    for (const key of keys) {
      const s = this.stateOf(key, post.at);
      if (s.interval !== interval) this.closeInterval(s, interval);
      s.posts.push(seen);
      const observed = s.posts.length;
      const expected = this.expected(s, post.at);
      const z = (observed - expected) / Math.sqrt(Math.max(expected, 0.25));
      const ratio = observed / Math.max(expected, 0.05);
      const over = post.at - this.startedAt >= this.opts.warmupMs && observed >= this.opts.minCount && ratio >= this.opts.minRatio && z >= this.opts.minZ;
      if (!over) continue;
      if (s.alert?.open) this.extend(s, observed, expected, z, ratio);
      else candidates.push({ key, state: s, expected, z, ratio });
    }
    // broad keys first, so a narrower key inside an open alert folds into it
    candidates.sort((a, b) => breadth(a.key) - breadth(b.key) || b.z - a.z);
    const out: SpikeAlert[] = [];
    for (const c of candidates) {
      const cover = this.coveringAlert(c.key, c.state);
      if (cover) {
        if (!cover.covers.includes(c.key)) cover.covers.push(c.key);
        continue;
      }
      out.push(this.raise(c.key, c.state, post.at, c.expected, c.z, c.ratio));
    }
    return out;
  }

  /**
   * Warm-up from stored history as counts per key and interval (a hub starting on a workspace's
   * history: hub/spikes/service.ts aggregates them in SQL), from `since` on. Keywords are not in
   * counts: they are learned from `keywordsFrom` on (the posts replayed after the counts), and a
   * keyword's expectation starts there. Call before the first `observe`, with rows in any order.
   */
  warm(since: number, rows: Array<{ key: string; at: number; count: number; sentimentSum?: number; sentimentN?: number }>, keywordsFrom: number): void {
    if (this.startedAt !== null) throw new Error('warm() must come before the first observe()');
    this.startedAt = since;
    this.keywordSince = Math.max(since, keywordsFrom);
    for (const r of rows) {
      const s = this.stateOf(r.key, r.at);
      s.slotCount[hourOfWeek(r.at)] += r.count;
      s.total += r.count;
      s.sentimentSum += r.sentimentSum ?? 0;
      s.sentimentN += r.sentimentN ?? 0;
      s.interval = Math.max(s.interval, Math.floor(r.at / INTERVAL_MS));
    }
  }

  /** Every alert raised so far (open or closed), in the order raised, without those a broader one took in. */
  alerts(): SpikeAlert[] {
    return this.raised.filter((a) => !a.merged_into);
  }

  /** Alerts still open at `now` (an alert closes when an interval passes below the threshold). */
  openAlerts(now: number): SpikeAlert[] {
    const interval = Math.floor(now / INTERVAL_MS);
    for (const s of this.keys.values()) if (s.alert && interval > s.interval + 1) this.closeInterval(s, interval);
    return this.alerts().filter((a) => a.open);
  }

  private stateOf(key: string, at: number): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      const start = this.startedAt ?? at;
      s = {
        since: key.startsWith('keyword:') && this.keywordSince !== null ? Math.max(start, this.keywordSince) : start,
        slotCount: new Float64Array(WEEK_HOURS), total: 0, firstAt: at, interval: Math.floor(at / INTERVAL_MS), posts: [],
        terms: new Map(), termTotal: 0, sentimentSum: 0, sentimentN: 0, alert: null,
      };
      this.keys.set(key, s);
    }
    return s;
  }

  /** Folds the key's current interval into its history and moves on to `interval`. */
  private closeInterval(s: KeyState, interval: number): void {
    const wasOver = s.alert?.open && s.alert.last_interval === new Date(s.interval * INTERVAL_MS).toISOString();
    for (const p of s.posts) {
      s.slotCount[hourOfWeek(p.at)] += 1;
      s.total += 1;
      for (const t of p.terms) { s.terms.set(t, (s.terms.get(t) ?? 0) + 1); s.termTotal += 1; }
      if (p.sentiment !== undefined) { s.sentimentSum += p.sentiment; s.sentimentN += 1; }
    }
    // an alert lasts while consecutive intervals stay over the threshold
    if (s.alert?.open && (!wasOver || interval > s.interval + 1)) s.alert.open = false;
    s.posts = [];
    s.interval = interval;
  }

  /** Posts expected in one interval of this key at `at`. */
  private expected(s: KeyState, at: number): number {
    const start = Math.floor(s.since / HOUR_MS) * HOUR_MS;
    const elapsedHours = Math.max(1, (Math.floor(at / INTERVAL_MS) * INTERVAL_MS - start) / HOUR_MS);
    const how = hourOfWeek(at);
    // how many times this hour of the week went by before this one since the detector started
    const offset = (how - hourOfWeek(start) + WEEK_HOURS) % WEEK_HOURS;
    const seen = Math.max(0, Math.floor((elapsedHours - offset) / WEEK_HOURS));
    const perInterval = HOUR_MS / INTERVAL_MS;
    if (seen >= this.opts.minWeeks) return s.slotCount[how] / seen / perInterval;
    return s.total / (elapsedHours * perInterval);
  }

  private raise(key: string, s: KeyState, at: number, expected: number, z: number, ratio: number): SpikeAlert {
    const interval = new Date(s.interval * INTERVAL_MS).toISOString();
    const alert: SpikeAlert = {
      key, started_at: interval, raised_at: new Date(at).toISOString(), last_interval: interval, lasted_min: 15,
      observed: s.posts.length, expected: round(expected), ratio: round(ratio, 1), z: round(z, 1), severity: severityOf(s.posts.length, ratio, this.opts.minCount),
      examples: s.posts.slice(0, 3).map((p) => ({ id: p.id, text: p.text })),
      terms: this.grownTerms(s), sentiment_shift: this.sentimentShift(s), covers: [], open: true,
    };
    s.alert = alert;
    // a narrower alert raised a post earlier over the same posts (a new topic whose burst is the whole spike) joins this one
    for (const [otherKey, other] of this.keys) {
      if (otherKey === key || breadth(otherKey) <= breadth(key) || !other.alert?.open || other.interval !== s.interval) continue;
      if (this.coveringAlert(otherKey, other) === alert) {
        other.alert.open = false;
        other.alert.merged_into = key;
        alert.covers.push(otherKey, ...other.alert.covers.filter((k) => !alert.covers.includes(k)));
      }
    }
    this.raised.push(alert);
    return alert;
  }

  private extend(s: KeyState, observed: number, expected: number, z: number, ratio: number): void {
    const a = s.alert!;
    const interval = new Date(s.interval * INTERVAL_MS).toISOString();
    a.last_interval = interval;
    a.lasted_min = Math.round((s.interval * INTERVAL_MS + INTERVAL_MS - Date.parse(a.started_at)) / 60_000);
    if (z > a.z) {
      Object.assign(a, { observed, expected: round(expected), ratio: round(ratio, 1), z: round(z, 1), severity: severityOf(observed, ratio, this.opts.minCount), terms: this.grownTerms(s) });
      a.sentiment_shift = this.sentimentShift(s);
    }
  }

  /**
   * An open alert of a broader key that says the same: for a keyword, one holding most of its posts in
   * the interval; for any other key, one over nearly the same posts (a brand on one channel: 'all' and
   * 'channel:x' are one spike). A topic or intent rising inside a wider spike is news of its own.
   */
  private coveringAlert(key: string, s: KeyState): SpikeAlert | null {
    const ids = new Set(s.posts.map((p) => p.id));
    for (const [otherKey, other] of this.keys) {
      if (otherKey === key || breadth(otherKey) > breadth(key) || !other.alert?.open || other.interval !== s.interval) continue;
      const shared = other.posts.reduce((n, p) => n + (ids.has(p.id) ? 1 : 0), 0);
      const covered = shared >= 0.8 * ids.size;
      if (covered && (key.startsWith('keyword:') || shared >= 0.8 * other.posts.length)) return other.alert;
    }
    return null;
  }

  /** Terms whose share of the interval's posts grew most against the key's history (smoothed log ratio). */
  private grownTerms(s: KeyState): SpikeAlert['terms'] {
    const now = new Map<string, number>();
    let total = 0;
    for (const p of s.posts) for (const t of p.terms) { now.set(t, (now.get(t) ?? 0) + 1); total += 1; }
    const vocab = s.terms.size + now.size + 1;
    return [...now].filter(([, c]) => c >= 2)
      .map(([term, count]) => ({ term, count, growth: round(Math.log((count + 0.5) / (total + 0.5 * vocab)) - Math.log(((s.terms.get(term) ?? 0) + 0.5) / (s.termTotal + 0.5 * vocab))) }))
      .filter((t) => t.growth > 0)
      .sort((a, b) => b.growth - a.growth || b.count - a.count || a.term.localeCompare(b.term))
      .slice(0, 5);
  }

  private sentimentShift(s: KeyState): number | null {
    const scored = s.posts.filter((p) => p.sentiment !== undefined);
    if (!scored.length || !s.sentimentN) return null;
    return round(scored.reduce((x, p) => x + p.sentiment!, 0) / scored.length - s.sentimentSum / s.sentimentN);
  }
}
