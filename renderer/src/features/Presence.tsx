/**
 * Presence: the agent's activity (Available, Busy, Break, Offline, custom) in the status bar,
 * set with Shift+S or the palette; the push offer (accept/reject by key, with its countdown);
 * messages from a supervisor; and the agent's own figures (Shift+M).
 */
import { useEffect, useState } from 'react';
import { act } from '../api/mutations';
import { keys, queryClient, useConversation, useMyFigures, usePresence, useSession } from '../api/queries';
import { useLive } from '../app/live';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { ListPicker } from '../components/ListPicker';

const close = () => useUi.getState().open(null);

export function PresenceStatus() {
  const session = useSession().data;
  const q = usePresence(!!session?.online);
  const me = q.data?.agents.find((a) => a.id === session?.agent?.id);
  const activity = q.data?.activities.find((a) => a.id === me?.activity_id);
  const label = !session?.online ? 'not known while offline' : activity ? activity.label : q.error ? 'unknown' : '…';
  return (
    <button className={`link presence${activity?.routable ? ' routable' : ''}`} aria-label={`Presence ${label}`}
      onClick={() => useUi.getState().open('presence')} title="Set my presence (Shift+S)">
      {/* "Presence:" keeps the agent's activity apart from the connection state beside it */}
      <span aria-hidden="true">{activity?.routable ? '◉' : '◎'} Presence:</span> {label}
    </button>
  );
}

/** Shift+S: the activities, each with its digit. Supervisors use the same picker for another agent from the floor. */
export function PresencePicker({ agentId, agentName, onDone }: { agentId?: string; agentName?: string; onDone?(): void }) {
  const q = usePresence();
  const done = onDone ?? close;
  const items = (q.data?.activities ?? []).map((a, i) => ({
    id: a.id, key: i < 9 ? String(i + 1) : undefined, label: a.label, detail: a.routable ? 'receives conversations' : 'no new conversations',
  }));
  return (
    <ListPicker label={agentName ? `Set ${agentName}'s presence` : 'Set my presence'} placeholder="Press a digit, or type" items={items} onClose={done}
      empty={q.error ? `Cannot load activities: ${q.error.message}` : 'Loading…'}
      onPick={(it) => {
        done();
        void act('presence.set', { activity_id: it.id, ...(agentId ? { agent_id: agentId } : {}) }).then(() => {
          void queryClient.invalidateQueries({ queryKey: keys.presence });
          void queryClient.invalidateQueries({ queryKey: keys.floor });
          useUi.getState().announce(`${agentName ? `${agentName}: ` : 'Presence: '}${it.label}`);
        }, (e) => useUi.getState().announce(e.message));
      }} />
  );
}

/** The offered conversation: a (accept) or Enter, x (reject), with the seconds left. */
export function OfferDialog() {
  const offer = useLive((s) => s.offer);
  // Usually in the cache already (it waits in one of our teams' queues): say who and what.
  const conv = useConversation(offer?.conversation_id ?? null).data;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!offer) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [offer]);
  if (!offer) return null;
  const left = Math.max(0, Math.ceil((offer.expires_at - now) / 1000));
  const answer = (accept: boolean) => {
    useLive.getState().clearOffer();
    void act(accept ? 'offer.accept' : 'offer.reject', { conversation_id: offer.conversation_id, offer_id: offer.id }).then(() => {
      if (accept) useUi.getState().set({ view: 'inbox', tab: 'mine', selectedId: offer.conversation_id, selectedIndex: 0 });
      useUi.getState().announce(accept ? 'Offer accepted' : 'Offer rejected');
    }, (e) => useUi.getState().announce(e.message));
  };
  return (
    <Dialog label="Conversation offered" role="alertdialog" describedBy="offer-text" onClose={() => answer(false)}>
      <div onKeyDown={(e) => {
        if (e.key === 'a' || e.key === 'y') { e.preventDefault(); answer(true); }
        else if (e.key === 'x' || e.key === 'n') { e.preventDefault(); answer(false); }
      }}>
        <h2>New conversation for you</h2>
        <p id="offer-text">
          A {offer.priority} priority conversation is offered to you{conv ? <>: <strong>{conv.customer?.name ?? 'a customer'}</strong> — “{conv.conversation.snippet}”</> : ''}.{' '}
          <span className="num" role="timer" aria-label={`${left} seconds left`}>{left > 0 ? `${left}s left` : 'expired'}</span></p>
        <div className="dialog-actions">
          <button data-autofocus onClick={() => answer(true)}><kbd>a</kbd> Accept</button>
          <button onClick={() => answer(false)}><kbd>x</kbd> Reject</button>
        </div>
      </div>
    </Dialog>
  );
}

/** A supervisor's message, shown until the agent dismisses it (Enter or Escape). */
export function AgentMessageDialog() {
  const m = useLive((s) => s.messages[0]);
  if (!m) return null;
  const dismiss = () => useLive.getState().dismissMessage();
  return (
    <Dialog label={`Message from ${m.from_name}`} role="alertdialog" describedBy="agent-message" onClose={dismiss}>
      <h2>Message from {m.from_name}</h2>
      <p id="agent-message">{m.text}</p>
      <div className="dialog-actions"><button data-autofocus onClick={dismiss}>OK</button></div>
    </Dialog>
  );
}

const dur = (s: unknown) => (typeof s === 'number' ? (s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`) : '—');
const pct = (p: number | null | undefined) => (p === null || p === undefined ? '—' : `${Math.round(p)}%`);

/** Shift+M: the agent's own figures for the last 7 days, from the hub. */
export function MyFigures() {
  const q = useMyFigures();
  const t = q.data?.total;
  const mean = (k: 'first_response' | 'next_response' | 'resolution' | 'handle') => dur((t?.[k] as { median_s?: unknown } | undefined)?.median_s);
  return (
    <Dialog label="My figures" onClose={close}>
      <h2 tabIndex={-1} data-autofocus>My figures, last 7 days</h2>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {!q.data && !q.error && <p aria-busy="true">Loading…</p>}
      {t && (
        <table className="keymap figures">
          <tbody>
            <tr><th scope="row">Conversations</th><td className="num">{t.conversations}</td></tr>
            <tr><th scope="row">Resolved</th><td className="num">{t.resolved}</td></tr>
            <tr><th scope="row">First response (median)</th><td className="num">{mean('first_response')}</td></tr>
            <tr><th scope="row">Next response (median)</th><td className="num">{mean('next_response')}</td></tr>
            <tr><th scope="row">Handle time (median)</th><td className="num">{mean('handle')}</td></tr>
            <tr><th scope="row">First-contact resolution</th><td className="num">{pct(t.first_contact_resolution.rate_pct)}</td></tr>
            <tr><th scope="row">SLA hit rate</th><td className="num">{pct(t.sla.overall.hit_rate_pct)}</td></tr>
            <tr><th scope="row">Response rate</th><td className="num">{pct(t.response_rate.rate_pct)}</td></tr>
            <tr><th scope="row">CSAT</th><td className="num">{t.csat.mean === null ? '—' : `${t.csat.mean.toFixed(1)} / 5 (${pct(t.csat.csat_pct)} satisfied)`}</td></tr>
          </tbody>
        </table>
      )}
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}
