import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from './calendar';
import { RoutingEngine, type RoutingEvent } from './engine';
import { RoutingError } from './errors';
import { careConfig } from '../../testing/hub/routing-fixtures';

const MIN = 60_000, HOUR = 3600_000;
// Warsaw calendar of careConfig: Mon–Fri 08:00–20:00, Sat 10:00–16:00. Policy x-public on channel x:
// first response 1 h, next response 30 min, resolution 24 business hours.
const MON_9 = Date.parse('2026-03-02T08:00:00Z'); // Monday 09:00 in Warsaw (CET)

function setup(start = MON_9, config = careConfig()) {
  let now = start;
  const clock = { get: () => now, set: (t: number) => { now = t; }, advance: (ms: number) => { now += ms; } };
  const e = new RoutingEngine({ config, now: clock.get });
  e.upsertAgent({ id: 'bob', name: 'Bob', team_ids: ['care-en'], skills: { 'language:en': 9 }, capacity: { '*': 3 } });
  e.drainEvents();
  return { e, clock };
}

const types = (evs: RoutingEvent[]) => evs.map((x) => x.type);

describe('SLA clocks pause while pending or snoozed', () => {
  it('resolution pauses while pending and resumes with the business time it had left', () => {
    const { e, clock } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'my order' });
    expect(e.conversationView('c1').dues.resolution_due).toBe(MON_9 + 24 * HOUR + 24 * HOUR); // 24 business h = 2 days of 12 h
    e.setPresence('bob', 'available');
    e.accept('c1', 'bob');
    clock.advance(2 * HOUR); // 11:00: 2 business hours used
    e.agentReplied('c1', 'bob');
    e.setStatus('c1', 'pending');
    const evs = e.drainEvents();
    expect(evs).toContainEqual(expect.objectContaining({ type: 'sla.pause_changed', conversation_id: 'c1', paused_since: MON_9 + 2 * HOUR, pauses: [] }));
    expect(evs).toContainEqual(expect.objectContaining({ type: 'sla.due_changed', dues: { first_response_due: null, next_response_due: null, resolution_due: null } }));
    expect(e.conversationView('c1').sla_paused_since).toBe(MON_9 + 2 * HOUR);

    // waiting on the customer through the night and into Tuesday 10:00
    clock.set(Date.parse('2026-03-03T09:00:00Z'));
    e.tick();
    expect(types(e.drainEvents()).filter((t) => t.startsWith('sla.'))).toEqual([]);
    e.customerMessage('c1');
    const view = e.conversationView('c1');
    expect(view.status).toBe('open');
    expect(view.sla_paused_since).toBeNull();
    // 22 business hours left from Tuesday 10:00: Tue 10 h (to 20:00) + Wed 12 h → Wednesday 20:00 (19:00Z)
    expect(new Date(view.dues.resolution_due!).toISOString()).toBe('2026-03-04T19:00:00.000Z');
    // the next-response clock started with the customer's message: 30 min
    expect(view.dues.next_response_due).toBe(Date.parse('2026-03-03T09:30:00Z'));
    const resumed = e.drainEvents();
    expect(resumed).toContainEqual(expect.objectContaining({ type: 'sla.pause_changed', paused_since: null, pauses: [[MON_9 + 2 * HOUR, Date.parse('2026-03-03T09:00:00Z')]] }));
    expect(resumed).toContainEqual(expect.objectContaining({ type: 'sla.due_changed', dues: expect.objectContaining({ resolution_due: Date.parse('2026-03-04T19:00:00Z') }) }));
  });

  it('first response keeps running while nobody has answered; a paused clock raises no warning or breach', () => {
    const { e, clock } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hello?' });
    e.setStatus('c1', 'snoozed');
    const v = e.conversationView('c1');
    expect(v.dues.first_response_due).toBe(MON_9 + HOUR);
    expect(v.dues.resolution_due).toBeNull();
    e.drainEvents();
    // far past the resolution target while snoozed: only first response warns and breaches
    for (let i = 0; i < 6 * 24; i++) { clock.advance(30 * MIN); e.tick(); }
    const fired = e.drainEvents().filter((x): x is Extract<RoutingEvent, { kind: string }> => x.type === 'sla.warning' || x.type === 'sla.breach');
    expect(fired.map((x) => `${x.type}:${x.kind}`)).toEqual(['sla.warning:first_response', 'sla.breach:first_response']);
    expect(e.conversationView('c1').breached).toEqual(['first_response']);
  });

  it('the next-response clock pauses too, and restarts its count only with a new customer message', () => {
    const { e, clock } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi' });
    e.setPresence('bob', 'available');
    e.accept('c1', 'bob');
    e.agentReplied('c1', 'bob');
    clock.advance(10 * MIN);
    e.customerMessage('c1'); // 09:10: next response due 09:40
    expect(e.conversationView('c1').dues.next_response_due).toBe(MON_9 + 40 * MIN);
    clock.advance(20 * MIN); // 09:30, 10 min left
    e.setStatus('c1', 'pending');
    expect(e.conversationView('c1').dues.next_response_due).toBeNull();
    clock.advance(3 * HOUR);
    e.tick();
    e.setStatus('c1', 'open'); // an agent reopens it: 10 minutes left
    expect(e.conversationView('c1').dues.next_response_due).toBe(MON_9 + 30 * MIN + 3 * HOUR + 10 * MIN);
    expect(e.drainEvents().some((x) => x.type === 'sla.breach')).toBe(false);
    clock.advance(10 * MIN);
    e.tick();
    expect(e.drainEvents()).toContainEqual(expect.objectContaining({ type: 'sla.breach', kind: 'next_response' }));
  });

  it('a clock breached before the pause keeps its due time and is not raised again on resume', () => {
    const { e, clock } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi' });
    e.setPresence('bob', 'available');
    e.accept('c1', 'bob');
    e.agentReplied('c1', 'bob');
    e.customerMessage('c1');
    clock.advance(40 * MIN);
    e.tick(); // next response breached at 09:30
    expect(e.drainEvents().filter((x) => x.type === 'sla.breach')).toHaveLength(1);
    e.setStatus('c1', 'pending');
    expect(e.conversationView('c1').dues.next_response_due).toBe(MON_9 + 30 * MIN);
    clock.advance(HOUR);
    e.setStatus('c1', 'open');
    clock.advance(HOUR);
    e.tick();
    expect(e.drainEvents().filter((x) => x.type === 'sla.breach' || x.type === 'sla.warning')).toEqual([]);
    expect(e.conversationView('c1').dues.next_response_due).toBe(MON_9 + 30 * MIN);
  });

  it('resolving ends the pause; reopening as pending starts a fresh paused clock', () => {
    const { e, clock } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi' });
    e.setStatus('c1', 'pending');
    clock.advance(HOUR);
    e.setStatus('c1', 'resolved');
    expect(e.conversationView('c1').sla_paused_since).toBeNull();
    clock.advance(HOUR);
    e.setStatus('c1', 'pending');
    expect(e.conversationView('c1').sla_paused_since).toBe(MON_9 + 2 * HOUR);
    expect(e.conversationView('c1').dues.resolution_due).toBeNull();
  });

  it('restoreClock refuses broken pause state and changes nothing', () => {
    const { e } = setup();
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi' });
    const before = JSON.stringify(e.snapshot());
    expect(() => e.restoreClock('c1', { first_responded_at: null, awaiting_since: null, warned: [], breached: [], pause: { since: null, intervals: [[5, 1]] } })).toThrow(RoutingError);
    expect(JSON.stringify(e.snapshot())).toBe(before);
  });
});

