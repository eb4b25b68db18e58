/**
 * The supervisor's floor: queue depth by team and channel, longest waiting, SLA at risk and
 * breached, agents with presence/load/handle time, throughput per hour and the sentiment
 * trend — live (the hub pushes 'floor.changed' at most once a second) — and acting by key:
 * on a conversation a = reassign, m = take over, p = priority; on an agent s = presence, m = message;
 * on a department insight x = close with a resolution; on a spike alert (shown while there are any)
 * Enter or 1–3 = open an example post's conversation, a = acknowledge, c = crisis mode.
 */
import { useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Floor as FloorData } from '../../../shared/contract/supervisor';
import type { Channel } from '../../../shared/domain';
import { PrioritySchema } from '../../../shared/domain';
import { act, useAction } from '../api/mutations';
import { keys, queryClient, useFloor, useSession } from '../api/queries';
import { CHANNEL_LABEL, clockTime, shortDuration } from '../app/format';
import { useClock, useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { KeyList } from '../components/KeyList';
import { ListPicker } from '../components/ListPicker';
import { InsightsList } from './Insights';
import { SpikeAlerts, topicOf } from './SpikeAlerts';
import { StartCrisisDialog } from './Crisis';
import { StaffingCards } from './Staffing';
import type { SpikeAlertView } from '../../../shared/contract/spikes';
import { Avatar } from '../components/Avatar';
import { ChannelIcon } from '../components/ChannelIcon';
import { AgentPicker } from './AgentPicker';
import { PresencePicker } from './Presence';
import { ChannelSchema } from '../../../shared/domain';

type SlaItem = FloorData['sla']['at_risk'][number] & { breached: boolean };
type FloorAgent = FloorData['agents'][number];
type Act =
  | null
  | { kind: 'reassign' | 'priority'; item: SlaItem }
  | { kind: 'presence' | 'message'; agent: FloorAgent }
  | { kind: 'crisis'; alert: SpikeAlertView };

const HOUR = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const hour = (iso: string) => HOUR.format(Date.parse(iso));
const isChannel = (c: string): c is Channel => (ChannelSchema.options as string[]).includes(c);
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
      <p className="muted">{agent.name} sees it at once, on top of their desk, until they dismiss it.</p>
      <label className="field">Message
        <textarea aria-label={`Message to ${agent.name}`} data-autofocus rows={3} value={text} maxLength={2000} placeholder="Please take the refund backlog"
          onChange={(e) => setText(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } }} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Enter sends · Shift+Enter new line · Esc cancels</p>
      <div className="dialog-actions"><button onClick={onDone}>Cancel</button><button className="primary" onClick={send} disabled={message.isPending || !text.trim()}>Send</button></div>
    </Dialog>
  );
}

