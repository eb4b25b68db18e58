/**
 * My shift (Shift+O): each of the agent's open conversations with its handover summary, the one
 * kept at shift end ("End my shift" in the palette, or choosing Offline) or at an earlier handover,
 * else one computed now. From the cache: works offline. Enter on a conversation opens it.
 */
import { useMyShift } from '../api/queries';
import { useUi } from '../app/store';
import { clockTime } from '../app/format';
import { Dialog } from '../components/Dialog';

const HEADER = 'Handover summary\n';
const close = () => useUi.getState().open(null);

export function MyShift() {
  const q = useMyShift();
  const items = q.data?.items ?? [];
  const open = (id: string) => { close(); useUi.getState().set({ view: 'inbox', tab: 'mine', selectedId: id, selectedIndex: 0 }); };
  return (
    <Dialog label="My shift" onClose={close} wide>
      <h2 tabIndex={-1} data-autofocus>My shift: {items.length} open conversation{items.length === 1 ? '' : 's'}</h2>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {!q.data && !q.error && <p aria-busy="true">Loading…</p>}
      {q.data && items.length === 0 && <p className="muted">No open conversations: nothing to hand over.</p>}
      <ol className="my-shift">
        {items.map((it) => (
          <li key={it.conversation_id} aria-label={`Handover summary for ${it.customer_name ?? 'a customer'}`}>
            <button type="button" className="link" onClick={() => open(it.conversation_id)}>{it.customer_name ?? it.conversation_id}</button>
            <span className="muted"> · {it.status} · {it.kept_at ? `summary kept ${clockTime(it.kept_at)}` : 'not kept yet (computed now)'}</span>
            <ul>{it.summary.slice(HEADER.length).split('\n').filter(Boolean).map((l, i) => <li key={i}>{l.replace(/^•\s*/, '')}</li>)}</ul>
          </li>
        ))}
      </ol>
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}
