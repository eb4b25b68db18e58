/** Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix of a labelled run. */
export interface EvalReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  labels: string[];
  /** confusion[i][j]: rows with true label i predicted as j */
  confusion: number[][];
  perLabel: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
}

export function evaluate(gold: string[], predicted: string[]): EvalReport {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  // labels from the data first, then anything the model predicted that the data never uses
  const labels = [...new Set(gold)].sort();
  for (const p of predicted) if (!labels.includes(p)) labels.push(p);
  const idx = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    confusion[idx.get(g)!][idx.get(predicted[i])!]++;
    if (g === predicted[i]) correct++;
  });
  const goldLabels = new Set(gold);
  const perLabel = labels.filter((l) => goldLabels.has(l)).map((label) => {
    const i = idx.get(label)!;
    const tp = confusion[i][i];
    const support = confusion[i].reduce((a, b) => a + b, 0);
    const predictedN = confusion.reduce((a, row) => a + row[i], 0);
    const precision = predictedN ? tp / predictedN : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const n = gold.length;
  return {
    n,
    accuracy: n ? correct / n : 0,
    macro_f1: perLabel.length ? perLabel.reduce((a, r) => a + r.f1, 0) / perLabel.length : 0,
    labels,
    confusion,
    perLabel,
  };
}

export function formatReport(task: string, r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`task ${task}: ${r.n} rows, accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macro_f1.toFixed(4)}`);
  lines.push('');
  const w = Math.max(5, ...r.perLabel.map((p) => p.label.length));
  lines.push(`${'label'.padEnd(w)}  precision  recall  f1      support`);
  for (const p of r.perLabel) {
    lines.push(`${p.label.padEnd(w)}  ${p.precision.toFixed(3).padStart(9)}  ${p.recall.toFixed(3).padStart(6)}  ${p.f1.toFixed(3)}  ${String(p.support).padStart(7)}`);
  }
  lines.push('');
  lines.push('confusion matrix (rows: true label, columns: predicted, in the order of the rows)');
  const cw = Math.max(4, ...r.confusion.flat().map((v) => String(v).length));
  r.labels.forEach((l, i) => {
    lines.push(`${l.padEnd(w)}  ${r.confusion[i].map((v) => String(v).padStart(cw)).join(' ')}`);
  });
  return lines.join('\n');
}
