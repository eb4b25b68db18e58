import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCases, runSuggestEval } from './cli-suggest-eval';

const dir = mkdtempSync(join(tmpdir(), 'tend-suggest-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A small TWCS file in the pandas-written form: one brand that answers three kinds of message
// the same way each time, and says "Thanks for reaching out" most often.
function twcs(): string {
  const rows: string[] = [',tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id'];
  const kinds = [
    ['my internet is down again', 'Sorry about the outage! Please restart your router and DM us if it stays down. ^JK'],
    ['you charged me twice this month', 'Sorry about the double charge, please DM us your account number and we will refund it. -AA'],
    ['how do I change my plan', 'You can change your plan any time here: https://help.example.com/plans ^JK'],
  ];
  let id = 1;
  for (let i = 0; i < 12; i++) {
    const [q, a] = kinds[i % 3];
    const day = String(1 + i).padStart(2, '0');
    rows.push(`${id},${id},cust${i},True,Tue Oct ${day} 10:00:00 +0000 2017,"@Brand ${q} (${i})",${id + 1},`);
    rows.push(`${id + 1},${id + 1},Brand,False,Tue Oct ${day} 10:05:00 +0000 2017,"@cust${i} ${a}",,${id}.0`);
    id += 2;
    if (i % 2 === 0) {
      rows.push(`${id},${id},other${i},True,Tue Oct ${day} 11:00:00 +0000 2017,@Brand hello (${i}),${id + 1},`);
      rows.push(`${id + 1},${id + 1},Brand,False,Tue Oct ${day} 11:05:00 +0000 2017,@other${i} Thanks for reaching out! -AA,,${id}.0`);
      id += 2;
    }
  }
  return rows.join('\n') + '\n';
}

describe('suggest:eval', () => {
  it('replays first brand replies and beats both baselines when answers follow the messages', async () => {
    const file = join(dir, 'twcs.csv');
    writeFileSync(file, twcs());
    expect(loadCases(file)).toHaveLength(18);
    const lines: string[] = [];
    const r = await runSuggestEval(['--data', file, '--no-embeddings'], (s) => lines.push(s));
    expect(Object.keys(JSON.parse(lines[lines.length - 1]))).toEqual(['n', 'rougeL_top1', 'rougeL_top3', 'baseline_frequent_top1', 'baseline_random_top1', 'link_hit_top3']);
    expect(r.n).toBe(17); // the very first reply has no earlier conversation to learn from
    expect(r.rougeL_top1).toBeGreaterThan(r.baseline_frequent_top1 + 0.2);
    expect(r.rougeL_top1).toBeGreaterThan(r.baseline_random_top1 + 0.2);
    expect(r.rougeL_top3).toBeGreaterThanOrEqual(r.rougeL_top1);
    expect(r.link_hit_top3).toBeGreaterThan(0.5);
  });

  it('fails clearly without --data or on a file with no answered conversation', async () => {
    await expect(runSuggestEval([], () => {})).rejects.toThrow(/--data <file> is required/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, ',tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,1,a,True,Tue Oct 03 10:00:00 +0000 2017,hello,,\n');
    await expect(runSuggestEval(['--data', empty, '--no-embeddings'], () => {})).rejects.toThrow(/no conversation with a customer message followed by a brand reply/);
  });
});
