/**
 * Sign-out with work not sent yet: says what there is (replies, notes, changes, drafts, with the
 * customer and the first words) and asks, each by its key: S sends the outbox first (needs the hub;
 * drafts are kept), K keeps everything for this agent's next sign-in on this desktop, D discards it.
 * Escape (or Cancel) stays signed in. Focus starts on Keep, the choice that loses nothing.
 */
import { useState } from 'react';
import type { SignOutChoice, UnsentWork } from '../../../shared/contract/desktop';
import { useAction } from '../api/mutations';
import { useSession, useUnsent } from '../api/queries';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';

const close = () => useUi.getState().open(null);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function summary(u: UnsentWork): string {
  const parts = [u.replies && plural(u.replies, 'reply', 'replies'), u.notes && plural(u.notes, 'note'), u.changes && plural(u.changes, 'other change'), u.drafts && plural(u.drafts, 'draft')];
  return parts.filter(Boolean).join(', ');
}

const KIND: Record<UnsentWork['items'][number]['kind'], string> = { reply: 'Reply', note: 'Note', change: 'Change', draft: 'Draft' };
const KEYS: Record<string, SignOutChoice> = { s: 'send', k: 'keep', d: 'discard' };

export function SignOutDialog() {
  const unsent = useUnsent();
  const online = useSession().data?.online ?? false;
  const [error, setError] = useState<string | null>(null);
  const logout = useAction('session.logout', { onError: (e) => setError(e.message) });
  const u = unsent.data;
  const outgoing = u ? u.replies + u.notes + u.changes : 0;
  const canSend = outgoing > 0 && online;
  const choose = (choice: SignOutChoice) => {
    if (logout.isPending || !u) return;
    if (choice === 'send' && !canSend) { setError(outgoing === 0 ? 'There is nothing to send: only drafts, which are not sent. Keep them or discard them.' : 'You are offline: sending needs the hub. Keep them for your next sign-in, or discard them.'); return; }
    setError(null);
    logout.mutate({ unsent: choice });
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const choice = KEYS[e.key.toLowerCase()];
    if (choice) { e.preventDefault(); choose(choice); }
  };
  return (
    <Dialog label="Sign out with work not sent" role="alertdialog" describedBy="sign-out-what" onClose={close}>
      <div onKeyDown={onKeyDown}>
        <h2>Sign out with work not sent?</h2>
        {!u ? <p id="sign-out-what" aria-busy="true">Checking what is not sent…</p> : (
          <>
            <p id="sign-out-what">{summary(u)} {u.total === 1 ? 'is' : 'are'} not sent yet.</p>
            <ul className="sign-out-items" aria-label="Not sent yet">
              {u.items.map((it, i) => (
                <li key={i}>{KIND[it.kind]}{it.failed ? ' (stopped on an error)' : ''}{it.customer_name ? ` to ${it.customer_name}` : ''}{it.text ? `: ${it.text}` : ''}</li>
              ))}
              {u.total > u.items.length && <li className="muted">and {u.total - u.items.length} more</li>}
            </ul>
          </>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        {logout.isPending && <p role="status">Signing out…</p>}
        <div className="dialog-actions">
          {outgoing > 0 && (
            <button onClick={() => choose('send')} aria-disabled={!canSend} title={canSend ? undefined : 'Sending needs the hub'}>
              Send first, then sign out <kbd>S</kbd>
            </button>
          )}
          <button data-autofocus onClick={() => choose('keep')}>Keep for my next sign-in <kbd>K</kbd></button>
          <button className="danger" onClick={() => choose('discard')}>Discard and sign out <kbd>D</kbd></button>
          <button onClick={close}>Cancel <kbd>Esc</kbd></button>
        </div>
        <p className="muted">Kept work stays on this desktop for you only; anyone else who signs in here does not see it.</p>
      </div>
    </Dialog>
  );
}
