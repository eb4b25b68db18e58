import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../routing/calendar';
import { reportToCsv, CSV_HEADER } from './csv';
import {
  FIXTURE_AS_OF, FIXTURE_CALENDAR, FIXTURE_CONVERSATIONS, FIXTURE_FROM, FIXTURE_INSIGHTS, FIXTURE_SLA, FIXTURE_SURVEYS, FIXTURE_TO,
} from '../../testing/hub/metrics-fixture';
import { computeReport, type GroupBy } from './report';
import { clockFor, conversationFacts, WALL_CLOCK } from './timeline';

const clock = new BusinessCalendar(FIXTURE_CALENDAR);
const input = { conversations: FIXTURE_CONVERSATIONS, surveys: FIXTURE_SURVEYS, insights: FIXTURE_INSIGHTS };
const report = (by: GroupBy | null = null) =>
  computeReport(input, { from: FIXTURE_FROM, to: FIXTURE_TO, by, clock, sla: FIXTURE_SLA, asOf: FIXTURE_AS_OF });
const byId = (id: string) => FIXTURE_CONVERSATIONS.find((c) => c.id === id)!;
const facts = (id: string) => conversationFacts(byId(id), clock, FIXTURE_AS_OF, FIXTURE_SLA);

describe('per-conversation facts (hand-computed, business hours 08:00–16:00 UTC)', () => {
  it('A: first response 10 min, next response from the first waiting message', () => {
    const f = facts('A');
    expect(f.firstResponseS).toBe(600);
    expect(f.nextResponsesS).toEqual([1800]); // 08:30 → 09:00, not 08:35 → 09:00
    expect(f.resolutionS).toBe(5400);
    expect(f.handleS).toBe(540); // 5 + 4 active minutes on desktops
    expect(f.fcr).toBe(false); // two answers
    expect(f.sentimentDelta).toBeCloseTo(0.4, 10);
    expect([f.inbound, f.answeredInbound, f.outbound]).toEqual([3, 3, 2]);
  });

  it('B: a post on Friday night answered Monday 09:30 local counts 30 open minutes', () => {
    const f = facts('B');
    expect(f.firstResponseS).toBe(1800);
    expect(f.resolutionS).toBe(2700);
    expect(f.handleS).toBe(180);
    expect(f.fcr).toBe(true);
    expect(f.sentimentDelta).toBeNull(); // only one scored message
  });

  it('C: reopened conversation — next response skips the holiday, resolution runs to the last resolve', () => {
    const f = facts('C');
    expect(f.reopens).toBe(1);
    expect(f.firstResponseS).toBe(1200);
    expect(f.nextResponsesS).toEqual([4500]); // Tue 15:00–16:00 + Wed holiday + Thu 08:00–08:15
    expect(f.resolutionS).toBe(22_800);
    expect(f.handleS).toBe(720); // 7 + 5 active minutes; the span after the last resolve is not handling
    expect(f.fcr).toBe(false);
    expect(f.slaFirst).toEqual({ met: 0, breached: 1 }); // high priority: 15 min target
    expect(f.slaNext).toEqual({ met: 0, breached: 1 });
    expect(f.slaResolution).toEqual({ met: 1, breached: 0 });
    expect(f.sentimentDelta).toBeCloseTo(-0.6, 10);
  });

  it('D: unanswered and unresolved at as-of breaches both targets; history derived from state', () => {
    const f = facts('D');
    expect(f.firstResponseS).toBeNull();
    expect(f.resolved).toBe(false);
    expect(f.slaFirst).toEqual({ met: 0, breached: 1 });
    expect(f.slaResolution).toEqual({ met: 0, breached: 1 });
  });

  it("E: routing's due times are used when set", () => {
    const f = facts('E');
    expect(f.resolutionS).toBe(600);
    expect(f.handleS).toBeNull(); // nobody had it open on a desktop: no handle time, not 0 s
    expect(f.slaFirst).toEqual({ met: 0, breached: 1 });
    expect(f.slaResolution).toEqual({ met: 0, breached: 1 });
    expect(f.sentimentDelta).toBe(0);
  });

  it('F: handle time is active time on desktops, in real seconds (not the time it sat open and assigned)', () => {
    const f = facts('F');
    expect(f.firstResponseS).toBe(300);
    expect(f.nextResponsesS).toEqual([600]);
    expect(f.handleS).toBe(270); // 2 min + 2.5 min active
    expect(f.resolutionS).toBe(4800);
  });

  it('H: a failed reply is not a response', () => {
    const f = facts('H');
    expect(f.firstResponseS).toBe(1800);
    expect(f.outbound).toBe(1);
    expect(f.slaResolution).toEqual({ met: 0, breached: 1 }); // 12 open hours by as-of, target 8
  });
});

