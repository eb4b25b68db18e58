/**
 * Department insights: posts routed to a department (product quality, store operations…) that
 * need closure, not a public answer. Supervisors see them on the Floor and in this view (Shift+I);
 * agents of a department team see their department's here. Keyboard: j/k move, x closes the
 * selected one with a resolution (Enter saves, Esc cancels). Closing needs the hub: offline the
 * dialog says so and keeps the text.
 */
import { useEffect, useRef, useState } from 'react';
import type { InsightItem } from '../../../shared/contract/desktop';
import { useAction } from '../api/mutations';
import { keys, queryClient, useInsights, useSession } from '../api/queries';
import { clockTime } from '../app/format';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { KeyList } from '../components/KeyList';

const announce = (t: string) => useUi.getState().announce(t);

/** Enter on an insight: its conversation in the workspace, the thread focused (from the Floor or the Insights view). */
export function openInsight(i: InsightItem): void {
  useUi.getState().set({ view: 'inbox', selectedId: i.conversation_id });
  useUi.getState().focusThread();
  if (!i.subject && !i.snippet) announce('Opening a conversation that is not in your inbox: it shows once this desktop has it');
}

function CloseInsight({ insight, onDone }: { insight: InsightItem; onDone(): void }) {
  const [text, setText] = useState('');
  const [empty, setEmpty] = useState(false);
  const online = useSession().data?.online ?? false;
  const close = useAction('insights.close', {
    onSuccess: () => {
      queryClient.setQueryData<{ insights: InsightItem[] }>(keys.insights, (d) => d && { insights: d.insights.filter((i) => i.id !== insight.id) });
      void queryClient.invalidateQueries({ queryKey: keys.insights });
      onDone();
      announce(`Insight closed: ${insight.department_name}`);
    },
  });
  const busy = close.isPending;
  const error = empty ? 'Say what was done about it.' : close.error?.message ?? null;
  const save = () => {
    if (busy) return;
    if (!text.trim()) { setEmpty(true); return; }
    close.mutate({ id: insight.id, resolution: text });
  };
  const title = insight.subject || insight.snippet || insight.conversation_id;
  return (
    <Dialog label="Close insight" onClose={onDone}>
      <h2>Close insight</h2>
      <p><strong>{insight.department_name}</strong> · {title}</p>
      <textarea aria-label="Resolution" data-autofocus rows={3} value={text} placeholder="What was done about it"
        onChange={(e) => { setText(e.target.value); setEmpty(false); close.reset(); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save(); } }} />
      {!online && !error && <p className="muted">You are offline: closing an insight needs the hub.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Enter closes it · Shift+Enter new line · Esc cancels</p>
      <div className="dialog-actions"><button onClick={save} disabled={busy}>Close insight</button><button onClick={onDone}>Cancel</button></div>
    </Dialog>
  );
}

/** The open insights as a keyboard list, with the close dialog. */
export function InsightsList() {
  const q = useInsights();
  const [closing, setClosing] = useState<InsightItem | null>(null);
  // a failed refresh (offline) keeps the list it had, with the reason under it
  if (!q.data) return q.error ? <p className="error" role="alert">{q.error.message}</p> : <p className="muted" aria-busy="true">Loading insights…</p>;
  return (
    <>
      {q.error && <p className="muted">Not refreshed: {q.error.message}</p>}
      <KeyList label="Open insights" items={q.data.insights} id={(i) => i.id} empty="No open insights."
        onAction={(key, item) => {
          if (key === 'x') { setClosing(item); return true; }
          if (key === 'Enter') { openInsight(item); return true; }
          return false;
        }}
        render={(i) => (
          <span aria-label={`${i.department_name}: ${i.subject || i.snippet || 'conversation not in your inbox'}, opened ${clockTime(i.opened_at)}${i.rule_name ? `, rule ${i.rule_name}` : ''}`}>
            <strong>{i.department_name}</strong>{' '}
            <span>{i.subject || <em className="muted">conversation not in your inbox</em>}</span>{' '}
            {i.snippet && i.snippet !== i.subject && <span className="muted">“{i.snippet}”</span>}{' '}
            <span className="muted num">opened {clockTime(i.opened_at)}{i.rule_name ? ` · ${i.rule_name}` : ''}</span>
          </span>
        )} />
      {closing && <CloseInsight insight={closing} onDone={() => setClosing(null)} />}
    </>
  );
}

/** The Insights view (Shift+I): for supervisors and department teams. */
export function InsightsView() {
  const home = useRef<HTMLElement>(null);
  const count = useInsights().data?.insights.length;
  const loaded = count !== undefined;
  // Arriving here: the keyboard lands in the list.
  useEffect(() => {
    if (loaded && !home.current?.contains(document.activeElement)) home.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();
  }, [loaded]);
  return (
    <section className="pane floor" aria-label="Insights" ref={home}>
      <header className="floor-head">
        <h1>Department insights</h1>
        {loaded && <span className="floor-kpi" role="status" aria-label={`Open insights ${count}`}>Open <strong className="num">{count}</strong></span>}
        <span className="muted">j/k move · Enter opens the conversation · x close with a resolution · ⇧I back to the inbox</span>
      </header>
      <div className="floor-card insights-card"><InsightsList /></div>
    </section>
  );
}
