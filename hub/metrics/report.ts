/**
 * The care report: every metric for the conversations created in [from, to), in total and by
 * agent, team, channel or brand account. Pure: the same records give the same report, whether
 * they came from the hub database, an import or a test fixture.
 */
import type { ApprovalTimes } from './approval-times';
import { DEFAULT_ROI_SETTINGS, contactKind, roiFigures, type RoiFigures, type RoiSettings } from './roi';
import { pct, summarize, type DurationStats } from './stats';
import { conversationFacts, WALL_CLOCK, type Clock, type SlaPolicy } from './timeline';
import type { InsightRecord, MetricConversation, SurveyRecord } from './types';

export const GROUP_BY = ['agent', 'team', 'channel', 'account'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Key of conversations with no agent / team / account. */
export const NONE_KEY = '(none)';

export interface ReportFilter { agent_id?: string; team_id?: string; channel?: string }

export interface ReportOptions {
  from: number;
  to: number;
  by?: GroupBy | null;
  /** Only conversations of this agent / team / channel. */
  filter?: ReportFilter;
  clock?: Clock;
  sla?: SlaPolicy;
  roi?: RoiSettings;
  /** "Now" for things still waiting (SLA breaches of unanswered conversations). Default: Date.now(). */
  asOf?: number;
}

export interface SlaRate { met: number; breached: number; hit_rate_pct: number | null }

export interface Metrics {
  conversations: number;
  inbound_messages: number;
  outbound_messages: number;
  first_response: DurationStats;
  next_response: DurationStats;
  resolution: DurationStats;
  handle: DurationStats;
  resolved: number;
  reopened: number;
  first_contact_resolution: { answered_resolved: number; first_contact: number; rate_pct: number | null };
  sla: { first_response: SlaRate; next_response: SlaRate; resolution: SlaRate; overall: SlaRate };
  response_rate: { inbound: number; answered: number; rate_pct: number | null };
  csat: { asked: number; answered: number; response_rate_pct: number | null; mean: number | null; satisfied: number; csat_pct: number | null };
  effort: { asked: number; answered: number; easy: number; neutral: number; difficult: number; net_easy: number | null };
  sentiment_change: { conversations: number; mean_delta: number | null; improved: number; worsened: number; unchanged: number };
  volume: { by_channel: Record<string, number>; by_intent: Record<string, number>; by_topic: Record<string, number> };
  insights: { routed: number; closed: number; open: number; closure: DurationStats; by_department: Record<string, { routed: number; closed: number; closure_median_s: number | null }> };
  roi: RoiFigures;
}

export interface Report {
  from: string;
  to: string;
  as_of: string;
  by: GroupBy | null;
  filter: ReportFilter;
  hours: 'business' | 'calendar';
  total: Metrics;
  groups: Array<{ key: string } & Metrics>;
  /** how long public replies waited for approval (approval-times.ts; only reports read from the database have it) */
  approvals?: ApprovalTimes;
}

export interface ReportInput {
  conversations: Iterable<MetricConversation>;
  surveys?: Iterable<SurveyRecord>;
  insights?: Iterable<InsightRecord>;
}

/** Running sums for one group; turned into Metrics at the end. */
class Acc {
  conversations = 0; inbound = 0; outbound = 0; answered = 0;
  frt: number[] = []; nrt: number[] = []; resolution: number[] = []; handle: number[] = [];
  resolved = 0; reopened = 0; answeredResolved = 0; fcr = 0;
  slaFirst = { met: 0, breached: 0 }; slaNext = { met: 0, breached: 0 }; slaRes = { met: 0, breached: 0 };
  csatAsked = 0; csatScores: number[] = []; effortAsked = 0; effortScores: number[] = [];
  sentiment: number[] = [];
  byChannel = new Map<string, number>(); byIntent = new Map<string, number>(); byTopic = new Map<string, number>();
  insights: InsightRecord[] = [];
  social = 0; email = 0; socialResolvedWithoutCall = 0;
}

const bump = (m: Map<string, number>, k: string): void => { m.set(k, (m.get(k) ?? 0) + 1); };
const sortedRecord = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
const slaRate = (o: { met: number; breached: number }): SlaRate => ({ met: o.met, breached: o.breached, hit_rate_pct: pct(o.met, o.met + o.breached) });
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function groupKey(c: MetricConversation, by: GroupBy): string {
  const v = by === 'agent' ? c.assignee_id : by === 'team' ? c.team_id : by === 'channel' ? c.channel : c.account_id;
  return v ?? NONE_KEY;
}

function matches(c: MetricConversation, f: ReportFilter): boolean {
  return (f.agent_id === undefined || c.assignee_id === f.agent_id)
    && (f.team_id === undefined || c.team_id === f.team_id)
    && (f.channel === undefined || c.channel === f.channel);
}

export function validateRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error('report range: from and to must be valid dates');
  if (to <= from) throw new Error('report range: "to" must be after "from"');
}

