/**
 * Multinomial logistic regression over hashed sparse features (the "linear model"), fitted in
 * batches from the stored examples.
 *
 * Why a refit rather than online steps: the fit depends only on the set of examples (they are
 * visited in an order fixed by their keys and a seeded shuffle), so `learnMany` equals many
 * `learn`s and two hubs that learned the same corrections hold the same model. AdaGrad with a
 * small L2 penalty; an example's weight (e.g. a data set's label confidence) scales its gradient.
 */
import { mulberry32 } from '../../shared/random';
import { FeatureTable } from './feature-table';

export interface SparseExample {
  /** feature ids (hashed); values default to 1 */
  ids: Int32Array;
  vals?: Float32Array;
  label: string;
  weight: number;
  /** stable key (e.g. a hash of the text) that fixes the visiting order */
  key: number;
}

export interface FitOptions {
  epochs?: number;
  /** AdaGrad base step */
  rate?: number;
  /** L2 penalty per example visit */
  l2?: number;
  seed?: number;
}

export interface SerializedLinear {
  kind: 'softmax-regression';
  version: 1;
  labels: string[];
  bias: number[];
  /** [feature id, w0, w1, …] rows, weights rounded to 1e-4 */
  rows: number[][];
}

/** seeded, so the fit is the same on every machine */
const rng = mulberry32;

export class SoftmaxRegression {
  labels: string[] = [];
  private bias: Float64Array = new Float64Array(0);
  private weights = new Map<number, Float32Array>();
  /** the weights again, for predict's lookups (a Map lookup per feature was most of predict's time); built on first use */
  private lookup: FeatureTable<Float32Array> | null = null;

  get size(): number { return this.weights.size; }

  /** Fits from scratch on `examples`; returns the model (this). */
  fit(examples: readonly SparseExample[], opts: FitOptions = {}): this {
    const epochs = opts.epochs ?? 8, rate = opts.rate ?? 0.3, l2 = opts.l2 ?? 1e-6;
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const L = labels.length;
    const li = new Map(labels.map((l, i) => [l, i]));
    this.labels = labels;
    this.bias = new Float64Array(L);
    const weights = new Map<number, Float32Array>();
    const g2 = new Map<number, Float32Array>();
    const gb2 = new Float64Array(L).fill(1e-8);
    if (L < 2) { this.weights = weights; this.lookup = null; return this; }
    const order = [...examples].sort((a, b) => a.key - b.key || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const rand = rng(opts.seed ?? 1);
    const p = new Float64Array(L);
    for (let epoch = 0; epoch < epochs; epoch++) {
      // seeded Fisher–Yates: a fixed order for a fixed set of examples
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const t = order[i]; order[i] = order[j]; order[j] = t;
      }
      for (const ex of order) {
        const y = li.get(ex.label)!;
        const rows: Float32Array[] = [];
        for (let k = 0; k < ex.ids.length; k++) {
          let w = weights.get(ex.ids[k]);
          if (!w) { w = new Float32Array(L); weights.set(ex.ids[k], w); g2.set(ex.ids[k], new Float32Array(L).fill(1e-8)); }
          rows.push(w);
        }
        this.probsInto(rows, ex.vals, p);
        for (let c = 0; c < L; c++) {
          const g = (p[c] - (c === y ? 1 : 0)) * ex.weight;
          gb2[c] += g * g;
          this.bias[c] -= (rate * g) / Math.sqrt(gb2[c]);
          if (g === 0) continue;
          for (let k = 0; k < rows.length; k++) {
            const x = ex.vals ? ex.vals[k] : 1;
            const gk = g * x + l2 * rows[k][c];
            const acc = g2.get(ex.ids[k])!;
            acc[c] += gk * gk;
            rows[k][c] -= (rate * gk) / Math.sqrt(acc[c]);
          }
        }
      }
    }
    this.weights = weights;
    this.lookup = null;
    return this;
  }

  private probsInto(rows: Array<Float32Array | undefined>, vals: Float32Array | undefined, out: Float64Array): void {
    const L = this.labels.length;
    let max = -Infinity;
    for (let c = 0; c < L; c++) {
      let s = this.bias[c];
      for (let k = 0; k < rows.length; k++) {
        const w = rows[k];
        if (w) s += w[c] * (vals ? vals[k] : 1);
      }
      out[c] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let c = 0; c < L; c++) { out[c] = Math.exp(out[c] - max); z += out[c]; }
    for (let c = 0; c < L; c++) out[c] /= z;
  }

  /**
   * Probabilities per label, and how many of the text's features the model has weights for
   * (none means it only knows the base rates: the caller should not trust it).
   */
  predict(ids: Int32Array, vals?: Float32Array): { probabilities: Record<string, number>; known: number } | null {
    const L = this.labels.length;
    if (L < 2) return null;
    if (!this.lookup) {
      this.lookup = new FeatureTable(this.weights.size);
      for (const [f, w] of this.weights) this.lookup.set(f, w);
    }
    const lookup = this.lookup;
    const rows: Array<Float32Array | undefined> = new Array(ids.length);
    let known = 0;
    for (let k = 0; k < ids.length; k++) { const w = lookup.get(ids[k]); rows[k] = w; if (w) known++; }
    const p = new Float64Array(L);
    this.probsInto(rows, vals, p);
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < L; c++) probabilities[this.labels[c]] = p[c];
    return { probabilities, known };
  }

  toJSON(): SerializedLinear {
    const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
    const rows: number[][] = [];
    for (const [f, w] of this.weights) {
      let any = false;
      for (const v of w) if (Math.abs(v) >= 5e-5) { any = true; break; }
      if (any) rows.push([f, ...Array.from(w, r4)]);
    }
    return { kind: 'softmax-regression', version: 1, labels: [...this.labels], bias: Array.from(this.bias, r4), rows };
  }

  static fromJSON(data: SerializedLinear): SoftmaxRegression {
    if (!data || data.kind !== 'softmax-regression' || data.version !== 1) throw new Error('not a serialized linear model (kind/version)');
    const L = data.labels.length;
    if (!Array.isArray(data.bias) || data.bias.length !== L) throw new Error('linear model is corrupt: bias/labels length differ');
    const m = new SoftmaxRegression();
    m.labels = [...data.labels];
    m.bias = Float64Array.from(data.bias);
    for (const r of data.rows) {
      if (r.length !== L + 1) throw new Error('linear model is corrupt: a weight row has the wrong length');
      m.weights.set(r[0], Float32Array.from(r.slice(1)));
    }
    return m;
  }
}
