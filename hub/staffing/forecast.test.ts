import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/random';
import { runForecastEval } from './cli-forecast-eval';
import { SeasonalForecast, scoreHourly, type Arrival } from './forecast';

const T0 = Date.parse('2017-09-04T00:00:00Z'); // a Monday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The usual week: busy weekday business hours (peak at 10:00), quiet nights and weekends. */
const usual = (at: number) => {
  const d = new Date(at);
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const h = d.getUTCHours();
  const day = h >= 8 && h < 18 ? 6 + (h === 10 ? 6 : 0) : 1;
  return weekend ? day / 2 : day;
};

/** Poisson arrivals per hour around the usual week × growth(at), seeded. */
function arrivals(weeks: number, growth: (at: number) => number = () => 1, seed = 7): Arrival[] {
  const rnd = mulberry32(seed);
  const out: Arrival[] = [];
  for (let h = T0; h < T0 + weeks * 7 * DAY; h += HOUR) {
    const lambda = usual(h) * growth(h);
    // Knuth's Poisson draw
    let k = 0;
    for (let p = rnd(); p > Math.exp(-lambda); p *= rnd()) k++;
    for (let i = 0; i < k; i++) out.push({ at: h + Math.floor(rnd() * HOUR), channel: i % 3 ? 'x' : 'facebook' });
  }
  return out;
}

describe('SeasonalForecast', () => {
  it('fits the same from the history counted per hour (as the Floor reads it in SQL) as from each arrival, however long the history', () => {
    const history = arrivals(8, (at) => 1 + (at - T0) / (60 * DAY));
    const until = T0 + 8 * 7 * DAY;
    const perHour = new Map<string, Arrival>();
    for (const a of history) {
      const at = Math.floor(a.at / HOUR) * HOUR;
      const key = `${at}|${a.channel}`;
      const row = perHour.get(key) ?? perHour.set(key, { at, channel: a.channel, count: 0 }).get(key)!;
      row.count! += 1;
    }
    const one = new SeasonalForecast(history, until);
    const counted = new SeasonalForecast([...perHour.values()], until);
    expect(perHour.size).toBeLessThan(history.length);
    expect(counted.trends()).toEqual(one.trends());
    for (const t of [until, until + 10 * HOUR, until + 3 * DAY + 14 * HOUR]) expect(counted.expected('x', t)).toBeCloseTo(one.expected('x', t), 9);
    // 200,000 arrivals: more than a call's arguments (Math.min(...) over them threw a RangeError)
    const many: Arrival[] = Array.from({ length: 200_000 }, (_, i) => ({ at: until - 1 - (i % (7 * 24)) * HOUR, channel: 'x' }));
    expect(new SeasonalForecast(many, until).expected('x', until)).toBeGreaterThan(0);
  });

  it('learns the week by hour and channel: the forecast peaks when the week does', () => {
    const history = arrivals(6);
    const f = new SeasonalForecast(history, T0 + 6 * 7 * DAY);
    expect(f.channels()).toEqual(['facebook', 'x']);
    const monday = T0 + 6 * 7 * DAY;
    const hourly = (h: number) => f.forecast(monday + h * HOUR, monday + (h + 1) * HOUR).reduce((s, x) => s + x.expected, 0);
    expect(hourly(10)).toBeGreaterThan(hourly(9));
    // six Mondays of Poisson(12) at 10:00: their mean, within its noise
    expect(hourly(10)).toBeGreaterThan(8);
    expect(hourly(10)).toBeLessThan(16);
    expect(hourly(3)).toBeLessThan(2);
    // four intervals per hour, per channel
    expect(f.forecast(monday, monday + HOUR)).toHaveLength(8);
  });

  it('corrects for a recent trend: a workspace that grew 50 % in its last week is forecast higher', () => {
    const end = T0 + 6 * 7 * DAY;
    const f = new SeasonalForecast(arrivals(6, (at) => (at >= end - 7 * DAY ? 1.5 : 1)), end);
    expect(f.trends().x).toBeGreaterThan(1.2);
    expect(f.trends().x).toBeLessThan(1.6);
  });

  it('beats "same hour last week" on noisy weeks, and scores the busiest hour', () => {
    const all = arrivals(8, () => 1, 11);
    const split = T0 + 6 * 7 * DAY;
    const f = new SeasonalForecast(all, split);
    const actual = new Map<number, number>();
    for (const a of all) if (a.at >= split) actual.set(Math.floor(a.at / HOUR) * HOUR, (actual.get(Math.floor(a.at / HOUR) * HOUR) ?? 0) + 1);
    const model = new Map<number, number>();
    const lastWeek = new Map<number, number>();
    for (let h = split; h < split + 14 * DAY; h += HOUR) {
      model.set(h, f.forecast(h, h + HOUR).reduce((s, x) => s + x.expected, 0));
      lastWeek.set(h, all.filter((a) => a.at >= h - 7 * DAY && a.at < h - 7 * DAY + HOUR).length);
      if (!actual.has(h)) actual.set(h, 0);
    }
    const m = scoreHourly(model, actual);
    const b = scoreHourly(lastWeek, actual);
    expect(m.wape).toBeLessThan(b.wape);
    expect(m.peak_error).toBeLessThan(0.5);
  });
});

describe('npm run forecast:eval', () => {
  const twitterDate = (ms: number) => {
    const u = new Date(ms).toUTCString(); // "Mon, 04 Sep 2017 10:00:00 GMT"
    return `${u.slice(0, 3)} ${u.slice(8, 11)} ${u.slice(5, 7)} ${u.slice(17, 25)} +0000 ${u.slice(12, 16)}`;
  };
  const file = () => {
    const rows = ['tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id'];
    arrivals(8, () => 1, 5).forEach((a, i) => rows.push(`${i + 1},c${i},True,${twitterDate(a.at)},"@AcmeHelp help ${i}",,`));
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'tend-forecast-')), 'twcs.csv');
    writeFileSync(f, rows.join('\n') + '\n');
    return f;
  };

  it('fits on the earlier part, forecasts the later part, prints each day and a summary with the baseline', () => {
    const lines: string[] = [];
    const s = runForecastEval(['--data', file(), '--split', '0.75'], (l) => lines.push(l));
    const days = lines.slice(0, -1).map((l) => JSON.parse(l) as { day: string; actual: number; forecast: number });
    // seven days from the split's hour: eight calendar days unless it falls at midnight
    expect(days.length).toBeGreaterThanOrEqual(7);
    expect(days.length).toBeLessThanOrEqual(8);
    expect(JSON.parse(lines.at(-1)!)).toEqual(s);
    expect(s.hours).toBe(7 * 24);
    expect(s.model.wape).toBeLessThan(s.baseline_same_hour_last_week.wape);
    const total = (k: 'actual' | 'forecast') => days.reduce((x, d) => x + d[k], 0);
    expect(Math.abs(total('forecast') - total('actual')) / total('actual')).toBeLessThan(0.15);
  });

  it('bad input is a clear error', () => {
    expect(() => runForecastEval([], () => {})).toThrow(/usage: npm run forecast:eval/);
    expect(() => runForecastEval(['--data', file(), '--split', '1.5'], () => {})).toThrow(/--split must be a number > 0 and ≤ 0.99/);
    expect(() => runForecastEval(['--data', '/none.csv'], () => {})).toThrow(/cannot read \/none.csv/);
  });
});
