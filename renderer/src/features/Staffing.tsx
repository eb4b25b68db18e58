/**
 * Staffing on the Floor (issue 15; the hub's Floor.staffing, pushed with the floor): a chart of today's
 * 15-minute intervals (forecast vs actual conversations, agents required and scheduled), the same
 * intervals as a list read by keyboard (the last two hours and those ahead; under-staffed ones marked),
 * and each agent's adherence now (out of adherence first, since when; on an agent, the Floor's agent keys:
 * s presence, m message).
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AgentAdherence, FloorStaffing, StaffingInterval } from '../../../shared/contract/staffing';
import { shortDuration } from '../app/format';
import { useClock } from '../app/store';
import { KeyList } from '../components/KeyList';
import './staffing.css';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const time = (iso: string) => TIME.format(Date.parse(iso));
const INTERVAL = 15 * 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

export const ADHERENCE_TEXT: Record<AgentAdherence['state'], string> = { in: 'in adherence', out: 'out of adherence', unscheduled: 'working unscheduled' };

/** One interval as a sentence: what the list reads out. */
export function intervalText(x: StaffingInterval): string {
  const actual = x.actual === null ? '' : `, ${x.actual} arrived`;
  const staff = `${x.scheduled} scheduled, ${x.required_scheduled} needed`;
  return `${time(x.start)}: ${round1(x.forecast)} forecast${actual}; ${staff}${x.understaffed ? ' (under-staffed)' : ''}`;
}

export function adherenceText(a: AgentAdherence, now: number): string {
  const since = shortDuration(Math.max(0, now - Date.parse(a.since)));
  const plan = a.scheduled ? `scheduled ${a.scheduled} until ${time(a.shift_ends_at!)}` : 'no shift now';
  return `${a.name}: ${ADHERENCE_TEXT[a.state]} for ${since} (${a.presence}; ${plan})`;
}

/** `onAgentKey`: a key on an agent of the adherence list (the Floor acts on the agent as in its Agents list). */
export function StaffingCards({ staffing, onAgentKey }: { staffing: FloorStaffing; onAgentKey?(key: string, agentId: string): boolean }) {
  const now = useClock((s) => s.now);
  const current = Math.floor(now / INTERVAL) * INTERVAL;
  const shown = staffing.intervals.filter((x) => Date.parse(x.start) >= current - 2 * 3_600_000);
  const under = staffing.intervals.filter((x) => x.understaffed && Date.parse(x.start) >= current).length;
  const data = staffing.intervals.map((x) => ({ ...x, label: time(x.start), forecast: round1(x.forecast) }));
  const axis = { fontSize: 11, tickLine: false } as const;
  const handle = `${shortDuration(staffing.handle_time_sec * 1000)} handle time (${staffing.handle_time_measured ? 'measured' : 'set'})`;
  const s = staffing.settings;
  return (<>
    <figure className="floor-card span-8 staffing-card">
      <figcaption>Staffing today <span className="muted keys">per 15 minutes · {Math.round(s.service_level * 100)} % within {shortDuration(s.target_sec * 1000)} · {handle} · shrinkage {Math.round(s.shrinkage * 100)} %</span></figcaption>
      <div className="chart">
        <ResponsiveContainer>
          <ComposedChart data={data} margin={{ left: 4, right: 16, top: 4, bottom: 16 }} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={24} {...axis} label={{ value: 'Time (local)', position: 'insideBottom', offset: -8, fontSize: 11 }} />
            <YAxis yAxisId="c" allowDecimals={false} width={40} {...axis} label={{ value: 'conversations', angle: -90, position: 'insideLeft', offset: 10, fontSize: 11 }} />
            <YAxis yAxisId="a" orientation="right" allowDecimals={false} width={36} {...axis} label={{ value: 'agents', angle: 90, position: 'insideRight', offset: 10, fontSize: 11 }} />
            <Tooltip /><Legend verticalAlign="top" height={24} />
            <ReferenceLine yAxisId="c" x={time(new Date(current).toISOString())} stroke="var(--line-strong)" label={{ value: 'now', fontSize: 10, position: 'top' }} />
            <Bar yAxisId="c" dataKey="actual" name="Actual conversations" fill="var(--accent)" isAnimationActive={false} />
            <Line yAxisId="c" type="stepAfter" dataKey="forecast" name="Forecast conversations" stroke="var(--blue)" strokeWidth={2} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
            <Line yAxisId="a" type="stepAfter" dataKey="required_scheduled" name="Agents needed" stroke="var(--red)" strokeWidth={2} dot={false} isAnimationActive={false} />
            <Line yAxisId="a" type="stepAfter" dataKey="scheduled" name="Agents scheduled" stroke="var(--green)" strokeWidth={2} dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
    <div className="floor-card span-4">
      <h2>Adherence <span className="muted keys">s presence · m message</span></h2>
      <KeyList label="Adherence" items={staffing.adherence} id={(a) => a.agent_id} onAction={(key, a) => onAgentKey?.(key, a.agent_id) ?? false} empty="Nobody is scheduled now, and nobody works unscheduled."
        render={(a) => (
          <span className="adherence-row" aria-label={adherenceText(a, now)}>
            <strong>{a.name}</strong>
            <span className={`adherence adherence-${a.state}`}>{ADHERENCE_TEXT[a.state]}</span>
            <span className="muted num">{shortDuration(Math.max(0, now - Date.parse(a.since)))}</span>
            <span className="muted">{a.presence} · {a.scheduled ? `${a.scheduled} until ${time(a.shift_ends_at!)}` : 'no shift'}</span>
          </span>
        )} />
    </div>
    <div className="floor-card span-12">
      <h2>Staffing by interval <span className="muted keys">{under ? `${under} under-staffed ahead` : 'none under-staffed ahead'} · the last 2 hours and the next ones</span></h2>
      <KeyList label="Staffing by interval" items={shown} id={(x) => x.start} onAction={() => false} empty="No intervals."
        render={(x) => (
          <span className={`staffing-row${x.understaffed ? ' understaffed' : ''}`} aria-label={intervalText(x)}>
            <span className="num">{time(x.start)}</span>
            <span className="num" title="conversations forecast">forecast {round1(x.forecast)}</span>
            <span className="num" title="conversations that arrived">{x.actual === null ? 'ahead' : `actual ${x.actual}`}</span>
            <span className="num" title="agents scheduled / needed">{x.scheduled}/{x.required_scheduled} agents</span>
            {x.understaffed && <span className="tag sla-breached">under-staffed</span>}
          </span>
        )} />
    </div>
  </>);
}
