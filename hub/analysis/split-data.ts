/**
 * Deterministic hold-out split of a labelled CSV for measuring the analysis on unseen text:
 *   npx tsx hub/analysis/split-data.ts <in.csv> <text-column> [--test-share 0.2] [--out-dir /tmp/tend-split]
 * A row goes to the test part when a hash of its text says so, so the split is the same on
 * every machine and duplicates of one text never straddle it. Writes under /tmp, never the repo.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashString } from './features';
import { column, readRows, type Row } from './input';
import { isMainModule } from './main-module';

export function splitRows(rows: Row[], textColumn: string, testShare = 0.2): { train: Row[]; test: Row[] } {
  const train: Row[] = [], test: Row[] = [];
  const cut = Math.round(testShare * 1000);
  for (const r of rows) (hashString(String(column(r, textColumn) ?? ''), 77) % 1000 < cut ? test : train).push(r);
  return { train, test };
}

export function toCsv(rows: Row[]): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

if (isMainModule(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'test-share': { type: 'string', default: '0.2' }, 'out-dir': { type: 'string', default: '/tmp/tend-split' } },
  });
  const [file, textCol] = positionals;
  if (!file || !textCol) { console.error('usage: split-data.ts <in.csv> <text-column> [--test-share 0.2] [--out-dir /tmp/tend-split]'); process.exit(2); }
  const { train, test } = splitRows(readRows(file), textCol, Number(values['test-share']));
  mkdirSync(values['out-dir']!, { recursive: true });
  const stem = basename(file).replace(/\.csv$/i, '');
  const trainFile = join(values['out-dir']!, `${stem}.train.csv`), testFile = join(values['out-dir']!, `${stem}.test.csv`);
  writeFileSync(trainFile, toCsv(train));
  writeFileSync(testFile, toCsv(test));
  console.log(`${trainFile}: ${train.length} rows\n${testFile}: ${test.length} rows`);
}
