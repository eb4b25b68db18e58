/**
 * The composer: public reply, private message or internal note. Counts as the channel counts,
 * expands `;shortcode` canned responses, saves the draft as you type, warns before personal
 * data goes public, and holds a reply over another agent's until confirmed. Ctrl/Cmd+Enter
 * sends; Ctrl/Cmd+Shift+Enter sends, resolves, and lands on the next conversation with the
 * composer ready. Each concern is a hook beside this file; this component wires them to keys.
 * A reply's text and an internal note's are kept apart (the draft and the note draft): a note,
 * such as a handover summary the hub gave back, never lands in the reply sent to the customer.
 */
import { AlertTriangle } from 'lucide-react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DesktopResponse } from '../../../../shared/contract/desktop';
import { countForChannel } from '../../../../shared/text/channel-length';
import { personalDataWarning } from '../../../../shared/text/personal-data';
import { useSession } from '../../api/queries';
import { isMac } from '../../app/format';
import { matches } from '../../app/keymap';
import { focusInbox } from '../../app/nav';
import { useUi } from '../../app/store';
import { typingHeartbeat } from '../Collision';
import { useCanned } from '../Settings';
import { useCannedWithCrisis } from '../Crisis';
import { CannedSuggestions, ComposerStatus, PersonalDataConfirm } from './parts';
import { SuggestedReplies, useSuggestedReplies, useSuggestionKeys } from './suggested';
import { useCannedSuggestions } from './useCannedSuggestions';
import { collisionText, useCollisionGate } from './useCollisionGate';
import { useDraftAutosave, type Mode } from './useDraftAutosave';
import { useReturnedNote } from './useReturnedNote';
import { useSendReply } from './useSendReply';

const SEND = isMac ? '⌘↩' : 'Ctrl+Enter';
const SEND_RESOLVE = isMac ? '⌘⇧↩' : 'Ctrl+Shift+Enter';

