/**
 * The composer: public reply, private message or internal note. Counts as the channel counts,
 * expands `;shortcode` canned responses, saves the draft as you type, warns before personal
 * data goes public. Ctrl/Cmd+Enter sends; Ctrl/Cmd+Shift+Enter sends, resolves, and lands on
 * the next conversation with the composer ready.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DesktopResponse } from '../../../shared/contract/desktop';
import { applyShortcode, expandCanned, type CannedResponse } from '../../../shared/text/canned';
import { countForChannel } from '../../../shared/text/channel-length';
import { personalDataWarning } from '../../../shared/text/personal-data';
import { call, ApiError } from '../api/client';
import { useSession } from '../api/queries';
import { leaveList, recordUse } from '../app/actions';
import { isMac } from '../app/format';
import { matches } from '../app/keymap';
import { focusInbox } from '../app/nav';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { typingHeartbeat } from './Collision';
import { useCanned } from './Settings';

type Mode = 'public' | 'private' | 'note';
type Draft = DesktopResponse<'conversation.get'>['draft'];

type Collision = { message: string; token: string | null; conflicts: NonNullable<NonNullable<Draft>['rejected']>['conflicts'] };

function collisionOf(d: Draft): null | Collision {
  if (d?.rejected?.code !== 'collision') return null;
  return { message: d.rejected.message, token: d.rejected.confirm_token ?? null, conflicts: d.rejected.conflicts };
}

/** "Ben Osei is writing a reply; Ana Kowalski already replied" (names, where the hub's message has ids). */
function collisionText(c: Collision, agents: Array<{ id: string; name: string }>): string {
  if (!c.conflicts?.length) return c.message.replace(/\.?\s*Send anyway\?$/, '');
  const name = (id: string) => agents.find((a) => a.id === id)?.name ?? id;
  return c.conflicts.map((x) => (x.kind === 'claimed_by_other' ? `${name(x.agent_id)} is writing a reply` : `${name(x.agent_id)} already replied`)).join('; ');
}
const DRAFT_DEBOUNCE_MS = 300;

