import { beforeEach, describe, expect, it } from 'vitest';
import { RoutingEngine } from './engine';
import { RoutingError } from './errors';
import { careConfig } from '../../testing/hub/routing-fixtures';

const T0 = Date.parse('2026-03-02T09:00:00Z'); // a Monday, inside Warsaw business hours

function setup() {
  let now = T0;
  const clock = { get: () => now, advance: (ms: number) => { now += ms; } };
  const e = new RoutingEngine({ config: careConfig(), now: clock.get });
  e.upsertAgent({ id: 'ana', name: 'Ana', team_ids: ['care-en', 'care-es'], skills: { 'language:en': 5, 'language:es': 8 }, capacity: { x: 2, facebook: 1 } });
  e.upsertAgent({ id: 'bob', name: 'Bob', team_ids: ['care-en'], skills: { 'language:en': 9 }, capacity: { '*': 3 } });
  e.upsertAgent({ id: 'sue', name: 'Sue', role: 'supervisor', team_ids: ['care-en', 'vip'], skills: { 'language:en': 3, 'tier:vip': 5 }, capacity: { '*': 1 } });
  e.upsertAgent({ id: 'pat', name: 'Pat', team_ids: ['product-quality'], skills: {}, capacity: {} });
  e.drainEvents();
  return { e, clock };
}

function expectRefused(fn: () => unknown, code: string, e: RoutingEngine) {
  const before = JSON.stringify(e.snapshot());
  let err: unknown;
  try { fn(); } catch (x) { err = x; }
  expect(err).toBeInstanceOf(RoutingError);
  expect((err as RoutingError).code).toBe(code);
  expect((err as RoutingError).message.length).toBeGreaterThan(10);
  expect(JSON.stringify(e.snapshot())).toBe(before);
  return err as RoutingError;
}

