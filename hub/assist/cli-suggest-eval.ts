/**
 * npm run suggest:eval -- --data <file> [--format twcs|ibm] [--history <file>…] [--no-embeddings] [--limit N] [--weights JSON]
 *
 * Replays the conversations of --data in time order. At each first brand reply it asks the
 * suggester (shared/assist/suggest.ts, as the desk does) for three suggestions, using only that
 * brand's conversations from the --history files and those answered earlier in --data, and
 * compares them with the reply the brand actually sent, after normalising handles, URLs and
 * signatures (ROUGE-L F1). Baselines: the brand's most frequent earlier reply, and a random
 * earlier reply (seeded). Last line JSON:
 * {"n","rougeL_top1","rougeL_top3","baseline_frequent_top1","baseline_random_top1","link_hit_top3"}.
 */
import { parseArgs } from 'node:util';
import { answerKey, SuggestionIndex, type AnsweredConversation } from '../../shared/assist/suggest';
import { linksIn, normalizeReply, rougeL, rougeTokens } from '../../shared/assist/text';
import { mulberry32 } from '../../shared/random';
import { readInputFile } from '../analysis/input';
import { isMainModule } from '../analysis/main-module';
import { sentenceEncoder } from '../analysis/embedder';
import { parseIbmCare } from '../connectors/import/ibm';
import { parseTwcs } from '../connectors/import/twcs';
import type { NormalizedPost } from '../connectors/types';

export interface EvalCase extends AnsweredConversation {
  brand: string;
  /** the customer's handle(s), for adapting */
  customerHandles: string[];
}

/** First-brand-reply cases of a file: the customer's words before the brand's first answer, and that answer. */
export function loadCases(file: string, format?: 'twcs' | 'ibm'): EvalCase[] {
  const fmt = format ?? (/\.json$/i.test(file) ? 'ibm' : 'twcs');
  const buf = readInputFile(file);
  const threads: Array<{ brand: string; id: string; posts: NormalizedPost[] }> = fmt === 'ibm'
    ? parseIbmCare(buf.toString('utf8')).threads.map((t) => ({ brand: t.company, id: `${file}#${t.session_id}`, posts: t.posts }))
    : parseTwcs(buf).threads.map((t) => ({ brand: t.account, id: `${file}#${t.root}`, posts: t.posts }));
  const cases: EvalCase[] = [];
  for (const t of threads) {
    const posts = [...t.posts].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const first = posts.findIndex((p) => p.from_brand);
    if (first <= 0) continue; // no answer, or the brand spoke first (nothing to answer)
    const before = posts.slice(0, first).filter((p) => !p.from_brand);
    if (!before.length) continue;
    const reply = posts[first];
    cases.push({
      id: t.id, brand: reply.account || t.brand, customerText: before.map((p) => p.text).join('\n'), reply: reply.text,
      repliedAt: Date.parse(reply.created_at), customerHandles: [...new Set(before.map((p) => p.author.handle).filter((h): h is string => !!h))],
    });
  }
  return cases;
}


export interface SuggestEvalResult {
  n: number; rougeL_top1: number; rougeL_top3: number; baseline_frequent_top1: number; baseline_random_top1: number; link_hit_top3: number;
}

