/**
 * Suggested replies from the workspace's own answered conversations: the ranking core, shared by
 * the desktop (fed from its SQLite cache, offline) and the hub (fed from PostgreSQL). Pure
 * TypeScript; sentence embeddings, when the caller has them, come in as vectors.
 *
 * A candidate is a past answer whose customer message resembles this one: BM25 over the
 * customer's words, plus the cosine of sentence embeddings. Answers that ended badly (reopened,
 * CSAT below 4) are never offered. The same answer sent many times is one candidate that counts
 * its uses; recent, often re-used, well-ending answers and those agents accepted rank higher.
 * Each suggestion is adapted to this conversation (adapt.ts) and says where it came from.
 */
import { adaptReply, type AdaptTarget } from './adapt';
import { linksIn, normalizeReply, rougeL, rougeTokens, searchTerms } from './text';

export interface AnsweredConversation {
  /** the conversation (or thread) the answer was sent in */
  id: string;
  /** what the customer wrote before the answer (a burst of posts joined) */
  customerText: string;
  /** the brand's answer */
  reply: string;
  /** when the answer was sent, ms since the epoch */
  repliedAt: number;
  customerHandles?: string[];
  customerName?: string | null;
  /** how the conversation ended, where known */
  outcome?: { resolved?: boolean; reopened?: boolean; csat?: number | null };
  /** sentence embedding of customerText (unit length), when the caller computes them */
  vector?: Float32Array | null;
}

export interface CannedResponse { id: string; shortcode?: string | null; title: string; body: string }

export type FeedbackAction = 'accepted' | 'edited' | 'ignored';

export interface SuggestQuery {
  /** the customer's words in the open conversation (their latest burst) */
  text: string;
  vector?: Float32Array | null;
  /** ms since the epoch; recency is measured from here */
  now: number;
  target?: AdaptTarget;
  /** the open conversation itself is never its own suggestion */
  excludeConversationId?: string;
}

export interface Suggestion {
  kind: 'reply' | 'canned' | 'link';
  /** adapted, ready to insert into the composer */
  text: string;
  score: number;
  /** the normalised answer: what feedback is recorded against */
  key: string;
  /** one line an agent reads: where this came from and why it ranks here */
  why: string;
  /** what adaptation changed */
  changes: string[];
  /** the conversations this answer was sent in (most similar first), or the canned response / link */
  sources: string[];
  /** for links: what the link was sent for */
  sentFor?: string;
}

export interface RankingWeights {
  /** weight of BM25 (normalised to the best match of the query) */
  lexical: number;
  /** weight of the embedding cosine */
  semantic: number;
  /** weight of log-scaled re-use of the same answer */
  reuse: number;
  /** weight of recency (1 now, 0.5 after halfLifeDays) */
  recency: number;
  halfLifeDays: number;
  /** bonus for answers whose conversation was resolved / rated ≥ 4 */
  outcome: number;
  /** weight of agents' feedback on the answer */
  feedback: number;
  /**
   * weight of consensus: how much an answer agrees (ROUGE-L) with the other strong candidates.
   * Answers worded the way the team usually answers such messages are the safer suggestion.
   */
  consensus: number;
  /** how many top candidates take part in the consensus */
  pool: number;
}

export const DEFAULT_WEIGHTS: RankingWeights = { lexical: 0.5, semantic: 1, reuse: 0.25, recency: 0.1, halfLifeDays: 90, outcome: 0.1, feedback: 1, consensus: 3, pool: 20 };

interface Doc { conv: AnsweredConversation; len: number; template: Template }
interface Template { key: string; docs: number[]; uses: number; lastUsedAt: number; good: number; best: Doc | null; links: string[]; tokens: string[] }
interface Feedback { accepted: number; edited: number; ignored: number }

const K1 = 1.2, B = 0.75;
const DAY = 86_400_000;

