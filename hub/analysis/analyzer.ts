/**
 * The analysis of one inbound post, and learning from agents' corrections.
 *
 * Each label (sentiment, intent, topic, priority) is a blend of a rule prior — VADER for
 * sentiment, the taxonomy's keyword rules for intent and topic, a weighted score for priority —
 * and the workspace's learned naive Bayes model. The model's weight grows with the corrections
 * it has learned (n / (n + k)), so a new workspace runs on rules and a trained one on what its
 * agents taught it. Every result says why, in words an agent reads at a glance.
 */
import { z } from 'zod';
import { LIMITS, PrioritySchema, type Analysis, type Priority } from '../../shared/domain';
import type { NormalizedPost } from '../connectors/types';
import { NaiveBayes, type Prediction } from './classifier';
import type { Embedder } from './embedder';
import { appendFeatures, extractFeatures, hashString } from './features';
import { detectLanguage } from './language';
import { lexiconFeatures, lexiconSentiment, type LexiconSentiment, type SentimentLabel } from './lexicon';
import { SoftmaxRegression, type SparseExample } from './linear';
import { TASKS, type ModelStore, type Task, type WorkspaceModel } from './model-store';
import { toneCues, toneFeatures, type ToneCue } from './tone';
import { vaderScores } from './vader';
import { authorInfluence, detectNoise, detectUrgency, findPersonalDataMasked, formatCount, type AuthorInfo, type PersonalDataFound } from './signals';
import { DEFAULT_TAXONOMY, KeywordRules, parseTaxonomy, type Taxonomy } from './taxonomy';

export type { Task } from './model-store';

export interface PostInput {
  text: string;
  author?: AuthorInfo;
  channel?: string;
  visibility?: 'public' | 'private';
}

export interface Correction {
  text: string;
  task: Task;
  label: string;
  /** how many data-set rows one correction is worth; default 1 */
  weight?: number;
  /** context for priority corrections (influence matters there) */
  author?: AuthorInfo;
}

export interface AnalysisResult extends Analysis {
  language: string;
  sentiment: { label: string; score: number; confidence: number; source?: SentimentSource };
  intent: string;
  intent_confidence: number;
  topic?: string;
  topic_confidence?: number;
  urgency: number;
  pii: string[];
  pii_found: PersonalDataFound[];
  noise: boolean;
  noise_kind: 'spam' | 'bot' | 'off_topic' | null;
  influence: number;
  priority: Priority;
  reason: string;
}

export interface LabelDecision {
  label: string;
  confidence: number;
  /** 'rules' when only the prior spoke, 'learned' when the model outweighed it */
  source: 'rules' | 'learned';
  probabilities: Record<string, number>;
  /** for a learned label: how many corrections taught that label */
  evidence?: number;
}

/** Where a sentiment label came from: the lexicon (+ tone cues), the learned linear models, or the embedding stage. */
export type SentimentSource = 'rules' | 'learned' | 'embedding';

/** A correction's label outranks the rules only once this many corrections taught it. */
export const MIN_EVIDENCE = 3;
/** Below this confidence the cheap stage counts as unsure and the embedding stage is asked. */
export const UNSURE_BELOW = 0.8;
/** Corrections kept per task for refitting the linear model (newest win). */
export const MAX_EXAMPLES = 20_000;

const CorrectionSchema = z.object({
  text: z.string().min(1, 'text is empty').max(LIMITS.messageText, `text is longer than ${LIMITS.messageText} characters`),
  task: z.enum(TASKS),
  label: z.string().trim().min(1, 'label is empty').max(64, 'label is longer than 64 characters'),
  weight: z.number().positive().max(1000).optional(),
  author: z.object({ followers: z.number().nullable().optional(), verified: z.boolean().optional(), handle: z.string().nullable().optional() }).passthrough().optional(),
});

/** How many corrections it takes for the learned model to weigh as much as the rules. */
const HALF_WEIGHT: Record<Task, number> = { sentiment: 20, intent: 8, topic: 8, priority: 20 };
const NEGATIVE = /^(neg|negative|-1)$/i;
const POSITIVE = /^(pos|positive|1|\+1)$/i;

function canonicalSentiment(label: string): SentimentLabel | null {
  if (NEGATIVE.test(label)) return 'negative';
  if (POSITIVE.test(label)) return 'positive';
  if (/^(neu|neutral|0|none)$/i.test(label)) return 'neutral';
  return null;
}

export interface AnalyzerOptions {
  store?: ModelStore;
  taxonomy?: unknown;
  workspaceId?: string;
}

