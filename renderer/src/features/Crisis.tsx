/**
 * Crisis mode (issue 15; hub/spikes/crisis.ts). For every agent: a banner while a topic is in crisis,
 * and on that topic's conversations the holding statement is the first canned response (`;holding`,
 * first in the `;` list and the palette). For supervisors: turning it on (from a spike alert with `c`,
 * or "Crisis mode: turn on…" in the palette) with a holding statement typed or picked from the canned
 * responses and, optionally, the team the topic goes to; turning it off from the palette.
 * The crises come from the hub (read again when a push says they changed, and every minute).
 */
import { useState } from 'react';
import type { Crisis } from '../../../shared/contract/spikes';
import type { CannedResponse } from '../../../shared/text/canned';
import { useCannedList } from '../api/canned';
import { useAction } from '../api/mutations';
import { keys, queryClient, useCrises, useSession } from '../api/queries';
import { clockTime } from '../app/format';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { ListPicker } from '../components/ListPicker';

const announce = (t: string) => useUi.getState().announce(t);

export const crisesChanged = () => queryClient.invalidateQueries({ queryKey: keys.crisis });

/** The holding statement of the crisis on this topic, as the first canned response. */
export function holdingStatement(crisis: Crisis): CannedResponse {
  return { shortcode: 'holding', title: `Holding statement (crisis: ${crisis.topic})`, text: crisis.holding_statement };
}

/** The canned responses of a conversation on `topic`: the holding statement first while its topic is in crisis. */
export function useCannedWithCrisis(canned: CannedResponse[], topic: string | undefined): { canned: CannedResponse[]; crisis: Crisis | null } {
  const signedIn = !!useSession().data?.agent;
  const active = useCrises(signedIn).data?.active ?? [];
  const crisis = topic ? active.find((c) => c.topic === topic.toLowerCase()) ?? null : null;
  if (!crisis) return { canned, crisis: null };
  return { canned: [holdingStatement(crisis), ...canned.filter((c) => c.shortcode !== 'holding')], crisis };
}

/** Every agent sees it while a topic is in crisis. */
export function CrisisBanner() {
  const signedIn = !!useSession().data?.agent;
  const active = useCrises(signedIn).data?.active ?? [];
  if (!active.length) return null;
  return (
    <div className="crisis-banner" role="region" aria-label="Crisis mode">
      {active.map((c) => (
        <p key={c.id}>
          <strong>Crisis mode: <span className="crisis-topic">{c.topic}</span></strong>
          <span> since {clockTime(c.started_at)} ({c.started_by.name})</span>
          {c.team_name && <span> · new conversations go to {c.team_name}</span>}
          <span> · holding statement pinned: <kbd>;holding</kbd></span>
          <span className="sr-only">. Holding statement: {c.holding_statement}</span>
        </p>
      ))}
    </div>
  );
}

/** Turning crisis mode on: the topic (from the alert, or typed), the holding statement (typed or picked), the team. */
export function StartCrisisDialog({ topic: initialTopic, alertId, onDone }: { topic: string; alertId: string | null; onDone(): void }) {
  const session = useSession().data;
  const canned = useCannedList().data?.canned ?? [];
  const teams = (session?.teams ?? []).filter((t) => t.kind === 'support');
  const [topic, setTopic] = useState(initialTopic);
  const [text, setText] = useState('');
  const [team, setTeam] = useState('');
  const start = useAction('crisis.start', {
    // the hub's push announces it on every desk, this one too
    onSuccess: () => {
      void crisesChanged();
      onDone();
    },
  });
  const submit = () => {
    if (start.isPending) return;
    start.mutate({ topic, holding_statement: text, team_id: team || null, alert_id: alertId });
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
  };
  return (
    <Dialog label="Turn crisis mode on" onClose={onDone}>
      <h2>Turn crisis mode on</h2>
      <p className="muted">Every agent sees a banner; the holding statement becomes the first canned response on the topic's conversations.</p>
      <div onKeyDown={onKey}>
        <label className="field">Topic
          <input aria-label="Topic" value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="delivery" {...(initialTopic ? {} : { 'data-autofocus': true })} />
        </label>
        <label className="field">Holding statement
          <textarea aria-label="Holding statement" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)}
            placeholder="We know about the problem and are working on it. We will update you here." {...(initialTopic ? { 'data-autofocus': true } : {})} />
        </label>
        {canned.length > 0 && (
          <label className="field">Or pick a canned response
            <select aria-label="Pick a canned response" value="" onChange={(e) => { const c = canned.find((x) => x.shortcode === e.target.value); if (c) setText(c.text); }}>
              <option value="">—</option>
              {canned.map((c) => <option key={c.shortcode} value={c.shortcode}>;{c.shortcode} · {c.title}</option>)}
            </select>
          </label>
        )}
        <label className="field">Route the topic to
          <select aria-label="Route the topic to" value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">Routing unchanged</option>
            {teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
      </div>
      {start.error && <p className="error" role="alert">{start.error.message}</p>}
      <p className="muted">Ctrl+Enter turns it on · Esc cancels</p>
      <div className="dialog-actions"><button onClick={onDone}>Cancel</button><button className="primary" onClick={submit} disabled={start.isPending}>Turn crisis mode on</button></div>
    </Dialog>
  );
}

/** Turning crisis mode off: the active ones to pick from (Enter), routing of the topic restored. */
export function EndCrisisPicker({ onDone }: { onDone(): void }) {
  const active = useCrises().data?.active ?? [];
  const end = useAction('crisis.end', {
    onSuccess: () => { void crisesChanged(); },
    onError: (e) => announce(e.message),
  });
  return (
    <ListPicker label="Turn crisis mode off" placeholder="Topic" onClose={onDone}
      items={active.map((c) => ({ id: c.id, label: c.topic, detail: `since ${clockTime(c.started_at)}${c.team_name ? ` · to ${c.team_name}` : ''}` }))}
      onPick={(it) => { onDone(); end.mutate({ id: it.id }); }} />
  );
}
