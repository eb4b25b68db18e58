/**
 * The analysis on a conversation (sentiment, intent → topic, priority, and why), and the
 * one-key correction: `l` opens the picker — a digit chooses the task, a digit the value
 * (or type a workspace's own label). The core shows it at once and syncs it (offline too).
 */
import { PencilLine } from 'lucide-react';
import { useState } from 'react';
import type { LabelTask } from '../../../shared/contract/desktop';
import { PRIORITY_RANK, type Conversation } from '../../../shared/domain';
import { act } from '../api/mutations';
import { keys, queryClient } from '../api/queries';
import { sentimentText } from '../app/format';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { ListPicker, type PickItem } from '../components/ListPicker';

const human = (id: string) => id.replace(/_/g, ' ');

/** Default taxonomy of hub/analysis (each workspace may add its own: type it in the picker). */
export const LABEL_VALUES: Record<LabelTask, string[]> = {
  sentiment: ['positive', 'neutral', 'negative'],
  intent: ['complaint', 'question', 'request_for_help', 'praise', 'feedback', 'purchase_intent', 'urgent_safety', 'spam', 'other'],
  topic: ['delivery', 'refund', 'billing', 'account', 'product_defect', 'order', 'travel', 'service'],
  priority: ['low', 'normal', 'high', 'urgent'],
};
const TASKS: Array<{ id: LabelTask; label: string }> = [
  { id: 'sentiment', label: 'Sentiment' }, { id: 'intent', label: 'Intent' }, { id: 'topic', label: 'Topic' }, { id: 'priority', label: 'Priority' },
];

type Analysis = Conversation['analysis'];

/** One line for screen readers and tooltips: "negative −0.8, complaint → delivery, high priority". */
export function analysisSummary(a: Analysis, priority?: string): string {
  const s = sentimentText(a);
  return [s?.label, a.intent && `${human(a.intent)}${a.topic ? ` → ${human(a.topic)}` : ''}`, priority && `${priority} priority`].filter(Boolean).join(', ');
}

/**
 * Why the conversation's priority differs from what the analysis suggested: an agent set it, or
 * routing raised it (an SLA breach escalates by one step). Null when they agree.
 */
export function priorityChange(c: Conversation): string | null {
  const a = c.analysis;
  const suggested = a.priority;
  if (!suggested || suggested === c.priority) return null;
  const corrected = (a.corrected as Record<string, string> | undefined)?.priority;
  if (corrected) return `set to ${c.priority} by ${corrected}`;
  const escalation = a.escalation as { reason?: string } | undefined;
  if (escalation?.reason) return `raised to ${c.priority}: ${escalation.reason}`;
  return PRIORITY_RANK[c.priority] > PRIORITY_RANK[suggested] ? `raised to ${c.priority} by routing (SLA escalation or a rule)` : `lowered to ${c.priority} by an agent or a rule`;
}

/** The thread header's analysis line: every label, which ones an agent corrected, and the reason. */
export function AnalysisLine({ c }: { c: Conversation }) {
  const a = c.analysis;
  const s = sentimentText(a);
  const change = priorityChange(c);
  const corrected = (a.corrected ?? {}) as Record<string, string>;
  const mark = (task: string) => (corrected[task] ? <span className="corrected" title={`corrected by ${corrected[task]}`}> <PencilLine size={11} aria-hidden="true" className="icon-inline" /><span className="sr-only">corrected</span></span> : null);
  if (!s && !a.intent && !a.topic && !a.reason && !a.priority) return null;
  return (
    <div className="analysis" role="group" aria-label="Analysis" title={a.reason}>
      {s && <span className={`senti senti-${s.tone}`} aria-label={`Sentiment ${s.label}`}>{s.label}{mark('sentiment')}</span>}
      {a.intent && <span aria-label={`Intent ${human(a.intent)}`}>{human(a.intent)}{mark('intent')}</span>}
      {a.topic && <span aria-label={`Topic ${human(a.topic)}`}>→ {human(a.topic)}{mark('topic')}</span>}
      {a.priority && <span className="muted" aria-label={`Suggested priority ${a.priority}`}>suggests {a.priority}{mark('priority')}</span>}
      {a.reason && <span className="reason">“{a.reason}”</span>}
      {change && <span className="escalation" aria-label={`Priority ${change}`}>priority {change}</span>}
      <span className="muted hint"><kbd>l</kbd> correct · <kbd>w</kbd> why</span>
    </div>
  );
}

const close = () => useUi.getState().open(null);
const current = (): Conversation | undefined => {
  const id = useUi.getState().selectedId;
  return id ? queryClient.getQueryData<{ conversation: Conversation }>(keys.conversation(id))?.conversation : undefined;
};

function valueNow(c: Conversation | undefined, task: LabelTask): string | undefined {
  if (!c) return undefined;
  if (task === 'sentiment') return c.analysis.sentiment?.label;
  if (task === 'priority') return c.priority;
  return c.analysis[task];
}

export function LabelPicker() {
  const [task, setTask] = useState<LabelTask | null>(null);
  const [query, setQuery] = useState('');
  const c = current();
  if (!task) {
    return (
      <ListPicker key="task" label="Correct which label" placeholder="Press 1–4" filter={false} onClose={close}
        items={TASKS.map((t, i) => ({ id: t.id, key: String(i + 1), label: t.label, detail: valueNow(c, t.id) ? `now ${human(valueNow(c, t.id)!)}` : 'not set' }))}
        onPick={(it) => setTask(it.id as LabelTask)} />
    );
  }
  const typed = query.trim();
  const values = LABEL_VALUES[task];
  const shown = typed ? values.filter((v) => human(v).includes(typed.toLowerCase()) || v.includes(typed.toLowerCase())) : values;
  const items: PickItem[] = [
    ...shown.map((v) => ({ id: v, key: typed ? undefined : String(values.indexOf(v) + 1), label: human(v), detail: v === valueNow(c, task) ? 'current' : undefined })),
    ...(typed && task !== 'priority' && task !== 'sentiment' && !values.includes(typed) ? [{ id: typed, label: `Use “${typed}”` }] : []),
  ];
  return (
    <ListPicker key="value" label={`Correct ${task}`} placeholder={`Press 1–${Math.min(9, values.length)}, or type a label`} items={items} filter={false}
      query={query} onQuery={setQuery} onClose={close} onPick={(it) => {
        close();
        const id = useUi.getState().selectedId;
        if (!id) return;
        void act('label.correct', { conversation_id: id, task, label: it.id })
          .then(() => useUi.getState().announce(`${task[0]!.toUpperCase()}${task.slice(1)} corrected to ${human(it.id)}`), (e) => useUi.getState().announce(e.message));
      }} />
  );
}

/** `w`: why the analysis says what it says. */
export function ReasonDialog() {
  const c = current();
  return (
    <Dialog label="Why this analysis" onClose={close}>
      <h2 tabIndex={-1} data-autofocus>Why this analysis</h2>
      {c ? (
        <>
          <p>{analysisSummary(c.analysis, c.priority) || 'No analysis yet.'}</p>
          <p className="reason">{c.analysis.reason ? `“${c.analysis.reason}”` : 'The hub gave no reason for this conversation.'}</p>
          {priorityChange(c) && <p className="escalation">The analysis suggested {c.analysis.priority} priority; it was {priorityChange(c)}.</p>}
        </>
      ) : <p>No conversation selected.</p>}
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}
