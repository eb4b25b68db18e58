/**
 * Presence: the agent's activity (Available, Busy, Break, Offline, custom) in the status bar,
 * set with Shift+S or the palette, asked at sign-in (or restored within the same shift);
 * messages from a supervisor; and the agent's own figures (Shift+M).
 */
import { useEffect, useRef } from 'react';
import { act } from '../api/mutations';
import { fetchSetting, keys, queryClient, saveSetting, useMyFigures, usePresence, useSession } from '../api/queries';
import { useLive } from '../app/live';
import { useUi } from '../app/store';
import { clockTime } from '../app/format';
import { Dialog } from '../components/Dialog';
import { ListPicker } from '../components/ListPicker';

const close = () => useUi.getState().open(null);

export function PresenceStatus() {
  const session = useSession().data;
  const q = usePresence(!!session?.online);
  const me = q.data?.agents.find((a) => a.id === session?.agent?.id);
  const activity = q.data?.activities.find((a) => a.id === me?.activity_id);
  const label = !session?.online ? 'not known while offline' : activity ? activity.label : q.error ? 'unknown' : '…';
  const unset = activity?.id === 'offline';
  return (
    <button className={`link presence${activity?.routable ? ' routable' : ''}${unset ? ' unset' : ''}`} aria-label={`Presence ${label}`}
      onClick={() => useUi.getState().open('presence')} title={unset ? 'You receive no conversations while Offline: Shift+S sets your presence' : 'Set my presence (Shift+S)'}>
      {/* "Presence:" keeps the agent's activity apart from the connection state beside it */}
      <span className="dot" aria-hidden="true" /><span aria-hidden="true">Presence:</span> {label}
    </button>
  );
}

/** Within this long of the last presence an agent chose, a new sign-in restores it (the same shift). */
export const SHIFT_MS = 12 * 3_600_000;
// per agent: settings stay with the desktop, and the next agent who signs in here has a shift of their own
const LAST = (agentId: string) => `presence.last.${agentId}`;
const ASKED = (agentId: string) => `presence.asked.${agentId}`;
const signedIn = () => queryClient.getQueryData<{ agent: { id: string } | null }>(keys.session)?.agent?.id ?? '';

/**
 * At sign-in an agent who is Offline either gets back the presence they chose earlier in the
 * same shift, or is asked for one (once a shift: Escape stays Offline, and Shift+S is always there).
 */
export function usePresenceAtSignIn(): void {
  const session = useSession().data;
  const q = usePresence(!!session?.online);
  const done = useRef(false);
  const me = q.data?.agents.find((a) => a.id === session?.agent?.id);
  useEffect(() => {
    if (done.current || !me || !q.data) return;
    done.current = true;
    if (me.activity_id !== 'offline') return;
    void (async () => {
      const [last, asked] = await Promise.all([
        fetchSetting(LAST(me.id)).catch(() => null),
        fetchSetting(ASKED(me.id)).catch(() => null),
      ]) as [{ activity_id: string; at: number } | null, number | null];
      const activity = last && Date.now() - last.at < SHIFT_MS ? q.data.activities.find((a) => a.id === last.activity_id && a.id !== 'offline') : undefined;
      if (activity) {
        try {
          await act('presence.set', { activity_id: activity.id });
          void queryClient.invalidateQueries({ queryKey: keys.presence });
          useUi.getState().announce(`Presence restored: ${activity.label}`);
        } catch (e) {
          useUi.getState().announce((e as Error).message);
        }
        return;
      }
      if (typeof asked === 'number' && Date.now() - asked < SHIFT_MS) return;
      void saveSetting(ASKED(me.id), Date.now()).catch(() => { /* asked again next time: harmless */ });
      if (!useUi.getState().overlay) useUi.getState().open('presence-start');
    })();
  }, [me, q.data]);
}

/** Shift+S: the activities, each with its digit. Supervisors use the same picker for another agent from the floor. */
export function PresencePicker({ agentId, agentName, onDone, atSignIn }: { agentId?: string; agentName?: string; onDone?(): void; atSignIn?: boolean }) {
  const q = usePresence();
  const done = onDone ?? close;
  const items = (q.data?.activities ?? []).map((a, i) => ({
    id: a.id, key: i < 9 ? String(i + 1) : undefined, label: a.label, detail: a.routable ? 'receives conversations' : 'no new conversations',
  }));
  return (
    <ListPicker label={agentName ? `Set ${agentName}'s presence` : atSignIn ? 'Start your shift: set your presence' : 'Set my presence'}
      placeholder={atSignIn ? 'You are Offline. Press a digit, or Esc to stay Offline' : 'Press a digit, or type'} items={items} onClose={done}
      empty={q.error ? `Cannot load activities: ${q.error.message}` : 'Loading…'}
      onPick={(it) => {
        done();
        void act('presence.set', { activity_id: it.id, ...(agentId ? { agent_id: agentId } : {}) }).then(() => {
          void queryClient.invalidateQueries({ queryKey: keys.presence });
          void queryClient.invalidateQueries({ queryKey: keys.floor });
          useUi.getState().announce(`${agentName ? `${agentName}: ` : 'Presence: '}${it.label}`);
          if (!agentId) void saveSetting(LAST(signedIn()), { activity_id: it.id, at: Date.now() }).catch(() => { /* only the restore at the next sign-in misses it */ });
        }, (e) => useUi.getState().announce(e.message));
      }} />
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
      <p id="agent-message" className="agent-message">{m.text}</p>
      <p className="muted">Sent {clockTime(m.at)}</p>
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