/** Answers that ended badly are not offered again. */
export function endedWell(o: AnsweredConversation['outcome']): boolean {
  if (!o) return true;
  if (o.reopened) return false;
  if (typeof o.csat === 'number' && o.csat < 4) return false;
  return true;
}

/** Keys answers so that the same answer with another number or handle counts as one. */
export function answerKey(reply: string): string {
  return normalizeReply(reply).replace(/\d+/g, '0');
}

export class SuggestionIndex {
  private readonly docs: Doc[] = [];
  private readonly postings = new Map<string, Array<[number, number]>>();
  private totalLen = 0;
  private readonly templates = new Map<string, Template>();
  private readonly feedback = new Map<string, Feedback>();
  private readonly byConversation = new Map<string, number>();
  private readonly weights: RankingWeights;

  constructor(weights: Partial<RankingWeights> = {}) {
    this.weights = { ...DEFAULT_WEIGHTS, ...weights };
  }

  get size(): number { return this.docs.length; }

  /** Adds one answered conversation. Returns false (and keeps nothing) when it ended badly or is empty. */
  add(conv: AnsweredConversation): boolean {
    if (!endedWell(conv.outcome) || !conv.reply.trim()) return false;
    if (this.byConversation.has(conv.id)) return false;
    const key = answerKey(conv.reply);
    if (!key) return false;
    let t = this.templates.get(key);
    if (!t) { t = { key, docs: [], uses: 0, lastUsedAt: 0, good: 0, best: null, links: linksIn(conv.reply), tokens: rougeTokens(normalizeReply(conv.reply)) }; this.templates.set(key, t); }
    const terms = searchTerms(conv.customerText);
    const idx = this.docs.length;
    const doc: Doc = { conv, len: terms.length, template: t };
    this.docs.push(doc);
    this.byConversation.set(conv.id, idx);
    this.totalLen += terms.length;
    const tf = new Map<string, number>();
    for (const w of terms) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [w, n] of tf) {
      let p = this.postings.get(w);
      if (!p) { p = []; this.postings.set(w, p); }
      p.push([idx, n]);
    }
    t.docs.push(idx);
    t.uses++;
    if (conv.repliedAt >= t.lastUsedAt) { t.lastUsedAt = conv.repliedAt; t.best = doc; }
    if (conv.outcome?.resolved || (conv.outcome?.csat ?? 0) >= 4) t.good++;
    return true;
  }

  /** An agent accepted, edited or ignored a suggestion: later rankings take it into account. */
  recordFeedback(key: string, action: FeedbackAction, times = 1): void {
    const f = this.feedback.get(key) ?? { accepted: 0, edited: 0, ignored: 0 };
    f[action] += times;
    this.feedback.set(key, f);
  }

  /** −1..1: accepted counts fully, edited half, ignored against; shrunk towards 0 while there is little of it. */
  private feedbackScore(key: string): number {
    const f = this.feedback.get(key);
    if (!f) return 0;
    const n = f.accepted + f.edited + f.ignored;
    return (f.accepted + 0.5 * f.edited - f.ignored) / (n + 2);
  }

  private bm25(terms: string[]): Map<number, { score: number; words: Set<string> }> {
    const out = new Map<number, { score: number; words: Set<string> }>();
    const N = this.docs.length;
    if (!N) return out;
    const avgdl = this.totalLen / N || 1;
    for (const w of new Set(terms)) {
      const p = this.postings.get(w);
      if (!p) continue;
      const idf = Math.log(1 + (N - p.length + 0.5) / (p.length + 0.5));
      for (const [d, tf] of p) {
        const len = this.docs[d].len;
        const s = idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avgdl)));
        const cur = out.get(d);
        if (cur) { cur.score += s; cur.words.add(w); } else out.set(d, { score: s, words: new Set([w]) });
      }
    }
    return out;
  }

  /** Up to k suggested replies for the open conversation, best first. */
  suggest(q: SuggestQuery, k = 3): Suggestion[] {
    if (!this.docs.length) return [];
    const W = this.weights;
    const lex = this.bm25(searchTerms(q.text));
    let maxLex = 0;
    for (const v of lex.values()) maxLex = Math.max(maxLex, v.score);
    // similarity of each candidate document: lexical (relative to this query's best) + semantic
    const sims = new Map<number, { sim: number; words: string[]; cos: number }>();
    const consider = (d: number) => {
      if (sims.has(d)) return;
      const doc = this.docs[d];
      if (q.excludeConversationId && doc.conv.id === q.excludeConversationId) return;
      if (doc.conv.repliedAt > q.now) return; // answers from the future (replays) are not known yet
      const l = lex.get(d);
      const cos = q.vector && doc.conv.vector ? dot(q.vector, doc.conv.vector) : 0;
      const sim = W.lexical * (l && maxLex ? l.score / maxLex : 0) + W.semantic * Math.max(0, cos);
      sims.set(d, { sim, words: l ? [...l.words] : [], cos });
    };
    for (const d of lex.keys()) consider(d);
    if (q.vector) for (let d = 0; d < this.docs.length; d++) consider(d);
    let maxUses = 1;
    for (const t of this.templates.values()) maxUses = Math.max(maxUses, t.uses);
    // every answer: its best-matching conversation, its re-use, recency, outcome and feedback
    const scored: Array<{ t: Template; score: number; sim: number; doc: Doc; words: string[]; usesBefore: number; last: number }> = [];
    for (const t of this.templates.values()) {
      let best: { d: number; sim: number; words: string[] } | null = null;
      let usesBefore = 0, last = 0;
      for (const d of t.docs) {
        const doc = this.docs[d];
        if (doc.conv.repliedAt > q.now || doc.conv.id === q.excludeConversationId) continue;
        usesBefore++;
        last = Math.max(last, doc.conv.repliedAt);
        const s = sims.get(d);
        if (s && (!best || s.sim > best.sim)) best = { d, sim: s.sim, words: s.words };
      }
      if (!usesBefore) continue;
      const sim = best?.sim ?? 0;
      const reuse = Math.log(1 + usesBefore) / Math.log(1 + maxUses);
      const recency = Math.pow(0.5, Math.max(0, q.now - last) / (W.halfLifeDays * DAY));
      const good = t.good / t.uses;
      const score = sim + W.reuse * reuse + W.recency * recency + W.outcome * good + W.feedback * this.feedbackScore(t.key);
      const doc = best ? this.docs[best.d] : this.docs[t.docs[t.docs.length - 1]];
      scored.push({ t, score, sim, doc, words: best?.words ?? [], usesBefore, last });
    }
    scored.sort((a, b) => b.score - a.score || b.last - a.last);
    // consensus among the strongest candidates, then pick k that do not repeat each other
    const pool = scored.slice(0, Math.max(k, W.pool));
    if (W.consensus > 0 && pool.length > 1) {
      const top = pool[0].score;
      const w = pool.map((p) => Math.exp(2 * (p.score - top)));
      for (let i = 0; i < pool.length; i++) {
        let num = 0, den = 0;
        for (let j = 0; j < pool.length; j++) {
          if (i === j) continue;
          num += w[j] * rougeL(pool[i].t.tokens, pool[j].t.tokens);
          den += w[j];
        }
        pool[i].score += W.consensus * (den ? num / den : 0);
      }
      pool.sort((a, b) => b.score - a.score || b.last - a.last);
    }
    const picked: typeof pool = [];
    for (const p of pool) {
      if (picked.length >= k) break;
      if (picked.some((q) => rougeL(q.t.tokens, p.t.tokens) > 0.8)) continue;
      picked.push(p);
    }
    for (const p of pool) { if (picked.length >= k) break; if (!picked.includes(p)) picked.push(p); }
    return picked.map((s) => {
      const adapted = adaptReply(s.doc.conv.reply, q.target ?? {}, { customerHandles: s.doc.conv.customerHandles, customerName: s.doc.conv.customerName });
      const why: string[] = [];
      if (s.words.length) why.push(`similar message (${s.words.slice(0, 3).map((w) => `"${w}"`).join(', ')})`);
      else if (s.sim > 0) why.push('similar message (meaning)');
      else why.push('often sent');
      why.push(`sent ${s.usesBefore}×`);
      const ago = Math.round((q.now - s.last) / DAY);
      why.push(ago <= 0 ? 'last today' : `last ${ago} day${ago === 1 ? '' : 's'} ago`);
      if (s.t.good) why.push(`${s.t.good} resolved`);
      const fb = this.feedback.get(s.t.key);
      if (fb?.accepted) why.push(`accepted ${fb.accepted}×`);
      return {
        kind: 'reply' as const, text: adapted.text, score: round3(s.score), key: s.t.key, why: why.join(', '), changes: adapted.changes,
        sources: [s.doc.conv.id],
      };
    });
  }

  /**
   * Help links the team has sent before, with the customer message they were sent for, ranked by
   * how well that message matches this one.
   */
  helpLinks(q: SuggestQuery, k = 2): Suggestion[] {
    const lex = this.bm25(searchTerms(q.text));
    const best = new Map<string, { score: number; doc: Doc; uses: number }>();
    let maxLex = 0;
    for (const v of lex.values()) maxLex = Math.max(maxLex, v.score);
    for (let d = 0; d < this.docs.length; d++) {
      const doc = this.docs[d];
      if (doc.conv.repliedAt > q.now || doc.conv.id === q.excludeConversationId) continue;
      const links = doc.template.links;
      if (!links.length) continue;
      const l = lex.get(d);
      const cos = q.vector && doc.conv.vector ? Math.max(0, dot(q.vector, doc.conv.vector)) : 0;
      const sim = (l && maxLex ? l.score / maxLex : 0) + cos;
      if (sim <= 0) continue;
      for (const url of links) {
        const cur = best.get(url);
        if (!cur) best.set(url, { score: sim, doc, uses: 1 });
        else { cur.uses++; if (sim > cur.score) { cur.score = sim; cur.doc = doc; } }
      }
    }
    return [...best.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, k).map(([url, v]) => ({
      kind: 'link' as const, text: url, score: round3(v.score), key: url, why: `sent ${v.uses}× for messages like this`,
      changes: [], sources: [v.doc.conv.id], sentFor: v.doc.conv.customerText.slice(0, 200),
    }));
  }
}