describe('push offers', () => {
  let e: RoutingEngine;
  let clock: ReturnType<typeof setup>['clock'];
  beforeEach(() => ({ e, clock } = setup()));

  it('offers to the best skilled free agent, then the next on reject, then times out', () => {
    e.setPresence('ana', 'available');
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'where is my parcel' });
    expect(e.conversationView('c1').offer?.agent_id).toBe('bob'); // language:en 9 beats 5
    expect(e.checkInvariants()).toEqual([]);
    e.reject('c1', 'bob');
    expect(e.conversationView('c1').offer?.agent_id).toBe('ana');
    clock.advance(60_000);
    e.tick();
    // both declined: it waits in the queue, and nobody free matches
    expect(e.conversationView('c1').state).toBe('queued');
    expect(e.drainEvents().map((x) => x.type)).toContain('offer.expired');
    expect(e.checkInvariants()).toEqual([]);
    // a new agent becomes available → offered at once
    e.setPresence('sue', 'available');
    expect(e.conversationView('c1').offer?.agent_id).toBe('sue');
    e.accept('c1', 'sue');
    expect(e.conversationView('c1')).toMatchObject({ state: 'assigned', assignee_id: 'sue' });
    expect(e.agentView('sue').load).toEqual({ x: 1 });
  });

  it('prefers the longest idle agent among equal skills', () => {
    e.upsertAgent({ id: 'ann', team_ids: ['care-en'], skills: { 'language:en': 9 }, capacity: { '*': 3 } });
    e.setPresence('bob', 'available');
    clock.advance(1000);
    e.setPresence('ann', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    expect(e.conversationView('c1').offer?.agent_id).toBe('bob');
    e.upsertConversation({ id: 'c2', channel: 'x', language: 'en' });
    expect(e.conversationView('c2').offer?.agent_id).toBe('ann');
  });

  it('never offers above capacity and offers the next waiting conversation when capacity frees', () => {
    e.setPresence('ana', 'available');
    e.upsertConversation({ id: 'f1', channel: 'facebook', language: 'es' });
    e.accept('f1', 'ana');
    e.upsertConversation({ id: 'f2', channel: 'facebook', language: 'es' });
    expect(e.conversationView('f2').state).toBe('queued'); // ana's facebook capacity is 1
    expect(e.checkInvariants()).toEqual([]);
    e.setStatus('f1', 'resolved');
    expect(e.conversationView('f2').offer?.agent_id).toBe('ana');
  });

  it('an agent holds one offer at a time; a second conversation goes to someone else', () => {
    e.setPresence('ana', 'available');
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    e.upsertConversation({ id: 'c2', channel: 'x', language: 'en' });
    expect(e.conversationView('c1').offer?.agent_id).toBe('bob');
    expect(e.conversationView('c2').offer?.agent_id).toBe('ana');
    e.upsertConversation({ id: 'c3', channel: 'x', language: 'en' });
    expect(e.conversationView('c3').state).toBe('queued');
    e.accept('c1', 'bob');
    expect(e.conversationView('c3').offer?.agent_id).toBe('bob');
  });

  it('going offline returns open conversations to routing; a break keeps them', () => {
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    e.accept('c1', 'bob');
    e.setPresence('bob', 'break');
    expect(e.conversationView('c1').assignee_id).toBe('bob');
    e.setPresence('ana', 'available');
    e.endShift('bob');
    expect(e.conversationView('c1')).toMatchObject({ assignee_id: null, state: 'offered' });
    expect(e.conversationView('c1').offer?.agent_id).toBe('ana');
    expect(e.agentView('bob').load).toEqual({});
  });

  it('spanish overflows to the English queue after the target timeout', () => {
    e.setPresence('bob', 'available'); // only in care-en
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'es' });
    expect(e.conversationView('c1')).toMatchObject({ queue_id: 'q-es', state: 'queued' });
    clock.advance(300_000);
    e.tick();
    // q-en matches language, and bob has no Spanish: still waiting, but now in q-en
    expect(e.conversationView('c1')).toMatchObject({ queue_id: 'q-en', state: 'queued', target_index: 1 });
    e.setPresence('ana', 'available');
    expect(e.conversationView('c1').offer?.agent_id).toBe('ana');
  });

  it('pull takes the next by SLA due then priority', () => {
    e.setPresence('bob', 'busy');
    e.upsertConversation({ id: 'slow', channel: 'facebook', language: 'en', priority: 'normal' }); // default policy: 4 h
    clock.advance(1000);
    e.upsertConversation({ id: 'fast', channel: 'x', language: 'en', priority: 'normal' }); // x policy: 1 h
    clock.advance(1000);
    e.upsertConversation({ id: 'urgent', channel: 'facebook', language: 'en', priority: 'urgent' }); // 15 min
    expect(e.queueOrder('q-en')).toEqual(['urgent', 'fast', 'slow']);
    expect(e.pull('bob')).toBe('urgent');
    expect(e.pull('bob')).toBe('fast');
    expect(e.conversationView('fast').assignee_id).toBe('bob');
  });

  it('routes defect feedback to product quality as an insight and tracks its closure', () => {
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'd1', channel: 'review', intent: 'feedback', topic: 'Product defect', text: 'the hinge broke again' });
    expect(e.conversationView('d1').state).toBe('insight');
    const [ins] = e.listInsights('product-quality');
    expect(ins).toMatchObject({ conversation_id: 'd1', status: 'open' });
    expectRefused(() => e.closeInsight(ins.id, 'bob', 'done'), 'not_eligible', e);
    clock.advance(3600_000);
    expect(e.closeInsight(ins.id, 'pat', 'supplier notified')).toMatchObject({ status: 'closed', closed_by: 'pat', closed_at: T0 + 3600_000 });
    expectRefused(() => e.closeInsight(ins.id, 'pat', 'again'), 'insight_closed', e);
  });
});

