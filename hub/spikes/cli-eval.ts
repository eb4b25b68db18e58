/**
 * npm run spike:eval -- --data <twcs.csv> [--min-count N] [--min-ratio R] [--min-z Z] [--min-weeks W] [--warmup-hours H] [--no-keywords]
 *
 * Replays the customers' posts of a TWCS file in time order, each brand as its own workspace, through
 * the hub's analysis (topic, intent, sentiment) and the spike detector, and prints one JSON line per
 * alert it would have raised, when it would have raised it; the last line sums up
 * {"posts","brands","alerts","by_severity","alerts_per_1000_posts","options"}. So a team can tune the
 * thresholds on its own history before trusting the alerts on the Floor.
 */
import { parseArgs } from 'node:util';
import { createAnalyzer } from '../analysis/analyzer';
import { readInputFile } from '../analysis/input';
import { isMainModule } from '../analysis/main-module';
import { parseTwcs } from '../connectors/import/twcs';
import { DEFAULT_SPIKE_OPTIONS, SpikeDetector, type SpikeAlert, type SpikeOptions } from './detector';

export interface SpikeEvalSummary {
  posts: number; brands: number; alerts: number; by_severity: Record<string, number>; alerts_per_1000_posts: number; options: SpikeOptions;
}

const num = (v: string | undefined, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, got "${v}"`);
  return n;
};

export function runSpikeEval(argv: string[], log: (s: string) => void = console.log): SpikeEvalSummary {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' }, 'min-count': { type: 'string' }, 'min-ratio': { type: 'string' }, 'min-z': { type: 'string' },
      'min-weeks': { type: 'string' }, 'warmup-hours': { type: 'string' }, 'no-keywords': { type: 'boolean' },
    },
  });
  if (!values.data) throw new Error('usage: npm run spike:eval -- --data <twcs.csv> [--min-count N] [--min-ratio R] [--min-z Z] [--min-weeks W] [--warmup-hours H] [--no-keywords]');
  const d = DEFAULT_SPIKE_OPTIONS;
  const options: SpikeOptions = {
    minCount: num(values['min-count'], 'min-count', d.minCount), minRatio: num(values['min-ratio'], 'min-ratio', d.minRatio),
    minZ: num(values['min-z'], 'min-z', d.minZ), minWeeks: num(values['min-weeks'], 'min-weeks', d.minWeeks),
    warmupMs: num(values['warmup-hours'], 'warmup-hours', d.warmupMs / 3_600_000) * 3_600_000, keywords: !values['no-keywords'],
  };
  const buf = readInputFile(values.data);
  const { threads } = parseTwcs(buf);
  const posts = threads.flatMap((t) => t.posts.filter((p) => !p.from_brand).map((p) => ({ brand: t.account, post: p })))
    .sort((a, b) => a.post.created_at.localeCompare(b.post.created_at) || a.post.platform_id.localeCompare(b.post.platform_id));
  const analyzer = createAnalyzer();
  const detectors = new Map<string, SpikeDetector>();
  // the alerts themselves (not copies): they grow while their spike lasts
  const raised: Array<{ brand: string; alert: SpikeAlert }> = [];
  for (const { brand, post } of posts) {
    const a = analyzer.analyze({ text: post.text, channel: post.channel, visibility: post.visibility });
    let det = detectors.get(brand);
    if (!det) detectors.set(brand, (det = new SpikeDetector(options)));
    const keys = [`channel:${post.channel}`, `intent:${a.intent}`, ...(a.topic ? [`topic:${a.topic}`] : [])];
    for (const alert of det.observe({ id: post.platform_id, at: Date.parse(post.created_at), text: post.text, keys, sentiment: a.sentiment.score })) {
      raised.push({ brand, alert });
    }
  }
  // each alert as it stands at the end (how long it lasted, its peak), in the order raised; one a broader alert took in is part of that one
  const shown = raised.filter((r) => !r.alert.merged_into).map((r) => ({ ...r.alert, brand: r.brand }));
  for (const a of shown) {
    log(JSON.stringify({
      raised_at: a.raised_at, brand: a.brand, key: a.key, severity: a.severity, observed: a.observed, expected: a.expected, ratio: a.ratio, z: a.z,
      started_at: a.started_at, lasted_min: a.lasted_min, terms: a.terms.map((t) => t.term), covers: a.covers, sentiment_shift: a.sentiment_shift,
      examples: a.examples.map((e) => e.text.slice(0, 140)),
    }));
  }
  const by_severity: Record<string, number> = { watch: 0, high: 0, critical: 0 };
  for (const a of shown) by_severity[a.severity] += 1;
  const summary: SpikeEvalSummary = {
    posts: posts.length, brands: detectors.size, alerts: shown.length, by_severity,
    alerts_per_1000_posts: posts.length ? Math.round((shown.length / posts.length) * 10_000) / 10 : 0, options,
  };
  log(JSON.stringify(summary));
  return summary;
}

if (isMainModule(import.meta.url)) {
  try {
    runSpikeEval(process.argv.slice(2));
  } catch (e) {
    console.error(`spike:eval: ${(e as Error).message}`);
    process.exit(2);
  }
}
