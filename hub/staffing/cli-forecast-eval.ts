/**
 * npm run forecast:eval -- --data <twcs.csv> [--split 0.75] [--horizon-days 7] [--trend-days 7]
 *
 * Fits the volume forecast (forecast.ts) on the earlier part of a TWCS file and forecasts the later
 * part: new conversations (each thread's first customer post) per hour. The split is at the post that
 * `--split` of them come before; the forecast runs from there for `--horizon-days` (or to the file's
 * end). Prints one JSON line per forecast day ({day, actual, forecast, baseline}) and last
 * {"conversations","history_from","split_at","until","hours","model":{mape,wape,peak_error,peak_hour_offset},
 *  "baseline_same_hour_last_week":{…},"trend":{channel: factor}}.
 */
import { parseArgs } from 'node:util';
import { readInputFile } from '../analysis/input';
import { isMainModule } from '../analysis/main-module';
import { parseTwcs } from '../connectors/import/twcs';
import { scoreHourly, SeasonalForecast, type Arrival, type ForecastError } from './forecast';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ForecastEvalSummary {
  conversations: number; history_from: string; split_at: string; until: string; hours: number;
  model: ForecastError; baseline_same_hour_last_week: ForecastError; trend: Record<string, number>;
}

const num = (v: string | undefined, name: string, fallback: number, max = Infinity): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`--${name} must be a number > 0${max < Infinity ? ` and ≤ ${max}` : ''}, got "${v}"`);
  return n;
};

export function runForecastEval(argv: string[], log: (s: string) => void = console.log): ForecastEvalSummary {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, split: { type: 'string' }, 'horizon-days': { type: 'string' }, 'trend-days': { type: 'string' } } });
  if (!values.data) throw new Error('usage: npm run forecast:eval -- --data <twcs.csv> [--split 0.75] [--horizon-days 7] [--trend-days 7]');
  const split = num(values.split, 'split', 0.75, 0.99);
  const horizonDays = num(values['horizon-days'], 'horizon-days', 7);
  const trendDays = num(values['trend-days'], 'trend-days', 7);
  const buf = readInputFile(values.data);
  const arrivals: Arrival[] = parseTwcs(buf).threads
    .map((t) => t.posts.filter((p) => !p.from_brand).sort((a, b) => a.created_at.localeCompare(b.created_at))[0])
    .filter((p) => p !== undefined)
    .map((p) => ({ at: Date.parse(p.created_at), channel: p.channel }))
    .sort((a, b) => a.at - b.at);
  if (arrivals.length < 10) throw new Error(`${values.data}: ${arrivals.length} conversations, too few to fit a forecast`);
  const splitAt = Math.floor(arrivals[Math.floor(arrivals.length * split)].at / HOUR_MS) * HOUR_MS;
  const until = Math.min(splitAt + horizonDays * DAY_MS, Math.floor(arrivals.at(-1)!.at / HOUR_MS) * HOUR_MS + HOUR_MS);
  const model = new SeasonalForecast(arrivals, splitAt, { trendDays });

  // hourly: actual arrivals, the model's forecast, and the same hour a week earlier
  const countByHour = new Map<number, number>();
  for (const a of arrivals) countByHour.set(Math.floor(a.at / HOUR_MS) * HOUR_MS, (countByHour.get(Math.floor(a.at / HOUR_MS) * HOUR_MS) ?? 0) + 1);
  const actual = new Map<number, number>();
  const forecast = new Map<number, number>();
  const baseline = new Map<number, number>();
  for (let h = splitAt; h < until; h += HOUR_MS) {
    actual.set(h, countByHour.get(h) ?? 0);
    forecast.set(h, model.forecast(h, h + HOUR_MS).reduce((s, f) => s + f.expected, 0));
    baseline.set(h, countByHour.get(h - 7 * DAY_MS) ?? 0);
  }
  for (let d = Math.floor(splitAt / DAY_MS) * DAY_MS; d < until; d += DAY_MS) {
    const sum = (m: Map<number, number>) => [...m].filter(([h]) => h >= d && h < d + DAY_MS).reduce((s, [, v]) => s + v, 0);
    log(JSON.stringify({ day: new Date(d).toISOString().slice(0, 10), actual: sum(actual), forecast: Math.round(sum(forecast) * 10) / 10, baseline: sum(baseline) }));
  }
  const scored = scoreHourly(forecast, actual);
  const summary: ForecastEvalSummary = {
    conversations: arrivals.length, history_from: new Date(Math.max(arrivals[0].at, splitAt - 8 * 7 * DAY_MS)).toISOString(), split_at: new Date(splitAt).toISOString(), until: new Date(until).toISOString(),
    hours: (until - splitAt) / HOUR_MS, model: scored, baseline_same_hour_last_week: scoreHourly(baseline, actual), trend: model.trends(),
  };
  log(JSON.stringify(summary));
  return summary;
}

if (isMainModule(import.meta.url)) {
  try {
    runForecastEval(process.argv.slice(2));
  } catch (e) {
    console.error(`forecast:eval: ${(e as Error).message}`);
    process.exit(2);
  }
}
