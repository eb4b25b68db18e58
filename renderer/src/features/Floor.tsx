/**
 * The supervisor's floor: queue depth by team and channel, longest waiting, SLA at risk and
 * breached, agents with presence/load/handle time, throughput per hour and the sentiment
 * trend — live (the hub pushes 'floor.changed' at most once a second) — and acting by key:
 * on a conversation a = reassign, m = take over, p = priority; on an agent s = presence, m = message;
 * on a department insight x = close with a resolution.
 */
import { useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Floor as FloorData } from '../../../shared/contract/supervisor';
import { PrioritySchema } from '../../../shared/domain';
import { act, useAction } from '../api/mutations';
import { keys, queryClient, useFloor, useSession } from '../api/queries';
import { clockTime, shortDuration } from '../app/format';
import { useClock, useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { KeyList } from '../components/KeyList';
import { ListPicker } from '../components/ListPicker';
import { InsightsList } from './Insights';
import { PresencePicker } from './Presence';

type SlaItem = FloorData['sla']['at_risk'][number] & { breached: boolean };
type FloorAgent = FloorData['agents'][number];
type Act =
  | null
  | { kind: 'reassign' | 'priority'; item: SlaItem }
  | { kind: 'presence' | 'message'; agent: FloorAgent };

const hour = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const announce = (t: string) => useUi.getState().announce(t);
const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.floor });

function MessageAgent({ agent, onDone }: { agent: FloorAgent; onDone(): void }) {
  const [text, setText] = useState('');
  const message = useAction('supervisor.message', { onSuccess: () => { onDone(); announce(`Message sent to ${agent.name}`); } });
  const error = message.error?.message ?? null;
  const send = () => {
    if (!text.trim() || message.isPending) return;
    message.mutate({ agent_id: agent.id, text });
  };
  return (
    <Dialog label={`Message ${agent.name}`} onClose={onDone}>
      <h2>Message {agent.name}</h2>
      <textarea aria-label={`Message to ${agent.name}`} data-autofocus rows={3} value={text} onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } }} />
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Enter sends · Shift+Enter new line · Esc cancels</p>
      <div className="dialog-actions"><button onClick={send}>Send</button><button onClick={onDone}>Cancel</button></div>
    </Dialog>
  );
}