describe('report over the fixture', () => {
  const r = report();
  const m = r.total;

  it('counts the conversations created in the range only', () => {
    expect(r.hours).toBe('business');
    expect(m.conversations).toBe(7);
    expect(m.inbound_messages).toBe(12);
    expect(m.outbound_messages).toBe(8);
  });

  it('response times', () => {
    expect(m.first_response).toEqual({ count: 5, mean_s: 1140, median_s: 1200, p90_s: 1800 });
    expect(m.next_response).toEqual({ count: 3, mean_s: 2300, median_s: 1800, p90_s: 4500 });
  });

  it('resolution, handle time, reopens and first-contact resolution', () => {
    expect(m.resolution).toEqual({ count: 5, mean_s: 7260, median_s: 4800, p90_s: 22_800 });
    // resolved with recorded time: A 540, B 180, C 720, F 270 (E has none; H is not resolved)
    expect(m.handle).toEqual({ count: 4, mean_s: 427.5, median_s: 405, p90_s: 720 });
    expect(m.resolved).toBe(5);
    expect(m.reopened).toBe(1);
    expect(m.first_contact_resolution).toEqual({ answered_resolved: 4, first_contact: 1, rate_pct: 25 });
  });

  it('SLA hit rates', () => {
    expect(m.sla.first_response).toEqual({ met: 4, breached: 3, hit_rate_pct: 57.1 });
    expect(m.sla.next_response).toEqual({ met: 2, breached: 1, hit_rate_pct: 66.7 });
    expect(m.sla.resolution).toEqual({ met: 4, breached: 3, hit_rate_pct: 57.1 });
    expect(m.sla.overall).toEqual({ met: 10, breached: 7, hit_rate_pct: 58.8 });
  });

  it('response rate', () => {
    expect(m.response_rate).toEqual({ inbound: 12, answered: 9, rate_pct: 75 });
  });

  it('CSAT and Net Easy', () => {
    expect(m.csat).toEqual({ asked: 4, answered: 3, response_rate_pct: 75, mean: 3.333, satisfied: 1, csat_pct: 33.3 });
    expect(m.effort).toEqual({ asked: 4, answered: 4, easy: 2, neutral: 1, difficult: 1, net_easy: 25 });
  });

  it('sentiment change', () => {
    expect(m.sentiment_change).toEqual({ conversations: 3, mean_delta: -0.067, improved: 1, worsened: 1, unchanged: 1 });
  });

  it('volume by channel, intent and topic', () => {
    expect(m.volume.by_channel).toEqual({ x: 4, email: 1, facebook: 1, instagram: 1 });
    expect(m.volume.by_intent).toEqual({ complaint: 3, question: 3, praise: 1 });
    expect(m.volume.by_topic).toEqual({ account: 2, product: 2, billing: 1, delivery: 1, refund: 1 });
  });

  it('insights routed to departments and their closure time', () => {
    expect(m.insights.routed).toBe(3);
    expect(m.insights.closed).toBe(2);
    expect(m.insights.open).toBe(1);
    expect(m.insights.closure).toEqual({ count: 2, mean_s: 14_400, median_s: 14_400, p90_s: 25_200 });
    expect(m.insights.by_department).toEqual({
      'dept-quality': { routed: 2, closed: 1, closure_median_s: 25_200 },
      'dept-stores': { routed: 1, closed: 1, closure_median_s: 3600 },
    });
  });

  it('return on care with the default costs', () => {
    expect(m.roi).toMatchObject({
      currency: 'USD', social_contacts: 6, email_contacts: 1, social_resolved_without_call: 4,
      share_resolved_without_call_pct: 66.7, calls_avoided: 1.6, care_cost: 10.42, cost_saved: 6.8,
    });
  });

  it('return on care with workspace costs', () => {
    const custom = computeReport(input, {
      from: FIXTURE_FROM, to: FIXTURE_TO, clock, asOf: FIXTURE_AS_OF,
      roi: { currency: 'EUR', cost_per_contact: { phone: 8, email: 5, social: 2 }, call_substitution_rate: 0.5, call_tag: 'phoned' },
    });
    // F is no longer excluded (its tag differs): 5 resolved social conversations × 0.5 × (8 − 2).
    expect(custom.total.roi).toMatchObject({ currency: 'EUR', social_resolved_without_call: 5, calls_avoided: 2.5, cost_saved: 15, care_cost: 17 });
  });
});