export function Composer({ data }: { data: DesktopResponse<'conversation.get'> }) {
  const c = data.conversation;
  const session = useSession();
  const canned = useCanned();
  const composerFocus = useUi((s) => s.composerFocus);
  const defaultVisibility = data.draft?.visibility ?? (data.messages.find((m) => m.direction === 'inbound')?.visibility ?? 'public');
  const [mode, setMode] = useState<Mode>(defaultVisibility);
  const [text, setText] = useState(data.draft?.text ?? '');
  const [suggest, setSuggest] = useState(0);
  const [confirm, setConfirm] = useState<null | { resolve: boolean; warning: string }>(null);
  const [error, setError] = useState<string | null>(data.draft?.rejected && data.draft.rejected.code !== 'collision' ? `The hub refused this reply: ${data.draft.rejected.message}` : null);
  // A 'collision' refusal: someone else answered or is answering. The agent reads it, then sends anyway with the token.
  const [collision, setCollision] = useState<null | Collision>(collisionOf(data.draft));
  // Keyed by the refusal itself: saving an edited draft keeps the refusal and must not reset the text.
  const refusalKey = (d: Draft) => (d?.rejected ? JSON.stringify(d.rejected) : null);
  const draftStamp = useRef(refusalKey(data.draft));
  useEffect(() => {
    // A refusal that arrives while the composer is open brings the text back with its reason.
    const d = data.draft;
    if (!d?.rejected || refusalKey(d) === draftStamp.current) return;
    draftStamp.current = refusalKey(d);
    setText(d.text);
    setCollision(collisionOf(d));
    setError(d.rejected.code === 'collision' ? null : `The hub refused this reply: ${d.rejected.message}`);
  }, [data.draft]);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<'idle' | 'saving' | 'saved'>(data.draft?.text ? 'saved' : 'idle');
  const ref = useRef<HTMLTextAreaElement>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<null | (() => Promise<unknown>)>(null);
  // Where the caret goes after a programmatic edit: set in the same commit, before the next key.
  const caretAfter = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caretAfter.current === null || !ref.current) return;
    ref.current.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  });

  // r / n (and landing here after send-and-resolve) focus the composer in that mode.
  useEffect(() => {
    const ui = useUi.getState();
    if (!ui.composerWanted) return;
    useUi.setState({ composerWanted: false });
    setMode((m) => (ui.composerMode === 'note' ? 'note' : m === 'note' ? defaultVisibility : m));
    ref.current?.focus();
  }, [composerFocus]);

  const flush = () => {
    if (saveTimer.current) { clearTimeout(saveTimer.current); saveTimer.current = null; }
    const p = pending.current;
    pending.current = null;
    return p ? p() : Promise.resolve();
  };
  // Save the last keystrokes when leaving the conversation.
  useEffect(() => () => { void flush(); }, []);

  const scheduleSave = (next: string, m: Mode) => {
    if (m === 'note') return;
    setSaved('saving');
    pending.current = () => call('draft.save', { conversation_id: c.id, text: next, visibility: m })
      .then(() => { if (pending.current === null) setSaved('saved'); }, () => setSaved('idle'));
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => { void flush(); }, DRAFT_DEBOUNCE_MS);
  };

  const ctx = useMemo(() => ({
    customer: { name: data.customer?.name ?? 'there', handle: data.customer?.identities.find((i) => i.channel === c.channel)?.handle },
    agent: { name: session.data?.agent?.name ?? 'Agent' },
  }), [data.customer, c.channel, session.data?.agent?.name]);

  const caret = ref.current?.selectionStart ?? text.length;
  const token = /(^|\s);([a-z0-9_-]*)$/.exec(text.slice(0, caret));
  const suggestions: CannedResponse[] = token ? canned.filter((x) => x.shortcode.startsWith(token[2]!)).slice(0, 6) : [];

  const change = (next: string, m = mode) => {
    setText(next); setError(null); scheduleSave(next, m);
    if (m !== 'note' && next) typingHeartbeat(c.id);
  };

  const insertCanned = (item: CannedResponse) => {
    const el = ref.current!;
    const pos = el.selectionStart;
    const before = text.slice(0, pos).replace(/;[a-z0-9_-]*$/, '');
    const expanded = expandCanned(item.text, ctx);
    const next = before + expanded + text.slice(pos);
    change(next);
    setSuggest(0);
    recordUse(`canned:${item.shortcode}`);
    caretAfter.current = before.length + expanded.length;
    el.focus();
  };

  // The palette inserts canned responses through this event.
  useEffect(() => {
    const onInsert = (e: Event) => insertCanned((e as CustomEvent<CannedResponse>).detail);
    window.addEventListener('tend:insert-canned', onInsert);
    return () => window.removeEventListener('tend:insert-canned', onInsert);
  });

  const count = countForChannel(text, c.channel, mode === 'private' ? 'private' : 'public');
  const liveWarning = mode === 'public' ? personalDataWarning(text) : null;

  /** What the agent had on screen, and the go-ahead after a collision warning. */
  const collisionArgs = () => {
    const seen = data.messages.filter((m) => m.local_state === 'synced').reduce<string | null>((max, m) => (max === null || m.created_at > max ? m.created_at : max), null);
    return {
      ...(seen && !Number.isNaN(Date.parse(seen)) ? { seen_up_to: new Date(seen).toISOString() } : {}),
      ...(collision?.token ? { confirm_collision: collision.token } : {}),
    };
  };

  const send = async (resolve: boolean, confirmed = false) => {
    const body = text.trim();
    if (!body || busy) return;
    if (mode !== 'note' && count.over) { setError(`Too long for ${c.channel === 'x' ? 'X' : c.channel}: ${count.count}/${count.limit}`); return; }
    if (mode === 'public' && !confirmed && liveWarning) { setConfirm({ resolve, warning: liveWarning }); return; }
    setBusy(true);
    if (saveTimer.current) { clearTimeout(saveTimer.current); saveTimer.current = null; }
    pending.current = null;
    try {
      if (mode === 'note') {
        await call('note.add', { conversation_id: c.id, text: body });
        if (resolve) await leaveList((id) => call('conversation.setStatus', { conversation_id: id, status: 'resolved' }), 'Note added and resolved', { composer: true });
      } else if (resolve) {
        await leaveList((id) => call('reply.send', { conversation_id: id, text: body, visibility: mode, resolve: true, ...collisionArgs() }), 'Sent and resolved', { composer: true });
      } else {
        await call('reply.send', { conversation_id: c.id, text: body, visibility: mode, resolve: false, ...collisionArgs() });
        useUi.getState().announce(mode === 'private' ? 'Private message queued' : 'Reply queued');
      }
      setText('');
      setSaved('idle');
      setCollision(null);
      if (!resolve) ref.current?.focus();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setSuggest((s) => (s + 1) % suggestions.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setSuggest((s) => (s - 1 + suggestions.length) % suggestions.length); return; }
      if ((e.key === 'Tab' || e.key === 'Enter') && !e.shiftKey && !e.ctrlKey && !e.metaKey) { e.preventDefault(); insertCanned(suggestions[Math.min(suggest, suggestions.length - 1)]!); return; }
    }
    if (matches('$mod+Shift+Enter', e, isMac)) { e.preventDefault(); void send(true); return; }
    if (matches('$mod+Enter', e, isMac)) { e.preventDefault(); void send(false); return; }
    if (e.key === 'Escape') { e.preventDefault(); void flush(); focusInbox(); return; }
    if (e.key === ' ') {
      // `;code` + space expands an exact shortcode.
      const el = e.currentTarget;
      const r = applyShortcode(text, el.selectionStart, canned, ctx);
      if (r) { e.preventDefault(); caretAfter.current = r.caret + 1; change(r.text.slice(0, r.caret) + ' ' + r.text.slice(r.caret)); }
    }
  };

  const limitText = count.limit === null ? `${count.count}` : `${count.count}/${count.limit}`;
  return (
    <div className={`composer composer-${mode}`}>
      <div className="composer-bar">
        <label className="sr-only" htmlFor="composer-mode">Reply type</label>
        <select id="composer-mode" value={mode} onChange={(e) => { const m = e.target.value as Mode; setMode(m); scheduleSave(text, m); }}>
          <option value="public">Public reply</option>
          <option value="private">Private message</option>
          <option value="note">Internal note</option>
        </select>
        {mode !== 'note' && <span className={`counter num${count.over ? ' over' : ''}`} aria-label={`${count.count} of ${count.limit ?? 'no'} characters`}>{limitText}</span>}
        <span className="muted hint">; canned · {isMac ? '⌘↩' : 'Ctrl+Enter'} send · {isMac ? '⌘⇧↩' : 'Ctrl+Shift+Enter'} send and resolve</span>
      </div>
      <textarea ref={ref} id="composer" aria-label={mode === 'note' ? 'Internal note' : mode === 'private' ? 'Private message' : 'Public reply'}
        aria-describedby="composer-status" aria-autocomplete="list" aria-controls={suggestions.length ? 'canned-suggestions' : undefined}
        aria-activedescendant={suggestions.length ? `canned-${suggestions[Math.min(suggest, suggestions.length - 1)]!.shortcode}` : undefined}
        value={text} rows={4} placeholder={mode === 'note' ? 'Note for the team (not sent to the customer)' : 'Write a reply… (;shortcode for canned responses)'}
        onChange={(e) => change(e.target.value)} onKeyDown={onKeyDown} onBlur={() => { void flush(); }} />
      {suggestions.length > 0 && (
        <ul id="canned-suggestions" role="listbox" aria-label="Canned responses" className="suggestions">
          {suggestions.map((s, i) => (
            <li key={s.shortcode} id={`canned-${s.shortcode}`} role="option" aria-selected={i === Math.min(suggest, suggestions.length - 1)}
              onMouseDown={(e) => { e.preventDefault(); insertCanned(s); }}>
              <strong>;{s.shortcode}</strong> {s.title} <span className="muted">{expandCanned(s.text, ctx).slice(0, 60)}…</span>
            </li>
          ))}
        </ul>
      )}
      <div id="composer-status" className="composer-status">
        <span className="muted draft-state" role="status" aria-label="Draft state">{saved === 'saved' && text ? 'Draft saved' : saved === 'saving' ? 'Saving draft…' : ''}</span>
        {liveWarning && <span className="warn" role="status">⚠ {liveWarning}</span>}
        {error && <span className="error" role="alert">{error}</span>}
        {collision && (
          <span className="error collision" role="alert" aria-label="Collision warning">
            ⚠ Not sent: {collisionText(collision, session.data?.agents ?? [])}. {collision.token ? `Press ${isMac ? '⌘↩' : 'Ctrl+Enter'} to send it anyway, or edit it first.` : 'Edit it, or send again.'}
          </span>
        )}
      </div>
      <div className="composer-actions">
        <button onClick={() => void send(false)} disabled={busy || !text.trim()}>{mode === 'note' ? 'Add note' : 'Send'}</button>
        <button onClick={() => void send(true)} disabled={busy || !text.trim()}>{mode === 'note' ? 'Add note and resolve' : 'Send and resolve'}</button>
      </div>
      {confirm && (
        <Dialog label="Personal data in a public reply" role="alertdialog" describedBy="pii-warning" onClose={() => { setConfirm(null); requestAnimationFrame(() => ref.current?.focus()); }}>
          <h2>Post personal data in public?</h2>
          <p id="pii-warning">{confirm.warning} Consider a private message instead.</p>
          <div className="dialog-actions">
            <button data-autofocus onClick={() => { setConfirm(null); requestAnimationFrame(() => ref.current?.focus()); }}>Edit reply</button>
            <button onClick={() => { setMode('private'); setConfirm(null); requestAnimationFrame(() => ref.current?.focus()); }}>Make it private</button>
            <button className="danger" onClick={() => { const r = confirm.resolve; setConfirm(null); void send(r, true); }}>Post publicly anyway</button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
