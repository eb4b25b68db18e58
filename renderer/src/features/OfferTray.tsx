/**
 * Offers in a tray in the corner: several at once, each with its countdown, and none takes the
 * focus (the agent may be mid-reply). Shift+A accepts and Shift+X rejects the one that expires
 * first; every offer also has its own buttons (Tab reaches them).
 */
import { Check, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useConversation } from '../api/queries';
import { isMac } from '../app/format';
import { formatCombo } from '../app/keymap';
import { useLive, type LiveOffer } from '../app/live';
import { answerOffer } from '../app/offers';
import { Avatar } from '../components/Avatar';
import { ChannelIcon } from '../components/ChannelIcon';

/** The time now, re-rendering every half second while `on` (the countdowns). */
function useNow(on: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [on]);
  return Date.now();
}

function OfferCard({ offer, first, now }: { offer: LiveOffer; first: boolean; now: number }) {
  // Usually in the cache already (it waits in one of our teams' queues): say who and what.
  const data = useConversation(offer.conversation_id).data;
  const left = Math.max(0, Math.ceil((offer.expires_at - now) / 1000));
  const total = Math.max(1, (offer.expires_at - offer.offered_at) / 1000);
  const who = data?.customer?.name ?? 'A customer';
  const c = data?.conversation;
  return (
    <li className={`offer prio-edge-${offer.priority}`} aria-label={`${who}, ${offer.priority} priority, ${left > 0 ? `${left} seconds left` : 'expired'}`}>
      <div className="offer-head">
        <Avatar name={who} id={c?.customer_id} size={24} />
        <strong className="offer-who">{who}</strong>
        {c && <ChannelIcon channel={c.channel} />}
        <span className={`prio-chip prio-${offer.priority}`}>{offer.priority}</span>
      </div>
      {c?.snippet && <p className="offer-snippet">“{c.snippet}”</p>}
      <div className="offer-timer">
        <span className="countdown" aria-hidden="true"><span style={{ width: `${Math.min(100, (left / total) * 100)}%` }} /></span>
        <span className="num" role="timer" aria-label={`${left} seconds left`}>{left > 0 ? `${left}s` : 'expired'}</span>
      </div>
      <div className="offer-actions">
        <button className="primary" onClick={() => void answerOffer(offer, true)}>
          <Check size={14} aria-hidden="true" /> Accept{first && <kbd>{formatCombo('Shift+A', isMac)}</kbd>}
        </button>
        <button onClick={() => void answerOffer(offer, false)}>
          <X size={14} aria-hidden="true" /> Reject{first && <kbd>{formatCombo('Shift+X', isMac)}</kbd>}
        </button>
      </div>
    </li>
  );
}

export function OfferTray() {
  const offers = useLive((s) => s.offers);
  const now = useNow(offers.length > 0);
  if (offers.length === 0) return null;
  return (
    <section className="offer-tray" aria-label="Offers">
      <h2 className="tray-title">{offers.length === 1 ? 'A conversation for you' : `${offers.length} conversations for you`}</h2>
      <ul>{offers.map((o, i) => <OfferCard key={o.id} offer={o} first={i === 0} now={now} />)}</ul>
    </section>
  );
}