export function computeReport(input: ReportInput, opts: ReportOptions): Report {
  validateRange(opts.from, opts.to);
  const clock = opts.clock ?? WALL_CLOCK;
  const roi = opts.roi ?? DEFAULT_ROI_SETTINGS;
  const asOf = opts.asOf ?? Date.now();
  const by = opts.by ?? null;
  const filter = opts.filter && Object.values(opts.filter).some((v) => v !== undefined) ? opts.filter : null;
  const total = new Acc();
  const groups = new Map<string, Acc>();
  const groupOfConversation = new Map<string, Acc[]>();

  const accsFor = (key: string | null): Acc[] => {
    if (key === null) return [total];
    let g = groups.get(key);
    if (!g) { g = new Acc(); groups.set(key, g); }
    return [total, g];
  };

  for (const c of input.conversations) {
    if (c.created_at < opts.from || c.created_at >= opts.to) continue;
    if (filter && !matches(c, filter)) continue;
    const accs = accsFor(by ? groupKey(c, by) : null);
    groupOfConversation.set(c.id, accs);
    const f = conversationFacts(c, clock, asOf, opts.sla);
    const kind = contactKind(c.channel);
    const withoutCall = f.resolved && kind === 'social' && !c.tags.includes(roi.call_tag);
    for (const a of accs) {
      a.conversations++;
      a.inbound += f.inbound; a.outbound += f.outbound; a.answered += f.answeredInbound;
      if (f.firstResponseS !== null) a.frt.push(f.firstResponseS);
      for (const s of f.nextResponsesS) a.nrt.push(s);
      if (f.resolved) {
        a.resolved++;
        a.resolution.push(f.resolutionS as number);
        if (f.handleS !== null) a.handle.push(f.handleS);
        if (f.outbound > 0) { a.answeredResolved++; if (f.fcr) a.fcr++; }
      }
      if (f.reopens > 0) a.reopened++;
      a.slaFirst.met += f.slaFirst.met; a.slaFirst.breached += f.slaFirst.breached;
      a.slaNext.met += f.slaNext.met; a.slaNext.breached += f.slaNext.breached;
      a.slaRes.met += f.slaResolution.met; a.slaRes.breached += f.slaResolution.breached;
      if (f.sentimentDelta !== null) a.sentiment.push(f.sentimentDelta);
      bump(a.byChannel, c.channel);
      bump(a.byIntent, c.intent ?? NONE_KEY);
      bump(a.byTopic, c.topic ?? NONE_KEY);
      if (kind === 'email') a.email++; else a.social++;
      if (withoutCall) a.socialResolvedWithoutCall++;
    }
  }

  for (const s of input.surveys ?? []) {
    const accs = groupOfConversation.get(s.conversation_id);
    if (!accs) continue;
    const answered = s.score !== null && s.answered_at !== null && s.answered_at <= asOf;
    for (const a of accs) {
      if (s.kind === 'csat') { a.csatAsked++; if (answered) a.csatScores.push(s.score as number); }
      else { a.effortAsked++; if (answered) a.effortScores.push(s.score as number); }
    }
  }

  for (const ins of input.insights ?? []) {
    if (ins.created_at < opts.from || ins.created_at >= opts.to) continue;
    let accs: Acc[];
    if (filter && !(ins.conversation_id && groupOfConversation.has(ins.conversation_id))
      && !(filter.team_id !== undefined && filter.agent_id === undefined && filter.channel === undefined && ins.department_id === filter.team_id)) continue;
    if (by === 'team') accs = accsFor(ins.department_id);
    else if (by) accs = (ins.conversation_id && groupOfConversation.get(ins.conversation_id)) || accsFor(NONE_KEY);
    else accs = [total];
    for (const a of accs) a.insights.push(ins);
  }

  const finish = (a: Acc): Metrics => finishMetrics(a, clock, roi, asOf);
  const keys = [...groups.keys()].sort();
  return {
    from: new Date(opts.from).toISOString(),
    to: new Date(opts.to).toISOString(),
    as_of: new Date(asOf).toISOString(),
    by,
    filter: filter ?? {},
    hours: clock === WALL_CLOCK ? 'calendar' : 'business',
    total: finish(total),
    groups: keys.map((key) => ({ key, ...finish(groups.get(key) as Acc) })),
  };
}

