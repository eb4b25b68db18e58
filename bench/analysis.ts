/**
 * npm run bench:analysis — posts/s through the whole analysis (language, sentiment, intent,
 * topic, urgency, personal data, noise, influence, priority, reason) on one core, with a
 * workspace that has learned from corrections (airline sentiment + Bitext intents, read from
 * ../shared/data at run time). Prints JSON lines.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAnalyzer, type Correction } from '../hub/analysis/analyzer';
import { column, readRows } from '../hub/analysis/input';

const dataDir = [resolve(import.meta.dirname, '../../shared/data'), '/work/shared/data'].find((d) => existsSync(join(d, 'airline_sentiment_train.csv')));
if (!dataDir) {
  console.error('bench:analysis needs ../shared/data (airline_sentiment_train.csv, bitext_intents_train.csv, twcs_first5000.csv)');
  process.exit(2);
}
const texts = (file: string, col: string) => readRows(join(dataDir, file)).map((r) => column(r, col)).filter((t): t is string => typeof t === 'string' && t.length > 0);

const airline = readRows(join(dataDir, 'airline_sentiment_train.csv'));
const bitext = readRows(join(dataDir, 'bitext_intents_train.csv'));
const corrections: Correction[] = [
  ...airline.map((r) => ({ text: String(r.text), task: 'sentiment' as const, label: String(r.airline_sentiment) })),
  ...bitext.map((r) => ({ text: String(r.instruction), task: 'intent' as const, label: String(r.intent) })),
];

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
  p50_ms: q(0.5), p99_ms: q(0.99), target_posts_per_s: 2000, cores: 1, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
}));
