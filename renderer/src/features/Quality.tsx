/**
 * Quality review (issue 15), Shift+Q. Supervisors and admins: the week's review sample (a few scored conversations
 * per agent, the same for every reviewer, newest first; `a` lists every one of the week), the score's items beside
 * the conversation, and `o` overrides an item with a note (Item, Result, Note; Enter saves). The review is kept beside
 * the automatic score on the hub, never over it. Agents: My quality, their own scores with the reviewers' notes.
 * Keyboard: j/k move, `[` and `]` the previous and next week (reviewers), Shift+Q back to the inbox. Reading and
 * reviewing need the hub: offline the screen says so.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { QualityOverride, QualityScoreView } from '../../../shared/contract/quality';
import { QUALITY_ITEM_LABELS, QUALITY_ITEMS, type QualityItem, type QualityItemId, type QualityResult } from '../../../shared/quality/score';
import { adminCall, adminKey } from '../api/admin';
import type { ApiError } from '../api/client';
import { queryClient } from '../api/query-client';
import { useSession } from '../api/queries';
import { clockTime, dateOnly } from '../app/format';
import { useUi } from '../app/store';
import { ChannelIcon } from '../components/ChannelIcon';
import { Dialog } from '../components/Dialog';

const announce = (t: string) => useUi.getState().announce(t);
const RESULT_TEXT: Record<QualityResult, string> = { pass: 'pass', fail: 'fail', na: 'not applicable' };
const scoreText = (s: number | null) => (s === null ? 'n/a' : `${s} %`);
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Mode = { reviewer: true; week: number; all: boolean } | { reviewer: false };

function useScores(mode: Mode) {
  const key = mode.reviewer ? adminKey('qualitySample', { week: mode.week, all: mode.all }) : adminKey('qualityMine', {});
  return useQuery<{ scores: QualityScoreView[]; week_start?: string }, ApiError>({
    queryKey: key,
    queryFn: () => (mode.reviewer
      ? adminCall('qualitySample', { query: { week: isoDay(mode.week), ...(mode.all ? { all: 'true' } : {}) } })
      : adminCall('qualityMine', {})),
    refetchInterval: 30_000, staleTime: 0,
  });
}

/** The override dialog: the item (the first that failed, else the first), its new result, and the note the agent reads. */
function OverrideDialog({ s, onDone }: { s: QualityScoreView; onDone(saved: boolean): void }) {
  const firstFail = s.auto.items.find((i) => i.result === 'fail')?.id ?? QUALITY_ITEMS[0];
  const [item, setItem] = useState<QualityItemId>(firstFail);
  const current = (s.review?.items ?? s.auto.items).find((i) => i.id === item);
  const flip = (r: QualityResult | undefined): QualityResult => (r === 'pass' ? 'fail' : 'pass');
  const [result, setResult] = useState<QualityResult>(flip(current?.result));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const online = useSession().data?.online ?? false;
  const save = () => {
    if (busy) return;
    if (!note.trim()) { setError('Say why in a note: the agent reads it.'); return; }
    // the review is the whole set: the earlier overrides stay unless this one replaces its item
    const overrides: QualityOverride[] = [...(s.review?.overrides ?? []).filter((o) => o.id !== item), { id: item, result, note: note.trim() }];
    setBusy(true);
    adminCall('reviewQuality', { params: { id: s.id }, body: { overrides } })
      .then(async () => {
        await queryClient.invalidateQueries({ queryKey: ['admin', 'qualitySample'] });
        announce(`Reviewed: ${QUALITY_ITEM_LABELS[item]} ${RESULT_TEXT[result]}`);
        onDone(true);
      }, (e: ApiError) => setError(e.message ?? String(e)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog label="Override an item" onClose={() => onDone(false)}>
      <h2>Override an item</h2>
      <p className="muted">{s.agent_name ?? 'Unassigned'} · {s.customer_name} · automatic {scoreText(s.auto.score)}</p>
      <form className="quality-form" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <label>Item
          <select aria-label="Item" data-autofocus value={item} onChange={(e) => {
            const id = e.target.value as QualityItemId;
            setItem(id);
            setResult(flip((s.review?.items ?? s.auto.items).find((i) => i.id === id)?.result));
            setError(null);
          }}>
            {s.auto.items.map((i) => <option key={i.id} value={i.id}>{QUALITY_ITEM_LABELS[i.id]} (now {RESULT_TEXT[(s.review?.items ?? s.auto.items).find((x) => x.id === i.id)?.result ?? i.result]})</option>)}
          </select>
        </label>
        <label>Result
          <select aria-label="Result" value={result} onChange={(e) => { setResult(e.target.value as QualityResult); setError(null); }}>
            <option value="pass">pass</option><option value="fail">fail</option><option value="na">not applicable</option>
          </select>
        </label>
        <label>Note to the agent
          <textarea aria-label="Note to the agent" rows={3} value={note} placeholder="Why: the agent reads this beside the score"
            onChange={(e) => { setNote(e.target.value); setError(null); }}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save(); } }} />
        </label>
        <p className="muted">Automatic: {current ? `${RESULT_TEXT[s.auto.items.find((i) => i.id === item)!.result]}, ${s.auto.items.find((i) => i.id === item)!.reason}` : ''}</p>
        {!online && !error && <p className="muted">You are offline: reviewing needs the hub.</p>}
        {error && <p className="error" role="alert">{error}</p>}
        <p className="muted">Enter saves · Shift+Enter new line · Esc cancels</p>
        <div className="dialog-actions"><button type="submit" disabled={busy}>Save review</button><button type="button" onClick={() => onDone(false)}>Cancel</button></div>
      </form>
    </Dialog>
  );
}

