/**
 * npm run analyze:eval -- --task sentiment|intent|topic --data <labelled.csv> --text-column <col>
 *   --label-column <col> [--train <labelled.csv>]
 * Learns from --train through the same learn path as agents' corrections, then scores --data.
 * The last line printed is JSON: {"task","accuracy","macro_f1","n"}.
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '../../shared/domain';
import { createAnalyzer, type Correction, type Task } from './analyzer';
import { column, readRows, requireColumn, type Row } from './input';
import { evaluate, formatReport } from './metrics';
import { isMainModule } from './main-module';

const EVAL_TASKS = ['sentiment', 'intent', 'topic'] as const;

/** Rows an agent could have corrected: some text (within the hub's limit) and a label. */
function labelled(rows: Row[], textCol: string, labelCol: string) {
  const out: Array<{ text: string; label: string }> = [];
  let skipped = 0;
  for (const r of rows) {
    const text = column(r, textCol), raw = column(r, labelCol);
    const label = raw === undefined || raw === null ? '' : String(raw).trim();
    if (typeof text !== 'string' || !text.trim() || text.length > LIMITS.messageText || !label || label.length > 64) { skipped++; continue; }
    out.push({ text, label });
  }
  return { rows: out, skipped };
}

export async function runEval(argv: string[], log: (s: string) => void = console.log): Promise<{ task: string; accuracy: number; macro_f1: number; n: number }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' }, data: { type: 'string' }, train: { type: 'string' },
      'text-column': { type: 'string', default: 'text' }, 'label-column': { type: 'string', default: 'label' },
    },
    strict: true,
  });
  const task = values.task as Task;
  if (!EVAL_TASKS.includes(task as (typeof EVAL_TASKS)[number])) throw new Error(`--task must be one of ${EVAL_TASKS.join(', ')}`);
  if (!values.data) throw new Error('--data <labelled.csv> is required');
  const textCol = values['text-column']!, labelCol = values['label-column']!;
  const analyzer = createAnalyzer();

  if (values.train) {
    const raw = readRows(values.train);
    requireColumn(raw, textCol, values.train);
    requireColumn(raw, labelCol, values.train);
    const train = labelled(raw, textCol, labelCol);
    const corrections: Correction[] = train.rows.map((r) => ({ text: r.text, task, label: r.label }));
    const t0 = performance.now();
    await analyzer.learnMany(corrections);
    log(`learned ${train.rows.length} corrections from ${values.train} in ${Math.round(performance.now() - t0)} ms${train.skipped ? ` (${train.skipped} rows without text or label, or too long, skipped)` : ''}`);
  } else {
    log(`no --train: ${task} comes from the rules alone${task === 'sentiment' ? ' (VADER lexicon)' : ' (taxonomy keywords)'}`);
  }

  const raw = readRows(values.data);
  requireColumn(raw, textCol, values.data);
  requireColumn(raw, labelCol, values.data);
  const data = labelled(raw, textCol, labelCol);
  if (!data.rows.length) throw new Error(`${values.data}: no rows with both "${textCol}" and "${labelCol}"`);
  const predicted = data.rows.map((r) => analyzer.predict(task, r.text)?.label ?? '(none)');
  const report = evaluate(data.rows.map((r) => r.label), predicted);
  if (data.skipped) log(`${data.skipped} rows of ${values.data} without text or label, or too long, skipped`);
  log(formatReport(task, report));
  const summary = { task, accuracy: round4(report.accuracy), macro_f1: round4(report.macro_f1), n: report.n };
  log(JSON.stringify(summary));
  return summary;
}

function round4(x: number) { return Math.round(x * 10000) / 10000; }

if (isMainModule(import.meta.url)) {
  runEval(process.argv.slice(2)).catch((e) => {
    console.error(`analyze:eval: ${e.message}`);
    process.exit(2);
  });
}
