/**
 * Approvals for public replies (issue 15), the approvers' view (Shift+P, supervisors and admins): every
 * reply the workspace's rules hold, oldest first, with its conversation beside it. Keyboard: j/k move,
 * a approves as written, e edits then approves (Ctrl/Cmd+Enter), x rejects with a note (Enter) that the
 * agent gets back with their text. Deciding needs the hub: offline the dialogs say so and keep the text.
 * A reply decided by someone else meanwhile is refused by the hub (already decided) and leaves the list.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PendingApproval } from '../../../shared/contract/approvals';
import { adminCall, adminKey } from '../api/admin';
import { queryClient } from '../api/query-client';
import { useSession } from '../api/queries';
import { useQuery } from '@tanstack/react-query';
import type { ApiError } from '../api/client';
import { clockTime } from '../app/format';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { ChannelIcon, channelName } from '../components/ChannelIcon';

const announce = (t: string) => useUi.getState().announce(t);
const QUEUE_KEY = adminKey('approvalQueue', {});

/**
 * The queue: re-read when the floor the hub pushes to supervisors says the number waiting moved (app/live.ts), and
 * every 15 s while shown in case a push was missed.
 */
function useApprovalQueue() {
  return useQuery<{ pending: PendingApproval[] }, ApiError>({
    queryKey: QUEUE_KEY, queryFn: () => adminCall('approvalQueue', {}), refetchInterval: 15_000, staleTime: 0,
  });
}

