/**
 * The composer's text and its draft in the core: saved 300 ms after the last keystroke, at once
 * when the field loses focus or the conversation closes, so the last keystrokes are never lost.
 * Notes are not drafts (they are never sent to a customer): they are not saved.
 */
import { useEffect, useRef, useState } from 'react';
import type { Visibility } from '../../../../shared/domain';
import { act } from '../../api/mutations';

export type Mode = Visibility | 'note';
export type SaveState = 'idle' | 'saving' | 'saved';
export const DRAFT_DEBOUNCE_MS = 300;

/** `refusalSeen` names the newest refusal the composer has shown (a newer one is kept by the core, never overwritten). */
export function useDraftAutosave(conversationId: string, initialText: string, refusalSeen: () => string | null = () => null) {
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

  /** Saves `next` as the draft in `mode` after the debounce (nothing for a note). */
  const schedule = (next: string, mode: Mode) => {
    if (mode === 'note') return;
    setSaved('saving');
    pending.current = () => act('draft.save', { conversation_id: conversationId, text: next, visibility: mode, refusal_seen: refusalSeen() })
      .then(() => { if (pending.current === null) setSaved('saved'); }, () => setSaved('idle'));
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
