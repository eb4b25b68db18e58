/**
 * Spike alerts on the Floor (issue 15; hub/spikes): a topic, intent, keyword or channel far above
 * what is expected for this hour of the week. Each alert shows its severity, how long it has
 * lasted, the volume against expected, the sentiment shift, the terms that grew and example posts;
 * live, with the floor. Keyboard: j/k move, Enter (or 1–3) opens an example post's conversation,
 * a acknowledges, c turns crisis mode on for its topic (features/Crisis.tsx).
 */
import type { SpikeAlertView } from '../../../shared/contract/spikes';
import { useAction } from '../api/mutations';
import { keys, queryClient } from '../api/queries';
import { clockTime, shortDuration } from '../app/format';
import { useUi } from '../app/store';
import { KeyList } from '../components/KeyList';

const announce = (t: string) => useUi.getState().announce(t);

/** What an alert is about, as a supervisor would say it. */
export function spikeSubject(key: string): string {
  if (key === 'all') return 'All posts';
  const [kind, ...rest] = key.split(':');
  const what = rest.join(':');
  if (kind === 'channel') return `Channel ${what.toUpperCase() === 'X' ? 'X' : what}`;
  if (kind === 'topic') return `Topic ${what}`;
  if (kind === 'intent') return `Intent ${what}`;
  if (kind === 'keyword') return `Keyword “${what}”`;
  return key;
}

const SEVERITY_CLASS: Record<SpikeAlertView['severity'], string> = { watch: 'sla-calm', high: 'sla-warning', critical: 'sla-breached' };

/** How long, in words: "for 30 min" while it lasts, "ended 14:45 after 30 min" once over. */
export function spikeDuration(a: SpikeAlertView): string {
  const lasted = shortDuration(a.lasted_min * 60_000);
  return a.ended_at ? `ended ${clockTime(a.ended_at)} after ${lasted}` : `for ${lasted}`;
}

/** Opens an example post's conversation in the workspace, the thread focused. */
function openExample(a: SpikeAlertView, n: number): boolean {
  const ex = a.examples[n];
  if (!ex?.conversation_id) { announce('That example is not available'); return true; }
  useUi.getState().set({ view: 'inbox', selectedId: ex.conversation_id });
  useUi.getState().focusThread();
  return true;
}

/** The topic an alert is about, for crisis mode: its own topic, or none (typed in the dialog). */
export const topicOf = (a: SpikeAlertView): string => (a.key.startsWith('topic:') ? a.key.slice(6) : '');

export function SpikeAlerts({ alerts, onCrisis }: { alerts: SpikeAlertView[]; onCrisis(a: SpikeAlertView): void }) {
  const ack = useAction('spikes.acknowledge', {
    onSuccess: (r) => {
      announce(`Alert acknowledged: ${spikeSubject(r.alert.key)}`);
      void queryClient.invalidateQueries({ queryKey: keys.floor });
    },
    onError: (e) => announce(e.message),
  });
  return (
    <KeyList label="Spike alerts" items={alerts} id={(a) => a.id} empty="No spike alerts."
      onAction={(key, a) => {
        if (key === 'Enter') return openExample(a, 0);
        if (key === '1' || key === '2' || key === '3') return openExample(a, Number(key) - 1);
        if (key === 'c') { onCrisis(a); return true; }
        if (key === 'a') {
          if (a.acknowledged) announce(`Already acknowledged by ${a.acknowledged.by_name}`);
          else ack.mutate({ id: a.id });
          return true;
        }
        return false;
      }}
      render={(a) => {
        const subject = spikeSubject(a.key);
        const terms = a.terms.map((t) => t.term);
        const shift = a.sentiment_shift;
        return (
          <span className="spike-row" aria-label={`${a.severity} spike: ${subject}, ${spikeDuration(a)}, ${a.observed} posts in 15 minutes against ${a.expected} expected${terms.length ? `, grew: ${terms.join(', ')}` : ''}${a.acknowledged ? `, acknowledged by ${a.acknowledged.by_name}` : ''}`}>
            <span className="spike-head">
              <span className={`sla ${SEVERITY_CLASS[a.severity]}`}>{a.severity}</span>
              <strong>{subject}</strong>
              <span className="muted num">{spikeDuration(a)}</span>
              <span className="num" title="posts in the busiest 15 minutes, against what is expected for this hour of the week">{a.observed} in 15 min · expected {a.expected} · ×{a.ratio}</span>
              {shift !== null && <span className={`num ${shift < -0.05 ? 'senti-neg' : shift > 0.05 ? 'senti-pos' : 'senti-neu'}`} title="sentiment of the spike's posts against before">sentiment {shift > 0 ? '+' : shift < 0 ? '−' : '±'}{Math.abs(shift).toFixed(2)}</span>}
              {a.acknowledged
                ? <span className="muted">acknowledged by {a.acknowledged.by_name} {clockTime(a.acknowledged.at)}</span>
                : <span className="spike-new">new</span>}
            </span>
            {terms.length > 0 && <span className="spike-terms">grew: {terms.map((t) => <code key={t}>{t}</code>)}</span>}
            {a.examples.map((e, n) => (
              <span key={e.message_id} className="spike-example muted"><kbd>{n + 1}</kbd> “{e.text}”</span>
            ))}
          </span>
        );
      }} />
  );
}

/** A line for the window's notifications: what rose, how far, since when. */
export function spikeNotice(a: SpikeAlertView): { title: string; body: string } {
  return {
    title: `Spike: ${spikeSubject(a.key)} (${a.severity})`,
    body: `${a.observed} posts in 15 min, ${a.expected} expected${a.terms.length ? ` · grew: ${a.terms.map((t) => t.term).join(', ')}` : ''}`,
  };
}

/** Remembers which alerts were announced, so each is announced once, and none of those already there at sign-in. */
const announced = new Set<string>();
let primed = false;
export function newSpikeAlerts(alerts: SpikeAlertView[]): SpikeAlertView[] {
  const fresh = alerts.filter((a) => a.state !== 'ended' && !a.acknowledged && !announced.has(a.id));
  for (const a of alerts) announced.add(a.id);
  // the first floor after sign-in: only alerts still in their first interval are news
  if (!primed) { primed = true; return fresh.filter((a) => a.state === 'raised'); }
  return fresh;
}
export function resetSpikeAnnouncements(): void { announced.clear(); primed = false; }
