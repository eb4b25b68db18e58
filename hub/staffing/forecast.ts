/**
 * Volume forecast (issue 15, staffing): conversations per 15 minutes by channel for the days ahead,
 * from the workspace's own history. A seasonal model by hour of the week (the mean of that hour over
 * the weeks of history, a quarter of it per interval) with a recent-trend correction: the last
 * `trendDays` of history against what the seasonal model says for them, bounded, multiplies the
 * forecast (a workspace growing 20 % a month is not forecast at last month's level).
 */

import { HOUR_MS, INTERVAL_MS, WEEK_HOURS, hourOfWeek } from '../../shared/calendar/week';
export { INTERVAL_MS } from '../../shared/calendar/week';

export interface ForecastOptions {
  /** days of recent history the trend correction compares with the seasonal model */
  trendDays: number;
  /** the trend factor stays within [1 / trendBound, trendBound] */
  trendBound: number;
  /** weeks of history the seasonal means use (older habits fade: a stray post from years ago is not a week of history) */
  historyWeeks: number;
}

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = { trendDays: 7, trendBound: 2, historyWeeks: 8 };

/** An arrival, or `count` of them in the hour starting at `at` (a history counted per hour in SQL) */
export interface Arrival { at: number; channel: string; count?: number }
export interface IntervalForecast { start: number; channel: string; expected: number }


export class SeasonalForecast {
  private readonly opts: ForecastOptions;
  /** per channel: arrivals per hour of the week, over the history */
  private readonly counts = new Map<string, Float64Array>();
  /** per channel: the trend factor */
  private readonly trend = new Map<string, number>();
  /** how many times each hour of the week occurs in the history's span */
  private readonly occurrences = new Float64Array(WEEK_HOURS);

  /** Fits on `history` (any order): the last `historyWeeks` before `until`, from the first arrival's hour in them. */
  constructor(history: Arrival[], readonly until: number, opts: Partial<ForecastOptions> = {}) {
    this.opts = { ...DEFAULT_FORECAST_OPTIONS, ...opts };
    const window = until - this.opts.historyWeeks * WEEK_HOURS * HOUR_MS;
    const past = history.filter((a) => a.at < until && a.at >= window);
    if (!past.length) return;
    // a loop, not Math.min(...): a long history is more arguments than a call takes
    let first = Infinity;
    for (const a of past) if (a.at < first) first = a.at;
    const from = Math.floor(first / HOUR_MS) * HOUR_MS;
    for (let h = from; h < until; h += HOUR_MS) this.occurrences[hourOfWeek(h)] += 1;
    for (const a of past) {
      let c = this.counts.get(a.channel);
      if (!c) this.counts.set(a.channel, (c = new Float64Array(WEEK_HOURS)));
      c[hourOfWeek(a.at)] += a.count ?? 1;
    }
    const recentFrom = Math.max(from, until - this.opts.trendDays * 24 * HOUR_MS);
    for (const channel of this.counts.keys()) {
      let actual = 0;
      for (const a of past) if (a.channel === channel && a.at >= recentFrom) actual += a.count ?? 1;
      let seasonal = 0;
      for (let h = Math.floor(recentFrom / HOUR_MS) * HOUR_MS; h < until; h += HOUR_MS) seasonal += this.hourly(channel, h);
      const factor = seasonal > 0 ? actual / seasonal : 1;
      const b = this.opts.trendBound;
      this.trend.set(channel, Math.min(b, Math.max(1 / b, factor)));
    }
  }

  channels(): string[] {
    return [...this.counts.keys()].sort();
  }

  /** The seasonal mean of arrivals in the hour starting at `at` (no trend). */
  private hourly(channel: string, at: number): number {
    const how = hourOfWeek(at);
    const n = this.occurrences[how];
    return n ? (this.counts.get(channel)?.[how] ?? 0) / n : 0;
  }

  /** Expected arrivals in the 15-minute interval starting at `start`, on `channel`. */
  expected(channel: string, start: number): number {
    return (this.hourly(channel, start) / (HOUR_MS / INTERVAL_MS)) * (this.trend.get(channel) ?? 1);
  }

  /** Every interval from `from` (rounded down to an interval) to `to`, per channel. */
  forecast(from: number, to: number): IntervalForecast[] {
    const out: IntervalForecast[] = [];
    for (let t = Math.floor(from / INTERVAL_MS) * INTERVAL_MS; t < to; t += INTERVAL_MS) {
      for (const channel of this.channels()) out.push({ start: t, channel, expected: this.expected(channel, t) });
    }
    return out;
  }

  /** The trend factor per channel (for the Floor: "volume running 30 % above the usual week"). */
  trends(): Record<string, number> {
    return Object.fromEntries([...this.trend].map(([c, f]) => [c, Math.round(f * 1000) / 1000]));
  }
}

export interface ForecastError {
  /** hours scored (those with arrivals; MAPE is undefined on empty hours) */
  hours: number;
  /** mean absolute percentage error over hours with arrivals */
  mape: number;
  /** weighted: Σ|error| / Σ actual over every hour (robust where hours are small) */
  wape: number;
  /** per day, |forecast − actual| at the day's busiest hour ÷ that hour's actual, averaged */
  peak_error: number;
  /** per day, how many hours the forecast's busiest hour is from the actual one, averaged */
  peak_hour_offset: number;
}

/** Scores hourly forecasts against actual hourly counts (both keyed by the hour's start). */
export function scoreHourly(forecast: Map<number, number>, actual: Map<number, number>): ForecastError {
  let ape = 0;
  let scored = 0;
  let absErr = 0;
  let total = 0;
  const days = new Map<number, number[]>();
  for (const [hour, f] of forecast) {
    const a = actual.get(hour) ?? 0;
    absErr += Math.abs(f - a);
    total += a;
    if (a > 0) { ape += Math.abs(f - a) / a; scored += 1; }
    const day = Math.floor(hour / (24 * HOUR_MS));
    (days.get(day) ?? days.set(day, []).get(day)!).push(hour);
  }
  let peakErr = 0;
  let peakOffset = 0;
  let peakDays = 0;
  for (const hours of days.values()) {
    const busiest = (m: Map<number, number>) => hours.reduce((best, h) => ((m.get(h) ?? 0) > (m.get(best) ?? 0) ? h : best), hours[0]);
    const actualPeak = busiest(actual);
    const peak = actual.get(actualPeak) ?? 0;
    if (peak === 0) continue;
    peakErr += Math.abs((forecast.get(actualPeak) ?? 0) - peak) / peak;
    peakOffset += Math.abs(busiest(forecast) - actualPeak) / HOUR_MS;
    peakDays += 1;
  }
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    hours: scored, mape: scored ? r(ape / scored) : 0, wape: total ? r(absErr / total) : 0,
    peak_error: peakDays ? r(peakErr / peakDays) : 0, peak_hour_offset: peakDays ? r(peakOffset / peakDays) : 0,
  };
}
