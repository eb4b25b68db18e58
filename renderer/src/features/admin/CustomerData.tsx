/**
 * A customer's data (admins): find a customer by name, handle or id; export everything held about
 * them as a JSON file; erase them (their messages' text, identities and profile, on the hub and on
 * every desktop at its next sync; the conversations stay counted in reports; the erasure is audited).
 * Keys: / or f find, j/k move, e export, Delete erase (typing "erase" confirms).
 */
import { useEffect, useRef, useState } from 'react';
import type { CustomerMatch } from '../../../../shared/contract/admin';
import { adminCall, useAdminAction, useAdminQuery } from '../../api/admin';
import { dateOnly } from '../../app/format';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);

/** The export as a file the browser saves (customer-<id>.json). */
async function download(c: CustomerMatch): Promise<void> {
  const data = await adminCall('adminExportCustomer', { params: { id: c.id } });
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `customer-${c.id}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Erase({ customer, onDone }: { customer: CustomerMatch; onDone(): void }) {
  const [typed, setTyped] = useState('');
  const erase = useAdminAction('adminEraseCustomer', {
    onSuccess: (r) => { onDone(); announce(`${customer.name} erased: ${r.messages} message${r.messages === 1 ? '' : 's'} in ${r.conversations} conversation${r.conversations === 1 ? '' : 's'}`); },
  });
  return (
    <FormDialog label={`Erase ${customer.name}?`} submit="Erase" danger onClose={onDone} busy={erase.isPending}
      error={erase.error ?? null}
      onSubmit={() => { if (typed.trim().toLowerCase() === 'erase') erase.mutate({ params: { id: customer.id }, body: { confirm: 'erase' } }); }}>
      <p>Their messages&apos; text, their identities ({customer.handles.join(', ') || 'none'}) and their profile are removed from the hub now, and from every desktop at its next sync. The {customer.conversations} conversation{customer.conversations === 1 ? '' : 's'} stay, without the text, so reports still count them. The erasure is kept in the audit log. It cannot be undone.</p>
      <Field label='Type "erase" to confirm'>{(id) => <input id={id} data-autofocus value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />}</Field>
    </FormDialog>
  );
}

export function CustomerData() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [erasing, setErasing] = useState<CustomerMatch | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const q = useAdminQuery('adminCustomers', { query: { q: query } }, { enabled: query.length > 0 });
  const found = q.data?.customers ?? [];
  // Enter searches; the keyboard goes to the results once they are here
  const [toResults, setToResults] = useState(false);
  const results = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!toResults || !q.data || q.isFetching) return;
    results.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();
    setToResults(false);
  }, [toResults, q.data, q.isFetching]);
  return (
    <Screen ready title="A customer's data"
      intro="Everything the hub holds about one customer, as a JSON file (profile, identities, conversations with messages and notes, survey answers, analysis); or their erasure, when they ask for it."
      keys="/ find · j/k move · e export as JSON · Delete erase"
      onKey={(key) => { if (key === '/' || key === 'f') { field.current?.focus(); return true; } return false; }}>
      <form role="search" aria-label="Find a customer" onSubmit={(e) => { e.preventDefault(); setQuery(text.trim()); setToResults(text.trim().length > 0); }}>
        <Field label="Find a customer (name, handle or id; Enter)">{(id) => (
          <input id={id} ref={field} data-screen-focus value={text} onChange={(e) => setText(e.target.value)} placeholder="maria_k" />
        )}</Field>
      </form>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {problem && <p className="error" role="alert">{problem}</p>}
      <div ref={results}>{query && q.data && (
        <KeyList label="Customers" items={found} id={(c) => c.id} empty={`Nobody matches "${query}".`}
          onAction={(key, c) => {
            setProblem(null);
            if (key === 'e') { void download(c).then(() => announce(`${c.name}: exported`), (err: Error) => setProblem(err.message)); return true; }
            if (key === 'Delete' || key === 'Backspace') { setErasing(c); return true; }
            return false;
          }}
          render={(c) => (
            <span className="admin-row" aria-label={`${c.name}, ${c.handles.join(', ') || 'no identities'}, ${c.conversations} conversation${c.conversations === 1 ? '' : 's'}`}>
              <strong>{c.name}</strong>
              <span className="muted">{c.handles.join(', ')}</span>
              <span className="muted num">{c.conversations} conversation{c.conversations === 1 ? '' : 's'}</span>
              {c.last_at && <span className="muted num">last {dateOnly(c.last_at)}</span>}
            </span>
          )} />
      )}</div>
      {erasing && <Erase customer={erasing} onDone={() => setErasing(null)} />}
    </Screen>
  );
}
