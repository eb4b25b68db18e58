/**
 * Answering offers, from the tray's buttons and from the keys (Shift+A accepts and Shift+X
 * rejects the offer that expires first). The offer leaves the tray at once; the hub's
 * answer decides what happens next, and a failure is announced.
 */
import type { Offer } from '../../../shared/contract/routing';
import { act } from '../api/mutations';
import { useLive, type LiveOffer } from './live';
import { useUi } from './store';

/** The offer that expires first (the tray lists them in that order). */
export const firstOffer = (): LiveOffer | undefined => useLive.getState().offers[0];

export async function answerOffer(offer: Pick<Offer, 'id' | 'conversation_id'>, accept: boolean): Promise<void> {
  useLive.getState().dropOffer(offer.id);
  try {
    await act(accept ? 'offer.accept' : 'offer.reject', { conversation_id: offer.conversation_id, offer_id: offer.id });
  } catch (e) {
    useUi.getState().announce((e as Error).message);
    return;
  }
  if (accept) useUi.getState().set({ view: 'inbox', tab: 'mine', selectedId: offer.conversation_id, selectedIndex: 0 });
  useUi.getState().announce(accept ? 'Offer accepted' : 'Offer rejected');
}

/** Shift+A / Shift+X: the first offer, or a word that there is none. */
export function answerFirstOffer(accept: boolean): void {
  const offer = firstOffer();
  if (!offer) { useUi.getState().announce('No offer waiting'); return; }
  void answerOffer(offer, accept);
}
