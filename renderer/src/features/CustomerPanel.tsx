/** The customer card: who they are on each channel, and every past conversation with its outcome, openable inline. */
import { CheckCircle2, Circle, Pencil, UserRound } from 'lucide-react';
import { useDeferredValue, useState } from 'react';
import { useConversation, useCustomer } from '../api/queries';
import { clockTime, dateOnly, sentimentText } from '../app/format';
import { useUi } from '../app/store';
import { Avatar } from '../components/Avatar';
import { ChannelIcon, channelName } from '../components/ChannelIcon';
import { EmptyState } from '../components/EmptyState';
import { CustomerRelatedSection } from './CustomerEdit';
import { MessageList } from './Thread';

function PastConversation({ id }: { id: string }) {
  const q = useConversation(id);
  if (!q.data) return <p className="muted" aria-busy="true">Loading…</p>;
  return <div className="inline-thread"><MessageList data={q.data} label="Past conversation messages" /></div>;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function CustomerPanel() {
  // The panel may paint a frame after the thread: j/k stays instant while it catches up.
  const selectedId = useDeferredValue(useUi((s) => s.selectedId));
  const conv = useConversation(selectedId);
  const customerId = conv.data?.conversation.customer_id ?? null;
  const q = useCustomer(customerId);
  const [openId, setOpenId] = useState<string | null>(null);
  if (!q.data) {
    return <aside className="pane customer" aria-label="Customer">{!selectedId && <EmptyState icon={UserRound} title="No customer" />}</aside>;
  }
  const { customer, conversations } = q.data;
  const past = conversations.filter((c) => c.id !== selectedId).sort((a, b) => b.last_message_at.localeCompare(a.last_message_at));
  return (
    <aside className="pane customer" aria-label="Customer">
      <div className="customer-head">
        <Avatar name={customer.name} id={customer.id} size={44} />
        <div>
          <h2>{customer.name}</h2>
          <span className="since">Customer since {dateOnly(customer.created_at)}</span>
        </div>
      </div>
      <ul className="identities" aria-label="Handles">
        {customer.identities.map((i) => (
          <li key={`${i.channel}:${i.handle}`}><ChannelIcon channel={i.channel} /> <span>{i.handle}</span> <span className="muted">{channelName(i.channel)}</span></li>
        ))}
      </ul>
      <dl className="facts">
        {customer.followers !== null && <><dt>Followers</dt><dd className="num" title={customer.followers.toLocaleString()}>{customer.followers.toLocaleString()}{customer.verified ? ' · verified' : ''}</dd></>}
        {customer.tier && <><dt>Tier</dt><dd>{customer.tier}</dd></>}
        {customer.location && <><dt>Location</dt><dd>{customer.location}</dd></>}
        {customer.followers !== null && customer.followers >= 10_000 && <><dt>Reach</dt><dd>{compact.format(customer.followers)} people see a public reply</dd></>}
      </dl>
      <div className="tags">
        {customer.tags.map((t) => <span key={t} className="tag">#{t}</span>)}
        <button className="link edit-customer" onClick={() => useUi.getState().open('customer-edit')} aria-label={`Edit ${customer.name}’s tags and notes`} title="Edit tags and notes (Shift+C)">
          <Pencil size={12} aria-hidden="true" /> {customer.tags.length || customer.notes ? 'Edit' : 'Add tags or notes'}
        </button>
      </div>
      {customer.notes && <section className="card-section" aria-label="Customer notes"><h3>Notes</h3><p className="notes">{customer.notes}</p></section>}
      <CustomerRelatedSection customer={customer} />
      <section id="customer-history" className="card-section" aria-label="Past conversations">
        <h3>Past conversations <span className="num">{past.length}</span>{csatSummary(past)}</h3>
        {past.length === 0 && <p className="muted">None yet.</p>}
        <ul className="history">
          {past.map((c) => {
            const s = sentimentText(c.analysis);
            const open = openId === c.id;
            const resolved = c.status === 'resolved';
            return (
              <li key={c.id}>
                <button aria-expanded={open} className="history-item" onClick={() => setOpenId(open ? null : c.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); e.stopPropagation(); ((e.currentTarget.parentElement?.nextElementSibling?.querySelector('button')) as HTMLElement | null)?.focus(); }
                    if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); e.stopPropagation(); ((e.currentTarget.parentElement?.previousElementSibling?.querySelector('button')) as HTMLElement | null)?.focus(); }
                  }}>
                  <span className={`outcome ${resolved ? 'ok' : 'muted'}`}>{resolved ? <CheckCircle2 size={14} aria-label="resolved" /> : <Circle size={14} aria-label={c.status} />}</span>
                  <span>{c.subject || c.snippet.slice(0, 40)}</span>
                  <span className="meta">
                    <ChannelIcon channel={c.channel} size={12} /> <span>{clockTime(c.last_message_at)}</span> <span>· {c.status}</span>
                    {s && <span className={`senti senti-${s.tone}`}>· {s.label}</span>}
                    {typeof c.analysis.csat === 'number' && <span className="num" title="the customer's CSAT answer, 1–5">· CSAT {c.analysis.csat}</span>}
                  </span>
                </button>
                {open && <PastConversation id={c.id} />}
              </li>
            );
          })}
        </ul>
      </section>
    </aside>
  );
}

/** The customer's CSAT history: the average of their answers, how many, and the trend (oldest to newest). */
function csatSummary(past: Array<{ analysis: Record<string, unknown>; last_message_at: string }>) {
  const answered = past.filter((c) => typeof c.analysis.csat === 'number').sort((a, b) => a.last_message_at.localeCompare(b.last_message_at));
  const scores = answered.map((c) => c.analysis.csat as number);
  if (scores.length === 0) return null;
  const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
  return (
    <span className="muted num" aria-label={`CSAT average ${avg.toFixed(1)} from ${scores.length} answers`}>
      · CSAT {avg.toFixed(1)} ({scores.length}){' '}
      <span className="csat-trend" aria-hidden="true">{scores.slice(-8).map((s, i) => <span key={i} style={{ height: `${(s / 5) * 100}%` }} />)}</span>
    </span>
  );
}
