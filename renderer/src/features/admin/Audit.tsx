/**
 * Audit log (admins): who did what and when, newest first: sign-ins and failures, lockouts, sessions
 * ended, and every admin change (people, teams, rules, channels, settings). Filter by action (or a
 * group such as `auth.`), person, target and dates; export what the filter shows as CSV or JSON (the
 * hub's own export, every matching entry). Keys: j/k move, / filters, m older entries, e export CSV,
 * Shift+E export JSON.
 */
import { useRef, useState } from 'react';
import { useAdminQuery, adminCall } from '../../api/admin';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, Screen } from './parts';
import { clockTime } from '../../app/format';

const announce = (t: string) => useUi.getState().announce(t);
const GROUPS: Array<[string, string]> = [['', 'Everything'], ['auth.', 'Sign-ins and sign-outs'], ['agent.', 'People'], ['session.', 'Sessions'], ['team.', 'Teams'],
  ['routing.', 'Routing'], ['channel.', 'Channels'], ['metrics.', 'Metrics and surveys'], ['customer.', "Customers' data"], ['canned.', 'Canned responses'], ['account.', 'Own accounts']];

interface Filter { action: string; actor_id: string; target_id: string; from: string; to: string }
const query = (f: Filter, before: number | null) => Object.fromEntries(Object.entries({
  action: f.action, actor_id: f.actor_id.trim(), target_id: f.target_id.trim(),
  from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : '', to: f.to ? new Date(`${f.to}T00:00:00`).toISOString() : '',
  before: before === null ? '' : String(before), limit: '100',
}).filter(([, v]) => v !== '')) as Record<string, string>;

async function exportFile(f: Filter, format: 'csv' | 'json'): Promise<void> {
  const { before: _b, limit: _l, ...q } = query(f, null);
  const text = await adminCall('adminAuditExport', { query: { ...q, format } }) as string;
  const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `tend-audit-${new Date().toISOString().slice(0, 10)}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Audit() {
  const [filter, setFilter] = useState<Filter>({ action: '', actor_id: '', target_id: '', from: '', to: '' });
  const [pages, setPages] = useState<Array<number | null>>([null]);
  const [problem, setProblem] = useState<string | null>(null);
  const filters = useRef<HTMLSelectElement>(null);
  const set = (p: Partial<Filter>) => { setFilter((f) => ({ ...f, ...p })); setPages([null]); setProblem(null); };
  const first = useAdminQuery('adminAudit', { query: query(filter, pages[0]!) as never });
  const more = useAdminQuery('adminAudit', { query: query(filter, pages[1] ?? null) as never }, { enabled: pages.length > 1 });
  const entries = [...(first.data?.entries ?? []), ...(pages.length > 1 ? more.data?.entries ?? [] : [])];
  const next = pages.length > 1 ? more.data?.next_before ?? null : first.data?.next_before ?? null;
  const doExport = (format: 'csv' | 'json') => { void exportFile(filter, format).then(() => announce(`Audit log exported as ${format.toUpperCase()}`), (e: Error) => setProblem(e.message)); };
  const onKey = (key: string) => {
    if (key === '/') { filters.current?.focus(); return true; }
    if (key === 'e') { doExport('csv'); return true; }
    if (key === 'E') { doExport('json'); return true; }
    if (key === 'm' && next !== null) { setPages([pages[0]!, next]); return true; }
    return false;
  };
  const error = first.error ?? more.error;
  return (
    <Screen ready={!!first.data || !!first.error} title="Audit log"
      intro="Every sign-in, failed sign-in, lockout and session ended, and every change an admin or supervisor made: who, when, from where. Entries are only ever added."
      keys="j/k move · / filters · m older entries · e export CSV · Shift+E export JSON"
      actions={<><button onClick={() => doExport('csv')}>Export CSV <kbd>e</kbd></button><button onClick={() => doExport('json')}>Export JSON <kbd>E</kbd></button></>}
      onKey={onKey}>
      <div className="admin-grid" role="group" aria-label="Audit filters">
        <Field label="What">{(id) => (
          <select id={id} ref={filters} value={filter.action} onChange={(e) => set({ action: e.target.value })}>
            {GROUPS.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>)}</Field>
        <Field label="By (person id)">{(id) => <input id={id} value={filter.actor_id} onChange={(e) => set({ actor_id: e.target.value })} placeholder="any" />}</Field>
        <Field label="About (id or e-mail)">{(id) => <input id={id} value={filter.target_id} onChange={(e) => set({ target_id: e.target.value })} placeholder="any" />}</Field>
        <Field label="From">{(id) => <input id={id} type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} />}</Field>
        <Field label="Until (not included)">{(id) => <input id={id} type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} />}</Field>
      </div>
      {error && <p className="error" role="alert">{error.message}</p>}
      {problem && <p className="error" role="alert">{problem}</p>}
      {first.data && (
        <KeyList label="Audit entries" items={entries} id={(e) => String(e.id)} empty="Nothing recorded that matches."
          onAction={(key) => onKey(key)}
          render={(e) => (
            <span className="admin-row" aria-label={`${e.action} by ${e.actor_name ?? 'nobody known'}${e.target_id ? ` on ${e.target_type ?? ''} ${e.target_name ?? e.target_id}` : ''}, ${clockTime(e.at)}`}>
              <span className="muted num">{clockTime(e.at)}</span>
              <strong>{e.action}</strong>
              <span>{e.actor_name ?? '—'}</span>
              <span className="muted" title={e.target_id ?? undefined}>{e.target_type ? `${e.target_type} ${e.target_name ?? e.target_id ?? ''}` : ''}</span>
              <span className="muted">{e.ip ?? ''}</span>
              <span className="muted admin-teams">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</span>
            </span>
          )} />
      )}
      {next !== null && <p className="muted">Older entries: press <kbd>m</kbd>.</p>}
    </Screen>
  );
}
