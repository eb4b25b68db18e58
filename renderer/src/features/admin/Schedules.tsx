/**
 * Schedules (issue 15, supervisors and admins): agents' shifts, from yesterday to a week ahead, imported
 * from a CSV (pasted or picked from a file: agent_email,start,end[,activity]; all rows or none, every bad
 * row named) or added and edited one by one. The Floor reads them for scheduled agents and adherence.
 * The staffing settings the Floor's agents-needed use (SLA target, shrinkage, occupancy cap, concurrency,
 * handle time) are a dialog here: admins change them, supervisors read them.
 * Keys: j/k move, n new shift, i import, Enter edit, Delete remove, s staffing settings.
 */
import { useState } from 'react';
import type { Shift, StaffingSettings } from '../../../../shared/contract/staffing';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);
const DAY_TIME = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const pad = (n: number) => String(n).padStart(2, '0');
/** An instant as a datetime-local field's value (the desk's local time). */
const localInput = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromInput = (v: string): string | null => {
  const t = new Date(v).getTime();
  return v && Number.isFinite(t) ? new Date(t).toISOString() : null;
};
export const EXAMPLE_CSV = 'agent_email,start,end,activity\nana@demo.tend,2026-12-08 09:00,2026-12-08 17:00,work\nana@demo.tend,2026-12-08 12:00,2026-12-08 12:30,break';

function ShiftForm({ shift, onDone }: { shift: Shift | null; onDone(): void }) {
  const agents = useSession().data?.agents ?? [];
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const [agentId, setAgentId] = useState(shift?.agent_id ?? agents[0]?.id ?? '');
  const [startsAt, setStartsAt] = useState(localInput(shift?.starts_at ?? start));
  const [endsAt, setEndsAt] = useState(localInput(shift?.ends_at ?? new Date(Date.parse(start) + 8 * 3_600_000).toISOString()));
  const [activity, setActivity] = useState(shift?.activity ?? 'work');
  const [problem, setProblem] = useState<string | null>(null);
  const create = useAdminAction('createShift', { onSuccess: (r) => { onDone(); announce(`Shift added for ${r.shift.agent_name}`); } });
  const update = useAdminAction('updateShift', { onSuccess: (r) => { onDone(); announce(`Shift saved for ${r.shift.agent_name}`); } });
  const action = shift ? update : create;
  const submit = () => {
    const s = fromInput(startsAt);
    const e = fromInput(endsAt);
    if (!s || !e) { setProblem('give the start and the end'); return; }
    setProblem(null);
    const body = { agent_id: agentId, starts_at: s, ends_at: e, activity: activity.trim() || 'work' };
    if (shift) update.mutate({ params: { id: shift.id }, body }); else create.mutate({ body });
  };
  return (
    <FormDialog label={shift ? `Edit ${shift.agent_name}'s shift` : 'New shift'} submit="Save" onClose={onDone} busy={action.isPending} error={problem ?? action.error} onSubmit={submit}>
      <Field label="Agent">{(id) => (
        <select id={id} data-autofocus value={agentId} onChange={(e) => setAgentId(e.target.value)}>
          {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      )}</Field>
      <div className="admin-grid">
        <Field label="Starts" hint="your local time">{(id, hint) => <input id={id} aria-describedby={hint} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />}</Field>
        <Field label="Ends">{(id) => <input id={id} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />}</Field>
      </div>
      <Field label="Activity" hint="work (on the queue), or break, training, meeting…">{(id, hint) => (
        <input id={id} aria-describedby={hint} value={activity} onChange={(e) => setActivity(e.target.value)} placeholder="work" />
      )}</Field>
      <p className="muted">Enter saves · Esc cancels</p>
    </FormDialog>
  );
}

function ImportDialog({ onDone }: { onDone(): void }) {
  const [csv, setCsv] = useState('');
  const [replace, setReplace] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const run = useAdminAction('importShifts', {
    onSuccess: (r) => { onDone(); announce(`Imported ${r.imported} ${r.imported === 1 ? 'shift' : 'shifts'}${r.replaced ? `, replacing ${r.replaced}` : ''}`); },
  });
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setFileError(null);
    try { setCsv(await file.text()); } catch (e) { setFileError(`could not read ${file.name}: ${(e as Error).message}`); }
  };
  return (
    <FormDialog label="Import shifts from CSV" submit="Import" wide onClose={onDone} busy={run.isPending} error={fileError ?? run.error}
      onSubmit={() => { if (csv.trim()) run.mutate({ body: { csv, replace } }); else setFileError('paste the CSV or pick a file'); }}>
      <Field label="CSV" hint="A header agent_email,start,end[,activity], a row per shift. Times like 2026-12-08 09:00 (the workspace's time zone) or 2026-12-08T09:00:00Z. All rows are imported or none.">{(id, hint) => (
        <textarea id={id} aria-describedby={hint} data-autofocus rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} placeholder={EXAMPLE_CSV} className="schedule-csv" />
      )}</Field>
      <Field label="Or pick a file">{(id) => <input id={id} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void pick(e.target.files?.[0])} />}</Field>
      <label className="admin-check"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> Replace these agents' shifts in the file's span</label>
      <p className="muted">Ctrl+Enter imports · Esc cancels</p>
    </FormDialog>
  );
}