export class Analyzer {
  readonly workspaceId: string;
  private taxonomy: Taxonomy;
  private intentRules: KeywordRules;
  private topicRules: KeywordRules;
  private models = new Map<Task, NaiveBayes>();
  private corrections: Partial<Record<Task, number>> = {};
  /** sentiment corrections by text key, for refitting the linear model (insertion order = age) */
  private examples = new Map<number, [string, string, number]>();
  private linear: SoftmaxRegression | null = null;
  private linearStale = false;
  private refitTimer: ReturnType<typeof setTimeout> | null = null;
  /** the embedding stage: head over [sentence embedding, linear probabilities], and the embeddings it was fitted on */
  private deepHead: SoftmaxRegression | null = null;
  private readonly embeddings = new Map<number, Float32Array>();
  private readonly store?: ModelStore;
  private saving: Promise<void> | null = null;
  private saveAgain = false;

  constructor(opts: AnalyzerOptions = {}) {
    this.workspaceId = opts.workspaceId ?? 'default';
    this.store = opts.store;
    this.taxonomy = opts.taxonomy === undefined ? DEFAULT_TAXONOMY : parseTaxonomy(opts.taxonomy);
    this.intentRules = new KeywordRules(this.taxonomy.intents);
    this.topicRules = new KeywordRules(this.taxonomy.topics);
  }

  /** Loads the workspace's models from the store (none yet is fine). */
  async load(): Promise<this> {
    if (!this.store) return this;
    const doc = await this.store.load(this.workspaceId);
    if (doc) this.restore(doc);
    return this;
  }

  /** Replaces the live state by a stored one; a corrupt document throws and changes nothing. */
  restore(doc: WorkspaceModel): void {
    const taxonomy = doc.taxonomy ? parseTaxonomy(doc.taxonomy) : this.taxonomy;
    const models = new Map<Task, NaiveBayes>();
    for (const task of TASKS) {
      const m = doc.models[task];
      if (m) models.set(task, NaiveBayes.fromJSON(m));
    }
    const linear = doc.linear?.sentiment ? SoftmaxRegression.fromJSON(doc.linear.sentiment) : null;
    const deepHead = doc.deep?.sentiment ? SoftmaxRegression.fromJSON(doc.deep.sentiment) : null;
    this.setTaxonomyNow(taxonomy);
    this.models = models;
    this.corrections = { ...doc.corrections };
    this.examples = new Map((doc.examples?.sentiment ?? []).map((e) => [exampleKey(e[0]), e]));
    this.linear = linear;
    this.deepHead = deepHead;
    this.linearStale = !linear && this.examples.size > 0;
  }

  toJSON(): WorkspaceModel {
    const models: WorkspaceModel['models'] = {};
    for (const [task, m] of this.models) models[task] = m.toJSON();
    return {
      version: 1,
      taxonomy: this.taxonomy === DEFAULT_TAXONOMY ? undefined : this.taxonomy,
      models,
      corrections: { ...this.corrections },
      ...(this.examples.size ? { examples: { sentiment: [...this.examples.values()] } } : {}),
      ...(this.linear && !this.linearStale ? { linear: { sentiment: this.linear.toJSON() } } : {}),
      ...(this.deepHead ? { deep: { sentiment: this.deepHead.toJSON() } } : {}),
      updated_at: new Date().toISOString(),
    };
  }

  getTaxonomy(): Taxonomy { return this.taxonomy; }

  /** Edits the workspace's taxonomy; invalid input throws and keeps the old one. */
  async setTaxonomy(input: unknown): Promise<void> {
    this.setTaxonomyNow(parseTaxonomy(input));
    await this.persist();
  }

  private setTaxonomyNow(t: Taxonomy) {
    const intentRules = new KeywordRules(t.intents);
    const topicRules = new KeywordRules(t.topics);
    this.taxonomy = t;
    this.intentRules = intentRules;
    this.topicRules = topicRules;
  }

  stats(): Record<Task, { corrections: number; labels: string[] }> {
    const out = {} as Record<Task, { corrections: number; labels: string[] }>;
    for (const task of TASKS) out[task] = { corrections: this.corrections[task] ?? 0, labels: [...(this.models.get(task)?.knownLabels ?? [])] };
    return out;
  }

  // ---- learning -----------------------------------------------------------

  /** Learns one agent correction; later analyses use it at once, the store gets it when the promise resolves. */
  async learn(correction: Correction): Promise<void> {
    const c = validateCorrection(correction);
    this.learnNow(c);
    this.scheduleRefit();
    await this.persist();
  }

