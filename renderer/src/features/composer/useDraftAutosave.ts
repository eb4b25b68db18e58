/**
 * The composer's text and its draft in the core: saved 300 ms after the last keystroke, at once
 * when the field loses focus or the conversation closes, so the last keystrokes are never lost.
 * A reply's text is the conversation's draft (draft.save); an internal note's is its note draft
 * (noteDraft.save, `kind` 'note'), kept apart so a note never ends up in the reply sent to the customer.
 */
import { useEffect, useRef, useState } from 'react';
import type { Visibility } from '../../../../shared/domain';
import { act } from '../../api/mutations';

export type Mode = Visibility | 'note';
export type SaveState = 'idle' | 'saving' | 'saved';
export const DRAFT_DEBOUNCE_MS = 300;

/** `refusalSeen` names the newest refusal the composer has shown (a newer one is kept by the core, never overwritten). */
export function useDraftAutosave(conversationId: string, initialText: string, refusalSeen: () => string | null = () => null, kind: 'reply' | 'note' = 'reply') {
  const [text, setText] = useState(initialText);
  const [saved, setSaved] = useState<SaveState>(initialText ? 'saved' : 'idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<null | (() => Promise<unknown>)>(null);

  const flush = (): Promise<unknown> => {
    if (timer.current) { clearTimeout(timer.current); timer.current = null; }
    const p = pending.current;
    pending.current = null;
    return p ? p() : Promise.resolve();
  };
  // Save the last keystrokes when leaving the conversation.
  useEffect(() => () => { void flush(); }, []);

  /** Saves `next` as the draft in `mode` after the debounce (a reply's in public or private, a note's as a note). */
  const schedule = (next: string, mode: Mode) => {
    if ((kind === 'note') !== (mode === 'note')) return;
    setSaved('saving');
    const save = mode === 'note'
      ? () => act('noteDraft.save', { conversation_id: conversationId, text: next, refusal_seen: refusalSeen() })
      : () => act('draft.save', { conversation_id: conversationId, text: next, visibility: mode, refusal_seen: refusalSeen() });
    pending.current = () => save().then(() => { if (pending.current === null) setSaved('saved'); }, () => setSaved('idle'));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => { void flush(); }, DRAFT_DEBOUNCE_MS);
  };

  return {
    text,
    saved,
    /** the agent (or a canned response) changed the text */
    edit(next: string, mode: Mode) { setText(next); schedule(next, mode); },
    /** the reply type changed: the draft keeps the text under the new visibility */
    schedule,
    flush,
    /** a send is under way: the draft it came from must not be written back after it */
    drop() { if (timer.current) { clearTimeout(timer.current); timer.current = null; } pending.current = null; },
    /** sent: the field is empty and there is no draft */
    clear() { setText(''); setSaved('idle'); },
    /** the core gave the text back (a refused reply): show it, it is the draft already */
    restore(next: string) { setText(next); },
  };
}
