/** Who the customer is across channels, and every past conversation, openable inline. */
import { useDeferredValue, useState } from 'react';
import { useConversation, useCustomer } from '../api/queries';
import { CHANNEL_LABEL, clockTime, sentimentText } from '../app/format';
import { useUi } from '../app/store';
import { MessageList } from './Thread';

function PastConversation({ id }: { id: string }) {
  const q = useConversation(id);
  if (!q.data) return <p className="muted" aria-busy="true">Loading…</p>;
  return <div className="inline-thread"><MessageList data={q.data} label="Past conversation messages" /></div>;
}

export function CustomerPanel() {
  // The panel may paint a frame after the thread: j/k stays instant while it catches up.
  const selectedId = useDeferredValue(useUi((s) => s.selectedId));
  const conv = useConversation(selectedId);
  const customerId = conv.data?.conversation.customer_id ?? null;
  const q = useCustomer(customerId);
  const [openId, setOpenId] = useState<string | null>(null);
  if (!q.data) return <aside className="pane customer" aria-label="Customer" />;
  const { customer, conversations } = q.data;
  const past = conversations.filter((c) => c.id !== selectedId).sort((a, b) => b.last_message_at.localeCompare(a.last_message_at));
  return (
    <aside className="pane customer" aria-label="Customer">
      <h2>{customer.name}</h2>
      <ul className="identities" aria-label="Handles">
        {customer.identities.map((i) => <li key={`${i.channel}:${i.handle}`}><span className="muted">{CHANNEL_LABEL[i.channel]}</span> {i.handle}</li>)}
      </ul>
      <dl className="facts">
        {customer.location && <><dt>Location</dt><dd>{customer.location}</dd></>}
        {customer.followers !== null && <><dt>Followers</dt><dd className="num">{customer.followers.toLocaleString()}{customer.verified ? ' · verified' : ''}</dd></>}
        {customer.tier && <><dt>Tier</dt><dd>{customer.tier}</dd></>}
        <dt>Customer since</dt><dd>{new Date(customer.created_at).toLocaleDateString()}</dd>
      </dl>
      {customer.tags.length > 0 && <div className="tags">{customer.tags.map((t) => <span key={t} className="tag">#{t}</span>)}</div>}
      {customer.notes && <section aria-label="Customer notes"><h3>Notes</h3><p className="notes">{customer.notes}</p></section>}
      <section id="customer-history" aria-label="Past conversations">
        <h3>Past conversations <span className="muted num">{past.length}</span>{csatAverage(past)}</h3>
        {past.length === 0 && <p className="muted">None yet.</p>}
        <ul className="history">
          {past.map((c) => {
            const s = sentimentText(c.analysis);
            const open = openId === c.id;
            return (
              <li key={c.id}>
                <button aria-expanded={open} className="history-item" onClick={() => setOpenId(open ? null : c.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); e.stopPropagation(); ((e.currentTarget.parentElement?.nextElementSibling?.querySelector('button')) as HTMLElement | null)?.focus(); }
                    if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); e.stopPropagation(); ((e.currentTarget.parentElement?.previousElementSibling?.querySelector('button')) as HTMLElement | null)?.focus(); }
                  }}>
                  <span className={c.status === 'resolved' ? 'ok' : 'muted'}>{c.status === 'resolved' ? '✓' : '○'}</span>{' '}
                  <span>{c.subject || c.snippet.slice(0, 40)}</span>
                  <span className="muted"> · {CHANNEL_LABEL[c.channel]} · {clockTime(c.last_message_at)} · {c.status}</span>
                  {s && <span className={`senti senti-${s.tone}`}> {s.label}</span>}
                  {typeof c.analysis.csat === 'number' && <span className="num" title="the customer's CSAT answer, 1–5"> · CSAT {c.analysis.csat}</span>}
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

/** The customer's CSAT history in one figure: the average of their answers, and how many. */
function csatAverage(past: Array<{ analysis: Record<string, unknown> }>) {
  const scores = past.map((c) => c.analysis.csat).filter((x): x is number => typeof x === 'number');
  if (scores.length === 0) return null;
  const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
  return <span className="muted num" aria-label={`CSAT average ${avg.toFixed(1)} from ${scores.length} answers`}> · CSAT {avg.toFixed(1)} ({scores.length})</span>;
}