export async function runSuggestEval(argv: string[], log: (s: string) => void = console.log): Promise<SuggestEvalResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' }, format: { type: 'string' }, history: { type: 'string', multiple: true, default: [] },
      'no-embeddings': { type: 'boolean', default: false }, limit: { type: 'string' }, weights: { type: 'string' },
    },
    strict: true,
  });
  if (!values.data) throw new Error('--data <file> is required');
  const format = values.format as 'twcs' | 'ibm' | undefined;
  if (format && format !== 'twcs' && format !== 'ibm') throw new Error('--format must be twcs or ibm');
  const data = loadCases(values.data, format);
  if (!data.length) throw new Error(`${values.data}: no conversation with a customer message followed by a brand reply`);
  const history = values.history!.flatMap((f) => loadCases(f, /\.json$/i.test(f) ? 'ibm' : format === 'ibm' ? undefined : format));
  log(`${values.data}: ${data.length} first brand replies; history: ${history.length} conversations from ${values.history!.length} file(s)`);

  if (!values['no-embeddings']) {
    const e = await sentenceEncoder();
    const all = [...history, ...data];
    const t0 = performance.now();
    for (let i = 0; i < all.length; i += 32) {
      const part = all.slice(i, i + 32);
      const vs = await e.embed(part.map((c) => c.customerText));
      part.forEach((c, j) => { c.vector = vs[j]; });
    }
    log(`embedded ${all.length} customer messages in ${Math.round(performance.now() - t0)} ms`);
  }

  // one index per brand: the suggester only ever sees the same brand's conversations
  const indexes = new Map<string, SuggestionIndex>();
  const earlier = new Map<string, string[]>(); // brand → earlier replies (for the baselines)
  const weights = values.weights ? JSON.parse(values.weights) : {};
  const indexOf = (brand: string) => { let x = indexes.get(brand); if (!x) { x = new SuggestionIndex(weights); indexes.set(brand, x); } return x; };
  for (const h of history) { indexOf(h.brand).add(h); (earlier.get(h.brand) ?? earlier.set(h.brand, []).get(h.brand)!).push(h.reply); }

  const replay = [...data].sort((a, b) => a.repliedAt - b.repliedAt || a.id.localeCompare(b.id));
  const limit = values.limit ? Number(values.limit) : Infinity;
  const rand = mulberry32(7);
  let n = 0, top1 = 0, top3 = 0, freq = 0, rnd = 0, linkCases = 0, linkHits = 0, noHistory = 0;
  for (const c of replay) {
    const prior = earlier.get(c.brand) ?? [];
    if (prior.length && n < limit) {
      const ref = rougeTokens(normalizeReply(c.reply));
      const sugg = indexOf(c.brand).suggest({ text: c.customerText, vector: c.vector, now: c.repliedAt, target: { customerHandle: c.customerHandles[0], brandHandles: [c.brand] } }, 3);
      const scores = sugg.map((s) => rougeL(rougeTokens(normalizeReply(s.text)), ref));
      top1 += scores[0] ?? 0;
      top3 += scores.length ? Math.max(...scores) : 0;
      // baselines: the brand's most frequent earlier reply (latest among ties), a random earlier one
      const counts = new Map<string, { n: number; text: string }>();
      for (const r of prior) { const k = answerKey(r); const e = counts.get(k); if (e) { e.n++; e.text = r; } else counts.set(k, { n: 1, text: r }); }
      let best: { n: number; text: string } | null = null;
      for (const v of counts.values()) if (!best || v.n >= best.n) best = v;
      freq += rougeL(rougeTokens(normalizeReply(best!.text)), ref);
      rnd += rougeL(rougeTokens(normalizeReply(prior[Math.floor(rand() * prior.length)])), ref);
      const links = linksIn(c.reply);
      if (links.length) {
        linkCases++;
        const offered = new Set(sugg.flatMap((s) => linksIn(s.text)));
        if (links.some((l) => offered.has(l))) linkHits++;
      }
      n++;
    } else if (!prior.length) noHistory++;
    // then the answer becomes history for later conversations of the brand
    indexOf(c.brand).add(c);
    (earlier.get(c.brand) ?? earlier.set(c.brand, []).get(c.brand)!).push(c.reply);
  }
  if (!n) throw new Error('no first brand reply had an earlier conversation of the same brand to learn from');
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  log(`${noHistory} first replies skipped: their brand had no earlier conversation; ${linkCases} replies held a link`);
  const result: SuggestEvalResult = {
    n, rougeL_top1: r4(top1 / n), rougeL_top3: r4(top3 / n), baseline_frequent_top1: r4(freq / n), baseline_random_top1: r4(rnd / n),
    link_hit_top3: linkCases ? r4(linkHits / linkCases) : 0,
  };
  log(JSON.stringify(result));
  return result;
}

if (isMainModule(import.meta.url)) {
  runSuggestEval(process.argv.slice(2)).catch((e) => {
    console.error(`suggest:eval: ${e.message}`);
    process.exit(2);
  });
}