  /**
   * Learns a batch the same way as one correction at a time (naive Bayes counts do not
   * depend on order). Every correction is checked first: one bad row and nothing is learned.
   */
  async learnMany(corrections: Iterable<Correction>): Promise<number> {
    const valid: Correction[] = [];
    let i = 0;
    for (const c of corrections) {
      try { valid.push(validateCorrection(c)); } catch (e) { throw new Error(`correction #${i + 1}: ${(e as Error).message}`, { cause: e }); }
      i++;
    }
    for (const c of valid) this.learnNow(c);
    if (valid.some((c) => c.task === 'sentiment')) this.refitNow();
    if (valid.length) await this.persist();
    return valid.length;
  }

  private learnNow(c: Correction): void {
    let model = this.models.get(c.task);
    if (!model) { model = new NaiveBayes(); this.models.set(c.task, model); }
    model.learn(this.featuresFor(c.task, c.text, c.author), c.label, c.weight ?? 1);
    this.corrections[c.task] = (this.corrections[c.task] ?? 0) + 1;
    if (c.task === 'sentiment') {
      // the latest correction of a text wins; re-inserting moves it to the newest end
      const key = exampleKey(c.text);
      this.examples.delete(key);
      this.examples.set(key, [c.text, c.label, c.weight ?? 1]);
      if (this.examples.size > MAX_EXAMPLES) this.examples.delete(this.examples.keys().next().value!);
      this.linearStale = true;
    }
  }

  /**
   * Refits the sentiment linear model from the stored corrections. Small sets refit at once; a
   * large one waits a moment so a burst of corrections costs one refit (analysis meanwhile uses
   * the naive Bayes counts, which are always current, and the previous fit).
   */
  private scheduleRefit(): void {
    if (!this.linearStale) return;
    if (this.examples.size <= 2000) { this.refitNow(); return; }
    if (this.refitTimer) return;
    this.refitTimer = setTimeout(() => {
      this.refitTimer = null;
      this.refitNow();
      void this.persist().catch(() => undefined);
    }, 2000);
    this.refitTimer.unref?.();
  }

  /** Refits now (also what the evaluation and tests call to settle pending corrections). */
  refitNow(): void {
    if (this.refitTimer) { clearTimeout(this.refitTimer); this.refitTimer = null; }
    const examples: SparseExample[] = [];
    for (const [key, [text, label, weight]] of this.examples) {
      const f = sentimentLinearFeatures(readText(text));
      examples.push({ ids: f.ids, vals: f.vals, label, weight: Math.min(weight, 10), key });
    }
    const labels = new Set(examples.map((e) => e.label));
    this.linear = labels.size >= 2 ? new SoftmaxRegression().fit(examples, LINEAR_FIT) : null;
    this.linearStale = false;
    // the embedding head was fitted on the old linear model's outputs
    if (this.deepHead && this.linear) this.deepStale = true;
  }
  private deepStale = false;

  /** Saves to the store; overlapping calls coalesce into one more save after the running one. */
  private async persist(): Promise<void> {
    if (!this.store) return;
    if (this.saving) { this.saveAgain = true; return this.saving; }
    const run = async () => {
      try {
        do {
          this.saveAgain = false;
          await this.store!.save(this.workspaceId, this.toJSON());
        } while (this.saveAgain);
      } finally { this.saving = null; }
    };
    this.saving = run();
    return this.saving;
  }

  // ---- features -------------------------------------------------------------

  private featuresFor(task: Task, text: string, author?: AuthorInfo, base?: Int32Array): Int32Array {
    const words = base ?? extractFeatures(text);
    if (task === 'sentiment') {
      const cues = toneCues(text);
      return appendFeatures(words, [...lexiconFeatures(toneAdjusted(lexiconSentiment(text), cues)), ...toneFeatures(cues)]);
    }
    if (task === 'priority') return appendFeatures(words, this.priorityContext(text, author));
    return words;
  }

  /** What besides the words decides priority: how loud the author is, how angry and urgent the post. */
  private priorityContext(text: string, author?: AuthorInfo): string[] {
    const infl = authorInfluence(author).score;
    const urg = detectUrgency(text).score;
    const lex = lexiconSentiment(text);
    return [`infl:${Math.round(infl * 4)}`, `infl2:${Math.round(infl * 4)}`, `urg:${Math.round(urg * 4)}`, `urg2:${Math.round(urg * 4)}`, `lex:${lex.bucket}`];
  }

  // ---- prediction -----------------------------------------------------------

  /** 0 until the model can tell two labels apart, then n / (n + k): rules fade as corrections come. */
  private modelWeight(task: Task): number {
    const model = this.models.get(task);
    if (!model || model.knownLabels.length < 2) return 0;
    return model.size / (model.size + HALF_WEIGHT[task]);
  }