describe('grouped reports', () => {
  it('by agent', () => {
    const r = report('agent');
    expect(r.groups.map((g) => [g.key, g.conversations])).toEqual([['(none)', 1], ['a1', 4], ['a2', 2]]);
    const a1 = r.groups.find((g) => g.key === 'a1')!;
    expect(a1.first_response).toEqual({ count: 4, mean_s: 1125, median_s: 1200, p90_s: 1800 });
    expect(a1.csat).toMatchObject({ asked: 3, answered: 2, mean: 3.5 });
    expect(a1.insights.routed).toBe(1); // I1 via conversation A
    const none = r.groups.find((g) => g.key === '(none)')!;
    expect(none.insights.routed).toBe(1); // I3 has no conversation; E is the unassigned conversation
    expect(r.total).toEqual(report().total);
  });

  it('by team puts insights under their department', () => {
    const r = report('team');
    expect(r.groups.map((g) => [g.key, g.conversations, g.insights.routed])).toEqual([
      ['dept-quality', 0, 2], ['dept-stores', 0, 1], ['t1', 5, 0], ['t2', 2, 0],
    ]);
  });

  it('by channel', () => {
    const r = report('channel');
    const email = r.groups.find((g) => g.key === 'email')!;
    expect(email.response_rate).toEqual({ inbound: 1, answered: 0, rate_pct: 0 });
    expect(email.roi).toMatchObject({ social_contacts: 0, email_contacts: 1, cost_saved: 0 });
  });

  it('filters by agent, team and channel', () => {
    const f = (filter: object) => computeReport(input, { from: FIXTURE_FROM, to: FIXTURE_TO, clock, sla: FIXTURE_SLA, asOf: FIXTURE_AS_OF, filter }).total;
    const a1 = f({ agent_id: 'a1' });
    expect([a1.conversations, a1.insights.routed, a1.first_response.median_s]).toEqual([4, 1, 1200]);
    expect(f({ team_id: 't2' }).conversations).toBe(2);
    expect(f({ team_id: 'dept-stores' }).insights.routed).toBe(1); // a department's own insights
    expect(f({ channel: 'x', agent_id: 'a2' }).conversations).toBe(0);
  });

  it('a 24/7 clock measures wall time', () => {
    const r = computeReport(input, { from: FIXTURE_FROM, to: FIXTURE_TO, asOf: FIXTURE_AS_OF });
    const b = conversationFacts(byId('B'), WALL_CLOCK, FIXTURE_AS_OF);
    expect([WALL_CLOCK.businessTimeBetween(0, 5000), WALL_CLOCK.businessTimeBetween(5000, 0)]).toEqual([5000, 0]);
    expect(clockFor(null)).toBe(WALL_CLOCK);
    expect(b.firstResponseS).toBe(2.5 * 86_400 + 1800);
    expect(r.hours).toBe('calendar');
    expect(r.total.first_response.count).toBe(5);
  });

  it('refuses an empty or inverted range', () => {
    expect(() => computeReport(input, { from: FIXTURE_TO, to: FIXTURE_FROM })).toThrow(/after/);
    expect(() => computeReport(input, { from: Number.NaN, to: FIXTURE_TO })).toThrow(/valid dates/);
  });
});

