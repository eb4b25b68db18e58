/**
 * A small world of conversations with known timings, used by the tests of the pure report and of
 * the SQL-backed report. Every expected figure in report.test.ts was worked out by hand from it.
 *
 * Calendar: Europe/Warsaw, Mon–Fri 09:00–17:00 local, 2026-11-11 (Independence Day) closed.
 * In November Warsaw is UTC+1, so open hours are 08:00–16:00 UTC.
 */
import type { Calendar } from '../../hub/routing/calendar';
import type { SlaPolicy } from '../../hub/metrics/timeline';
import type { ConversationEvent, InsightRecord, MetricConversation, MetricMessage, SurveyRecord } from '../../hub/metrics/types';

export const FIXTURE_CALENDAR: Calendar = {
  id: 'business-hours',
  time_zone: 'Europe/Warsaw',
  hours: { sun: [], mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']], sat: [] },
  holidays: ['2026-11-11'],
};

export const FIXTURE_SLA: SlaPolicy = {
  normal: { first_response_s: 3600, next_response_s: 7200, resolution_s: 28_800 },
  high: { first_response_s: 900, next_response_s: 3600, resolution_s: 28_800 },
};

export const FIXTURE_FROM = Date.parse('2026-11-01T00:00:00Z');
export const FIXTURE_TO = Date.parse('2026-11-30T00:00:00Z');
export const FIXTURE_AS_OF = Date.parse('2026-11-20T12:00:00Z');

const t = (iso: string): number => Date.parse(iso);
const inb = (iso: string, sentiment?: number): MetricMessage => ({ at: t(iso), direction: 'inbound', sentiment: sentiment ?? null });
const out = (iso: string, failed = false): MetricMessage => ({ at: t(iso), direction: 'outbound', failed });
const st = (iso: string, status: 'open' | 'pending' | 'snoozed' | 'resolved'): ConversationEvent => ({ at: t(iso), type: 'status', status });
const as = (iso: string, agent_id: string | null): ConversationEvent => ({ at: t(iso), type: 'assign', agent_id });
/** a span of active time on a desktop (handle time): when it began, how many active seconds */
const act = (iso: string, seconds: number) => ({ at: t(iso), ms: seconds * 1000 });

function conv(p: Partial<MetricConversation> & Pick<MetricConversation, 'id' | 'channel' | 'created_at'>): MetricConversation {
  return {
    account_id: 'acct-tend', assignee_id: null, team_id: null, priority: 'normal', intent: null, topic: null, tags: [],
    messages: [], events: [], status: 'open', resolved_at: null, first_response_due_at: null, resolution_due_at: null,
    ...p,
  };
}

export const FIXTURE_CONVERSATIONS: MetricConversation[] = [
  // A: answered within hours, a second wait, resolved; sentiment −0.6 → −0.2.
  conv({
    id: 'A', channel: 'x', assignee_id: 'a1', team_id: 't1', intent: 'complaint', topic: 'delivery',
    created_at: t('2026-11-09T08:00:00Z'), status: 'resolved', resolved_at: t('2026-11-09T09:30:00Z'),
    messages: [inb('2026-11-09T08:00:00Z', -0.6), out('2026-11-09T08:10:00Z'), inb('2026-11-09T08:30:00Z', -0.2), inb('2026-11-09T08:35:00Z'), out('2026-11-09T09:00:00Z')],
    events: [st('2026-11-09T08:00:00Z', 'open'), as('2026-11-09T08:00:00Z', 'a1'), st('2026-11-09T09:30:00Z', 'resolved')],
    active: [act('2026-11-09T08:05:00Z', 300), act('2026-11-09T08:55:00Z', 240)],
  }),
  // B: Friday 21:00 local, answered Monday 09:30 local: 30 open minutes, not 60 hours.
  conv({
    id: 'B', channel: 'x', assignee_id: 'a1', team_id: 't1', intent: 'complaint', topic: 'refund',
    created_at: t('2026-11-06T20:00:00Z'), status: 'resolved', resolved_at: t('2026-11-09T08:45:00Z'),
    messages: [inb('2026-11-06T20:00:00Z', -0.8), out('2026-11-09T08:30:00Z')],
    events: [st('2026-11-06T20:00:00Z', 'open'), as('2026-11-06T20:00:00Z', 'a1'), st('2026-11-09T08:45:00Z', 'resolved')],
    active: [act('2026-11-09T08:28:00Z', 180)],
  }),
  // C: high priority, resolved, reopened by the customer Tuesday 16:00 local, answered Thursday
  // after the Wednesday holiday, resolved again.
  conv({
    id: 'C', channel: 'facebook', assignee_id: 'a2', team_id: 't1', priority: 'high', intent: 'question', topic: 'billing',
    created_at: t('2026-11-10T10:00:00Z'), status: 'resolved', resolved_at: t('2026-11-12T08:20:00Z'),
    messages: [inb('2026-11-10T10:00:00Z', 0.1), out('2026-11-10T10:20:00Z'), inb('2026-11-10T15:00:00Z', -0.5), out('2026-11-12T08:15:00Z')],
    events: [
      st('2026-11-10T10:00:00Z', 'open'), as('2026-11-10T10:00:00Z', 'a2'), st('2026-11-10T10:30:00Z', 'resolved'),
      st('2026-11-10T15:00:00Z', 'open'), st('2026-11-12T08:20:00Z', 'resolved'),
    ],
    // the last span began after the last resolve (read again later): not handle time
    active: [act('2026-11-10T10:15:00Z', 420), act('2026-11-12T08:10:00Z', 300), act('2026-11-12T09:00:00Z', 600)],
  }),
  // D: e-mail never answered; no recorded history (imported), still open at as-of.
  conv({
    id: 'D', channel: 'email', assignee_id: 'a2', team_id: 't2', intent: 'question', topic: 'account',
    created_at: t('2026-11-16T08:00:00Z'), messages: [inb('2026-11-16T08:00:00Z')],
  }),
  // E: praise closed without a reply, unassigned, against routing's own due times.
  conv({
    id: 'E', channel: 'instagram', team_id: 't2', priority: 'low', intent: 'praise', topic: 'product',
    created_at: t('2026-11-17T09:00:00Z'), status: 'resolved', resolved_at: t('2026-11-17T09:10:00Z'),
    first_response_due_at: t('2026-11-17T10:00:00Z'), resolution_due_at: t('2026-11-17T09:05:00Z'),
    messages: [inb('2026-11-17T09:00:00Z', 0.9), inb('2026-11-17T09:05:00Z', 0.9)],
    events: [st('2026-11-17T09:00:00Z', 'open'), st('2026-11-17T09:10:00Z', 'resolved')],
  }),
  // F: assigned two minutes in, pending while waiting on the customer, moved to the phone.
  conv({
    id: 'F', channel: 'x', assignee_id: 'a1', team_id: 't1', intent: 'complaint', topic: 'product', tags: ['moved-to-phone'],
    created_at: t('2026-11-18T08:00:00Z'), status: 'resolved', resolved_at: t('2026-11-18T09:20:00Z'),
    messages: [inb('2026-11-18T08:00:00Z'), out('2026-11-18T08:05:00Z'), inb('2026-11-18T09:00:00Z'), out('2026-11-18T09:10:00Z')],
    events: [
      st('2026-11-18T08:00:00Z', 'open'), as('2026-11-18T08:02:00Z', 'a1'), st('2026-11-18T08:05:00Z', 'pending'),
      st('2026-11-18T09:00:00Z', 'open'), st('2026-11-18T09:20:00Z', 'resolved'),
    ],
    active: [act('2026-11-18T08:03:00Z', 120), act('2026-11-18T09:08:00Z', 150)],
  }),
  // H: the first reply failed to deliver; the second one counts. Still open at as-of.
  conv({
    id: 'H', channel: 'x', assignee_id: 'a1', team_id: 't1', intent: 'question', topic: 'account',
    created_at: t('2026-11-19T08:00:00Z'),
    messages: [inb('2026-11-19T08:00:00Z'), out('2026-11-19T08:01:00Z', true), out('2026-11-19T08:30:00Z')],
    events: [st('2026-11-19T08:00:00Z', 'open'), as('2026-11-19T08:00:00Z', 'a1')],
    active: [act('2026-11-19T08:25:00Z', 300)],
  }),
  // Z: created before the report range: left out of every figure.
  conv({
    id: 'Z', channel: 'x', assignee_id: 'a1', team_id: 't1', created_at: t('2026-10-30T08:00:00Z'),
    messages: [inb('2026-10-30T08:00:00Z'), out('2026-10-30T08:01:00Z')],
  }),
];

const survey = (conversation_id: string, kind: 'csat' | 'effort', asked: string, answered: string | null, score: number | null): SurveyRecord =>
  ({ conversation_id, kind, asked_at: t(asked), answered_at: answered ? t(answered) : null, score });

export const FIXTURE_SURVEYS: SurveyRecord[] = [
  survey('A', 'csat', '2026-11-09T09:30:00Z', '2026-11-09T09:40:00Z', 5),
  survey('A', 'effort', '2026-11-09T09:30:00Z', '2026-11-09T09:41:00Z', 4),
  survey('B', 'csat', '2026-11-09T08:45:00Z', '2026-11-09T10:00:00Z', 2),
  survey('C', 'effort', '2026-11-10T10:30:00Z', '2026-11-10T11:00:00Z', 1),
  survey('C', 'csat', '2026-11-12T08:20:00Z', '2026-11-12T09:00:00Z', 3),
  survey('E', 'effort', '2026-11-17T09:10:00Z', '2026-11-17T09:30:00Z', 5),
  survey('F', 'csat', '2026-11-18T09:20:00Z', null, null),
  survey('F', 'effort', '2026-11-18T09:20:00Z', '2026-11-18T10:00:00Z', 3),
  survey('Z', 'csat', '2026-10-30T09:00:00Z', '2026-10-30T09:10:00Z', 1),
];

export const FIXTURE_INSIGHTS: InsightRecord[] = [
  { id: 'I1', department_id: 'dept-quality', conversation_id: 'A', created_at: t('2026-11-09T10:00:00Z'), closed_at: t('2026-11-10T09:00:00Z') },
  { id: 'I2', department_id: 'dept-quality', conversation_id: 'C', created_at: t('2026-11-12T15:00:00Z'), closed_at: null },
  { id: 'I3', department_id: 'dept-stores', conversation_id: null, created_at: t('2026-11-13T15:30:00Z'), closed_at: t('2026-11-16T08:30:00Z') },
  { id: 'I4', department_id: 'dept-stores', conversation_id: null, created_at: t('2026-10-20T10:00:00Z'), closed_at: t('2026-10-21T10:00:00Z') },
];
