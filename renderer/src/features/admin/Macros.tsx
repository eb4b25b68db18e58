/**
 * Macros (issue 15): a named list of steps run on a conversation by one key or from the palette —
 * reply from a canned response, tags, a status or snooze, assign, a note. A team's macros are seen
 * by its members (its supervisors and admins change them); an agent's own follow them to any
 * desktop. The hub checks the steps (shared/contract/macros.ts) and names what is wrong.
 * Keys: j/k move, n new, Enter edit, Delete remove.
 */
import { useState } from 'react';
import type { Macro, MacroStep } from '../../../../shared/contract/macros';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { macrosChanged } from '../../api/macros';
import { useSession } from '../../api/queries';
import { isMac } from '../../app/format';
import { COMMANDS, formatCombo, layoutSafetyProblem, parseCombo } from '../../app/keymap';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { useCanned } from '../Settings';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
type Kind = MacroStep['kind'];
const KINDS: Array<{ kind: Kind; label: string }> = [
  { kind: 'reply', label: 'Reply from a canned response' }, { kind: 'tag', label: 'Add or remove tags' },
  { kind: 'status', label: 'Set the status' }, { kind: 'snooze', label: 'Snooze' }, { kind: 'assign', label: 'Assign or move' },
  { kind: 'note', label: 'Add an internal note' },
];
const blank = (kind: Kind): MacroStep => {
  switch (kind) {
    case 'reply': return { kind, canned: 'thanks', visibility: 'public' };
    case 'tag': return { kind, add: [], remove: [] };
    case 'status': return { kind, status: 'resolved' };
    case 'snooze': return { kind, hours: 24 };
    case 'assign': return { kind, agent: 'me', team_id: null };
    case 'note': return { kind, text: '' };
  }
};
const words = (s: string) => s.split(/[\s,]+/).map((t) => t.replace(/^#/, '').trim()).filter(Boolean);

/** Why a key cannot be a macro's: unsafe on some layouts, unparseable, or a desk command's already. */
export function macroKeyProblem(key: string): string | null {
  const unsafe = layoutSafetyProblem(key);
  if (unsafe) return unsafe;
  const same = JSON.stringify(parseCombo(key));
  const taken = COMMANDS.find((c) => c.keys.some((k) => JSON.stringify(parseCombo(k)) === same));
  return taken ? `${key} is the desk's key for "${taken.label}"` : null;
}

function StepEditor({ step, index, onChange, onRemove }: { step: MacroStep; index: number; onChange(s: MacroStep): void; onRemove(): void }) {
  const canned = useCanned();
  const session = useSession().data;
  const n = index + 1;
  return (
    <fieldset className="macro-step">
      <legend>Step {n}</legend>
      <select aria-label={`Step ${n} kind`} value={step.kind} onChange={(e) => onChange(blank(e.target.value as Kind))}>
        {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
      </select>
      {step.kind === 'reply' && (<>
        <select aria-label={`Step ${n} canned response`} value={step.canned} onChange={(e) => onChange({ ...step, canned: e.target.value })}>
          {!canned.some((c) => c.shortcode === step.canned) && <option value={step.canned}>;{step.canned}</option>}
          {canned.map((c) => <option key={c.shortcode} value={c.shortcode}>;{c.shortcode} · {c.title}</option>)}
        </select>
        <select aria-label={`Step ${n} visibility`} value={step.visibility} onChange={(e) => onChange({ ...step, visibility: e.target.value as 'public' | 'private' })}>
          <option value="public">in public</option><option value="private">as a private message</option>
        </select>
      </>)}
      {step.kind === 'tag' && (<>
        <input aria-label={`Step ${n} tags to add`} placeholder="add: refund, vip" defaultValue={step.add.join(', ')} onChange={(e) => onChange({ ...step, add: words(e.target.value) })} />
        <input aria-label={`Step ${n} tags to remove`} placeholder="remove: new" defaultValue={step.remove.join(', ')} onChange={(e) => onChange({ ...step, remove: words(e.target.value) })} />
      </>)}
      {step.kind === 'status' && (
        <select aria-label={`Step ${n} status`} value={step.status} onChange={(e) => onChange({ ...step, status: e.target.value as 'open' | 'pending' | 'resolved' })}>
          <option value="resolved">Resolved</option><option value="pending">Pending</option><option value="open">Open</option>
        </select>
      )}
      {step.kind === 'snooze' && (
        <input aria-label={`Step ${n} hours`} type="number" min={1} max={720} value={step.hours} onChange={(e) => onChange({ ...step, hours: Number(e.target.value) })} />
      )}
      {step.kind === 'assign' && (<>
        <select aria-label={`Step ${n} to whom`} value={step.agent ?? ''} onChange={(e) => onChange({ ...step, agent: e.target.value === '' ? null : e.target.value })}>
          <option value="me">Whoever runs it</option>
          {(session?.agents ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          <option value="">Nobody (a team's queue)</option>
        </select>
        <select aria-label={`Step ${n} team`} value={step.team_id ?? ''} onChange={(e) => onChange({ ...step, team_id: e.target.value || null })}>
          <option value="">Same team</option>
          {(session?.teams ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </>)}
      {step.kind === 'note' && (
        <input aria-label={`Step ${n} note`} value={step.text} onChange={(e) => onChange({ ...step, text: e.target.value })} placeholder="Refund issued by macro" />
      )}
      <button type="button" onClick={onRemove} aria-label={`Remove step ${n}`}>Remove</button>
    </fieldset>
  );
}

function MacroForm({ item, onDone }: { item: Macro | null; onDone(): void }) {
  const session = useSession().data;
  const role = session?.agent?.role;
  const lead = role === 'supervisor' || role === 'admin';
  const [name, setName] = useState(item?.name ?? '');
  const [key, setKey] = useState(item?.key ?? '');
  const [steps, setSteps] = useState<MacroStep[]>(item?.steps ?? [blank('reply'), blank('status')]);
  const [teamId, setTeamId] = useState<string>('');
  const keyProblem = key.trim() ? (() => { try { return macroKeyProblem(key.trim()); } catch (e) { return (e as Error).message; } })() : null;
  const done = (what: string) => { void macrosChanged(); onDone(); announce(what); };
  const create = useAdminAction('createMacro', { onSuccess: (r) => done(`Macro ${r.macro.name} added`) });
  const update = useAdminAction('updateMacro', { onSuccess: (r) => done(`Macro ${r.macro.name} saved`) });
  const action = item ? update : create;
  return (
    <FormDialog label={item ? `Edit macro ${item.name}` : 'New macro'} submit="Save" wide onClose={onDone} busy={action.isPending} error={keyProblem ?? action.error}
      onSubmit={() => {
        if (keyProblem) return;
        const body = { name, key: key.trim() || null, steps };
        if (item) update.mutate({ params: { id: item.id }, body });
        else create.mutate({ body: { ...body, scope: teamId ? 'team' : 'personal', team_id: teamId || null } });
      }}>
      <div className="admin-grid">
        <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Refund done" />}</Field>
        <Field label="Key" hint={keyProblem ? undefined : 'Optional, e.g. $mod+1 (Ctrl+1, ⌘1 on a Mac)'} error={keyProblem}>{(id, hint) => (
          <input id={id} aria-describedby={hint} value={key} onChange={(e) => setKey(e.target.value)} placeholder="$mod+1" />
        )}</Field>
      </div>
      {!item && (
        <Field label="Who uses it" hint={lead ? undefined : "A team's macros are added by its supervisors and admins"}>{(id) => (
          <select id={id} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Only me</option>
            {lead && (session?.teams ?? []).map((t) => <option key={t.id} value={t.id}>The team {t.name}</option>)}
          </select>
        )}</Field>
      )}
      {steps.map((s, i) => (
        <StepEditor key={i} step={s} index={i} onChange={(next) => setSteps(steps.map((x, j) => (j === i ? next : x)))} onRemove={() => setSteps(steps.filter((_, j) => j !== i))} />
      ))}
      <button type="button" onClick={() => setSteps([...steps, blank('tag')])}>Add a step</button>
      <p className="muted">Ctrl+Enter saves · Esc cancels. A run is previewed first, and nothing is sent for a few seconds after it (u undoes it).</p>
    </FormDialog>
  );
}

const describe = (s: MacroStep) => s.kind === 'reply' ? `reply ;${s.canned}` : s.kind === 'tag' ? `tags ${[...s.add.map((t) => `+${t}`), ...s.remove.map((t) => `−${t}`)].join(' ')}`
  : s.kind === 'status' ? s.status : s.kind === 'snooze' ? `snooze ${s.hours} h` : s.kind === 'assign' ? (s.agent === null ? 'to a queue' : 'assign') : 'note';

export function Macros() {
  const session = useSession().data;
  const role = session?.agent?.role;
  const q = useAdminQuery('macros', {});
  const [dialog, setDialog] = useState<null | { kind: 'edit'; item: Macro | null } | { kind: 'remove'; item: Macro }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const remove = useAdminAction('deleteMacro', { onSuccess: () => { void macrosChanged(); setDialog(null); announce('Removed'); } });
  const items = q.data?.macros ?? [];
  const mayChange = (m: Macro) => m.scope === 'personal' || role === 'admin' || (role === 'supervisor' && !!session?.agent?.team_ids.includes(m.team_id ?? ''));
  return (
    <Screen ready={!!q.data || !!q.error} title="Macros"
      intro="A few steps run on a conversation (or many selected ones) by one key or from the palette: a canned reply, tags, a status or snooze, an assignment, a note. Your own follow you to any desktop; a team's are shared by its members."
      keys="j/k move · n new · Enter edit · Delete remove"
      actions={<button onClick={() => setDialog({ kind: 'edit', item: null })}>New macro <kbd>n</kbd></button>}
      onKey={(key) => { if (key === 'n') { setDialog({ kind: 'edit', item: null }); return true; } return false; }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Macros" items={items} id={(m) => m.id} empty="None yet: press n to add one."
          onAction={(key, item) => {
            setRefusal(null);
            if (key !== 'Enter' && key !== 'Delete' && key !== 'Backspace') return false;
            if (!mayChange(item)) { setRefusal(`${item.name} is the team's: its supervisors and admins change it`); return true; }
            setDialog(key === 'Enter' ? { kind: 'edit', item } : { kind: 'remove', item });
            return true;
          }}
          render={(m) => (
            <span className="admin-row" aria-label={`${m.name}, ${m.scope === 'team' ? "the team's" : 'your own'}${m.key ? `, key ${formatCombo(m.key, isMac)}` : ''}, used ${m.uses} ${m.uses === 1 ? 'time' : 'times'}`}>
              <strong>{m.name}</strong>
              {m.key ? <kbd>{(() => { try { return formatCombo(m.key, isMac); } catch { return m.key; } })()}</kbd> : <span className="muted">no key</span>}
              <span className={`tag${m.scope === 'personal' ? ' kind-department' : ''}`}>{m.scope === 'team' ? 'Team' : 'Mine'}</span>
              <span className="muted num">used {m.uses}×</span>
              <span className="muted admin-teams">{m.steps.map(describe).join(' → ')}</span>
            </span>
          )} />
      )}
      {refusal && <p className="error" role="alert">{refusal}</p>}
      {dialog?.kind === 'edit' && <MacroForm item={dialog.item} onDone={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <FormDialog label={`Remove macro ${dialog.item.name}?`} submit="Remove" danger focusSubmit onClose={() => { setDialog(null); remove.reset(); }}
          busy={remove.isPending} error={remove.error} onSubmit={() => remove.mutate({ params: { id: dialog.item.id } })}>
          <p>{dialog.item.scope === 'team' ? 'Nobody in the team can run it any more.' : 'You can no longer run it.'}</p>
        </FormDialog>
      )}
    </Screen>
  );
}