/** A percentage field's text as a share (80 → 0.8); null when it is not a number from `min` to `max` %. */
const share = (text: string, min: number, max: number): number | null => {
  const n = Number(text.trim().replace(/%$/, ''));
  return text.trim() && Number.isFinite(n) && n >= min && n <= max ? Math.round(n * 10) / 1000 : null;
};

function SettingsDialog({ onDone }: { onDone(): void }) {
  const q = useAdminQuery('staffingSettings', {});
  const admin = useSession().data?.agent?.role === 'admin';
  const save = useAdminAction('setStaffingSettings', { onSuccess: () => { onDone(); announce('Staffing settings saved'); } });
  const s = q.data?.settings;
  const [form, setForm] = useState<Record<string, string> | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const f = form ?? (s ? {
    service_level: String(Math.round(s.service_level * 100)), target_min: String(Math.round(s.target_sec / 6) / 10), shrinkage: String(Math.round(s.shrinkage * 100)),
    max_occupancy: String(Math.round(s.max_occupancy * 100)), concurrency: String(s.concurrency), handle_min: s.handle_time_sec === null ? '' : String(Math.round(s.handle_time_sec / 6) / 10),
  } : null);
  const set = (k: string) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...f!, [k]: e.target.value });
  const submit = () => {
    if (!f || !admin) { onDone(); return; }
    const body = {
      service_level: share(f.service_level!, 5, 99), target_sec: Math.round(Number(f.target_min) * 60), shrinkage: share(f.shrinkage!, 0, 90),
      max_occupancy: share(f.max_occupancy!, 10, 100), concurrency: Number(f.concurrency), handle_time_sec: f.handle_min!.trim() ? Math.round(Number(f.handle_min) * 60) : null,
    };
    const bad = [
      body.service_level === null && 'the service level is a percentage from 5 to 99',
      !(body.target_sec >= 10) && 'answer within a number of minutes',
      body.shrinkage === null && 'shrinkage is a percentage from 0 to 90',
      body.max_occupancy === null && 'the occupancy cap is a percentage from 10 to 100',
      !(Number.isInteger(body.concurrency) && body.concurrency >= 1) && 'conversations at once is a whole number from 1',
      body.handle_time_sec !== null && !(body.handle_time_sec >= 10) && 'the handle time is a number of minutes, or empty for measured',
    ].filter(Boolean);
    if (bad.length) { setProblem(bad.join('; ')); return; }
    setProblem(null);
    // every field was checked above: none is null any more
    save.mutate({ body: body as StaffingSettings });
  };
  const measured = q.data?.measured_handle_time_sec;
  return (
    <FormDialog label="Staffing settings" submit={admin ? 'Save' : 'Close'} onClose={onDone} busy={save.isPending} error={problem ?? q.error ?? save.error} onSubmit={submit}>
      {!admin && <p className="muted">Admins change these; supervisors read them.</p>}
      {f && (<>
        <div className="admin-grid">
          <Field label="Service level (%)" hint="the share of conversations answered…">{(id, hint) => <input id={id} aria-describedby={hint} data-autofocus inputMode="decimal" readOnly={!admin} value={f.service_level} onChange={set('service_level')} />}</Field>
          <Field label="Within (minutes)" hint="…within this many minutes">{(id, hint) => <input id={id} aria-describedby={hint} inputMode="decimal" readOnly={!admin} value={f.target_min} onChange={set('target_min')} />}</Field>
          <Field label="Shrinkage (%)" hint="scheduled time off the queue">{(id, hint) => <input id={id} aria-describedby={hint} inputMode="decimal" readOnly={!admin} value={f.shrinkage} onChange={set('shrinkage')} />}</Field>
          <Field label="Occupancy at most (%)">{(id) => <input id={id} inputMode="decimal" readOnly={!admin} value={f.max_occupancy} onChange={set('max_occupancy')} />}</Field>
          <Field label="Conversations at once" hint="per agent">{(id, hint) => <input id={id} aria-describedby={hint} inputMode="numeric" readOnly={!admin} value={f.concurrency} onChange={set('concurrency')} />}</Field>
          <Field label="Handle time (minutes)" hint={`empty: measured (${measured ? `${Math.round(measured / 6) / 10} min over the last 7 days` : 'nothing measured yet: 10 min'})`}>{(id, hint) => (
            <input id={id} aria-describedby={hint} inputMode="decimal" readOnly={!admin} value={f.handle_min} onChange={set('handle_min')} placeholder="measured" />
          )}</Field>
        </div>
      </>)}
      <p className="muted">{admin ? 'Enter saves · Esc cancels' : 'Esc closes'}</p>
    </FormDialog>
  );
}

