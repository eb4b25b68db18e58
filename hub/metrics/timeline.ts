/**
 * Facts about one conversation, read off its messages and status/assignment history.
 *
 * Definitions (durations in open time of the workspace's clock, in seconds):
 * - first response: first customer message → first answer after it (an outbound message that did
 *   not fail). An outbound message before any customer message (proactive) is not a response.
 * - next response: every later wait — first customer message after an answer → the next answer.
 *   Waits after a reopen are next responses too: the customer already had a first answer.
 * - resolution: conversation created → its last resolve, for conversations resolved now.
 * - handle time: the time agents had the conversation open and active on their desktops (window
 *   focused, typing or reading, a minute without input ends it; main/core/handle-time.ts), summed
 *   over agents, sessions and desktops, for the spans that began before its last resolve. Real
 *   seconds, not business hours (it is work done). Only for resolved conversations, and only those
 *   with recorded time: a conversation nobody had open on a desktop has no handle time, not 0 s.
 * - reopens: transitions out of `resolved`.
 * - first-contact resolution: resolved, never reopened, with exactly one answer.
 * - answered inbound: customer messages followed by an answer in the same conversation.
 * - sentiment change: last scored customer message − first scored customer message (needs two).
 */
import type { Priority } from '../../shared/domain';
import { BusinessCalendar, type Calendar } from '../routing/calendar';
import type { ConversationEvent, MetricConversation } from './types';

/**
 * How durations are measured: the workspace's business-hours calendar (the hub's one calendar,
 * hub/routing/calendar.ts, which also gives routing's SLA due times), or wall time without one.
 */
export type Clock = Pick<BusinessCalendar, 'businessTimeBetween'>;

/** Wall time: the clock of a workspace without a business-hours calendar. */
export const WALL_CLOCK: Clock = { businessTimeBetween: (a, b) => (b > a ? b - a : 0) };

/** The clock of a workspace's calendar setting (null: wall time). */
export const clockFor = (calendar: Calendar | null | undefined): Clock => (calendar ? new BusinessCalendar(calendar) : WALL_CLOCK);

/** SLA targets in open seconds of the clock. */
export interface SlaTargets {
  first_response_s?: number;
  next_response_s?: number;
  resolution_s?: number;
}
export type SlaPolicy = Partial<Record<Priority, SlaTargets>>;

export interface SlaOutcome { met: number; breached: number }

export interface ConversationFacts {
  firstResponseS: number | null;
  nextResponsesS: number[];
  resolved: boolean;
  resolutionS: number | null;
  handleS: number | null;
  reopens: number;
  inbound: number;
  outbound: number;
  answeredInbound: number;
  fcr: boolean;
  slaFirst: SlaOutcome;
  slaNext: SlaOutcome;
  slaResolution: SlaOutcome;
  sentimentDelta: number | null;
}

/** The history to use: recorded events, or one derived from the current state for imported history. */
export function historyOf(c: MetricConversation): ConversationEvent[] {
  if (c.events.length > 0) {
    if (c.events.some((e) => e.type === 'assign')) return c.events;
    // Status history without assignment history: the current assignee held it throughout.
    return [{ at: c.created_at, type: 'assign', agent_id: c.assignee_id }, ...c.events];
  }
  const derived: ConversationEvent[] = [
    { at: c.created_at, type: 'status', status: 'open' },
    { at: c.created_at, type: 'assign', agent_id: c.assignee_id },
  ];
  if (c.status === 'resolved' && c.resolved_at !== null) derived.push({ at: c.resolved_at, type: 'status', status: 'resolved' });
  return derived;
}

function judge(outcome: SlaOutcome, met: boolean): void {
  if (met) outcome.met++; else outcome.breached++;
}

