/** The conversation: header with the analysis, then every message and internal note in time order. */
import { useEffect, useRef } from 'react';
import type { DesktopResponse, ThreadMessage } from '../../../shared/contract/desktop';
import type { Note } from '../../../shared/domain';
import { act } from '../api/mutations';
import { useConversation, useSession } from '../api/queries';
import { CHANNEL_LABEL, clockTime, slaDue, slaState } from '../app/format';
import { useClock, useUi } from '../app/store';
import { Composer } from './composer/Composer';
import { useViewingHeartbeat, Viewers } from './Collision';
import { AnalysisLine } from './Labels';

type Item = { kind: 'message'; m: ThreadMessage } | { kind: 'note'; n: Note };

export function deliveryLabel(m: ThreadMessage): { text: string; state: string } {
  if (m.local_state === 'waiting') return { text: 'waiting (offline)', state: 'waiting' };
  if (m.local_state === 'sending' || m.delivery === 'sending' || m.delivery === 'queued') return { text: 'sending', state: 'sending' };
  if (m.delivery === 'failed') return { text: `failed${m.delivery_error ? `: ${m.delivery_error}` : ''}`, state: 'failed' };
  if (m.delivery === 'sent') return { text: 'sent', state: 'sent' };
  return { text: m.delivery, state: m.delivery };
}

export function MessageList({ data, label }: { data: DesktopResponse<'conversation.get'>; label: string }) {
  const items: Item[] = [
    ...data.messages.map((m) => ({ kind: 'message' as const, m })),
    ...data.notes.map((n) => ({ kind: 'note' as const, n })),
  ].sort((a, b) => (a.kind === 'message' ? a.m.created_at : a.n.created_at).localeCompare(b.kind === 'message' ? b.m.created_at : b.n.created_at));
  return (
    <ol className="messages" aria-label={label}>
      {items.map((it) => {
        if (it.kind === 'note') {
          return (
            <li key={it.n.id} className="msg note" aria-label={`Internal note by ${it.n.author_name}`}>
              <div className="msg-head"><span className="badge note-badge">Internal note</span> <strong>{it.n.author_name}</strong> <time className="muted num" dateTime={it.n.created_at}>{clockTime(it.n.created_at)}</time></div>
              <p className="msg-text">{it.n.text}</p>
            </li>
          );
        }
        const m = it.m;
        const out = m.direction === 'outbound';
        const d = out ? deliveryLabel(m) : null;
        return (
          <li key={m.id} className={`msg ${out ? 'out' : 'in'} ${m.visibility}`} aria-label={`${out ? 'Reply' : 'Message'} from ${m.author_name}, ${m.visibility}${d ? `, ${d.text}` : ''}`}>
            <div className="msg-head">
              <strong>{m.author_name}</strong>
              <span className={`badge vis-${m.visibility}`}>{m.visibility === 'public' ? 'public' : 'private message'}</span>
              <time className="muted num" dateTime={m.created_at}>{clockTime(m.created_at)}</time>
              {d && <span className={`delivery delivery-${d.state}`} role="status" aria-label={`Delivery: ${d.text}`}>{d.state === 'sent' ? '✓ sent' : d.text}</span>}
              {d?.state === 'failed' && (
                <button className="link" onClick={() => { act('outbox.retry', { id: m.id }).catch((e: Error) => useUi.getState().announce(e.message)); }} aria-label="Retry sending (Shift+R)">Retry</button>
              )}
            </div>
            <p className="msg-text">{m.text}</p>
          </li>
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

  if (!selectedId) return <section className="pane thread" aria-label="Conversation"><p className="empty">No conversation selected. j/k to move, / to search.</p></section>;
  if (!q.data) return <section className="pane thread" aria-label="Conversation" aria-busy="true">{q.error ? <p className="error" role="alert">{q.error.message}</p> : null}</section>;
  const { conversation: c, customer } = q.data;
  const sla = slaState(slaDue(c), now);
  const assignee = c.assignee_id ? session.data?.agents.find((a) => a.id === c.assignee_id)?.name ?? 'someone' : 'unassigned';
  const handle = customer?.identities.find((i) => i.channel === c.channel)?.handle;
  return (
    <section className="pane thread" aria-label="Conversation">
      <header className="thread-head">
        <h1>{customer?.name ?? 'Unknown customer'}{handle && handle !== customer?.name && <span className="muted"> {handle}</span>}</h1>
        <div className="thread-meta">
          <span>{CHANNEL_LABEL[c.channel]}</span>
          <span className={`prio prio-${c.priority}`}>{c.priority} priority</span>
          <span className={`status status-${c.status}`}>{c.status}{c.status === 'snoozed' && c.snoozed_until ? ` until ${clockTime(c.snoozed_until)}` : ''}</span>
          <span className="muted">{assignee}</span>
          {sla.state !== 'none' && <span className={`sla sla-${sla.state} num`}>{sla.label}</span>}
        </div>
        <AnalysisLine c={c} />
        <Viewers conversationId={c.id} />
        {c.tags.length > 0 && <div className="tags">{c.tags.map((t) => <span key={t} className="tag">#{t}</span>)}</div>}
      </header>
      <div id="thread" className="thread-body" tabIndex={-1} aria-label="Messages">
        <MessageList data={q.data} label="Messages" />
        <div ref={endRef} />
      </div>
      <Composer key={c.id} data={q.data} />
    </section>
  );
}
