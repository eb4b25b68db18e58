/**
 * npm run analyze:eval -- --task sentiment|intent|topic --data <labelled.csv> --text-column <col>
 *   --label-column <col> [--train <labelled.csv>] [--weight-column <col>] [--cheap-only]
 * Learns from --train through the same learn path as agents' corrections (each row weighted by
 * --weight-column, e.g. the data set's label confidence), then scores --data. For sentiment the
 * embedding stage is fitted too and asked where the cheap stage is unsure, as on the hub;
 * --cheap-only scores the cheap stage alone. The last line printed is JSON:
 * {"task","accuracy","macro_f1","n"} (+ "cheap_accuracy","embedding_share" for two stages).
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '../../shared/domain';
import { createAnalyzer, type Correction, type LabelDecision, type Task } from './analyzer';
import { sentenceEncoder } from './embedder';
import { column, readRows, requireColumn, type Row } from './input';
import { evaluate, formatReport } from './metrics';
import { isMainModule } from './main-module';

const EVAL_TASKS = ['sentiment', 'intent', 'topic'] as const;

/** Rows an agent could have corrected: some text (within the hub's limit) and a label. */
function labelled(rows: Row[], textCol: string, labelCol: string, weightCol?: string) {
  const out: Array<{ text: string; label: string; weight: number }> = [];
  let skipped = 0;
  for (const r of rows) {
    const text = column(r, textCol), raw = column(r, labelCol);
    const label = raw === undefined || raw === null ? '' : String(raw).trim();
    const weight = weightCol ? Number(column(r, weightCol)) : 1;
    if (typeof text !== 'string' || !text.trim() || text.length > LIMITS.messageText || !label || label.length > 64 || !(weight > 0)) { skipped++; continue; }
    out.push({ text, label, weight });
  }
  return { rows: out, skipped };
}

export interface EvalSummary { task: string; accuracy: number; macro_f1: number; n: number; cheap_accuracy?: number; embedding_share?: number }

export async function runEval(argv: string[], log: (s: string) => void = console.log): Promise<EvalSummary> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' }, data: { type: 'string' }, train: { type: 'string' },
      'text-column': { type: 'string', default: 'text' }, 'label-column': { type: 'string', default: 'label' },
      'weight-column': { type: 'string' }, 'cheap-only': { type: 'boolean', default: false },
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
    if (values['weight-column']) requireColumn(raw, values['weight-column'], values.train);
    const train = labelled(raw, textCol, labelCol, values['weight-column']);
    const corrections: Correction[] = train.rows.map((r) => ({ text: r.text, task, label: r.label, ...(r.weight !== 1 ? { weight: r.weight } : {}) }));
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
  const gold = data.rows.map((r) => r.label);
  const cheap = data.rows.map((r) => analyzer.predict(task, r.text)?.label ?? '(none)');
  let predicted = cheap;
  let twoStage: { cheap_accuracy: number; embedding_share: number } | null = null;
  if (task === 'sentiment' && values.train && !values['cheap-only']) {
    const embedder = await sentenceEncoder();
    const t0 = performance.now();
    await analyzer.fitEmbeddingStage(embedder);
    log(`embedding stage fitted on ${analyzer.stats().sentiment.corrections} corrections in ${Math.round(performance.now() - t0)} ms`);
    predicted = [];
    let deep = 0;
    for (const r of data.rows) {
      const { decision, stage }: { decision: LabelDecision | null; stage: string } = await analyzer.predictWithEmbeddings(r.text, embedder);
      if (stage === 'embedding') deep++;
      predicted.push(decision?.label ?? '(none)');
    }
    const cheapReport = evaluate(gold, cheap);
    log(`cheap stage alone: accuracy ${cheapReport.accuracy.toFixed(4)}; the embedding stage was asked for ${deep} of ${data.rows.length} posts`);
    twoStage = { cheap_accuracy: round4(cheapReport.accuracy), embedding_share: round4(deep / data.rows.length) };
  }
  const report = evaluate(gold, predicted);
  if (data.skipped) log(`${data.skipped} rows of ${values.data} without text or label, or too long, skipped`);
  log(formatReport(task, report));
  const summary: EvalSummary = { task, accuracy: round4(report.accuracy), macro_f1: round4(report.macro_f1), n: report.n, ...(twoStage ?? {}) };
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
