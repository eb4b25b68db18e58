/**
 * Rule changes never move live work, restores run no rules, and a customer's follow-up always
 * reaches a person (issue 10, item 1): the engine's side.
 */
import { describe, expect, it } from 'vitest';
import { RoutingEngine } from './engine';
import { careConfig } from '../../testing/hub/routing-fixtures';

const T0 = Date.parse('2026-03-02T09:00:00Z');

function setup(rules?: unknown[]) {
  let now = T0;
  const clock = { get: () => now, advance: (ms: number) => { now += ms; } };
  const e = new RoutingEngine({ config: rules ? { ...careConfig(), rules } : careConfig(), now: clock.get });
  e.upsertAgent({ id: 'ana', name: 'Ana', team_ids: ['care-en', 'care-es'], skills: { 'language:en': 5, 'language:es': 8 }, capacity: { '*': 3 } });
  e.upsertAgent({ id: 'bob', name: 'Bob', team_ids: ['care-en'], skills: { 'language:en': 9 }, capacity: { '*': 3 } });
  e.upsertAgent({ id: 'pat', name: 'Pat', team_ids: ['product-quality'], skills: {}, capacity: {} });
  e.drainEvents();
  return { e, clock };
}
const defect = { channel: 'review' as const, intent: 'feedback', topic: 'Product defect', text: 'the hinge broke again' };
const cracked = { id: 'cracked', name: 'Cracked to quality', filters: [{ field: 'keywords', op: 'any', values: ['cracked'] }], targets: [{ queue_id: 'q-defects' }] };

describe('follow-ups reach a person', () => {
  it('a customer writing to an insight: to care (not the department), the insight keeps its state', () => {
    const { e, clock } = setup();
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'd1', ...defect, language: 'en' });
    expect(e.conversationView('d1').state).toBe('insight');
    const [ins] = e.listInsights();
    clock.advance(60_000);
    e.customerMessage('d1', clock.get());
    expect(e.conversationView('d1')).toMatchObject({ state: 'offered', team_id: 'care-en' });
    expect(e.conversationView('d1').offer?.agent_id).toBe('bob');
    expect(e.insight(ins.id)).toEqual(ins);
    expect(e.checkInvariants()).toEqual([]);
    // applying the rules again never sends it back to the department
    expect(e.previewRules()).toEqual([]);
    // the post that made the insight is not a follow-up of itself
    e.upsertConversation({ id: 'd2', ...defect, created_at: clock.get() });
    e.customerMessage('d2', clock.get());
    expect(e.conversationView('d2').state).toBe('insight');
  });

  it('a follow-up to an insight someone in the department holds goes to them (when they can take work)', () => {
    const { e, clock } = setup();
    e.setPresence('pat', 'break');
    e.upsertConversation({ id: 'd1', ...defect });
    clock.advance(1000);
    e.customerMessage('d1', clock.get(), { owner: 'pat' });
    expect(e.conversationView('d1')).toMatchObject({ state: 'assigned', assignee_id: 'pat' });
  });

  it('a resolved conversation written to again goes back to its owner, not through the rules; to the team queue when the owner is offline', () => {
    const { e, clock } = setup();
    e.setPresence('ana', 'available');
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'where is my parcel' });
    e.accept('c1', 'ana');
    e.setStatus('c1', 'resolved');
    e.setRules([cracked]);
    clock.advance(60_000);
    e.upsertConversation({ id: 'c1', channel: 'x', language: 'en', text: 'it arrived cracked' });
    e.customerMessage('c1', clock.get());
    expect(e.conversationView('c1')).toMatchObject({ state: 'assigned', assignee_id: 'ana', team_id: 'care-en' });
    e.setStatus('c1', 'resolved');
    e.setPresence('ana', 'offline');
    e.setPresence('bob', 'available');
    e.customerMessage('c1', clock.get());
    expect(e.conversationView('c1')).toMatchObject({ state: 'offered', team_id: 'care-en' });
    expect(e.conversationView('c1').offer?.agent_id).toBe('bob');
    expect(e.listInsights()).toEqual([]);
  });
});

