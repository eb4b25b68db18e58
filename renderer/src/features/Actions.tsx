/**
 * Macros and bulk actions in the desk (issue 15): the macro picker (m), the bulk menu (b) and its
 * pickers, the preview every run goes through (what each step will do on each conversation, and
 * what this desktop already refuses), and a run's summary (what applied, what waits for the hub,
 * what was refused and why), with undo while the run is held.
 */
import { useState } from 'react';
import type { MacroStep } from '../../../shared/contract/macros';
import { useActionPreview, useActionSummary, useMacros } from '../api/macros';
import { useCounts, useSession } from '../api/queries';
import { actionTarget, previewAction, previewMacro, runPending, targetSize, undoLast } from '../app/bulk';
import { isMac } from '../app/format';
import { formatCombo } from '../app/keymap';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { ListPicker, type PickItem } from '../components/ListPicker';

const close = () => useUi.getState().set({ overlay: null });

/** m: the agent's macros and their teams', each with its key; Enter shows its preview. */
export function MacroPicker() {
  const q = useMacros();
  const macros = q.data?.macros ?? [];
  const items: PickItem[] = macros.map((m) => ({
    id: m.id, label: m.name,
    hint: m.key ? <kbd>{formatCombo(m.key, isMac)}</kbd> : undefined,
    detail: `${m.scope === 'team' ? 'Team' : 'Mine'} · ${m.steps.length} step${m.steps.length === 1 ? '' : 's'}`,
  }));
  return (
    <ListPicker label="Run a macro" placeholder="Type a macro's name" items={items} onClose={close}
      empty={q.isFetching ? 'Reading the macros…' : 'No macro yet: add one in Administration: Macros'}
      footer={q.data?.offline ? <p className="muted">Offline: the macros as last read from the hub.</p> : undefined}
      onPick={(it) => previewMacro({ id: it.id, name: it.label })} />
  );
}

type BulkMode = 'menu' | 'tag' | 'assign' | 'move' | 'snooze';