export function conversationFacts(c: MetricConversation, clock: Clock, asOf: number, policy?: SlaPolicy): ConversationFacts {
  const targets = policy?.[c.priority];
  const f: ConversationFacts = {
    firstResponseS: null, nextResponsesS: [], resolved: false, resolutionS: null, handleS: null, reopens: 0,
    inbound: 0, outbound: 0, answeredInbound: 0, fcr: false,
    slaFirst: { met: 0, breached: 0 }, slaNext: { met: 0, breached: 0 }, slaResolution: { met: 0, breached: 0 },
    sentimentDelta: null,
  };

  // --- messages: responses, answered posts, sentiment -------------------------------------
  let waitingSince = -1;
  let unanswered = 0;
  let firstInboundAt = -1;
  let firstAnswerAt = -1;
  let firstSentiment: number | null = null;
  let lastSentiment: number | null = null;
  let scored = 0;
  for (const m of c.messages) {
    if (m.direction === 'inbound') {
      f.inbound++;
      unanswered++;
      if (waitingSince < 0) waitingSince = m.at;
      if (firstInboundAt < 0) firstInboundAt = m.at;
      if (typeof m.sentiment === 'number' && Number.isFinite(m.sentiment)) {
        if (scored === 0) firstSentiment = m.sentiment;
        lastSentiment = m.sentiment;
        scored++;
      }
      continue;
    }
    if (m.failed) continue;
    f.outbound++;
    if (waitingSince < 0) continue;
    const waitS = clock.businessTimeBetween(waitingSince, m.at) / 1000;
    if (firstAnswerAt < 0) {
      firstAnswerAt = m.at;
      f.firstResponseS = waitS;
      if (targets?.first_response_s !== undefined && c.first_response_due_at === null) judge(f.slaFirst, waitS <= targets.first_response_s);
    } else {
      f.nextResponsesS.push(waitS);
      if (targets?.next_response_s !== undefined) judge(f.slaNext, waitS <= targets.next_response_s);
    }
    f.answeredInbound += unanswered;
    unanswered = 0;
    waitingSince = -1;
  }
  if (c.sentiments && c.sentiments.length > 0) {
    scored = c.sentiments.length;
    firstSentiment = c.sentiments[0];
    lastSentiment = c.sentiments[scored - 1];
  }
  if (scored >= 2) f.sentimentDelta = (lastSentiment as number) - (firstSentiment as number);

  // First-response SLA: routing's due time wins over the policy when present.
  if (c.first_response_due_at !== null && firstInboundAt >= 0) {
    if (firstAnswerAt >= 0) judge(f.slaFirst, firstAnswerAt <= c.first_response_due_at);
    else if (asOf > c.first_response_due_at) f.slaFirst.breached++;
  } else if (firstAnswerAt < 0 && firstInboundAt >= 0 && targets?.first_response_s !== undefined) {
    if (clock.businessTimeBetween(firstInboundAt, asOf) / 1000 > targets.first_response_s) f.slaFirst.breached++;
  }
  // A customer still waiting for a next answer past the target is already a breach.
  if (firstAnswerAt >= 0 && waitingSince >= 0 && targets?.next_response_s !== undefined) {
    if (clock.businessTimeBetween(waitingSince, asOf) / 1000 > targets.next_response_s) f.slaNext.breached++;
  }

  // --- history: resolution, reopens, handle time ------------------------------------------
  const history = historyOf(c);
  let status = 'open';
  let lastResolvedAt = -1;
  for (const e of history) {
    if (e.type !== 'status') continue;
    if (status === 'resolved' && e.status !== 'resolved') f.reopens++;
    if (e.status === 'resolved' && status !== 'resolved') lastResolvedAt = e.at;
    status = e.status;
  }
  f.resolved = status === 'resolved' && lastResolvedAt >= 0;
  if (f.resolved) {
    f.resolutionS = clock.businessTimeBetween(c.created_at, lastResolvedAt) / 1000;
    let handleMs = 0;
    let spans = 0;
    for (const a of c.active ?? []) {
      if (a.at > lastResolvedAt) continue; // reading it again later is not handling it
      handleMs += a.ms;
      spans++;
    }
    f.handleS = spans ? handleMs / 1000 : null;
    f.fcr = f.reopens === 0 && f.outbound === 1;
  }

  // Resolution SLA against routing's due time, else the policy.
  if (c.resolution_due_at !== null) {
    if (f.resolved) judge(f.slaResolution, lastResolvedAt <= c.resolution_due_at);
    else if (asOf > c.resolution_due_at) f.slaResolution.breached++;
  } else if (targets?.resolution_s !== undefined) {
    if (f.resolved) judge(f.slaResolution, (f.resolutionS as number) <= targets.resolution_s);
    else if (clock.businessTimeBetween(c.created_at, asOf) / 1000 > targets.resolution_s) f.slaResolution.breached++;
  }
  return f;
}
