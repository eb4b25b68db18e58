/** The conversation: header with the analysis, then every message and internal note in time order, by day. */
import { AlertTriangle, Ban, Check, Clock, Hourglass, Inbox as InboxIcon, Loader, WifiOff } from 'lucide-react';
import { Fragment, useEffect, useRef } from 'react';
import type { DesktopResponse, ThreadMessage } from '../../../shared/contract/desktop';
import type { Note } from '../../../shared/domain';
import { act } from '../api/mutations';
import { useConversation, useSession } from '../api/queries';
import { clockTime, dayLabel, dayKey } from '../app/format';
import { slaView, CLOCK_NAME } from '../app/sla';
import { useClock, useUi } from '../app/store';
import { Avatar } from '../components/Avatar';
import { ChannelIcon, channelName } from '../components/ChannelIcon';
import { EmptyState } from '../components/EmptyState';
import { Composer } from './composer/Composer';
import { useViewingHeartbeat, Viewers } from './Collision';
import { useHandleTime } from './useHandleTime';
import { AnalysisLine } from './Labels';
import { HandoverSummary } from './HandoverSummary';

type Item = { kind: 'message'; m: ThreadMessage; at: string } | { kind: 'note'; n: Note; at: string };

export function deliveryLabel(m: ThreadMessage): { text: string; state: string } {
  if (m.local_state === 'waiting') return { text: 'waiting (offline)', state: 'waiting' };
  if (m.local_state === 'sending' || m.delivery === 'sending' || m.delivery === 'queued') return { text: 'sending', state: 'sending' };
  if (m.delivery === 'failed') return { text: `failed${m.delivery_error ? `: ${m.delivery_error}` : ''}`, state: 'failed' };
  if (m.delivery === 'sent') return { text: 'sent', state: 'sent' };
  // the hub lost track of a send (crash, timeout): it checks the platform before sending again
  if (m.delivery === 'unknown') return { text: `checking whether it was posted${m.delivery_error ? `: ${m.delivery_error}` : ''}`, state: 'unknown' };
  // a survey whose conversation was reopened before it was due: never sent (the hub says why)
  if (m.delivery === 'cancelled') return { text: m.delivery_error ?? 'not sent', state: 'cancelled' };
  // held by the workspace's approval rules (hub/approvals): nothing is sent before a supervisor approves it
  if (m.delivery === 'awaiting_approval') {
    const why = m.delivery_error?.replace(/^awaiting approval:\s*/, '') ?? '';
    return { text: `awaiting approval by a supervisor since ${clockTime(m.created_at)}${why ? ` (${why})` : ''}`, state: 'awaiting' };
  }
  // an approver said no: never sent; the text went back to the author's composer with the note
  if (m.delivery === 'rejected') return { text: `not sent: ${m.delivery_error ?? 'rejected'}`, state: 'rejected' };
  return { text: m.delivery, state: m.delivery };
}

const DELIVERY_ICON = { sent: Check, waiting: WifiOff, sending: Loader, failed: AlertTriangle, cancelled: Ban, awaiting: Hourglass, rejected: Ban } as const;

function Delivery({ m }: { m: ThreadMessage }) {
  const d = deliveryLabel(m);
  const Icon = (DELIVERY_ICON as Record<string, typeof Check>)[d.state] ?? Clock;
  return (
    <>
      <span className={`delivery delivery-${d.state}`} role="status" aria-label={`Delivery: ${d.text}`}><Icon size={12} aria-hidden="true" /> {d.text}</span>
      {d.state === 'failed' && (
        <button className="link" onClick={() => { act('outbox.retry', { id: m.id }).catch((e: Error) => useUi.getState().announce(e.message)); }} aria-label="Retry sending (Shift+R)">Retry</button>
      )}
    </>
  );
}