  /**
   * The rules' prior blended with what agents taught, in proportion to the evidence: the model's
   * weight grows as n / (n + k); a model that knows none of the post's words abstains; and a label
   * the rules did not propose wins only once MIN_EVIDENCE corrections taught it.
   */
  private blend(task: Task, prior: Record<string, number>, features: Int32Array, linear?: Record<string, number> | null): LabelDecision | null {
    const model = this.models.get(task);
    const hasPrior = Object.keys(prior).length > 0;
    let w = model && model.knownLabels.length >= 2 ? this.modelWeight(task) : 0;
    if (!hasPrior && model?.size) w = model.size / (model.size + 1); // nothing to blend with: the model speaks alone, if it may
    let pred: Prediction | null = w > 0 ? model!.predict(features) : null;
    if (pred && pred.known === 0) pred = null; // none of these words were ever corrected: no evidence
    const p: Record<string, number> = {};
    const wm = pred ? w : 0;
    for (const [l, v] of Object.entries(prior)) p[l] = (1 - wm) * v;
    if (pred) {
      for (const [l, v] of Object.entries(pred.probabilities)) {
        // the linear model, when fitted, votes as much as the counts do
        const lv = linear?.[l];
        p[l] = (p[l] ?? 0) + wm * (lv === undefined ? v : (v + lv) / 2);
      }
    }
    const ranked = Object.entries(p).sort((a, b) => b[1] - a[1]);
    // a learned label outranks the rules only with enough corrections behind it
    const allowed = ranked.filter(([l]) => (prior[l] ?? 0) > 0 || (model?.examplesOf(l) ?? 0) >= MIN_EVIDENCE);
    const pick = allowed[0] ?? (hasPrior ? null : ranked[0]);
    if (!pick) return null;
    if (!hasPrior && (model?.examplesOf(pick[0]) ?? 0) < MIN_EVIDENCE) return null;
    const [label, conf] = pick;
    const learned = wm > 0.5 || (pred !== null && (prior[label] ?? 0) < (1 - wm) * Math.max(0, ...Object.values(prior)));
    return {
      label, confidence: conf, source: pred && learned ? 'learned' : 'rules', probabilities: p,
      ...(pred && learned ? { evidence: Math.round(model!.examplesOf(label)) } : {}),
    };
  }

  /**
   * The lexicon's vote, spoken in the label names the workspace's model uses ("neg", "negative",
   * "-1"…). A model whose labels mean something else ("angry", "calm") gets no lexicon vote.
   */
  private sentimentPrior(label: SentimentLabel): Record<string, number> {
    const canonical: Record<string, number> = { negative: 0.2, neutral: 0.2, positive: 0.2, [label]: 0.6 };
    const model = this.models.get('sentiment');
    if (!model || model.knownLabels.length < 2) return canonical;
    const out: Record<string, number> = {};
    for (const l of model.knownLabels) {
      const c = canonicalSentiment(l);
      if (!c) return {}; // a label the lexicon cannot speak for: let the model alone decide
      out[l] = canonical[c];
    }
    return normalize(out);
  }

  /** One task's label for a text, exactly as analyze() decides it (used by the evaluation). */
  predict(task: Task, text: string, author?: AuthorInfo): LabelDecision | null {
    return this.decide(task, text, author, extractFeatures(text));
  }

  private decide(task: Task, text: string, author: AuthorInfo | undefined, base: Int32Array): LabelDecision | null {
    if (task === 'sentiment') return this.sentimentDecision(readText(text, base));
    if (task === 'intent') { const r = readText(text, base); return this.blend('intent', this.intentPrior(text, r.lex.score, r.cues).prior, base); }
    if (task === 'topic') return this.blend('topic', rulePrior(this.topicRules.match(text.toLowerCase())), base);
    const a = this.analyze({ text, author });
    return { label: a.priority, confidence: 1, source: 'rules', probabilities: { [a.priority]: 1 } };
  }

  /** The cheap stage's sentiment: lexicon + tone cues as the prior, naive Bayes and the linear model as what agents taught. */
  private sentimentDecision(r: Reading): LabelDecision {
    const features = appendFeatures(r.base, [...lexiconFeatures(r.lex), ...toneFeatures(r.cues)]);
    const lin = this.linear ? this.linear.predict(...spread(sentimentLinearFeatures(r))) : null;
    return this.blend('sentiment', this.sentimentPrior(r.lex.label), features, lin && lin.known > 0 ? lin.probabilities : null)!;
  }