export function Floor() {
  const q = useFloor();
  const session = useSession().data;
  const now = useClock((s) => s.now);
  const [pending, setAct] = useState<Act>(null);
  const home = useRef<HTMLDivElement>(null);
  const done = () => { setAct(null); requestAnimationFrame(() => home.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus()); };
  const me = session?.agent;
  const loaded = !!q.data;
  // Arriving on the floor: the keyboard lands in the SLA list.
  useEffect(() => {
    if (loaded && !home.current?.contains(document.activeElement)) home.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();
  }, [loaded]);

  if (q.error) return <section className="pane floor" aria-label="Floor"><h1>Floor</h1><p className="error" role="alert">{q.error.message}</p></section>;
  if (!q.data) return <section className="pane floor" aria-label="Floor" aria-busy="true"><h1>Floor</h1></section>;
  const f = q.data;
  const total = f.queues.reduce((n, x) => n + x.depth, 0);
  const longest = f.queues.map((x) => x.longest_waiting_since).filter((x): x is string => !!x).sort()[0] ?? null;
  const queueData = f.queues.map((x) => ({ name: `${x.team_name} · ${x.channel}`, depth: x.depth }));
  const sla: SlaItem[] = [...f.sla.breached.map((x) => ({ ...x, breached: true })), ...f.sla.at_risk.map((x) => ({ ...x, breached: false }))];
  const agentName = (id: string | null) => (id ? f.agents.find((a) => a.id === id)?.name ?? session?.agents.find((a) => a.id === id)?.name ?? id : 'unassigned');

  const onSla = (key: string, item: SlaItem): boolean => {
    if (key === 'a') { setAct({ kind: 'reassign', item }); return true; }
    if (key === 'p') { setAct({ kind: 'priority', item }); return true; }
    if (key === 'm' && me) {
      void act('conversation.assign', { conversation_id: item.conversation_id, assignee_id: me.id })
        .then(() => { announce(`Took over “${item.subject}”`); refresh(); }, (e) => announce(e.message));
      return true;
    }
    return false;
  };
  const onAgent = (key: string, agent: FloorAgent): boolean => {
    if (key === 's') { setAct({ kind: 'presence', agent }); return true; }
    if (key === 'm') { setAct({ kind: 'message', agent }); return true; }
    return false;
  };

  return (
    <section className="pane floor" aria-label="Floor" ref={home}>
      <header className="floor-head">
        <h1>Floor</h1>
        <span className="muted num">updated {clockTime(f.generated_at)}</span>
        <span className="floor-kpi" role="status" aria-label={`Queue depth ${total}`}>Queue depth <strong className="num">{total}</strong></span>
        <span className="floor-kpi" aria-label={`Longest waiting ${longest ? shortDuration(now - Date.parse(longest)) : 'nobody'}`}>
          Longest waiting <strong className="num">{longest ? shortDuration(now - Date.parse(longest)) : '—'}</strong>
        </span>
        <span className="floor-kpi">SLA breached <strong className="num">{f.sla.breached.length}</strong> · at risk <strong className="num">{f.sla.at_risk.length}</strong></span>
      </header>
      <div className="floor-grid">
        <figure className="floor-card">
          <figcaption>Queue depth by team and channel</figcaption>
          <BarChart width={420} height={180} data={queueData} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="name" fontSize={10} /><YAxis allowDecimals={false} fontSize={10} /><Tooltip />
            <Bar dataKey="depth" fill="var(--accent, #3867d6)" isAnimationActive={false} />
          </BarChart>
          <table className="floor-table" aria-label="Queues">
            <thead><tr><th>Team</th><th>Channel</th><th>Depth</th><th>Longest waiting</th></tr></thead>
            <tbody>{f.queues.map((x) => (
              <tr key={`${x.team_id}-${x.channel}`}><td>{x.team_name}</td><td>{x.channel}</td><td className="num">{x.depth}</td>
                <td className="num">{x.longest_waiting_since ? shortDuration(now - Date.parse(x.longest_waiting_since)) : '—'}</td></tr>
            ))}</tbody>
          </table>
        </figure>
        <div className="floor-card">
          <h2>SLA <span className="muted">a reassign · m take over · p priority</span></h2>
          <KeyList label="SLA at risk and breached" items={sla} id={(x) => x.conversation_id} onAction={onSla} empty="Nothing at risk."
            render={(x) => (
              <span aria-label={`${x.breached ? 'Breached' : 'At risk'}: ${x.subject || x.conversation_id}, ${x.priority} priority, ${agentName(x.assignee_id)}`}>
                <span className={`sla sla-${x.breached ? 'breached' : 'warning'}`}>{x.breached ? 'breached' : 'at risk'}</span>{' '}
                <strong>{x.subject || x.conversation_id}</strong> <span className={`prio prio-${x.priority}`}>{x.priority}</span>{' '}
                <span className="muted">{agentName(x.assignee_id)} · due {clockTime(x.due_at)}</span>
              </span>
            )} />
        </div>
        <div className="floor-card">
          <h2>Agents <span className="muted">s presence · m message</span></h2>
          <KeyList label="Agents" items={f.agents} id={(a) => a.id} onAction={onAgent} empty="No agents."
            render={(a) => (
              <span aria-label={`${a.name}: ${a.presence}, ${a.open_conversations} of ${a.capacity} open${a.handle_time_s !== null ? `, handle time ${shortDuration(a.handle_time_s * 1000)}` : ''}`}>
                <span aria-hidden="true">{a.routable ? '◉' : '◎'}</span> <strong>{a.name}</strong> <span className="muted">{a.role}</span>{' '}
                <span className="presence-label">{a.presence}</span>{' '}
                <span className="num">{a.open_conversations}/{a.capacity}</span>{' '}
                <span className="muted num">{a.handle_time_s !== null ? `AHT ${shortDuration(a.handle_time_s * 1000)}` : ''}</span>
              </span>
            )} />
        </div>
        <div className="floor-card">
          <h2>Department insights <span className="muted">x close with a resolution</span></h2>
          <InsightsList />
        </div>
        <figure className="floor-card">
          <figcaption>Throughput per hour</figcaption>
          <LineChart width={420} height={180} data={f.throughput.map((t) => ({ ...t, hour: hour(t.hour) }))} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="hour" fontSize={10} /><YAxis allowDecimals={false} fontSize={10} /><Tooltip /><Legend />
            <Line dataKey="inbound" stroke="#8854d0" isAnimationActive={false} dot={false} />
            <Line dataKey="replies" stroke="#3867d6" isAnimationActive={false} dot={false} />
            <Line dataKey="resolved" stroke="#20bf6b" isAnimationActive={false} dot={false} />
          </LineChart>
        </figure>
        <figure className="floor-card">
          <figcaption>Sentiment trend (average per hour, −1 to +1)</figcaption>
          <LineChart width={420} height={180} data={f.sentiment_trend.map((t) => ({ ...t, hour: hour(t.hour) }))} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="hour" fontSize={10} /><YAxis domain={[-1, 1]} fontSize={10} /><Tooltip />
            <Line dataKey="average" stroke="#fa8231" isAnimationActive={false} connectNulls />
          </LineChart>
        </figure>
      </div>

      {pending?.kind === 'reassign' && (
        <ListPicker label={`Reassign “${pending.item.subject || pending.item.conversation_id}”`} placeholder="Type a name…" onClose={done}
          items={[...f.agents.map((a) => ({ id: a.id, label: a.name, detail: `${a.presence} · ${a.open_conversations}/${a.capacity}` })), { id: '', label: 'Unassign (back to the queue)' }]}
          onPick={(it) => {
            const item = pending.item;
            done();
            void act('conversation.assign', { conversation_id: item.conversation_id, assignee_id: it.id || null })
              .then(() => { announce(`Reassigned to ${it.label}`); refresh(); }, (e) => announce(e.message));
          }} />
      )}
      {pending?.kind === 'priority' && (
        <ListPicker label="Set priority" placeholder="Press 1–4" filter={false} onClose={done}
          items={PrioritySchema.options.map((p, i) => ({ id: p, key: String(i + 1), label: p[0]!.toUpperCase() + p.slice(1), detail: p === pending.item.priority ? 'current' : undefined }))}
          onPick={(it) => {
            const item = pending.item;
            done();
            void act('conversation.setPriority', { conversation_id: item.conversation_id, priority: it.id as never })
              .then(() => { announce(`Priority ${it.id}`); refresh(); }, (e) => announce(e.message));
          }} />
      )}
      {pending?.kind === 'presence' && <PresencePicker agentId={pending.agent.id} agentName={pending.agent.name} onDone={done} />}
      {pending?.kind === 'message' && <MessageAgent agent={pending.agent} onDone={done} />}
    </section>
  );
}
