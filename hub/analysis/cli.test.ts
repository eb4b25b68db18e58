import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from './cli-eval';
import { parseCsv } from './input';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const tsx = join(repo, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'tend-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Small labelled files made here: quoted multi-line fields, a bare CR inside a text, doubled quotes.
const TRAIN = [
  'id,body,mood',
  '1,"I love this, thank you!",happy',
  '2,"great service, very happy",happy',
  '3,"thanks a lot, you are great",happy',
  '4,"this is awful,\nnever again",angry',
  '5,"worst experience\r ever, so angry",angry',
  '6,"terrible ""support"", I hate it",angry',
  '7,"what time do you open",plain',
  '8,"where is the store located",plain',
  '9,"do you sell gift cards",plain',
].join('\n') + '\n';
const TEST = [
  'id,body,mood',
  '1,"thank you, I love it",happy',
  '2,"awful, I hate this\nso angry",angry',
  '3,"what time do you close",plain',
  '4,"great, thanks",happy',
].join('\r\n') + '\r\n';

describe('CSV input', () => {
  it('keeps quoted newlines and bare CRs inside texts', () => {
    const rows = parseCsv(TRAIN);
    expect(rows).toHaveLength(9);
    expect(rows[3].body).toBe('this is awful,\nnever again');
    expect(rows[4].body).toBe('worst experience\r ever, so angry');
    expect(rows[5].body).toBe('terrible "support", I hate it');
    expect(parseCsv(TEST)).toHaveLength(4);
  });
  it('names a pandas index column and fails clearly on broken CSV', () => {
    expect(Object.keys(parseCsv(',text\n0,hello\n')[0])).toEqual(['_col0', 'text']);
    expect(parseCsv('id,text\n1,the 5" screen cracked\n')[0].text).toBe('the 5" screen cracked');
    expect(() => parseCsv('a,b\n"open quote,1\n', 'bad.csv')).toThrow(/bad.csv: not valid CSV/);
  });
});

describe('analyze:eval', () => {
  it('learns from --train, prints the report and a last JSON line (as a process)', async () => {
    writeFileSync(join(dir, 'train.csv'), TRAIN);
    writeFileSync(join(dir, 'test.csv'), TEST);
    const { stdout } = await run(tsx, [join(repo, 'hub/analysis/cli-eval.ts'), '--task', 'sentiment', '--train', join(dir, 'train.csv'),
      '--data', join(dir, 'test.csv'), '--text-column', 'body', '--label-column', 'mood', '--cheap-only'], { cwd: repo });
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]);
    expect(Object.keys(last)).toEqual(['task', 'accuracy', 'macro_f1', 'n']);
    expect(last).toMatchObject({ task: 'sentiment', n: 4 });
    expect(last.accuracy).toBe(1);
    expect(stdout).toContain('confusion matrix');
    expect(stdout).toMatch(/learned 9 corrections/);
  });

  it('refuses a missing column with the columns it found', async () => {
    writeFileSync(join(dir, 'test2.csv'), TEST);
    await expect(runEval(['--task', 'intent', '--data', join(dir, 'test2.csv'), '--text-column', 'text', '--label-column', 'mood'], () => {}))
      .rejects.toThrow(/no column "text" \(columns: id, body, mood\)/);
    await expect(runEval(['--task', 'mood', '--data', join(dir, 'test2.csv')], () => {})).rejects.toThrow(/--task must be one of/);
  });
});

describe('analyze', () => {
  it('writes one JSON result per post from JSON Lines', async () => {
    const input = join(dir, 'posts.jsonl'), out = join(dir, 'out.jsonl');
    writeFileSync(input, [
      JSON.stringify({ id: 'a', text: 'my parcel never arrived, refund please', author: { followers: 52000, verified: true } }),
      '',
      JSON.stringify({ id: 'b', text: 'thanks for the quick help!' }),
    ].join('\n'));
    const { stderr } = await run(tsx, [join(repo, 'hub/analysis/cli-analyze.ts'), input, '--out', out], { cwd: repo });
    expect(stderr).toContain('analyzed 2 posts');
    const results = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => r.id)).toEqual(['a', 'b']);
    expect(results[0].reason).toContain('52k followers, verified');
    expect(results[1].sentiment.label).toBe('positive');
  });
});