  /** How the sentiment score (−1..1) follows from a decision: the lexicon's score fading into the models' as they learn. */
  private sentimentScore(s: LabelDecision, lexScore: number): number {
    const w = this.modelWeight('sentiment');
    const canon = canonicalSentiment(s.label);
    let pPos = 0, pNeg = 0;
    for (const [l, v] of Object.entries(s.probabilities)) {
      const c = canonicalSentiment(l);
      if (c === 'positive') pPos += v; else if (c === 'negative') pNeg += v;
    }
    let score = (1 - w) * lexScore + w * (pPos - pNeg);
    if (canon === 'negative') score = Math.min(score, -0.05);
    else if (canon === 'positive') score = Math.max(score, 0.05);
    else if (canon === 'neutral') score = Math.max(-0.5, Math.min(0.5, score));
    return Math.round(score * 100) / 100;
  }

  // ---- the embedding stage ------------------------------------------------------

  /** True when the cheap stage was unsure of this sentiment, so the embedding stage should look. */
  static isUnsure(a: Pick<AnalysisResult, 'sentiment'>): boolean {
    return a.sentiment.confidence < UNSURE_BELOW;
  }

  /** True once the embedding stage has a head fitted on this workspace's corrections. */
  get hasEmbeddingStage(): boolean { return this.deepHead !== null && !this.deepStale; }

  /**
   * Fits the embedding stage's head from the stored sentiment corrections: each text's sentence
   * embedding (computed once and kept in memory) and the linear model's probabilities for it.
   * Embedding costs ~5 ms of CPU per text, so the hub calls this off the ingest path.
   */
  async fitEmbeddingStage(embedder: Embedder, opts: { batch?: number } = {}): Promise<void> {
    if (this.linearStale) this.refitNow();
    const entries = [...this.examples];
    const missing = entries.filter(([k]) => !this.embeddings.has(k));
    const batch = opts.batch ?? 32;
    for (let i = 0; i < missing.length; i += batch) {
      const part = missing.slice(i, i + batch);
      const vs = await embedder.embed(part.map(([, e]) => e[0]));
      part.forEach(([k], j) => this.embeddings.set(k, vs[j]));
    }
    const labels = new Set(entries.map(([, e]) => e[1]));
    if (labels.size < 2) { this.deepHead = null; return; }
    const examples: SparseExample[] = entries.map(([key, [, label, weight]]) => ({ ...deepFeatures(this.embeddings.get(key)!), label, weight: Math.min(weight, 10), key }));
    this.deepHead = new SoftmaxRegression().fit(examples, DEEP_FIT);
    this.deepStale = false;
  }

  /**
   * The embedding stage's sentiment for a post the cheap stage was unsure of (or one an agent is
   * about to see): the linear model and the embedding head vote equally. Null when the stage has
   * no head yet; the cheap result then stands.
   */
  async refineSentiment(text: string, embedder: Embedder, vector?: Float32Array): Promise<LabelDecision & { score: number } | null> {
    if (!this.deepHead || this.deepStale || !this.linear) return null;
    const r = readText(text);
    const lin = this.linear.predict(...spread(sentimentLinearFeatures(r)));
    if (!lin) return null;
    const v = vector ?? (await embedder.embed([text]))[0];
    const f = deepFeatures(v);
    const head = this.deepHead.predict(f.ids, f.vals)!;
    const p: Record<string, number> = {};
    for (const l of this.deepHead.labels) p[l] = ((lin.probabilities[l] ?? 0) + head.probabilities[l]) / 2;
    const [label, conf] = Object.entries(p).sort((a, b) => b[1] - a[1])[0];
    const d: LabelDecision = { label, confidence: conf, source: 'learned', probabilities: p, evidence: Math.round(this.models.get('sentiment')?.examplesOf(label) ?? 0) };
    return { ...d, score: this.sentimentScore(d, r.lex.score) };
  }

  /** predict() with the embedding stage where the cheap stage is unsure (what the evaluation scores). */
  async predictWithEmbeddings(text: string, embedder: Embedder, vector?: Float32Array): Promise<{ decision: LabelDecision | null; stage: 'cheap' | 'embedding' }> {
    const cheap = this.predict('sentiment', text);
    if (!cheap || cheap.confidence >= UNSURE_BELOW) return { decision: cheap, stage: 'cheap' };
    const deep = await this.refineSentiment(text, embedder, vector);
    return deep ? { decision: deep, stage: 'embedding' } : { decision: cheap, stage: 'cheap' };
  }

