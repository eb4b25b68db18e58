/**
 * An incremental multinomial naive Bayes classifier over hashed binary features.
 *
 * Why naive Bayes: every correction is one exact count update (no epochs, no learning rate),
 * the result does not depend on the order corrections arrive in, a model trained from many
 * agents' corrections equals one trained from them in a batch, and it serializes to a
 * compact JSON of counts. On short posts with word + char n-grams it matches online logistic
 * regression within a point (measured on held-out airline tweets and Bitext utterances).
 */
import { FeatureTable } from './feature-table';

/**
 * Most features the log cache holds before it starts over: every post adds the features the model
 * never saw (rare char-grams), so it is bounded by the model's own size, as the cache of seen ones is.
 */
const logCacheMax = (modelFeatures: number) => Math.max(1 << 18, 2 * modelFeatures);

export interface SerializedClassifier {
  kind: 'multinomial-nb';
  version: 1;
  alpha: number;
  labels: string[];
  docs: number[];
  /** feature id → count per label (same order as `labels`), flattened as [id, c0, c1, …] rows */
  rows: number[][];
}

export interface Prediction {
  label: string;
  /** tempered posterior of the label, 0..1 */
  confidence: number;
  /** tempered posterior for every known label */
  probabilities: Record<string, number>;
  /** how many of the text's features the model has seen; 0 means it only knows base rates */
  known: number;
}

export class NaiveBayes {
  private labels: string[] = [];
  private docs: number[] = [];
  /** per label: total feature occurrences */
  private totals: number[] = [];
  private counts = new Map<number, number[]>();
  /**
   * log P(feature | label) per feature, computed on first use and dropped on every learn: a post
   * is scored with one lookup and L additions per feature instead of L logarithms. A feature the
   * model never saw is cached as null (no evidence), so it is not looked up in `counts` again.
   */
  private logCache = new FeatureTable<Float64Array | null>();
  private logPrior: Float64Array | null = null;
  private logDenom: Float64Array | null = null;

  constructor(private readonly alpha = 0.3) {}

  get size(): number { return this.docs.reduce((a, b) => a + b, 0); }
  get knownLabels(): readonly string[] { return this.labels; }
  examplesOf(label: string): number { const i = this.labels.indexOf(label); return i < 0 ? 0 : this.docs[i]; }

  private labelIndex(label: string): number {
    let i = this.labels.indexOf(label);
    if (i < 0) {
      i = this.labels.length;
      this.labels.push(label);
      this.docs.push(0);
      this.totals.push(0);
      for (const row of this.counts.values()) row.push(0);
    }
    return i;
  }

  /** Adds one labelled example; `weight` lets an agent's correction count for more than one row of a data set. */
  learn(features: Int32Array, label: string, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`weight must be a positive number, got ${weight}`);
    const y = this.labelIndex(label);
    const L = this.labels.length;
    this.invalidate();
    this.docs[y] += weight;
    for (const f of features) {
      let row = this.counts.get(f);
      if (!row) { row = new Array(L).fill(0); this.counts.set(f, row); }
      row[y] += weight;
      this.totals[y] += weight;
    }
  }

  private invalidate(): void {
    if (this.logCache.size) this.logCache = new FeatureTable();
    this.logPrior = null;
    this.logDenom = null;
  }

  /** Log-scores per label; null when nothing has been learned. */
  scores(features: Int32Array, seen?: { known: number }): number[] | null {
    const L = this.labels.length;
    if (L === 0) return null;
    const a = this.alpha;
    if (!this.logPrior || !this.logDenom) {
      const n = this.size;
      const V = Math.max(1, this.counts.size);
      this.logPrior = new Float64Array(L);
      this.logDenom = new Float64Array(L);
      for (let c = 0; c < L; c++) {
        // add-one on the prior so a label seen once is not impossible to predict
        this.logPrior[c] = Math.log((this.docs[c] + 1) / (n + L));
        this.logDenom[c] = Math.log(this.totals[c] + a * V);
      }
    }
    const s = Array.from(this.logPrior);
    if (this.logCache.size + features.length > logCacheMax(this.counts.size)) this.logCache = new FeatureTable();
    for (const f of features) {
      let lr = this.logCache.get(f);
      if (lr === undefined) {
        const row = this.counts.get(f);
        if (row) {
          lr = new Float64Array(L);
          for (let c = 0; c < L; c++) lr[c] = Math.log(row[c] + a) - this.logDenom[c];
        } else lr = null;
        this.logCache.set(f, lr);
      }
      if (lr === null) continue; // unseen features carry no evidence for any label
      if (seen) seen.known++;
      for (let c = 0; c < L; c++) s[c] += lr[c];
    }
    return s;
  }

  predict(features: Int32Array): Prediction | null {
    const seen = { known: 0 };
    const s = this.scores(features, seen);
    if (!s) return null;
    // NB log-likelihoods over ~100 correlated features are far too sharp; temper them so
    // confidence means something when blended with rules and shown to agents.
    const temperature = 1 + features.length / 12;
    const max = Math.max(...s);
    let z = 0;
    const p = s.map((v) => { const e = Math.exp((v - max) / temperature); z += e; return e; });
    const probabilities: Record<string, number> = {};
    let best = 0;
    for (let c = 0; c < p.length; c++) {
      probabilities[this.labels[c]] = p[c] / z;
      if (s[c] > s[best]) best = c;
    }
    return { label: this.labels[best], confidence: p[best] / z, probabilities, known: seen.known };
  }

  toJSON(): SerializedClassifier {
    const rows: number[][] = [];
    for (const [f, row] of this.counts) rows.push([f, ...row]);
    return { kind: 'multinomial-nb', version: 1, alpha: this.alpha, labels: [...this.labels], docs: [...this.docs], rows };
  }

  static fromJSON(data: SerializedClassifier): NaiveBayes {
    if (!data || data.kind !== 'multinomial-nb' || data.version !== 1) throw new Error('not a serialized naive Bayes model (kind/version)');
    const L = data.labels.length;
    if (!Array.isArray(data.docs) || data.docs.length !== L) throw new Error('model is corrupt: docs/labels length differ');
    const nb = new NaiveBayes(data.alpha);
    nb.labels = [...data.labels];
    nb.docs = [...data.docs];
    nb.totals = new Array(L).fill(0);
    for (const r of data.rows) {
      if (r.length !== L + 1) throw new Error('model is corrupt: a feature row has the wrong length');
      const row = r.slice(1);
      nb.counts.set(r[0], row);
      for (let c = 0; c < L; c++) nb.totals[c] += row[c];
    }
    return nb;
  }
}