function ItemRow({ auto, reviewed }: { auto: QualityItem; reviewed: QualityItem | null }) {
  const changed = reviewed !== null && (reviewed.result !== auto.result || reviewed.reason !== auto.reason);
  return (
    <li className={`quality-item quality-${(changed ? reviewed : auto).result}`} aria-label={`${QUALITY_ITEM_LABELS[auto.id]}: ${RESULT_TEXT[auto.result]}${changed ? `, reviewed ${RESULT_TEXT[reviewed.result]}` : ''}`}>
      <div><strong>{QUALITY_ITEM_LABELS[auto.id]}</strong> <span className="chip">{RESULT_TEXT[auto.result]}</span>
        {changed && <> → <span className="chip quality-reviewed">reviewed: {RESULT_TEXT[reviewed.result]}</span></>}</div>
      <div className="muted">{auto.reason}</div>
      {changed && <div className="quality-note">Note: {reviewed.reason}</div>}
    </li>
  );
}

/** The score beside its conversation. */
function ScoreBeside({ s }: { s: QualityScoreView }) {
  const reviewed = new Map((s.review?.overrides ?? []).map((o) => [o.id, o]));
  return (
    <div className="quality-beside">
      <section className="floor-card" aria-label="Score">
        <h2>Automatic {scoreText(s.auto.score)} <span className="muted num">({s.auto.passed} of {s.auto.applicable} items)</span>
          {s.review && <> · reviewed {scoreText(s.review.score)}</>}</h2>
        {s.review
          ? <p role="status" aria-label="Review">Reviewed by {s.review.reviewer_name} on {dateOnly(s.review.reviewed_at)} {clockTime(s.review.reviewed_at)}
            {s.earlier_reviews > 0 ? ` (${s.earlier_reviews} earlier)` : ''}</p>
          : <p className="muted" role="status" aria-label="Review">Not reviewed</p>}
        <ul className="quality-items">
          {s.auto.items.map((i) => <ItemRow key={i.id} auto={i} reviewed={reviewed.has(i.id) ? s.review!.items.find((x) => x.id === i.id) ?? null : null} />)}
        </ul>
      </section>
      <section className="floor-card approval-conversation" aria-label={`Conversation with ${s.customer_name}`}>
        <h2><ChannelIcon channel={s.channel} /> {s.customer_name} <span className="muted num">resolved {dateOnly(s.resolved_at)} {clockTime(s.resolved_at)}</span></h2>
        <ol className="approval-thread">
          {s.messages.map((m) => (
            <li key={m.id} className={`approval-msg approval-${m.direction}`}>
              <div><span className="muted num">{clockTime(m.created_at)}</span> <strong>{m.author_name}</strong>{' '}
                <span className="muted">{m.visibility === 'private' ? 'private' : 'public'}{m.direction === 'outbound' ? ` · ${m.delivery}` : ''}</span></div>
              <div className="approval-text">{m.text}</div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function QualityView() {
  const me = useSession().data?.agent;
  const role = me?.role;
  const reviewer = role === 'supervisor' || role === 'admin';
  const [week, setWeek] = useState(() => Date.now());
  const [all, setAll] = useState(false);
  const mode: Mode = reviewer ? { reviewer: true, week: Math.floor(week / DAY) * DAY, all } : { reviewer: false };
  const q = useScores(mode);
  const [active, setActive] = useState(0);
  const [dialog, setDialog] = useState<QualityScoreView | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const scores = q.data?.scores ?? [];
  const i = Math.min(active, Math.max(0, scores.length - 1));
  const current = scores[i];
  const loaded = q.data !== undefined;
  // arriving here: the keyboard lands in the list
  useEffect(() => { if (loaded) list.current?.focus(); }, [loaded]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); setActive(Math.min(scores.length - 1, i + 1)); return; }
    if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); setActive(Math.max(0, i - 1)); return; }
    if (!reviewer) return;
    if (e.key === 'a') { e.preventDefault(); setAll(!all); setActive(0); announce(all ? 'The review sample' : 'Every scored conversation of the week'); return; }
    if (e.key === '[' || e.key === ']') { e.preventDefault(); setWeek(week + (e.key === '[' ? -7 : 7) * DAY); setActive(0); return; }
    if (e.key === 'o' && current) {
      e.preventDefault();
      if (current.agent_id !== null && current.agent_id === me?.id) { announce('A score of your own conversation is reviewed by someone else'); return; }
      setDialog(current);
    }
  };
  const weekStart = q.data?.week_start;
  const title = reviewer ? 'Quality review' : 'My quality';
  return (
    <section className="pane floor" aria-label={title}>
      <header className="floor-head">
        <h1>{title}</h1>
        {reviewer && weekStart && <span className="floor-kpi" role="status" aria-label="Week">{all ? 'Every scored conversation' : 'Sample'}, week of {dateOnly(weekStart)}</span>}
        <span className="muted">{reviewer ? 'j/k move · o override an item with a note · a sample or all · [ ] week · ⇧Q back to the inbox' : 'j/k move · ⇧Q back to the inbox'}</span>
      </header>
      {!loaded ? (q.error ? <p className="error" role="alert">{q.error.message}</p> : <p className="muted" aria-busy="true">Loading…</p>) : (
        <div className="approvals-grid quality-grid">
          <div className="floor-card">
            {q.error && <p className="muted">Not refreshed: {q.error.message}</p>}
            <div role="listbox" tabIndex={0} aria-label="Scored conversations" className="floor-list" ref={list} onKeyDown={onKeyDown}
              aria-activedescendant={current ? `quality-${current.id}` : undefined}>
              {scores.length === 0 && <div role="option" aria-selected="false" aria-disabled="true" className="row muted">
                {reviewer ? 'No conversation was scored this week.' : 'None of your conversations has been scored yet: each is scored when it is resolved.'}</div>}
              {scores.map((s, n) => (
                <div key={s.id} id={`quality-${s.id}`} role="option" aria-selected={n === i} className={`row approval-row${n === i ? ' selected' : ''}`}
                  onMouseDown={(e) => { e.preventDefault(); setActive(n); list.current?.focus(); }}>
                  <div><ChannelIcon channel={s.channel} /> <strong>{s.customer_name}</strong>{reviewer && <> · {s.agent_name ?? 'unassigned'}</>}{' '}
                    <span className="muted num">{dateOnly(s.resolved_at)} {clockTime(s.resolved_at)}</span></div>
                  <div className="num">automatic {scoreText(s.auto.score)}{s.review ? ` · reviewed ${scoreText(s.review.score)} by ${s.review.reviewer_name}` : ''}</div>
                </div>
              ))}
            </div>
          </div>
          {current && <ScoreBeside s={current} />}
        </div>
      )}
      {dialog && <OverrideDialog s={dialog} onDone={() => { setDialog(null); list.current?.focus(); }} />}
    </section>
  );
}
