/**
 * VADER compound score (Hutto & Gilbert 2014), a line-by-line port of vaderSentiment-js
 * (npm 'vader-sentiment' 1.1.3, Copyright 2018 Comcast Cable Communications Management, LLC,
 * Apache-2.0; see its NOTICE), using the lexicon file shipped in that package.
 *
 * Why a port: the package finds "word with punctuation stuck to it" by building a dictionary of
 * every word × 17 punctuation marks for each text, which took ~60% of the whole analysis of a
 * post. Here the same lookup is a few string checks per token; the scores are identical
 * (vader.test.ts compares both on real posts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const B_INCR = 0.293;
const B_DECR = -0.293;
const C_INCR = 0.733;
const N_SCALAR = -0.74;
const REMOVE_PUNCTUATION = /[!"#$%&'()*+,-./:;<=>?@[\\\]^_`{|}~]/g;
const PUNC_LIST = ['.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?'];
const NEGATE = new Set(['aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', "ain't", "aren't", "can't", "couldn't",
  "daren't", "didn't", "doesn't", 'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt', 'neither', "don't", "hadn't", "hasn't",
  "haven't", "isn't", "mightn't", "mustn't", 'neednt', "needn't", 'never', 'none', 'nope', 'nor', 'not', 'nothing', 'nowhere', 'oughtnt',
  'shant', 'shouldnt', 'uhuh', 'wasnt', 'werent', "oughtn't", "shan't", "shouldn't", 'uh-uh', "wasn't", "weren't", 'without', 'wont',
  'wouldnt', "won't", "wouldn't", 'rarely', 'seldom', 'despite']);
const BOOSTER: Record<string, number> = Object.assign(Object.create(null), {
  absolutely: B_INCR, amazingly: B_INCR, awfully: B_INCR, completely: B_INCR, considerably: B_INCR, decidedly: B_INCR, deeply: B_INCR,
  effing: B_INCR, enormously: B_INCR, entirely: B_INCR, especially: B_INCR, exceptionally: B_INCR, extremely: B_INCR, fabulously: B_INCR,
  flipping: B_INCR, flippin: B_INCR, fricking: B_INCR, frickin: B_INCR, frigging: B_INCR, friggin: B_INCR, fully: B_INCR, fucking: B_INCR,
  greatly: B_INCR, hella: B_INCR, highly: B_INCR, hugely: B_INCR, incredibly: B_INCR, intensely: B_INCR, majorly: B_INCR, more: B_INCR,
  most: B_INCR, particularly: B_INCR, purely: B_INCR, quite: B_INCR, really: B_INCR, remarkably: B_INCR, so: B_INCR, substantially: B_INCR,
  thoroughly: B_INCR, totally: B_INCR, tremendously: B_INCR, uber: B_INCR, unbelievably: B_INCR, unusually: B_INCR, utterly: B_INCR,
  very: B_INCR, almost: B_DECR, barely: B_DECR, hardly: B_DECR, 'just enough': B_DECR, 'kind of': B_DECR, kinda: B_DECR, kindof: B_DECR,
  'kind-of': B_DECR, less: B_DECR, little: B_DECR, marginally: B_DECR, occasionally: B_DECR, partly: B_DECR, scarcely: B_DECR,
  slightly: B_DECR, somewhat: B_DECR, 'sort of': B_DECR, sorta: B_DECR, sortof: B_DECR, 'sort-of': B_DECR,
});
const IDIOMS: Record<string, number> = Object.assign(Object.create(null), {
  'the shit': 3, 'the bomb': 3, 'bad ass': 1.5, 'yeah right': -2, 'cut the mustard': 2, 'kiss of death': -1.5, 'hand to mouth': -2,
});

function loadLexicon(): Map<string, number> {
  const pkg = createRequire(import.meta.url).resolve('vader-sentiment/package.json');
  const lex = new Map<string, number>();
  for (const line of readFileSync(join(dirname(pkg), 'vader_lexicon.txt'), 'utf8').split('\n')) {
    const [word, mean] = line.split('\t');
    if (word && mean !== undefined) lex.set(word, Number(mean));
  }
  return lex;
}
/** Read on first use: a hub that analyses nothing (analysis off, a soak's many short-lived hubs) never pays for it (~50-90 ms of CPU). */
let lexicon: Map<string, number> | null = null;
const lexiconOf = () => (lexicon ??= loadLexicon());