/** Canned responses whose words fit the customer's message (BM25 over title, shortcode and body). */
export function suggestCanned(text: string, canned: CannedResponse[], k = 2): Suggestion[] {
  const q = new Set(searchTerms(text));
  if (!q.size) return [];
  const df = new Map<string, number>();
  const docs = canned.map((c) => new Set(searchTerms(`${c.title} ${c.shortcode ?? ''} ${c.body}`)));
  for (const d of docs) for (const w of d) df.set(w, (df.get(w) ?? 0) + 1);
  const N = canned.length;
  return canned.map((c, i) => {
    const words = [...q].filter((w) => docs[i].has(w));
    const score = words.reduce((s, w) => s + Math.log(1 + (N - df.get(w)! + 0.5) / (df.get(w)! + 0.5)), 0);
    return { c, score, words };
  }).filter((x) => x.score > 0).sort((a, b) => b.score - a.score).slice(0, k).map((x) => ({
    kind: 'canned' as const, text: x.c.body, score: round3(x.score), key: `canned:${x.c.id}`,
    why: `canned "${x.c.title}" (${x.words.slice(0, 3).map((w) => `"${w}"`).join(', ')})`, changes: [], sources: [x.c.id],
  }));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function round3(x: number): number { return Math.round(x * 1000) / 1000; }
