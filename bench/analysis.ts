/**
 * npm run bench:analysis — both stages of the analysis on one core, with a workspace that has
 * learned from corrections (airline sentiment + Bitext intents, read from ../shared/data at run
 * time). Prints JSON lines:
 * - analysis.analyze: the cheap stage, every post (language with fastText, sentiment with the
 *   lexicon + tone cues + naive Bayes + linear model, intent, topic, urgency, personal data,
 *   noise, influence, priority, reason). Target ≥ 10,000 posts/s.
 * - analysis.embedding: the embedding stage (sentence encoder + head) on posts the cheap stage
 *   was unsure of, in the batches the hub's queue uses, and the share of posts that go there.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Analyzer, createAnalyzer, type Correction } from '../hub/analysis/analyzer';
import { sentenceEncoder } from '../hub/analysis/embedder';
import { column, readRows } from '../hub/analysis/input';
import { loadLanguageModel } from '../hub/analysis/language';

const dataDir = [resolve(import.meta.dirname, '../../shared/data'), '/work/shared/data'].find((d) => existsSync(join(d, 'airline_sentiment_train.csv')));
if (!dataDir) {
  console.error('bench:analysis needs ../shared/data (airline_sentiment_train.csv, bitext_intents_train.csv, twcs_first5000.csv)');
  process.exit(2);
}
const texts = (file: string, col: string) => readRows(join(dataDir, file)).map((r) => column(r, col)).filter((t): t is string => typeof t === 'string' && t.length > 0);

const airline = readRows(join(dataDir, 'airline_sentiment_train.csv'));
const bitext = readRows(join(dataDir, 'bitext_intents_train.csv'));
const corrections: Correction[] = [
  ...airline.map((r) => ({ text: String(r.text), task: 'sentiment' as const, label: String(r.airline_sentiment), weight: Number(r.airline_sentiment_confidence) || 1 })),
  ...bitext.map((r) => ({ text: String(r.instruction), task: 'intent' as const, label: String(r.intent) })),
];

await loadLanguageModel();
const analyzer = createAnalyzer();
let t0 = performance.now();
await analyzer.learnMany(corrections);
const learnMs = performance.now() - t0;
console.log(JSON.stringify({ bench: 'analysis.learn', corrections: corrections.length, ms: Math.round(learnMs), corrections_per_s: Math.round(corrections.length / (learnMs / 1000)) }));

const posts = [...texts('twcs_first5000.csv', 'text'), ...airline.map((r) => String(r.text)), ...bitext.map((r) => String(r.instruction))];
const authors = [{ followers: 120_000, verified: true, handle: 'bigvoice' }, { followers: 35, verified: false, handle: 'someone' }, undefined];

// warm-up so the JIT has compiled the hot paths before the clock starts
for (let i = 0; i < 2000; i++) analyzer.analyze({ text: posts[i % posts.length], author: authors[i % 3] });

const rounds = 2;
let n = 0;
const perPost: number[] = [];
const cpu0 = process.cpuUsage();
t0 = performance.now();
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < posts.length; i++) {
    const s = performance.now();
    analyzer.analyze({ text: posts[i], author: authors[i % 3] });
    perPost.push(performance.now() - s);
    n++;
  }
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
perPost.sort((a, b) => a - b);
const q = (p: number) => +perPost[Math.min(perPost.length - 1, Math.floor(p * perPost.length))].toFixed(3);
console.log(JSON.stringify({
  bench: 'analysis.analyze', posts: n, ms: Math.round(ms), posts_per_s: Math.round(n / (ms / 1000)),
  // wall-clock figures suffer when other processes share the core; CPU time does not
  cpu_ms: Math.round(cpuMs), posts_per_cpu_s: Math.round(n / (cpuMs / 1000)),
  p50_ms: q(0.5), p99_ms: q(0.99), cores: 1, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
}));

// the cheap sentiment model alone (what every post pays for its sentiment label)
{
  const c0 = process.cpuUsage();
  const s0 = performance.now();
  for (const text of posts) analyzer.predict('sentiment', text);
  const c1 = process.cpuUsage(c0);
  const cpu = (c1.user + c1.system) / 1000;
  console.log(JSON.stringify({ bench: 'analysis.sentiment.cheap', posts: posts.length, ms: Math.round(performance.now() - s0), posts_per_cpu_s: Math.round(posts.length / (cpu / 1000)), target_posts_per_s: 10000 }));
}

// the embedding stage: fit the head (embeds each sentiment correction once; 2,000 of them here,
// ~5 ms of CPU each), then re-read posts the cheap stage is unsure of
const embedder = await sentenceEncoder();
const deepAnalyzer = createAnalyzer();
await deepAnalyzer.learnMany(corrections.filter((c) => c.task === 'sentiment').slice(0, 2000));
t0 = performance.now();
let c0 = process.cpuUsage();
await deepAnalyzer.fitEmbeddingStage(embedder);
let c1 = process.cpuUsage(c0);
console.log(JSON.stringify({ bench: 'analysis.embedding.fit', corrections: deepAnalyzer.stats().sentiment.corrections, ms: Math.round(performance.now() - t0), cpu_ms: Math.round((c1.user + c1.system) / 1000) }));
const sample = posts.slice(0, 20_000);
const unsure = sample.filter((text) => Analyzer.isUnsure(analyzer.analyze({ text })));
const deepPosts = unsure.slice(0, 512);
t0 = performance.now();
c0 = process.cpuUsage();
for (let i = 0; i < deepPosts.length; i += 16) {
  const batch = deepPosts.slice(i, i + 16);
  const vs = await embedder.embed(batch);
  for (let j = 0; j < batch.length; j++) await deepAnalyzer.refineSentiment(batch[j], embedder, vs[j]);
}
const deepMs = performance.now() - t0;
c1 = process.cpuUsage(c0);
const deepCpu = (c1.user + c1.system) / 1000;
console.log(JSON.stringify({
  bench: 'analysis.embedding', posts: deepPosts.length, ms: Math.round(deepMs), posts_per_s: Math.round(deepPosts.length / (deepMs / 1000)),
  cpu_ms: Math.round(deepCpu), posts_per_cpu_s: Math.round(deepPosts.length / (deepCpu / 1000)),
  unsure_share: +(unsure.length / sample.length).toFixed(3), batch: 16,
}));
