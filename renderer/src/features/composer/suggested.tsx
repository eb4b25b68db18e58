/**
 * Suggested replies under the composer's field: up to three answers from the workspace's own
 * answered conversations, computed by the core from its cache (works offline; shared/assist), or
 * by the hub for a conversation that is not cached. Under them, the canned responses and the help
 * links (URLs the team sent before, with what they were sent for) that fit; a click inserts one.
 * Alt+↓ in the field inserts the next one (then the one after, in turn); a click does the same.
 * A suggestion is never sent by itself: it lands in the field to edit. Inserting one records
 * "accepted", changing an inserted one "edited", and writing a reply of one's own while
 * suggestions are shown "ignored", so later rankings learn from it.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { AssistSuggestion, DesktopResponse } from '../../../../shared/contract/desktop';
import { useAssistSuggestions } from '../../api/queries';
import { signal } from '../../api/mutations';
import { isMac } from '../../app/format';
import { formatCombo, matches } from '../../app/keymap';

export interface SuggestedReply {
  id: string;
  text: string;
  /** why it is suggested, shown to the agent */
  reason?: string;
  /** what feedback is recorded against */
  key?: string;
}

const INSERT_KEY = 'Alt+ArrowDown';

export interface Suggestions {
  replies: SuggestedReply[];
  /** canned responses that fit (their shortcodes) */
  canned: AssistSuggestion[];
  /** help links that fit */
  links: AssistSuggestion[];
}

export function useSuggestedReplies(data: DesktopResponse<'conversation.get'>): Suggestions {
  const c = data.conversation;
  const version = `${data.messages.length}:${data.messages[data.messages.length - 1]?.id ?? ''}`;
  const q = useAssistSuggestions(c.id, version);
  return useMemo(() => ({
    replies: (q.data?.replies ?? []).map((s: AssistSuggestion, i) => ({
      id: `${i}:${s.key.slice(0, 40)}`, text: s.text, key: s.key,
      reason: `${s.why}${s.changes.length ? ` · adapted: ${s.changes.join(', ')}` : ''}`,
    })),
    canned: q.data?.canned ?? [],
    links: q.data?.links ?? [],
  }), [q.data]);
}

/**
 * The composer's side of suggestions: the key that inserts the next one, and the feedback.
 * `text` is the field's current text; `edit` replaces it.
 */
export function useSuggestionKeys(conversationId: string, items: SuggestedReply[], text: string, edit: (next: string) => void) {
  const next = useRef(0);
  const inserted = useRef<{ key: string; text: string; edited: boolean } | null>(null);
  const ignored = useRef(false);
  useEffect(() => { next.current = 0; ignored.current = false; }, [items]);

  // feedback: an inserted suggestion changed → edited (once); a reply of one's own → the top one ignored (once)
  useEffect(() => {
    const ins = inserted.current;
    if (ins && !ins.edited && text !== ins.text && text.trim()) { ins.edited = true; signal('assist.feedback', { conversation_id: conversationId, key: ins.key, action: 'edited' }); }
    if (!ins && !ignored.current && items[0]?.key && text.trim().length >= 20) { ignored.current = true; signal('assist.feedback', { conversation_id: conversationId, key: items[0].key, action: 'ignored' }); }
    if (!text.trim()) inserted.current = null;
  }, [text, items]);

  const use = (item: SuggestedReply) => {
    // the field is replaced only when empty or still holding the last suggestion untouched
    const keep = text.trim() && !(inserted.current && inserted.current.text === text) ? `${text.trimEnd()}\n` : '';
    const value = keep + item.text;
    inserted.current = { key: item.key ?? item.id, text: value, edited: false };
    if (item.key) signal('assist.feedback', { conversation_id: conversationId, key: item.key, action: 'accepted' });
    edit(value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!items.length || !matches(INSERT_KEY, e, isMac)) return false;
    e.preventDefault();
    const item = items[next.current % items.length]!;
    next.current++;
    use(item);
    return true;
  };
  return { onKeyDown, use };
}

export function SuggestedReplies({ items, canned = [], links = [], onUse, onCanned, onLink }: {
  items: SuggestedReply[]; canned?: AssistSuggestion[]; links?: AssistSuggestion[];
  onUse(item: SuggestedReply): void; onCanned?(shortcode: string): void; onLink?(url: string): void;
}) {
  if (items.length === 0 && canned.length === 0 && links.length === 0) return null;
  return (
    <section className="suggested-replies" aria-label="Suggested replies">
      {items.length > 0 && <>
        <span className="muted hint">Suggested · {formatCombo(INSERT_KEY, isMac)} inserts the next one to edit</span>
        <ol>
          {items.map((s) => (
            <li key={s.id}>
              <button type="button" className="suggested" title={s.reason} onMouseDown={(e) => e.preventDefault()} onClick={() => onUse(s)}>{s.text}</button>
              {s.reason && <span className="muted why">{s.reason}</span>}
            </li>
          ))}
        </ol>
      </>}
      {(canned.length > 0 || links.length > 0) && (
        <ul className="suggested-extras" aria-label="Canned responses and help links that fit">
          {canned.map((s) => (
            <li key={s.key}>
              <button type="button" className="chip" title={s.why} onMouseDown={(e) => e.preventDefault()} onClick={() => onCanned?.(s.sources[0] ?? '')}>;{s.sources[0]}</button>
              <span className="muted why">{s.why}</span>
            </li>
          ))}
          {links.map((s) => (
            <li key={s.key}>
              <button type="button" className="chip link" title={s.sentFor ? `sent for: ${s.sentFor}` : s.why} onMouseDown={(e) => e.preventDefault()} onClick={() => onLink?.(s.text)}>{s.text}</button>
              <span className="muted why">{s.why}{s.sentFor ? ` · e.g. "${s.sentFor.length > 80 ? `${s.sentFor.slice(0, 79)}…` : s.sentFor}"` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