const waited = (iso: string, now: number) => {
  const m = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

async function decided(p: PendingApproval, what: string): Promise<void> {
  queryClient.setQueryData<{ pending: PendingApproval[] }>(QUEUE_KEY, (d) => d && { pending: d.pending.filter((x) => x.id !== p.id) });
  await queryClient.invalidateQueries({ queryKey: QUEUE_KEY });
  announce(`${what}: ${p.agent_name}'s reply`);
}

function failure(e: unknown, p: PendingApproval): string {
  const err = e as ApiError & { code?: string };
  if (err.code === 'already_decided') void decided(p, 'Already decided by someone else');
  return err.message ?? String(e);
}

function EditDialog({ p, onDone }: { p: PendingApproval; onDone(): void }) {
  const [text, setText] = useState(p.text);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const online = useSession().data?.online ?? false;
  const save = () => {
    if (busy) return;
    if (!text.trim()) { setError('The reply is empty.'); return; }
    setBusy(true);
    adminCall('approveReply', { params: { id: p.id }, body: { text } })
      .then(() => decided(p, 'Edited and approved').then(onDone), (e) => setError(failure(e, p)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog label="Edit and approve" onClose={onDone}>
      <h2>Edit and approve</h2>
      <p className="muted">{p.agent_name} · {channelName(p.channel)} · {p.reasons.join('; ')}</p>
      <textarea aria-label="Reply text" data-autofocus rows={5} value={text} onChange={(e) => { setText(e.target.value); setError(null); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); } }} />
      {!online && !error && <p className="muted">You are offline: approving needs the hub.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Ctrl+Enter approves the edited reply · Esc cancels</p>
      <div className="dialog-actions"><button onClick={save} disabled={busy}>Approve edited</button><button onClick={onDone}>Cancel</button></div>
    </Dialog>
  );
}

function RejectDialog({ p, onDone }: { p: PendingApproval; onDone(): void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const online = useSession().data?.online ?? false;
  const save = () => {
    if (busy) return;
    if (!note.trim()) { setError('Say why: the agent reads your note with their text.'); return; }
    setBusy(true);
    adminCall('rejectReply', { params: { id: p.id }, body: { note } })
      .then(() => decided(p, 'Rejected').then(onDone), (e) => setError(failure(e, p)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog label="Reject reply" onClose={onDone}>
      <h2>Reject with a note</h2>
      <blockquote className="approval-text">{p.text}</blockquote>
      <textarea aria-label="Note to the agent" data-autofocus rows={3} value={note} placeholder={`What ${p.agent_name} should change`}
        onChange={(e) => { setNote(e.target.value); setError(null); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save(); } }} />
      {!online && !error && <p className="muted">You are offline: rejecting needs the hub.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Enter rejects · Shift+Enter new line · Esc cancels</p>
      <div className="dialog-actions"><button onClick={save} disabled={busy}>Reject</button><button onClick={onDone}>Cancel</button></div>
    </Dialog>
  );
}

/** The conversation beside the selected reply: its last messages, the replies waiting marked. */
function ConversationBeside({ p }: { p: PendingApproval }) {
  const who = p.customer?.identities[0]?.handle ?? p.customer?.name ?? 'customer';
  return (
    <section className="floor-card approval-conversation" aria-label={`Conversation with ${who}`}>
      <h2><ChannelIcon channel={p.channel} /> {who}{p.customer?.followers != null ? <span className="muted num"> · {p.customer.followers.toLocaleString()} followers</span> : null}</h2>
      <ol className="approval-thread">
        {p.messages.map((m) => (
          <li key={m.id} className={`approval-msg approval-${m.direction}${m.id === p.id ? ' approval-current' : ''}`}>
            <div><span className="muted num">{clockTime(m.created_at)}</span> <strong>{m.author_name}</strong>{' '}
              {m.delivery === 'awaiting_approval' && <span className="delivery delivery-awaiting">{m.id === p.id ? 'this reply' : 'also waiting'}</span>}</div>
            <div className="approval-text">{m.text}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ApprovalsView() {
  const q = useApprovalQueue();
  const [active, setActive] = useState(0);
  const [dialog, setDialog] = useState<null | { kind: 'edit' | 'reject'; p: PendingApproval }>(null);
  const [now, setNow] = useState(Date.now());
  const list = useRef<HTMLDivElement>(null);
  const pending = q.data?.pending ?? [];
  const i = Math.min(active, Math.max(0, pending.length - 1));
  const current = pending[i];
  const loaded = q.data !== undefined;
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), 30_000); return () => clearInterval(t); }, []);
  // arriving here: the keyboard lands in the list
  useEffect(() => { if (loaded) list.current?.focus(); }, [loaded]);

  const approve = (p: PendingApproval) => {
    adminCall('approveReply', { params: { id: p.id }, body: {} })
      .then(() => decided(p, 'Approved'), (e) => announce(failure(e, p)));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); setActive(Math.min(pending.length - 1, i + 1)); return; }
    if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); setActive(Math.max(0, i - 1)); return; }
    if (!current) return;
    if (e.key === 'a') { e.preventDefault(); approve(current); return; }
    if (e.key === 'e') { e.preventDefault(); setDialog({ kind: 'edit', p: current }); return; }
    if (e.key === 'x') { e.preventDefault(); setDialog({ kind: 'reject', p: current }); }
  };
  return (
    <section className="pane floor" aria-label="Approvals">
      <header className="floor-head">
        <h1>Replies awaiting approval</h1>
        {loaded && <span className="floor-kpi" role="status" aria-label={`Awaiting approval ${pending.length}`}>Waiting <strong className="num">{pending.length}</strong></span>}
        <span className="muted">j/k move · a approve · e edit and approve · x reject with a note · ⇧P back to the inbox</span>
      </header>
      {!loaded ? (q.error ? <p className="error" role="alert">{q.error.message}</p> : <p className="muted" aria-busy="true">Loading…</p>) : (
        <div className="approvals-grid">
          <div className="floor-card">
            {q.error && <p className="muted">Not refreshed: {q.error.message}</p>}
            <div role="listbox" tabIndex={0} aria-label="Replies awaiting approval" className="floor-list" ref={list} onKeyDown={onKeyDown}
              aria-activedescendant={current ? `approval-${current.id}` : undefined}>
              {pending.length === 0 && <div role="option" aria-selected="false" aria-disabled="true" className="row muted">No reply waits for approval.</div>}
              {pending.map((p, n) => (
                <div key={p.id} id={`approval-${p.id}`} role="option" aria-selected={n === i} className={`row approval-row${n === i ? ' selected' : ''}`}
                  onMouseDown={(e) => { e.preventDefault(); setActive(n); list.current?.focus(); }}>
                  <div><strong>{p.agent_name}</strong> <span className="muted num">waiting {waited(p.requested_at, now)} (since {clockTime(p.requested_at)})</span>
                    {p.pending_on_conversation > 1 && <span className="chip" aria-label={`${p.pending_on_conversation} replies wait on this conversation`}> {p.pending_on_conversation} on this conversation</span>}
                  </div>
                  <div className="approval-text">{p.text}</div>
                  <div className="muted">{p.reasons.join(' · ')}</div>
                </div>
              ))}
            </div>
          </div>
          {current && <ConversationBeside p={current} />}
        </div>
      )}
      {dialog?.kind === 'edit' && <EditDialog p={dialog.p} onDone={() => { setDialog(null); list.current?.focus(); }} />}
      {dialog?.kind === 'reject' && <RejectDialog p={dialog.p} onDone={() => { setDialog(null); list.current?.focus(); }} />}
    </section>
  );
}