describe('rules never move live work unless asked', () => {
  it('new rules route new arrivals only; the preview says what would move; apply moves only waiting work', () => {
    const { e } = setup();
    e.setPresence('bob', 'available');
    e.upsertConversation({ id: 'held', channel: 'x', language: 'en', text: 'my lid cracked' });
    e.accept('held', 'bob');
    e.upsertConversation({ id: 'waiting', channel: 'facebook', language: 'es', text: 'cracked screen' });
    e.upsertConversation({ id: 'other', channel: 'facebook', language: 'es', text: 'hola' });
    const before = { held: e.conversationView('held'), waiting: e.conversationView('waiting') };
    e.setRules([cracked, ...careConfig().rules!]);
    expect(e.conversationView('held')).toEqual(before.held);
    expect(e.conversationView('waiting')).toEqual(before.waiting);
    expect(e.listInsights()).toEqual([]);
    const preview = e.previewRules();
    expect(preview).toEqual([{ conversation_id: 'waiting', from_queue_id: 'q-es', from_team_id: 'care-es', to_queue_id: 'q-defects', to_team_id: 'product-quality', rule_id: 'cracked', insight: true }]);
    expect(e.conversationView('waiting')).toEqual(before.waiting); // a preview changes nothing
    // a proposal can be previewed without saving it
    expect(e.previewRules([]).map((m) => m.conversation_id)).toEqual(['other', 'waiting']);
    const r = e.applyRules(['waiting', 'held', 'nope']);
    expect(r.moved.map((m) => m.conversation_id)).toEqual(['waiting']);
    expect(r.skipped).toEqual([{ conversation_id: 'held', reason: 'not_waiting' }, { conversation_id: 'nope', reason: 'unknown' }]);
    expect(e.conversationView('waiting').state).toBe('insight');
    expect(e.conversationView('held')).toMatchObject({ state: 'assigned', assignee_id: 'bob' });
    expect(e.checkInvariants()).toEqual([]);
  });
});

describe('restore after a restart', () => {
  it('runs no rules: an assigned conversation stays, a waiting one stays in its queue with its overflow, an insight keeps its state', () => {
    const { e, clock } = setup([cracked, ...careConfig().rules!]);
    const ins = { id: 'ins-old', conversation_id: 'd1', department_id: 'product-quality', rule_id: 'cracked', opened_at: T0 - 3600_000, status: 'closed' as const, closed_at: T0 - 60_000, closed_by: 'pat', resolution: 'recalled' };
    e.restoreConversation({ id: 'a1', channel: 'x', language: 'en', text: 'lid cracked' }, { status: 'open', team_id: 'care-en', assignee_id: 'bob' });
    e.restoreConversation({ id: 'w1', channel: 'x', language: 'es', text: 'cracked' }, { status: 'open', team_id: 'care-es', assignee_id: null, queue_id: 'q-es', rule_id: 'spanish', target_index: 0, entered_at: T0 - 200_000 });
    e.restoreConversation({ id: 'd1', ...defect }, { status: 'open', team_id: 'product-quality', assignee_id: null, insight: ins });
    expect(e.drainEvents().filter((x) => x.type !== 'sla.due_changed')).toEqual([]);
    expect(e.conversationView('a1')).toMatchObject({ state: 'assigned', assignee_id: 'bob', team_id: 'care-en' });
    expect(e.agentView('bob').load).toEqual({ x: 1 });
    expect(e.conversationView('w1')).toMatchObject({ state: 'queued', queue_id: 'q-es', rule_id: 'spanish' });
    expect(e.conversationView('d1').state).toBe('insight');
    expect(e.insight('ins-old')).toEqual(ins);
    // the Spanish target's 300 s ran from when it entered (200 s before): 100 s left
    clock.advance(100_000);
    e.tick();
    expect(e.conversationView('w1').queue_id).toBe('q-en');
    expect(e.checkInvariants()).toEqual([]);
  });
});
