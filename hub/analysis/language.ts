/**
 * Language identification for short posts: Unicode script first (Cyrillic, Greek, Arabic, CJK…),
 * then, for Latin script, the share of each language's most frequent function words. Cheap and
 * reliable on tweets where character-trigram detectors guess wildly; answers 'und' (undetermined)
 * rather than guess when the evidence is thin.
 */
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

export function detectLanguage(text: string): LanguageGuess {
  const letters = text.replace(/https?:\/\/\S+|@\w+|#\w+/g, ' ');
  if (NON_LATIN.test(letters)) {
    for (const [re, lang] of SCRIPTS) {
      const n = (letters.match(re) ?? []).length;
      if (n >= 2) return { language: lang, confidence: 0.9 };
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
  return { language: best, confidence: Math.min(0.99, (top - second) / Math.max(3, words.length) + 0.5) };
}
