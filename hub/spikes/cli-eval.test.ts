import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpikeEval } from './cli-eval';

const twitterDate = (ms: number) => {
  const d = new Date(ms);
  const [wd, mon, day, time, year] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11), d.toUTCString().slice(5, 7), d.toISOString().slice(11, 19), d.getUTCFullYear()];
  return `${wd} ${mon} ${day} ${time} +0000 ${year}`;
};

/** A TWCS file: a brand's customers writing once every 15 minutes for two days, then 30 posts about a broken app in one quarter hour. */
function twcsFile(): string {
  const t0 = Date.parse('2017-10-29T00:00:00Z');
  const rows = ['tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id'];
  let id = 1;
  for (let i = 0; i < 2 * 96; i++) rows.push(`${id++},cust${i},True,${twitterDate(t0 + i * 900_000 + 60_000)},"@AcmeHelp where is my parcel ${i}",,`);
  const burst = t0 + 2 * 96 * 900_000 + 5 * 3_600_000;
  for (let i = 0; i < 30; i++) rows.push(`${id++},angry${i},True,${twitterDate(burst + i * 20_000)},"@AcmeHelp the app crashes at login, outage?",,`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-spike-'));
  const file = path.join(dir, 'twcs.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

describe('npm run spike:eval', () => {
  it('replays the history and prints the alert it would have raised, when, and a summary line last', () => {
    const lines: string[] = [];
    const summary = runSpikeEval(['--data', twcsFile()], (l) => lines.push(l));
    const out = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.at(-1)).toEqual(summary);
    expect(summary).toMatchObject({ posts: 2 * 96 + 30, brands: 1, alerts: 1 });
    expect(out[0]).toMatchObject({ brand: 'AcmeHelp', key: 'all', started_at: '2017-10-31T05:00:00.000Z', severity: 'high', observed: 30 });
    expect(out[0].terms).toEqual(expect.arrayContaining(['crash', 'outag']));
    expect(Date.parse(out[0].raised_at as string)).toBeLessThan(Date.parse('2017-10-31T05:05:00.000Z'));
  });

  it('a missing file or a bad threshold is a clear error', () => {
    expect(() => runSpikeEval([], () => {})).toThrow(/usage: npm run spike:eval/);
    expect(() => runSpikeEval(['--data', '/nope.csv'], () => {})).toThrow(/cannot read \/nope.csv: ENOENT/);
    expect(() => runSpikeEval(['--data', twcsFile(), '--min-z', 'high'], () => {})).toThrow(/--min-z must be a number/);
  });
});
