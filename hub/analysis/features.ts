/**
 * Hashed sparse features for the learned models: word unigrams and bigrams (with negation
 * marks) plus character 3–4-grams inside words, which survive typos and inflections
 * (3–4 measured better than 3–5 or none on held-out airline tweets and Bitext utterances).
 * Hashing keeps the model's size bounded whatever vocabulary agents' corrections bring.
 */
import { markNegation, normalizeText, tokenize } from './text';

export const HASH_BITS = 22;
const HASH_MASK = (1 << HASH_BITS) - 1;

/** FNV-1a over UTF-16 code units, seeded per feature family so families do not collide systematically. */
export function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & HASH_MASK;
}

const SEED_WORD = 1, SEED_BIGRAM = 2, SEED_CHAR = 3, SEED_EXTRA = 4;

export interface FeatureOptions {
  /** character n-gram lengths inside words; [] turns them off */
  charGrams?: number[];
}

/**
 * The set of feature ids of a text (binary presence: short posts gain nothing from counts).
 * `extra` are named features added by the caller, e.g. the lexicon's polarity bucket.
 */
export function extractFeatures(text: string, extra: string[] = [], opts: FeatureOptions = {}): Int32Array {
  const grams = opts.charGrams ?? [3, 4];
  const tokens = markNegation(tokenize(normalizeText(text)));
  const ids = new Set<number>();
  let prev = '<s>';
  for (const t of tokens) {
    ids.add(hashString(t, SEED_WORD));
    ids.add(hashString(prev + ' ' + t, SEED_BIGRAM));
    prev = t;
    if (grams.length && t.length > 1 && t[0] !== '_') {
      const w = ' ' + (t[0] === '¬' ? t.slice(1) : t) + ' ';
      if (grams.length === 2 && grams[0] === 3 && grams[1] === 4) addCharGrams34(w, ids);
      else for (const n of grams) {
        for (let i = 0; i + n <= w.length; i++) ids.add(hashString(w.slice(i, i + n), SEED_CHAR));
      }
    }
  }
  if (tokens.length) ids.add(hashString(prev + ' </s>', SEED_BIGRAM));
  for (const e of extra) ids.add(hashString(e, SEED_EXTRA));
  return Int32Array.from(ids);
}

/**
 * The 3- and 4-grams of `w`, hashed exactly as hashString(w.slice(i, i + n), SEED_CHAR) would, but
 * without making the substrings: the 4-gram's hash continues the 3-gram's (the hot path of every post).
 */
function addCharGrams34(w: string, ids: Set<number>): void {
  const start = (0x811c9dc5 ^ SEED_CHAR) >>> 0;
  for (let i = 0; i + 3 <= w.length; i++) {
    let h = start;
    h ^= w.charCodeAt(i); h = Math.imul(h, 0x01000193);
    h ^= w.charCodeAt(i + 1); h = Math.imul(h, 0x01000193);
    h ^= w.charCodeAt(i + 2); h = Math.imul(h, 0x01000193);
    ids.add((h >>> 0) & HASH_MASK);
    if (i + 4 <= w.length) {
      h ^= w.charCodeAt(i + 3); h = Math.imul(h, 0x01000193);
      ids.add((h >>> 0) & HASH_MASK);
    }
  }
}

/** Base features plus named extras, without re-reading the text. */
export function appendFeatures(base: Int32Array, extra: string[]): Int32Array {
  if (!extra.length) return base;
  const out = new Int32Array(base.length + extra.length);
  out.set(base);
  extra.forEach((e, i) => { out[base.length + i] = hashString(e, SEED_EXTRA); });
  return out;
}
