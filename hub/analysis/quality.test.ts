/**
 * The quality targets on held-out real data: learn from one part of a training file through the
 * same path as agents' corrections, score the rest. Skipped (with the reason) where the team's
 * data sets are not beside the repo.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from './cli-eval';
import { readRows } from './input';
import { splitRows, toCsv } from './split-data';
import { findDataDir } from '../../testing/hub/analysis-data';

const tmp = mkdtempSync(join(tmpdir(), 'tend-quality-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cases = [
  { file: 'airline_sentiment_train.csv', task: 'sentiment', text: 'text', label: 'airline_sentiment', target: 0.82 },
  { file: 'bitext_intents_train.csv', task: 'intent', text: 'instruction', label: 'intent', target: 0.9 },
] as const;

for (const c of cases) {
  const dataDir = findDataDir(c.file);
  describe(`${c.task} on held-out ${c.file}`, () => {
    if (!dataDir) {
      it.skip(`skipped: ${c.file} not found in ../shared/data or /work/shared/data`, () => {});
      return;
    }
    it(`reaches accuracy ≥ ${c.target} after learning from the other 80%`, async () => {
      const { train, test } = splitRows(readRows(join(dataDir, c.file)), c.text, 0.2);
      const trainFile = join(tmp, `${c.task}.train.csv`), testFile = join(tmp, `${c.task}.test.csv`);
      writeFileSync(trainFile, toCsv(train));
      writeFileSync(testFile, toCsv(test));
      const lines: string[] = [];
      const r = await runEval(['--task', c.task, '--train', trainFile, '--data', testFile, '--text-column', c.text, '--label-column', c.label, '--cheap-only'], (s) => lines.push(s));
      console.log(lines[lines.length - 1]);
      expect(r.n).toBe(test.length);
      expect(r.accuracy).toBeGreaterThanOrEqual(c.target);
    });
  });
}