export function MessageList({ data, label }: { data: DesktopResponse<'conversation.get'>; label: string }) {
  const items: Item[] = [
    ...data.messages.map((m) => ({ kind: 'message' as const, m, at: m.created_at })),
    ...data.notes.map((n) => ({ kind: 'note' as const, n, at: n.created_at })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  let day = '';
  return (
    <ol className="messages" aria-label={label}>
      {items.map((it) => {
        const key = dayKey(it.at);
        const separator = key !== day ? <li className="day" aria-hidden="true"><time dateTime={it.at}>{dayLabel(it.at)}</time></li> : null;
        day = key;
        if (it.kind === 'note') {
          return (
            <Fragment key={it.n.id}>
              {separator}
              <li className="msg note" aria-label={`Internal note by ${it.n.author_name}`}>
                <Avatar name={it.n.author_name} id={it.n.author_id} />
                <div className="bubble">
                  <div className="msg-head"><span className="badge note-badge">Internal note</span> <strong>{it.n.author_name}</strong> <time className="muted num" dateTime={it.n.created_at}>{clockTime(it.n.created_at)}</time></div>
                  <p className="msg-text">{it.n.text}</p>
                </div>
              </li>
            </Fragment>
          );
        }
        const m = it.m;
        const out = m.direction === 'outbound';
        const d = out ? deliveryLabel(m) : null;
        return (
          <Fragment key={m.id}>
            {separator}
            <li className={`msg ${out ? 'out' : 'in'} ${m.visibility}`} aria-label={`${out ? 'Reply' : 'Message'} from ${m.author_name}, ${m.visibility}${d ? `, ${d.text}` : ''}`}>
              <Avatar name={m.author_name} id={m.author_id ?? m.author_name} />
              <div className="bubble">
                <div className="msg-head">
                  <strong>{m.author_name}</strong>
                  {m.visibility === 'private' && <span className="badge vis-private">private message</span>}
                  <time className="muted num" dateTime={m.created_at}>{clockTime(m.created_at)}</time>
                  {out && <Delivery m={m} />}
                </div>
                <p className="msg-text">{m.text}</p>
              </div>
            </li>
          </Fragment>
        );
      })}
    </ol>
  );
}

export function Thread() {
  const selectedId = useUi((s) => s.selectedId);
  const q = useConversation(selectedId);
  const session = useSession();
  const now = useClock((s) => s.now);
  const endRef = useRef<HTMLDivElement>(null);
  useViewingHeartbeat(selectedId);
  useHandleTime(selectedId);
  const messageCount = q.data ? q.data.messages.length + q.data.notes.length : 0;
  useEffect(() => { endRef.current?.scrollIntoView({ block: 'end' }); }, [selectedId, messageCount]);
  // A search hit asked for the thread: focus it when this conversation is rendered, unless the agent
  // has opened an overlay meanwhile.
  const threadWanted = useUi((s) => s.threadWanted);
  const shown = q.data?.conversation.id === selectedId;
  useEffect(() => {
    if (!threadWanted || !shown) return;
    useUi.setState({ threadWanted: false });
    if (!useUi.getState().overlay) document.getElementById('thread')?.focus();
  }, [threadWanted, shown]);

  if (!selectedId) {
    return (
      <section className="pane thread" aria-label="Conversation">
        <EmptyState icon={InboxIcon} title="No conversation selected"><kbd>j</kbd> <kbd>k</kbd> move through the list, <kbd>/</kbd> searches every message.</EmptyState>
      </section>
    );
  }
  if (!q.data) {
    return (
      <section className="pane thread" aria-label="Conversation" aria-busy={!q.error}>
        {q.error && <EmptyState icon={AlertTriangle} title="This conversation is not on this desktop">{q.error.message}</EmptyState>}
      </section>
    );
  }
  const { conversation: c, customer } = q.data;
  const sla = slaView(c, now);
  const assignee = c.assignee_id ? session.data?.agents.find((a) => a.id === c.assignee_id)?.name ?? 'someone' : 'unassigned';
  const visibility = q.data.messages.find((m) => m.direction === 'inbound')?.visibility;
  const handle = customer?.identities.find((i) => i.channel === c.channel)?.handle;
  const name = customer?.name ?? 'Unknown customer';
  return (
    <section className="pane thread" aria-label="Conversation">
      <header className="thread-head">
        <div className="thread-title">
          <Avatar name={name} id={customer?.id} size={32} />
          <h1>{name}{handle && handle !== customer?.name && <span className="handle"> {handle}</span>}</h1>
        </div>
        <div className="thread-meta">
          <span className="chan-name"><ChannelIcon channel={c.channel} visibility={visibility} labelled={false} /> {channelName(c.channel, visibility)}</span>
          <span className={`prio-chip prio-${c.priority}`}>{c.priority} priority</span>
          <span className={`status status-${c.status}`}>{c.status}{c.status === 'snoozed' && c.snoozed_until ? ` until ${clockTime(c.snoozed_until)}` : ''}</span>
          <span className="muted">{assignee}</span>
          {sla.clock && <span className={`sla sla-${sla.state} num`} title={`SLA: ${CLOCK_NAME[sla.clock]}`}>{sla.label}</span>}
        </div>
        <AnalysisLine c={c} />
        <Viewers conversationId={c.id} />
        {c.tags.length > 0 && <div className="tags">{c.tags.map((t) => <span key={t} className="tag">#{t}</span>)}</div>}
      </header>
      <HandoverSummary data={q.data} />
      {/* focusable: the messages scroll with the arrow keys (Enter on a row, or Tab, lands here) */}
      <div id="thread" className="thread-body" tabIndex={0} aria-label="Messages">
        <MessageList data={q.data} label="Messages" />
        <div ref={endRef} />
      </div>
      <Composer key={c.id} data={q.data} />
    </section>
  );
}