describe('CSV export', () => {
  it('one row per group plus the total, quoted where needed', () => {
    const csv = reportToCsv(report('agent'));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + 3 + 1);
    const col = (name: string) => CSV_HEADER.indexOf(name);
    const a1 = lines.find((l) => l.startsWith('agent,a1,'))!.split(',');
    expect(a1[col('first_response_median_s')]).toBe('1200');
    const total = lines[lines.length - 1].split(',');
    expect(total[0]).toBe('total');
    expect(total[col('response_rate_pct')]).toBe('75');
    expect(total[col('net_easy')]).toBe('25');
    expect(total[col('roi_cost_saved')]).toBe('6.8');
  });

  it("holds the report's sections: the workspace's figures on the total row, an agent's on their row, empty elsewhere", () => {
    const quality = (mean: number, a1: number) => ({ conversations: 3, mean_score: mean, by_agent: [{ agent_id: 'a1', conversations: 2, mean_score: a1 }], by_team: [] });
    const csv = reportToCsv({ ...report('agent'), approvals: {
      total: { decided: 4, approved: 2, edited: 1, rejected: 1, mean_s: 90, median_s: 60, p90_s: 300, max_s: 400 }, by_approver: [], by_team: [], pending: { count: 2, oldest_wait_s: 30 },
    } }, {
      adherence: { scheduled_min: 480, in_adherence_min: 432, adherence_pct: 90, agents: [{ agent_id: 'a1', name: 'A1', scheduled_min: 240, in_adherence_min: 180, adherence_pct: 75, unscheduled_work_min: 0 }], teams: [] },
      quality: { automatic: quality(82.5, 70), reviewed: quality(80, 60) },
      crisis_periods: [{}, {}],
    });
    const lines = csv.trimEnd().split('\r\n').map((l) => l.split(','));
    const col = (name: string) => CSV_HEADER.indexOf(name);
    const a1 = lines.find((l) => l[1] === 'a1')!;
    const a2 = lines.find((l) => l[1] === 'a2')!;
    const total = lines[lines.length - 1];
    expect([total[col('approvals_decided')], total[col('approval_wait_median_s')], total[col('approvals_pending')]]).toEqual(['4', '60', '2']);
    expect([total[col('adherence_pct')], a1[col('adherence_pct')], a2[col('adherence_pct')]]).toEqual(['90', '75', '']);
    expect([total[col('quality_auto_mean_score')], a1[col('quality_auto_mean_score')], a1[col('quality_reviewed_mean_score')]]).toEqual(['82.5', '70', '60']);
    expect([total[col('crisis_periods')], a1[col('crisis_periods')], a1[col('approvals_decided')]]).toEqual(['2', '', '']);
    // without sections (an agent's own figures): the columns are there, empty
    const own = reportToCsv(report('agent')).trimEnd().split('\r\n').map((l) => l.split(','));
    expect(own[0]).toEqual(CSV_HEADER);
    expect(own[own.length - 1][col('adherence_pct')]).toBe('');
  });

  it('quotes keys holding commas or quotes', () => {
    const conversations = [{ ...FIXTURE_CONVERSATIONS[0], assignee_id: 'Doe, "JD"' }];
    const csv = reportToCsv(computeReport({ conversations }, { from: FIXTURE_FROM, to: FIXTURE_TO, by: 'agent', asOf: FIXTURE_AS_OF }));
    expect(csv.split('\r\n')[1].startsWith('agent,"Doe, ""JD""",')).toBe(true);
  });
});