function finishMetrics(a: Acc, clock: Clock, roi: RoiSettings, asOf: number): Metrics {
  const satisfied = a.csatScores.filter((s) => s >= 4).length;
  const csatSum = a.csatScores.reduce((x, y) => x + y, 0);
  const easy = a.effortScores.filter((s) => s >= 4).length;
  const difficult = a.effortScores.filter((s) => s <= 2).length;
  const sentSum = a.sentiment.reduce((x, y) => x + y, 0);
  const closure: number[] = [];
  const depts = new Map<string, { routed: number; closed: number; samples: number[] }>();
  for (const ins of a.insights) {
    let d = depts.get(ins.department_id);
    if (!d) { d = { routed: 0, closed: 0, samples: [] }; depts.set(ins.department_id, d); }
    d.routed++;
    if (ins.closed_at !== null && ins.closed_at <= asOf) {
      const s = clock.businessTimeBetween(ins.created_at, ins.closed_at) / 1000;
      closure.push(s); d.closed++; d.samples.push(s);
    }
  }
  const slaAll = {
    met: a.slaFirst.met + a.slaNext.met + a.slaRes.met,
    breached: a.slaFirst.breached + a.slaNext.breached + a.slaRes.breached,
  };
  return {
    conversations: a.conversations,
    inbound_messages: a.inbound,
    outbound_messages: a.outbound,
    first_response: summarize(a.frt),
    next_response: summarize(a.nrt),
    resolution: summarize(a.resolution),
    handle: summarize(a.handle),
    resolved: a.resolved,
    reopened: a.reopened,
    first_contact_resolution: { answered_resolved: a.answeredResolved, first_contact: a.fcr, rate_pct: pct(a.fcr, a.answeredResolved) },
    sla: { first_response: slaRate(a.slaFirst), next_response: slaRate(a.slaNext), resolution: slaRate(a.slaRes), overall: slaRate(slaAll) },
    response_rate: { inbound: a.inbound, answered: a.answered, rate_pct: pct(a.answered, a.inbound) },
    csat: {
      asked: a.csatAsked,
      answered: a.csatScores.length,
      response_rate_pct: pct(a.csatScores.length, a.csatAsked),
      mean: a.csatScores.length ? round3(csatSum / a.csatScores.length) : null,
      satisfied,
      csat_pct: pct(satisfied, a.csatScores.length),
    },
    effort: {
      asked: a.effortAsked,
      answered: a.effortScores.length,
      easy,
      neutral: a.effortScores.length - easy - difficult,
      difficult,
      net_easy: a.effortScores.length ? Math.round(((easy - difficult) / a.effortScores.length) * 1000) / 10 : null,
    },
    sentiment_change: {
      conversations: a.sentiment.length,
      mean_delta: a.sentiment.length ? round3(sentSum / a.sentiment.length) : null,
      improved: a.sentiment.filter((d) => d > 0).length,
      worsened: a.sentiment.filter((d) => d < 0).length,
      unchanged: a.sentiment.filter((d) => d === 0).length,
    },
    volume: { by_channel: sortedRecord(a.byChannel), by_intent: sortedRecord(a.byIntent), by_topic: sortedRecord(a.byTopic) },
    insights: {
      routed: a.insights.length,
      closed: closure.length,
      open: a.insights.length - closure.length,
      closure: summarize(closure),
      by_department: Object.fromEntries([...depts.entries()].sort((x, y) => x[0].localeCompare(y[0]))
        .map(([k, d]) => [k, { routed: d.routed, closed: d.closed, closure_median_s: summarize(d.samples).median_s }])),
    },
    roi: roiFigures({ social: a.social, email: a.email, socialResolvedWithoutCall: a.socialResolvedWithoutCall }, roi),
  };
}