export function Floor() {
  const q = useFloor();
  const session = useSession().data;
  const now = useClock((s) => s.now);
  const [pending, setAct] = useState<Act>(null);
  const home = useRef<HTMLDivElement>(null);
  // the keyboard's home on the floor is the SLA list (spike alerts, when there are any, sit above it and are reached by Shift+Tab)
  const focusHome = () => home.current?.querySelector<HTMLElement>('[role="listbox"][aria-label="SLA at risk and breached"]')?.focus();
  const done = () => { setAct(null); requestAnimationFrame(focusHome); };
  const me = session?.agent;
  const loaded = !!q.data;
  // Arriving on the floor: the keyboard lands in the SLA list.
  useEffect(() => {
    if (loaded && !home.current?.contains(document.activeElement)) focusHome();
  }, [loaded]);

  if (q.error) return <section className="pane floor" aria-label="Floor"><h1>Floor</h1><p className="error" role="alert">{q.error.message}</p></section>;
  if (!q.data) return <section className="pane floor" aria-label="Floor" aria-busy="true"><h1>Floor</h1></section>;
  const f = q.data;
  const total = f.queues.reduce((n, x) => n + x.depth, 0);
  const longest = f.queues.map((x) => x.longest_waiting_since).filter((x): x is string => !!x).sort()[0] ?? null;
  const queueData = f.queues.map((x) => ({ name: `${x.team_name} · ${CHANNEL_LABEL[x.channel] ?? x.channel}`, depth: x.depth }));
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

  const longestWait = longest ? shortDuration(now - Date.parse(longest)) : null;
  const axis = { fontSize: 11, tickLine: false } as const;
  return (
    <section className="pane floor" aria-label="Floor" ref={home}>
      <header className="floor-head">
        <h1>Floor</h1>
        <span className="muted">updated <time className="num" dateTime={f.generated_at}>{clockTime(f.generated_at)}</time></span>
      </header>
      <div className="kpis">
        <div className="kpi" role="status" aria-label={`Queue depth ${total}`}><span className="kpi-label">Queue depth</span><strong className="num">{total}</strong></div>
        <div className="kpi" aria-label={`Longest waiting ${longestWait ?? 'nobody'}`}><span className="kpi-label">Longest waiting</span><strong className="num">{longestWait ?? '—'}</strong></div>
        <div className={`kpi${f.sla.breached.length ? ' alert' : ''}`}><span className="kpi-label">SLA breached</span><strong className="num">{f.sla.breached.length}</strong></div>
        <div className="kpi"><span className="kpi-label">SLA at risk</span><strong className="num">{f.sla.at_risk.length}</strong></div>
      </div>
      <div className="floor-grid">
        {f.alerts.length > 0 && (
          <div className="floor-card span-12 spike-card">
            <h2>Spike alerts <span className="muted keys">Enter or 1–3 open an example · a acknowledge · c crisis mode</span></h2>
            <SpikeAlerts alerts={f.alerts} onCrisis={(alert) => setAct({ kind: 'crisis', alert })} />
          </div>
        )}
        <div className="floor-card span-6">
          <h2>SLA at risk and breached <span className="muted keys">a reassign · m take over · p priority</span></h2>
          <KeyList label="SLA at risk and breached" items={sla} id={(x) => x.conversation_id} onAction={onSla} empty="Nothing at risk."
            render={(x) => (
              <span aria-label={`${x.breached ? 'Breached' : 'At risk'}: ${x.subject || x.conversation_id}, ${x.priority} priority, ${agentName(x.assignee_id)}`}>
                <span className={`sla sla-${x.breached ? 'breached' : 'warning'}`}>{x.breached ? `breached ${shortDuration(now - Date.parse(x.due_at))} ago` : `due in ${shortDuration(Date.parse(x.due_at) - now)}`}</span>
                <strong>{x.subject || x.conversation_id}</strong> <span className={`prio-chip prio-${x.priority}`}>{x.priority}</span>
                <span className="muted">{agentName(x.assignee_id)}</span>
              </span>
            )} />
        </div>
        <div className="floor-card span-6">
          <h2>Agents <span className="muted keys">s presence · m message</span></h2>
          <KeyList label="Agents" items={f.agents} id={(a) => a.id} onAction={onAgent} empty="No agents."
            render={(a) => {
              const load = a.capacity > 0 ? a.open_conversations / a.capacity : 0;
              return (
                <span className="agent-row" aria-label={`${a.name}: ${a.presence}, ${a.open_conversations} of ${a.capacity} open, ${a.replies_per_hour} replies in the last hour${a.handle_time_s !== null ? `, handle time ${shortDuration(a.handle_time_s * 1000)}` : ''}`}>
                  <Avatar name={a.name} id={a.id} size={22} />
                  <strong>{a.name}</strong>
                  <span className={`presence-label${a.routable ? ' senti-pos' : ' muted'}`}>{a.presence}</span>
                  <span className="num" title="open conversations / capacity">{a.open_conversations}/{a.capacity} <span className={`load-bar${load > 1 ? ' over' : load >= 1 ? ' full' : ''}`} aria-hidden="true"><span style={{ width: `${Math.min(100, load * 100)}%` }} /></span></span>
                  <span className="muted num" title="replies sent in the last hour">{a.replies_per_hour}/h</span>
                  <span className="muted num" title="average handle time today">{a.handle_time_s !== null ? `AHT ${shortDuration(a.handle_time_s * 1000)}` : 'AHT —'}</span>
                </span>
              );
            }} />
        </div>
        {f.staffing && <StaffingCards staffing={f.staffing} onAgentKey={(key, id) => {
          const agent = f.agents.find((a) => a.id === id);
          return agent ? onAgent(key, agent) : false;
        }} />}
        <figure className="floor-card span-4">
          <figcaption>Queue depth by team and channel <span className="muted keys">conversations waiting</span></figcaption>
          <div className="chart" style={{ height: Math.max(200, queueData.length * 28 + 50) }}>
            <ResponsiveContainer>
              <BarChart data={queueData} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 16 }} accessibilityLayer>
                <CartesianGrid horizontal={false} />
                <XAxis type="number" allowDecimals={false} {...axis} label={{ value: 'Conversations waiting', position: 'insideBottom', offset: -8, fontSize: 11 }} />
                <YAxis type="category" dataKey="name" width={150} interval={0} {...axis} />
                <Tooltip cursor={{ fill: 'var(--sunken)' }} />
                <Bar dataKey="depth" name="Waiting" fill="var(--blue)" isAnimationActive={false} radius={[0, 3, 3, 0]} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
        <figure className="floor-card span-4">
          <figcaption>Throughput per hour <span className="muted keys">last 12 hours, conversations</span></figcaption>
          <div className="chart">
            <ResponsiveContainer>
              <LineChart data={f.throughput.map((t) => ({ ...t, hour: hour(t.hour) }))} margin={{ left: 4, right: 16, top: 4, bottom: 16 }} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="hour" interval="preserveStartEnd" minTickGap={16} {...axis} label={{ value: 'Hour (local time)', position: 'insideBottom', offset: -8, fontSize: 11 }} />
                <YAxis allowDecimals={false} width={44} {...axis} label={{ value: 'per hour', angle: -90, position: 'insideLeft', offset: 10, fontSize: 11 }} />
                <Tooltip /><Legend verticalAlign="top" height={24} iconType="plainline" />
                <Line dataKey="inbound" name="Inbound" stroke="var(--accent)" strokeWidth={2} isAnimationActive={false} dot={false} />
                <Line dataKey="replies" name="Replies" stroke="var(--blue)" strokeWidth={2} isAnimationActive={false} dot={false} />
                <Line dataKey="resolved" name="Resolved" stroke="var(--green)" strokeWidth={2} isAnimationActive={false} dot={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
        <figure className="floor-card span-4">
          <figcaption>Sentiment trend <span className="muted keys">average per hour, −1 negative to +1 positive</span></figcaption>
          <div className="chart">
            <ResponsiveContainer>
              <LineChart data={f.sentiment_trend.map((t) => ({ ...t, hour: hour(t.hour) }))} margin={{ left: 4, right: 16, top: 4, bottom: 16 }} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="hour" interval="preserveStartEnd" minTickGap={16} {...axis} label={{ value: 'Hour (local time)', position: 'insideBottom', offset: -8, fontSize: 11 }} />
                <YAxis domain={[-1, 1]} ticks={[-1, -0.5, 0, 0.5, 1]} width={44} {...axis} label={{ value: 'sentiment', angle: -90, position: 'insideLeft', offset: 10, fontSize: 11 }} />
                <ReferenceLine y={0} stroke="var(--line-strong)" />
                <Tooltip />
                <Line dataKey="average" name="Average sentiment" stroke="var(--amber)" strokeWidth={2} isAnimationActive={false} connectNulls dot={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
        <div className="floor-card span-6">
          <h2>Department insights <span className="muted keys">Enter opens · x close with a resolution</span></h2>
          <InsightsList />
        </div>
        <div className="floor-card span-6">
          <h2>Queues <span className="muted keys">by team and channel</span></h2>
          <table className="floor-table" aria-label="Queues">
            <thead><tr><th>Team</th><th>Channel</th><th className="num">Depth</th><th className="num">Longest waiting</th></tr></thead>
            <tbody>{f.queues.map((x) => (
              <tr key={`${x.team_id}-${x.channel}`}><td>{x.team_name}</td><td>{isChannel(x.channel) ? <><ChannelIcon channel={x.channel} size={12} labelled={false} /> {CHANNEL_LABEL[x.channel]}</> : x.channel}</td><td className="num">{x.depth}</td>
                <td className="num">{x.longest_waiting_since ? shortDuration(now - Date.parse(x.longest_waiting_since)) : '—'}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </div>

      {pending?.kind === 'reassign' && (
        <AgentPicker label={`Reassign “${pending.item.subject || pending.item.conversation_id}”`} onClose={done} none="Unassign (back to the queue)"
          agents={f.agents.map((a) => ({ id: a.id, name: a.name, presence: a.presence, routable: a.routable, open: a.open_conversations, capacity: a.capacity }))}
          onPick={(assignee, name) => {
            const item = pending.item;
            done();
            void act('conversation.assign', { conversation_id: item.conversation_id, assignee_id: assignee })
              .then(() => { announce(assignee ? `Reassigned to ${name}` : 'Back in the queue'); refresh(); }, (e) => announce(e.message));
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
      {pending?.kind === 'crisis' && <StartCrisisDialog topic={topicOf(pending.alert)} alertId={pending.alert.id} onDone={done} />}
    </section>
  );
}