  private intentPrior(text: string, lexScore: number, cues: ToneCue[] = []) {
    const hits = this.intentRules.match(text.toLowerCase());
    const ids = new Set(this.taxonomy.intents.map((c) => c.id));
    // weak cues that need no keywords: a question mark, a clearly negative or positive tone
    const weak: Array<[string, number]> = [];
    if (text.includes('?') && ids.has('question')) weak.push(['question', 0.8]);
    if (lexScore <= -0.4 && ids.has('complaint')) weak.push(['complaint', 0.8]);
    // sarcasm, profanity and rhetorical questions are never praise, whatever their happy words say
    if (lexScore >= 0.5 && !cues.length && ids.has('praise')) weak.push(['praise', 0.6]);
    if (cues.some((c) => c.kind === 'rhetorical' || c.kind === 'sarcasm') && ids.has('complaint')) weak.push(['complaint', 0.6]);
    const counts: Record<string, number> = {};
    for (const h of hits) {
      if (h.id === 'praise' && cues.length) continue; // "oh great, another delay" names no praise
      counts[h.id] = (counts[h.id] ?? 0) + h.count;
    }
    for (const [id, v] of weak) counts[id] = (counts[id] ?? 0) + v;
    return { prior: normalize(counts), hits };
  }

  /** Full analysis of one inbound post. Never throws on odd input: an empty text is noise. */
  analyze(post: PostInput): AnalysisResult {
    const text = typeof post.text === 'string' ? post.text : '';
    const lower = text.toLowerCase();
    const r = readText(text);
    const { base, lex } = r;

    // sentiment
    const s = this.sentimentDecision(r);
    const canon = canonicalSentiment(s.label);
    const score = this.sentimentScore(s, lex.score);

    // intent and topic
    const { prior: intentPrior, hits: intentHits } = this.intentPrior(text, lex.score, r.cues);
    const intent = this.blend('intent', intentPrior, base) ?? { label: 'other', confidence: 0, source: 'rules' as const, probabilities: {} };
    const topicHits = this.topicRules.match(lower);
    const topic = this.blend('topic', rulePrior(topicHits), base);

    // rule signals
    const urgency = detectUrgency(text);
    const safety = intent.label === 'urgent_safety';
    const urgencyScore = safety ? Math.max(urgency.score, 0.8) : urgency.score;
    const pii = findPersonalDataMasked(text);
    const noise = detectNoise(text, post.author, intent.label);
    const influence = authorInfluence(post.author);
    const language = detectLanguage(text).language;

    // priority: rule score, then what agents taught
    const ruled = rulePriority({ sentiment: canon, score, intent: intent.label, urgency: urgencyScore, influence: influence.score, pii: pii.length > 0, isPublic: post.visibility !== 'private', noise: noise.noise });
    const pModel = this.models.get('priority');
    let priority = ruled.priority;
    let priorityLearned = false;
    if (pModel && pModel.knownLabels.length >= 2) {
      const prior: Record<string, number> = { low: 0.1, normal: 0.1, high: 0.1, urgent: 0.1, [ruled.priority]: 0.7 };
      const d = this.blend('priority', prior, appendFeatures(base, this.priorityContext(text, post.author)));
      if (d && PrioritySchema.safeParse(d.label).success) {
        priorityLearned = d.source === 'learned' && d.label !== ruled.priority;
        priority = d.label as Priority;
      }
    }

    const reason = explain({
      sentiment: s.label, score, sentimentSource: s.source, sentimentEvidence: s.evidence, tone: s.source === 'rules' ? lex.tone : undefined, intent, intentWords: intentHits.find((h) => h.id === intent.label)?.words ?? [],
      topic, topicWords: topicHits.find((h) => h.id === topic?.label)?.words ?? [], urgency: urgencyScore, urgencyCues: urgency.cues,
      influence, pii, noise, priority, priorityLearned,
    });

    return {
      language,
      sentiment: { label: s.label, score, confidence: round2(s.confidence), source: s.source },
      intent: intent.label,
      intent_confidence: round2(intent.confidence),
      ...(topic ? { topic: topic.label, topic_confidence: round2(topic.confidence) } : {}),
      urgency: urgencyScore,
      pii: [...new Set(pii.map((p) => p.kind))],
      pii_found: pii,
      noise: noise.noise,
      noise_kind: noise.kind,
      influence: influence.score,
      priority,
      reason,
    };
  }

  /** The hub's ingest hook (hub/conversations/ingest.ts AnalyzePost): bound, so it can be handed over as is. */
  readonly analyzePost = (post: Pick<NormalizedPost, 'text'> & Partial<Pick<NormalizedPost, 'author' | 'channel' | 'visibility'>>): AnalysisResult =>
    this.analyze({ text: post.text, author: post.author ?? undefined, channel: post.channel, visibility: post.visibility });
}

