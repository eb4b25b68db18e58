/**
 * An internal note the hub refused (a handover summary among them) comes back as the conversation's
 * note draft, with the reason: the composer shows it in Internal note mode, clearly marked, never in
 * the reply box (whatever is there is sent to the customer).
 */
import { useEffect, useRef, useState } from 'react';
import type { NoteDraft } from '../../../../shared/contract/desktop';

const returnedText = (d: NoteDraft | null | undefined) => (d?.rejected
  ? `Internal note given back (${d.rejected.message}). It is here as an internal note, never sent to the customer: add it again, or edit it.` : null);
// keyed by the refusal itself: saving an edited note draft keeps it and must not reset the text
const refusalKey = (d: NoteDraft | null | undefined) => (d?.rejected ? JSON.stringify(d.rejected) : null);

/** `onReturned` gets the note's text (and the refusal's id) when a refusal arrives while the composer is open. */
export function useReturnedNote(noteDraft: NoteDraft | null | undefined, onReturned: (text: string, refusalId: string | null) => void) {
  const [notice, setNotice] = useState<string | null>(returnedText(noteDraft));
  const stamp = useRef(refusalKey(noteDraft));
  useEffect(() => {
    if (!noteDraft?.rejected || refusalKey(noteDraft) === stamp.current) return;
    stamp.current = refusalKey(noteDraft);
    onReturned(noteDraft.text, noteDraft.rejected.id ?? null);
    setNotice(returnedText(noteDraft));
  }, [noteDraft]);
  return { notice, clear: () => setNotice(null) };
}