const has = (o: Record<string, number>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isUpper = (w: string) => w.length > 0 && /^[^a-z]*[A-Z]+[^a-z]*$/.test(w);
const negated = (w: string) => NEGATE.has(w) || w.includes("n't");

/** the characters PUNC_LIST's marks are made of: a token that neither starts nor ends with one has none stuck to it */
const PUNC_CHARS = new Set(PUNC_LIST.join(''));

/** Tokens as vaderSentiment-js yields them: whitespace split, 2+ chars, one stuck punctuation mark peeled off. */
function wordsAndEmoticons(text: string): string[] {
  let bare: Set<string> | null = null; // built only when a token has punctuation at an edge
  const out: string[] = [];
  for (const t of text.split(/\s/)) {
    if (t.length <= 1) continue;
    let word = t;
    if (!PUNC_CHARS.has(t[0]) && !PUNC_CHARS.has(t[t.length - 1])) { out.push(word); continue; }
    bare ??= new Set(text.replace(REMOVE_PUNCTUATION, '').split(/\s/).filter((w) => w.length > 1));
    for (const p of PUNC_LIST) {
      if (t.length <= p.length) continue;
      if (t.startsWith(p) && bare.has(t.slice(p.length))) { word = t.slice(p.length); break; }
      if (t.endsWith(p) && bare.has(t.slice(0, -p.length))) { word = t.slice(0, -p.length); break; }
    }
    out.push(word);
  }
  return out;
}

function scalarIncDec(word: string, lower: string, valence: number, capDiff: boolean): number {
  if (!has(BOOSTER, lower)) return 0;
  let scalar = BOOSTER[lower];
  if (valence < 0) scalar *= -1;
  if (capDiff && isUpper(word)) scalar += valence > 0 ? C_INCR : -C_INCR;
  return scalar;
}

function neverCheck(valence: number, w: string[], startI: number, i: number): number {
  if (startI === 0 && negated(w[i - 1])) valence *= N_SCALAR;
  if (startI === 1) {
    if (w[i - 2] === 'never' && (w[i - 1] === 'so' || w[i - 1] === 'this')) valence *= 1.5;
    else if (negated(w[i - 2])) valence *= N_SCALAR;
  }
  if (startI === 2) {
    if ((w[i - 3] === 'never' && (w[i - 2] === 'so' || w[i - 2] === 'this')) || w[i - 1] === 'so' || w[i - 1] === 'this') valence *= 1.25;
    else if (negated(w[i - 3])) valence *= N_SCALAR;
  }
  return valence;
}

function idiomsCheck(valence: number, w: string[], i: number): number {
  const onezero = `${w[i - 1]} ${w[i]}`;
  const twoonezero = `${w[i - 2]} ${w[i - 1]} ${w[i]}`;
  const twoone = `${w[i - 2]} ${w[i - 1]}`;
  const threetwoone = `${w[i - 3]} ${w[i - 2]} ${w[i - 1]}`;
  const threetwo = `${w[i - 3]} ${w[i - 2]}`;
  for (const seq of [onezero, twoonezero, twoone, threetwoone, threetwo]) {
    if (has(IDIOMS, seq)) { valence = IDIOMS[seq]; break; }
  }
  if (w.length - 1 > i) { const s = `${w[i]} ${w[i + 1]}`; if (has(IDIOMS, s)) valence = IDIOMS[s]; }
  if (w.length - 1 > i + 1) { const s = `${w[i]} ${w[i + 1]} ${w[i + 2]}`; if (has(IDIOMS, s)) valence = IDIOMS[s]; }
  if (has(BOOSTER, threetwo) || has(BOOSTER, twoone)) valence += B_DECR;
  return valence;
}

function leastCheck(valence: number, lw: string[], i: number): number {
  if (i > 1 && lw[i - 1] === 'least' && !lexiconOf().has('least')) {
    if (lw[i - 2] !== 'at' && lw[i - 2] !== 'very') valence *= N_SCALAR;
  } else if (i > 0 && lw[i - 1] === 'least' && !lexiconOf().has('least')) {
    valence *= N_SCALAR;
  }
  return valence;
}

/** `lw`: the words in lower case (each is looked up several times) */
function valenceOf(w: string[], lw: string[], i: number, capDiff: boolean): number {
  const item = w[i];
  const lex = lexiconOf();
  const base = lex.get(lw[i]);
  if (base === undefined) return 0;
  let valence = base;
  if (isUpper(item) && capDiff) valence += valence > 0 ? C_INCR : -C_INCR;
  for (let startI = 0; startI < 3; startI++) {
    if (i > startI && !lex.has(lw[i - (startI + 1)])) {
      let s = scalarIncDec(w[i - (startI + 1)], lw[i - (startI + 1)], valence, capDiff);
      if (startI === 1 && s !== 0) s *= 0.95;
      else if (startI === 2 && s !== 0) s *= 0.9;
      valence += s;
      valence = neverCheck(valence, w, startI, i);
      if (startI === 2) valence = idiomsCheck(valence, w, i);
    }
  }
  return leastCheck(valence, lw, i);
}

/** VADER's compound score in −1..1, rounded to 4 places as the original does. */
export function vaderCompound(text: string): number {
  return vaderScores(text).compound;
}

export interface VaderScores { compound: number; pos: number; neg: number; neu: number }

/** VADER's four scores: compound, and the shares of positive, negative and neutral words (as polarity_scores). */
export function vaderScores(text: string): VaderScores {
  const w = wordsAndEmoticons(text);
  let caps = 0;
  for (const x of w) if (isUpper(x)) caps++;
  const capDiff = w.length - caps > 0 && w.length - caps < w.length;
  const lw = w.map((x) => x.toLowerCase());
  const sentiments: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const lower = lw[i];
    if ((i < w.length - 1 && lower === 'kind' && lw[i + 1] === 'of') || has(BOOSTER, lower)) { sentiments.push(0); continue; }
    sentiments.push(valenceOf(w, lw, i, capDiff));
  }
  let butIndex = w.indexOf('but');
  if (butIndex === -1) butIndex = w.indexOf('BUT');
  if (butIndex !== -1) {
    for (let i = 0; i < sentiments.length; i++) {
      if (i < butIndex) sentiments[i] *= 0.5;
      else if (i > butIndex) sentiments[i] *= 1.5;
    }
  }
  if (!sentiments.length) return { compound: 0, pos: 0, neg: 0, neu: 0 };
  let sum = 0, posSum = 0, negSum = 0, neuCount = 0;
  for (const s of sentiments) {
    sum += s;
    if (s > 0) posSum += s + 1; else if (s < 0) negSum += s - 1; else neuCount++;
  }
  let ep = 0, qm = 0;
  for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c === 33) ep++; else if (c === 63) qm++; }
  const amp = Math.min(ep, 4) * 0.292 + (qm > 1 ? (qm <= 3 ? qm * 0.18 : 0.96) : 0);
  if (sum > 0) sum += amp; else if (sum < 0) sum -= amp;
  const norm = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + 15)));
  if (posSum > Math.abs(negSum)) posSum += amp; else if (posSum < Math.abs(negSum)) negSum -= amp;
  const total = posSum + Math.abs(negSum) + neuCount;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { compound: parseFloat(norm.toFixed(4)), pos: r3(Math.abs(posSum / total)), neg: r3(Math.abs(negSum / total)), neu: r3(Math.abs(neuCount / total)) };
}