function validateCorrection(c: Correction): Correction {
  const r = CorrectionSchema.safeParse(c);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`invalid correction: ${i.path.join('.') || 'value'}: ${i.message}`);
  }
  if (r.data.task === 'priority' && !PrioritySchema.safeParse(r.data.label).success) {
    throw new Error(`invalid correction: priority must be one of ${PrioritySchema.options.join(', ')}, got "${r.data.label}"`);
  }
  return r.data as Correction;
}

function round2(x: number) { return Math.round(x * 100) / 100; }

function normalize(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  if (total > 0) for (const [k, v] of Object.entries(counts)) out[k] = v / total;
  return out;
}

function rulePrior(hits: Array<{ id: string; count: number }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const h of hits) counts[h.id] = h.count;
  return normalize(counts);
}



interface PriorityInputs {
  sentiment: SentimentLabel | null; score: number; intent: string; urgency: number;
  influence: number; pii: boolean; isPublic: boolean; noise: boolean;
}

const INTENT_WEIGHT: Record<string, number> = {
  urgent_safety: 2.5, complaint: 0.6, request_for_help: 0.6, purchase_intent: 0.6, question: 0.3, feedback: 0, praise: -0.6, spam: -3,
};

/** Weighted evidence → level. Angry + influential + urgent reaches urgent; neutral praise stays low. */
export function rulePriority(x: PriorityInputs): { priority: Priority; points: number } {
  if (x.noise) return { priority: 'low', points: 0 };
  // an inbound post to a care team deserves a normal answer unless something says otherwise
  let points = 0.5;
  if (x.sentiment === 'negative') points += -x.score * 1.5;
  points += x.urgency * 3;
  points += INTENT_WEIGHT[x.intent] ?? 0;
  points += x.influence * 1.5;
  if (x.pii && x.isPublic) points += 0.5; // personal data in public wants a quick hand
  const priority: Priority = points >= 3.5 ? 'urgent' : points >= 2 ? 'high' : points >= 0.4 ? 'normal' : 'low';
  return { priority, points: round2(points) };
}

const PII_NAMES: Record<string, string> = { email: 'e-mail', phone: 'phone', card: 'card number', order: 'order number' };

function fmtScore(x: number) { return (x < 0 ? '−' : x > 0 ? '+' : '') + Math.abs(x).toFixed(2); }

function explain(x: {
  sentiment: string; score: number; sentimentSource: string; sentimentEvidence?: number; tone?: ToneCue; intent: LabelDecision | { label: string; confidence: number; source: string };
  intentWords: string[]; topic: LabelDecision | null; topicWords: string[]; urgency: number; urgencyCues: string[];
  influence: { score: number; followers: number | null; verified: boolean }; pii: PersonalDataFound[];
  noise: { noise: boolean; kind: string | null; why: string | null }; priority: Priority; priorityLearned: boolean;
}): string {
  const parts: string[] = [];
  if (x.noise.noise) parts.push(`${x.noise.kind?.replace('_', '-')}: ${x.noise.why}`);
  parts.push(`${x.sentiment} (${fmtScore(x.score)}${x.sentimentSource === 'learned' ? `, ${learnedFrom(x.sentimentEvidence)}` : ''}${x.tone ? `, ${x.tone.kind}: "${x.tone.words}"` : ''})`);
  const quote = (w: string[]) => w.map((s) => `"${s}"`).join(', ');
  const ie = (x.intent as LabelDecision).evidence;
  parts.push(x.intentWords.length && x.intent.source === 'rules' ? `${x.intent.label.replace(/_/g, ' ')} (${quote(x.intentWords)})`
    : `${x.intent.label.replace(/_/g, ' ')}${x.intent.source === 'learned' ? ` (${learnedFrom(ie)}, ${Math.round(x.intent.confidence * 100)}%)` : ''}`);
  if (x.topic) {
    parts.push(x.topicWords.length ? `mentions ${x.topicWords.join(', ')} → ${x.topic.label.replace(/_/g, ' ')}`
      : `topic ${x.topic.label.replace(/_/g, ' ')} (${learnedFrom(x.topic.evidence)})`);
  }
  if (x.urgency >= 0.4) parts.push(`urgent${x.urgencyCues.length ? ` (${quote(x.urgencyCues.slice(0, 2))})` : ''}`);
  if (x.influence.followers !== null && x.influence.followers >= 1000) parts.push(`${formatCount(x.influence.followers)} followers`);
  if (x.influence.verified) parts.push('verified');
  if (x.pii.length) parts.push(`personal data: ${[...new Set(x.pii.map((p) => PII_NAMES[p.kind]))].join(', ')}`);
  return `${parts.join(', ')} → ${x.priority} priority${x.priorityLearned ? ' (learned from agents)' : ''}`;
}