describe('SLA', () => {
  it('computes due times in business hours, warns, breaches and escalates', () => {
    const { e, clock } = setup();
    // Friday 19:30 Warsaw (18:30 UTC): 1 h of X first response = 30 min on Friday + 30 min from Saturday 10:00
    const fri = Date.parse('2026-03-06T18:30:00Z');
    clock.advance(fri - T0);
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    const due = e.conversationView('c1').dues.first_response_due!;
    expect(new Date(due).toISOString()).toBe('2026-03-07T09:30:00.000Z'); // Sat 10:30 CET
    clock.advance(due - clock.get());
    e.tick();
    const types = e.drainEvents().map((x) => x.type);
    expect(types).toEqual(expect.arrayContaining(['sla.warning', 'sla.breach', 'sla.escalated', 'supervisor.notify', 'conversation.priority_changed']));
    expect(e.conversationView('c1').priority).toBe('high');
    expect(e.conversationView('c1').breached).toContain('first_response');
  });

  it('first response met by a reply; next response clock starts on the next customer message', () => {
    const { e, clock } = setup();
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    e.accept('c1', 'bob');
    clock.advance(600_000);
    e.agentReplied('c1', 'bob');
    expect(e.conversationView('c1').dues).toMatchObject({ first_response_due: null, next_response_due: null });
    clock.advance(60_000);
    e.customerMessage('c1');
    expect(e.conversationView('c1').dues.next_response_due).toBe(clock.get() + 1800_000);
  });

  it('an urgent breach re-routes to the escalation queue', () => {
    const { e, clock } = setup();
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'u1', channel: 'facebook', language: 'en', priority: 'urgent' });
    e.accept('u1', 'bob');
    clock.advance(900_000);
    e.tick();
    expect(e.conversationView('u1')).toMatchObject({ queue_id: 'q-escalations' });
    expect(e.conversationView('u1').assignee_id).not.toBe('bob');
    expect(e.checkInvariants()).toEqual([]);
  });
});