export function Composer({ data }: { data: DesktopResponse<'conversation.get'> }) {
  const c = data.conversation;
  const session = useSession();
  // while the conversation's topic is in crisis, its holding statement is the first canned response
  const { canned, crisis } = useCannedWithCrisis(useCanned(), c.analysis?.topic);
  const composerFocus = useUi((s) => s.composerFocus);
  const defaultVisibility = data.draft?.visibility ?? (data.messages.find((m) => m.direction === 'inbound')?.visibility ?? 'public');
  // a note given back (or being written, with no reply under way) opens in Internal note mode
  const [mode, setMode] = useState<Mode>(data.note_draft && (data.note_draft.rejected || !data.draft?.text) ? 'note' : defaultVisibility);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const refocus = () => requestAnimationFrame(() => field.current?.focus());

  // the newest refusal on screen: the core keeps a newer one (it came back while the agent typed or sent)
  const refusalSeen = useRef<string | null>(data.draft?.rejected?.id ?? null);
  const reply = useDraftAutosave(c.id, data.draft?.text ?? '', () => refusalSeen.current);
  // a reply given back shows in the reply box (the agent may be writing a note: its text stays in the note draft)
  const gate = useCollisionGate(data.draft, (text, id) => { refusalSeen.current = id; reply.restore(text); setMode((m) => (m === 'note' ? defaultVisibility : m)); setError(null); });
  const noteRefusalSeen = useRef<string | null>(data.note_draft?.rejected?.id ?? null);
  const note = useDraftAutosave(c.id, data.note_draft?.text ?? '', () => noteRefusalSeen.current, 'note');
  const returned = useReturnedNote(data.note_draft, (text, id) => { noteRefusalSeen.current = id; note.restore(text); setMode('note'); setError(null); });
  // the field shows the reply's text, or the note's in Internal note mode
  const draft = mode === 'note' ? note : reply;
  const change = (next: string) => {
    draft.edit(next, mode);
    setError(null);
    if (mode === 'note') returned.clear(); else gate.clearRefusal();
    if (mode !== 'note' && next) typingHeartbeat(c.id);
  };
  /** The reply type changed: a text moves along into an empty one (a note given back never moves into a reply). */
  const switchMode = (next: Mode) => {
    const from = mode === 'note' ? note : reply;
    const to = next === 'note' ? note : reply;
    if (from !== to && !to.text && from.text && !(mode === 'note' && returned.notice)) {
      to.edit(from.text, next);
      from.edit('', mode);
    } else {
      to.schedule(to.text, next);
    }
    setMode(next);
  };

  const ctx = useMemo(() => ({
    customer: { name: data.customer?.name ?? 'there', handle: data.customer?.identities.find((i) => i.channel === c.channel)?.handle },
    agent: { name: session.data?.agent?.name ?? 'Agent' },
  }), [data.customer, c.channel, session.data?.agent?.name]);
  const cannedList = useCannedSuggestions({ text: draft.text, field, canned, ctx, edit: change });
  const suggested = useSuggestedReplies(data);
  const suggestionKeys = useSuggestionKeys(c.id, suggested.replies, draft.text, change);

  const count = countForChannel(draft.text, c.channel, mode === 'private' ? 'private' : 'public');
  const liveWarning = mode === 'public' ? personalDataWarning(draft.text) : null;
  const sender = useSendReply({
    data, mode, text: draft.text, count,
    gateArgs: () => ({ ...gate.args(data.messages), refusal_seen: refusalSeen.current }),
    noteRefusalSeen: () => noteRefusalSeen.current,
    beforeSend: draft.drop,
    sent: (resolved) => {
      draft.clear();
      if (mode === 'note') returned.clear(); else gate.clear();
      // ready for the next one, unless the agent left meanwhile (an Escape pressed while the send was on its
      // way went to the inbox, and stays there: pulling the focus back made the agent press it twice)
      const at = document.activeElement;
      if (!resolved && (!at || at === document.body || root.current?.contains(at))) field.current?.focus();
    },
    failed: setError,
  });

  // r / n (and landing here after send-and-resolve) focus the composer in that mode.
  useEffect(() => {
    const ui = useUi.getState();
    if (!ui.composerWanted) return;
    useUi.setState({ composerWanted: false });
    setMode((m) => (ui.composerMode === 'note' ? 'note' : m === 'note' ? defaultVisibility : m));
    field.current?.focus();
  }, [composerFocus]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (cannedList.onKeyDown(e)) return;
    if (suggestionKeys.onKeyDown(e)) return;
    if (matches('$mod+Shift+Enter', e, isMac)) { e.preventDefault(); sender.send({ resolve: true }); return; }
    if (matches('$mod+Enter', e, isMac)) { e.preventDefault(); sender.send({ resolve: false }); return; }
    if (e.key === 'Escape') { e.preventDefault(); void reply.flush(); void note.flush(); focusInbox(); }
  };

  const { suggestions, current } = cannedList;
  const collision = gate.collision;
  const limitText = count.limit === null ? `${count.count}` : `${count.count}/${count.limit}`;
  const empty = !draft.text.trim();
  return (
    <div ref={root} className={`composer composer-${mode}`}>
      <div className="composer-bar">
        <label className="sr-only" htmlFor="composer-mode">Reply type</label>
        <select id="composer-mode" value={mode} onChange={(e) => switchMode(e.target.value as Mode)}>
          <option value="public">Public reply</option>
          <option value="private">Private message</option>
          <option value="note">Internal note</option>
        </select>
        {mode === 'note' && returned.notice && <span className="badge note-badge" aria-label="Internal note given back">Internal note · given back</span>}
        {mode !== 'note' && <span className={`counter num${count.over ? ' over' : ''}`} aria-label={`${count.count} of ${count.limit ?? 'no'} characters`}>{limitText}</span>}
        <span className="muted hint">; canned · {SEND} send · {SEND_RESOLVE} send and resolve</span>
      </div>
      {crisis && mode !== 'note' && (
        <p className="crisis-hint" aria-label={`Crisis mode on ${crisis.topic}: holding statement pinned, ;holding inserts it`}>
          Crisis mode on <strong>{crisis.topic}</strong>: holding statement pinned, <kbd>;holding</kbd> inserts it
        </p>
      )}
      <textarea ref={field} id="composer" aria-label={mode === 'note' ? 'Internal note' : mode === 'private' ? 'Private message' : 'Public reply'}
        aria-describedby="composer-status" aria-autocomplete="list" aria-controls={suggestions.length ? 'canned-suggestions' : undefined}
        aria-activedescendant={suggestions.length ? `canned-${suggestions[current]!.shortcode}` : undefined}
        value={draft.text} rows={4} placeholder={mode === 'note' ? 'Note for the team (not sent to the customer)' : 'Write a reply… (;shortcode for canned responses)'}
        onChange={(e) => change(e.target.value)} onKeyDown={onKeyDown} onBlur={() => { void reply.flush(); void note.flush(); }} />
      <CannedSuggestions items={suggestions} current={current} ctx={ctx} onPick={cannedList.insert} />
      <SuggestedReplies items={suggested.replies} canned={suggested.canned} links={suggested.links}
        onUse={(s) => { suggestionKeys.use(s); field.current?.focus(); }}
        onCanned={(shortcode) => { const item = canned.find((x) => x.shortcode === shortcode); if (item) cannedList.insert(item); }}
        onLink={(url) => { change(draft.text.includes(url) ? draft.text : `${draft.text.trimEnd()}${draft.text.trim() ? ' ' : ''}${url}`); field.current?.focus(); }} />
      <ComposerStatus saved={draft.saved} hasText={!!draft.text} warning={liveWarning} error={error ?? (mode === 'note' ? returned.notice : gate.refusal)}
        collision={collision && (
          <span className="error collision" role="alert" aria-label="Collision warning">
            <AlertTriangle size={13} aria-hidden="true" className="icon-inline" /> Not sent: {collisionText(collision, session.data?.agents ?? [])}. {collision.token ? `Press ${SEND} to send it anyway, or edit it first.` : 'Edit it, or send again.'}
          </span>
        )} />
      <div className="composer-actions">
        <button onClick={() => sender.send({ resolve: false })} disabled={sender.busy || empty}>{mode === 'note' ? 'Add note' : 'Send'}</button>
        <button onClick={() => sender.send({ resolve: true })} disabled={sender.busy || empty}>{mode === 'note' ? 'Add note and resolve' : 'Send and resolve'}</button>
      </div>
      {sender.confirm && (
        <PersonalDataConfirm warning={sender.confirm.warning}
          onEdit={() => { sender.setConfirm(null); refocus(); }}
          onPrivate={() => { setMode('private'); reply.schedule(reply.text, 'private'); sender.setConfirm(null); refocus(); }}
          onPostAnyway={() => { const r = sender.confirm!.resolve; sender.setConfirm(null); sender.send({ resolve: r, confirmed: true }); }} />
      )}
    </div>
  );
}