export function Schedules() {
  const q = useAdminQuery('shifts', {});
  const [dialog, setDialog] = useState<null | { kind: 'edit'; shift: Shift | null } | { kind: 'import' } | { kind: 'settings' } | { kind: 'remove'; shift: Shift }>(null);
  const remove = useAdminAction('deleteShift', { onSuccess: () => { setDialog(null); announce('Shift removed'); } });
  const shifts = q.data?.shifts ?? [];
  return (
    <Screen ready={!!q.data || !!q.error} title="Schedules"
      intro={`Agents' shifts, from yesterday to a week ahead. The Floor compares them with the agents each 15 minutes need, and shows who is in adherence now. Times in your local time; files read in the workspace's (${q.data?.time_zone ?? '…'}).`}
      keys="j/k move · n new shift · i import a CSV · Enter edit · Delete remove · s staffing settings"
      actions={<>
        <button onClick={() => setDialog({ kind: 'settings' })}>Staffing settings <kbd>s</kbd></button>
        <button onClick={() => setDialog({ kind: 'import' })}>Import CSV <kbd>i</kbd></button>
        <button onClick={() => setDialog({ kind: 'edit', shift: null })}>New shift <kbd>n</kbd></button>
      </>}
      onKey={(key) => {
        if (key === 'n') { setDialog({ kind: 'edit', shift: null }); return true; }
        if (key === 'i') { setDialog({ kind: 'import' }); return true; }
        if (key === 's') { setDialog({ kind: 'settings' }); return true; }
        return false;
      }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Shifts" items={shifts} id={(s) => s.id} empty="No shifts: press i to import a CSV or n to add one."
          onAction={(key, shift) => {
            if (key === 'Enter') { setDialog({ kind: 'edit', shift }); return true; }
            if (key === 'Delete' || key === 'Backspace') { setDialog({ kind: 'remove', shift }); return true; }
            return false;
          }}
          render={(s) => {
            const when = `${DAY_TIME.format(Date.parse(s.starts_at))} to ${TIME.format(Date.parse(s.ends_at))}`;
            return (
              <span className="admin-row" aria-label={`${s.agent_name}, ${s.activity}, ${when}`}>
                <strong>{s.agent_name}</strong>
                <span className="num">{when}</span>
                <span className={`tag${s.activity === 'work' ? '' : ' kind-department'}`}>{s.activity}</span>
                <span className="muted admin-teams">{s.agent_email}</span>
              </span>
            );
          }} />
      )}
      {dialog?.kind === 'edit' && <ShiftForm shift={dialog.shift} onDone={() => setDialog(null)} />}
      {dialog?.kind === 'import' && <ImportDialog onDone={() => setDialog(null)} />}
      {dialog?.kind === 'settings' && <SettingsDialog onDone={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <FormDialog label={`Remove ${dialog.shift.agent_name}'s ${dialog.shift.activity} shift?`} submit="Remove" danger focusSubmit
          onClose={() => { setDialog(null); remove.reset(); }} busy={remove.isPending} error={remove.error} onSubmit={() => remove.mutate({ params: { id: dialog.shift.id } })}>
          <p>{DAY_TIME.format(Date.parse(dialog.shift.starts_at))} to {TIME.format(Date.parse(dialog.shift.ends_at))}</p>
        </FormDialog>
      )}
    </Screen>
  );
}