function learnedFrom(n: number | undefined): string {
  return n === undefined ? 'learned' : `learned from ${n} correction${n === 1 ? '' : 's'}`;
}

// ---- what the models read ------------------------------------------------------

/** One read of a text, shared by every label: features, VADER, tone cues, and the tone-adjusted lexicon reading. */
interface Reading { text: string; base: Int32Array; vader: ReturnType<typeof vaderScores>; cues: ToneCue[]; lex: LexiconSentiment & { tone?: ToneCue } }

function readText(text: string, base?: Int32Array): Reading {
  const vader = vaderScores(text);
  const cues = toneCues(text);
  return { text, base: base ?? extractFeatures(text), vader, cues, lex: toneAdjusted(lexiconSentiment(text, vader.compound), cues) };
}

/**
 * The lexicon's reading corrected by tone cues: sarcasm and profanity turn a happy-sounding post
 * negative, a rhetorical question keeps it from reading as positive. The cue is kept for the reason.
 */
export function toneAdjusted(lex: LexiconSentiment, cues: ToneCue[]): LexiconSentiment & { tone?: ToneCue } {
  const cue = cues.find((c) => c.kind === 'sarcasm') ?? cues.find((c) => c.kind === 'profanity') ?? cues.find((c) => c.kind === 'rhetorical');
  if (!cue) return lex;
  let score = lex.score;
  if (cue.kind === 'sarcasm') score = score > -0.3 ? -0.3 - 0.4 * Math.abs(score) : score;
  else if (cue.kind === 'profanity') score = score > -0.4 ? -0.4 - 0.3 * Math.abs(score) : score;
  else score = Math.min(score, -0.1);
  score = Math.round(score * 10000) / 10000;
  if (score === lex.score) return { ...lex, tone: cue };
  return { ...lexiconSentiment('', score), tone: cue };
}

const LINEAR_FIT = { epochs: 8, rate: 0.3, l2: 1e-6 } as const;
const DEEP_FIT = { epochs: 10, rate: 0.1, l2: 1e-6 } as const;
const SEED_DENSE = 5;
const DENSE_IDS = ['v:c', 'v:p', 'v:n', 'v:u', 'lex', 'tone:profanity', 'tone:sarcasm', 'tone:rhetorical'].map((n) => hashString(n, SEED_DENSE));
const BUCKET_IDS = new Map(['neg2', 'neg1', 'zero', 'pos1', 'pos2'].map((b) => [b, hashString(`bucket:${b}`, SEED_DENSE)]));

/**
 * The linear model's features: the same word and character n-grams as naive Bayes, scaled by
 * 1/√n so long and short posts weigh alike, plus VADER's four scores, the tone-adjusted lexicon
 * bucket and score, and one feature per tone cue.
 */
function sentimentLinearFeatures(r: Reading): { ids: Int32Array; vals: Float32Array } {
  const n = r.base.length;
  const ids = new Int32Array(n + 9);
  const vals = new Float32Array(n + 9);
  ids.set(r.base);
  vals.fill(n ? 1 / Math.sqrt(n) : 0, 0, n);
  const cue = (k: string) => (r.cues.some((c) => c.kind === k) ? 1 : 0);
  const dense = [r.vader.compound, r.vader.pos, r.vader.neg, r.vader.neu, r.lex.score, cue('profanity'), cue('sarcasm'), cue('rhetorical')];
  for (let i = 0; i < dense.length; i++) { ids[n + i] = DENSE_IDS[i]; vals[n + i] = dense[i]; }
  ids[n + 8] = BUCKET_IDS.get(r.lex.bucket)!;
  vals[n + 8] = 1;
  return { ids, vals };
}

const DEEP_IDS = Int32Array.from({ length: 512 }, (_, i) => i);
function deepFeatures(v: Float32Array): { ids: Int32Array; vals: Float32Array } {
  return { ids: DEEP_IDS.subarray(0, v.length), vals: v };
}

function spread(f: { ids: Int32Array; vals: Float32Array }): [Int32Array, Float32Array] { return [f.ids, f.vals]; }

/** A stable key for a correction's text (duplicates of one text are one example). */
function exampleKey(text: string): number {
  return hashString(text, 91) * 1024 + (hashString(text, 92) & 1023);
}

/** A single-workspace analyzer; call `load()` (or use `openAnalyzer`) to read its store. */
export function createAnalyzer(opts: AnalyzerOptions = {}): Analyzer {
  return new Analyzer(opts);
}

export async function openAnalyzer(opts: AnalyzerOptions = {}): Promise<Analyzer> {
  return new Analyzer(opts).load();
}