/** b: what to do with the selected conversations; each choice goes through the preview. */
export function BulkMenu() {
  const [mode, setMode] = useState<BulkMode>('menu');
  const [query, setQuery] = useState('');
  const session = useSession().data;
  const total = useCounts(true).data?.[useUi.getState().tab] ?? null;
  const what = targetSize(total);
  const go = (label: string, steps: MacroStep[]) => previewAction({ label, steps });
  if (mode === 'tag') {
    const typed = query.trim().replace(/^#/, '');
    const items: PickItem[] = typed ? [{ id: `+${typed}`, label: `Add #${typed}` }, { id: `-${typed}`, label: `Remove #${typed}` }] : [];
    return (
      <ListPicker label={`Tag ${what}`} placeholder="Type a tag, Enter adds it (arrow down: remove it)" items={items} filter={false}
        query={query} onQuery={setQuery} onClose={close} empty="Type a tag" onPick={(it) => {
          const tag = it.id.slice(1);
          go(it.id.startsWith('+') ? `Tag #${tag}` : `Untag #${tag}`, [{ kind: 'tag', add: it.id.startsWith('+') ? [tag] : [], remove: it.id.startsWith('-') ? [tag] : [] }]);
        }} />
    );
  }
  if (mode === 'assign') {
    const me = session?.agent;
    const items: PickItem[] = [
      ...(me ? [{ id: me.id, label: `Me (${me.name})` }] : []),
      ...(session?.agents ?? []).filter((a) => a.id !== me?.id).map((a) => ({ id: a.id, label: a.name })),
    ];
    return (
      <ListPicker label={`Assign ${what} to`} placeholder="Type a name" items={items} onClose={close} onPick={(it) =>
        go(`Assign to ${it.label}`, [{ kind: 'assign', agent: it.id === me?.id ? 'me' : it.id, team_id: null }])} />
    );
  }
  if (mode === 'move') {
    const items: PickItem[] = (session?.teams ?? []).map((t) => ({ id: t.id, label: t.name }));
    return (
      <ListPicker label={`Move ${what} to a team's queue`} placeholder="Type a team" items={items} onClose={close} empty="No team to move to"
        onPick={(it) => go(`Move to ${it.label}`, [{ kind: 'assign', agent: null, team_id: it.id }])} />
    );
  }
  if (mode === 'snooze') {
    const options = [{ key: '1', hours: 1, label: 'For 1 hour' }, { key: '2', hours: 3, label: 'For 3 hours' }, { key: '3', hours: 24, label: 'For a day' }, { key: '4', hours: 168, label: 'For a week' }];
    return (
      <ListPicker label={`Snooze ${what}`} placeholder="Press 1–4" filter={false} onClose={close}
        items={options.map((o) => ({ id: String(o.hours), key: o.key, label: o.label }))}
        onPick={(it) => go(`Snooze ${it.label.toLowerCase()}`, [{ kind: 'snooze', hours: Number(it.id) }])} />
    );
  }
  const items: PickItem[] = [
    { id: 'resolve', key: 'e', label: 'Resolve' },
    { id: 'tag', key: 't', label: 'Tag…' },
    { id: 'assign', key: 'a', label: 'Assign…' },
    { id: 'move', key: 'v', label: "Move to a team's queue…" },
    { id: 'snooze', key: 's', label: 'Snooze…' },
    { id: 'macro', key: 'm', label: 'Apply a macro…' },
  ];
  return (
    <ListPicker label={`Bulk action on ${what}`} placeholder="Press a key, or type" items={items} onClose={close} onPick={(it) => {
      if (it.id === 'resolve') go('Resolve', [{ kind: 'status', status: 'resolved' }]);
      else if (it.id === 'macro') useUi.getState().set({ overlay: 'macro' });
      else setMode(it.id as BulkMode);
    }} />
  );
}

/** Every run is previewed: each conversation's steps as they will happen, and the conversations refused already. */
export function ActionPreview() {
  const pending = useUi((s) => s.pendingAction);
  const target = actionTarget();
  const q = useActionPreview(pending && target ? { target, ...(pending.macro_id ? { macro_id: pending.macro_id } : { steps: pending.steps }) } : null);
  const [busy, setBusy] = useState(false);
  if (!pending || !target) return null;
  const p = q.data;
  const ready = !!p && p.total > p.refused;
  const run = () => { if (!ready || busy) return; setBusy(true); void runPending(); };
  return (
    <Dialog label={`Preview: ${pending.label}`} onClose={() => useUi.getState().set({ overlay: null, pendingAction: null })} wide>
      {/* Enter runs it once the preview is in (whichever of its controls has the focus, but Cancel) */}
      <div onKeyDown={(e) => {
        if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || (e.target as HTMLElement).dataset.cancel) return;
        e.preventDefault();
        run();
      }}>
      <h2>{pending.label} <span className="muted">on {p ? `${p.total} conversation${p.total === 1 ? '' : 's'}` : '…'}</span></h2>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {p && (
        <ol className="action-preview" aria-label="What will happen">
          {p.plans.map((plan) => (
            <li key={plan.conversation_id} className={plan.refused ? 'refused' : undefined}>
              <strong>{plan.customer_name ?? plan.conversation_id}</strong>
              {plan.refused
                ? <p className="error">Refused: {plan.refused.message}</p>
                : <ul>{plan.lines.map((l, i) => <li key={i}>{l}</li>)}</ul>}
            </li>
          ))}
          {p.total > p.plans.length && <li className="muted">…and {p.total - p.plans.length} more</li>}
        </ol>
      )}
      {p && p.refused > 0 && <p role="status">{p.refused} of {p.total} will not change: {p.refused === p.total ? 'nothing to run' : 'the others will'}.</p>}
      <p className="muted">Nothing is sent for a few seconds after you run it: u undoes it meanwhile.</p>
      <div className="dialog-actions">
        <button data-autofocus onClick={run} aria-disabled={!ready || busy}>Run <kbd>Enter</kbd></button>
        <button data-cancel="1" onClick={() => useUi.getState().set({ overlay: null, pendingAction: null })}>Cancel</button>
      </div>
      </div>
    </Dialog>
  );
}

const STATE_TEXT = { applied: 'applied', pending: 'waiting for the hub', refused: 'refused', stopped: 'stopped', undone: 'undone' } as const;

/** What the last run did, live as the hub answers: applied, waiting, refused with why; undo while it is held. */
export function ActionSummaryDialog() {
  const last = useUi((s) => s.lastRun);
  const q = useActionSummary(last?.run_id ?? null);
  const s = q.data;
  if (!last) return null;
  const waiting = s ? s.pending : 0;
  return (
    <Dialog label={`Summary: ${last.label}`} onClose={close} wide>
      {/* the desk's keys are off while a dialog is open: u still undoes from here */}
      <div onKeyDown={(e) => { if (e.key === 'u' && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); void undoLast(); } }}>
      <h2>{last.label}</h2>
      {s && (
        <p role="status" aria-label="Run summary" className="num">
          {s.undone ? 'Undone' : `${s.applied} applied · ${waiting} waiting · ${s.refused} refused`}{s.undoable ? ' · u undoes it' : ''}
        </p>
      )}
      {s && (
        <ul className="action-summary" aria-label="Conversations">
          {s.conversations.map((c) => (
            <li key={c.conversation_id} className={`state-${c.state}`}>
              <strong>{c.customer_name ?? c.conversation_id}</strong>: {STATE_TEXT[c.state]}{c.message ? ` (${c.message})` : ''}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        {s?.undoable && <button onClick={() => void undoLast()}>Undo <kbd>u</kbd></button>}
        <button data-autofocus onClick={close}>Close</button>
      </div>
      </div>
    </Dialog>
  );
}