describe('pause/resume through the engine across business hours and DST (property)', () => {
  const ZONES = ['Europe/Warsaw', 'America/New_York', 'Australia/Sydney', 'Europe/London'];
  const NEAR_DST = ['2026-03-08T06:00:00Z', '2026-03-29T00:00:00Z', '2026-04-05T00:00:00Z', '2026-10-04T00:00:00Z', '2026-10-25T00:00:00Z', '2026-11-01T06:00:00Z'].map(Date.parse);
  const arbStep = fc.record({ wait: fc.integer({ min: 1, max: 20 * 60 }), status: fc.constantFrom('open', 'pending', 'snoozed', 'open') });

  it('the resolution due equals the unpaused business time; restored after a restart it is the same; paused clocks never fire', () => {
    fc.assert(fc.property(fc.constantFrom(...ZONES), fc.constantFrom(...NEAR_DST), fc.integer({ min: -24 * 60, max: 24 * 60 }), fc.array(arbStep, { maxLength: 10 }), (tz, dst, offsetMin, steps) => {
      const config = careConfig();
      config.calendars = [{ ...config.calendars![0], time_zone: tz }];
      // no escalation: a raised priority would switch policy and calendar under the oracle
      config.sla_policies = [{ id: 'p', calendar_id: 'warsaw', first_response_seconds: 3600, next_response_seconds: 1800, resolution_seconds: 86_400, on_breach: [] }];
      const start = dst + offsetMin * MIN;
      const { e, clock } = setup(start, config);
      const cal = new BusinessCalendar(config.calendars[0]);
      e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi', created_at: start });
      e.setPresence('bob', 'available');
      e.accept('c1', 'bob');
      e.agentReplied('c1', 'bob'); // first response met: only resolution (and next response) remain
      const pauses: Array<[number, number]> = [];
      let since: number | null = null;
      let lastPause: Extract<RoutingEvent, { type: 'sla.pause_changed' }> | null = null;
      const check = (evs: RoutingEvent[]) => {
        for (const ev of evs) {
          if (ev.type === 'sla.pause_changed') lastPause = ev;
          if ((ev.type === 'sla.warning' || ev.type === 'sla.breach') && ev.kind !== 'first_response') {
            expect(since, `${ev.type} ${ev.kind} fired while paused`).toBeNull();
          }
        }
      };
      for (const s of steps) {
        // time passes minute by minute in big strides; timers fire on the way
        const to = clock.get() + s.wait * MIN;
        while (clock.get() < to) { clock.set(Math.min(to, clock.get() + 45 * MIN)); e.tick(); check(e.drainEvents()); }
        const parked = s.status !== 'open';
        e.setStatus('c1', s.status as 'open');
        if (parked && since === null) since = clock.get();
        if (!parked && since !== null) { if (clock.get() > since) pauses.push([since, clock.get()]); since = null; }
        check(e.drainEvents());
      }
      const target = 24 * HOUR;
      // oracle: business time minus paused business time, walked through the calendar
      const pausedMs = pauses.reduce((sum, [a, b]) => sum + cal.businessTimeBetween(a, b), 0);
      const usedBefore = since === null ? null : cal.businessTimeBetween(start, since) - pausedMs;
      const view = e.conversationView('c1');
      if (since === null) {
        // due = the instant where business time since start, less the pauses, reaches the target
        const due = view.dues.resolution_due!;
        const pausedBeforeDue = pauses.reduce((sum, [a, b]) => sum + cal.businessTimeBetween(a, Math.min(b, due)), 0);
        expect(cal.businessTimeBetween(start, due) - pausedBeforeDue).toBe(target);
        expect(cal.isOpen(due) || cal.isOpen(due - 1) || due === start).toBe(true);
      } else if (usedBefore! < target) {
        expect(view.dues.resolution_due).toBeNull();
      }
      // a restart: a fresh engine restores the conversation from what was persisted
      const r = setup(clock.get(), config);
      r.e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'hi', created_at: start });
      const status = view.status;
      if (status !== 'open') r.e.setStatus('c1', status);
      r.e.adopt('c1', 'bob');
      const lp = lastPause as Extract<RoutingEvent, { type: 'sla.pause_changed' }> | null;
      r.e.restoreClock('c1', {
        first_responded_at: start, awaiting_since: null, warned: [], breached: view.breached,
        pause: lp ? { since: lp.paused_since, intervals: lp.pauses } : null,
      });
      expect(r.e.conversationView('c1').dues).toEqual(view.dues);
      expect(r.e.conversationView('c1').sla_paused_since).toBe(view.sla_paused_since);
    }), { numRuns: 150 });
  });
});