describe('refusals leave the state unchanged', () => {
  let e: RoutingEngine;
  let clock: ReturnType<typeof setup>['clock'];
  beforeEach(() => ({ e, clock } = setup()));

  it('invalid rules are refused with the reason', () => {
    const bad = [
      [{ id: 'r', name: 'no targets', filters: [], targets: [] }, /at least one target/],
      [{ id: 'r', name: 'bad queue', targets: [{ queue_id: 'nope' }] }, /unknown queue "nope"/],
      [{ id: 'r', name: 'bad field', filters: [{ field: 'colour', op: 'in', values: ['red'] }], targets: [{ queue_id: 'q-en' }] }, /field/],
      [{ id: 'r', name: 'bad op', filters: [{ field: 'followers', op: 'in', values: ['1'] }], targets: [{ queue_id: 'q-en' }] }, /op/],
      [{ id: 'r', name: 'bad sentiment', filters: [{ field: 'sentiment', op: 'gte', value: 4 }], targets: [{ queue_id: 'q-en' }] }, /value/],
      [{ id: 'r', name: 'dept then support', targets: [{ queue_id: 'q-defects' }, { queue_id: 'q-en' }] }, /only target/],
      [{ id: 'r', name: 'extra key', targets: [{ queue_id: 'q-en' }], colour: 1 }, /colour|Unrecognized/i],
    ] as const;
    for (const [rule, reason] of bad) {
      const err = expectRefused(() => e.setRules([rule]), 'invalid_rule', e);
      expect(err.message).toMatch(reason);
    }
    const dup = expectRefused(() => e.setRules([{ id: 'a', name: 'a', targets: [{ queue_id: 'q-en' }] }, { id: 'a', name: 'b', targets: [{ queue_id: 'q-en' }] }]), 'invalid_rule', e);
    expect(dup.message).toMatch(/duplicate id "a"/);
  });

  it('a valid rule set applies to new arrivals', () => {
    e.setRules([{ id: 'kw', name: 'refunds', filters: [{ field: 'keywords', op: 'any', values: ['refund'] }, { field: 'followers', op: 'gte', value: 10_000 }], targets: [{ queue_id: 'q-escalations' }] }]);
    e.upsertConversation({ id: 'a', channel: 'x', text: 'I want a REFUND now', followers: 12_000 });
    e.upsertConversation({ id: 'b', channel: 'x', text: 'I want refunded', followers: 12_000 });
    e.upsertConversation({ id: 'c', channel: 'x', text: 'refund', followers: 5 });
    expect(e.conversationView('a').queue_id).toBe('q-escalations');
    expect(e.conversationView('b').queue_id).toBe('q-en');
    expect(e.conversationView('c').queue_id).toBe('q-en');
  });

  it('invalid config: unknown time zone, overlapping hours, unknown calendar', () => {
    const cfg = careConfig();
    expect(expectRefused(() => e.setConfig({ ...cfg, calendars: [{ ...cfg.calendars![0], time_zone: 'Mars/Olympus' }] }), 'invalid_config', e).message).toMatch(/Mars\/Olympus/);
    expect(expectRefused(() => e.setConfig({ ...cfg, calendars: [{ ...cfg.calendars![0], hours: { mon: [['09:00', '12:00'], ['11:00', '13:00']] } }] }), 'invalid_config', e).message).toMatch(/overlap/);
    expect(expectRefused(() => e.setConfig({ ...cfg, calendars: [] }), 'invalid_config', e).message).toMatch(/unknown calendar "warsaw"/);
  });

  it('unknown agents, conversations and activities', () => {
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    expectRefused(() => e.setPresence('ghost', 'available'), 'unknown_agent', e);
    expectRefused(() => e.setPresence('bob', 'napping'), 'unknown_activity', e);
    expectRefused(() => e.accept('c1', 'ghost'), 'unknown_agent', e);
    expectRefused(() => e.accept('nope', 'bob'), 'unknown_conversation', e);
    expectRefused(() => e.pull('ghost'), 'unknown_agent', e);
    expectRefused(() => e.assign('c1', 'ghost'), 'unknown_agent', e);
    expectRefused(() => e.upsertAgent({ id: 'x', team_ids: ['nope'] }), 'invalid_input', e);
    expectRefused(() => e.upsertConversation({ id: 'c2', channel: 'fax' as never }), 'invalid_input', e);
  });

  it('offers accepted twice, by someone else, after timeout, or with a stale id', () => {
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en' });
    const offer = e.conversationView('c1').offer!;
    expectRefused(() => e.accept('c1', 'ana'), 'offer_not_yours', e);
    expectRefused(() => e.accept('c1', 'bob', 'off-999'), 'no_offer', e);
    clock.advance(60_000); // expired, timer not yet processed
    expectRefused(() => e.accept('c1', 'bob', offer.id), 'offer_expired', e);
    e.tick();
    expectRefused(() => e.accept('c1', 'bob', offer.id), 'no_offer', e);
    e.setPresence('ana', 'available');
    e.accept('c1', 'ana');
    expectRefused(() => e.accept('c1', 'ana'), 'already_assigned', e);
    expectRefused(() => e.reject('c1', 'ana'), 'already_assigned', e);
  });

  it('manual assignment above capacity and capacity cuts below the current load', () => {
    e.upsertConversation({ id: 'f1', channel: 'facebook', language: 'en' });
    e.upsertConversation({ id: 'f2', channel: 'facebook', language: 'en' });
    e.assign('f1', 'ana');
    expectRefused(() => e.assign('f2', 'ana'), 'over_capacity', e);
    expectRefused(() => e.upsertAgent({ id: 'ana', team_ids: ['care-en'], skills: {}, capacity: { facebook: 0 } }), 'over_capacity', e);
    expectRefused(() => e.unassign('f2'), 'not_assigned', e);
    expect(e.checkInvariants()).toEqual([]);
  });
});
