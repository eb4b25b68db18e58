import { describe, expect, it } from 'vitest';
import { CollisionTracker, type CollisionEvent } from './collision';
import { RoutingError } from './errors';

function setup() {
  let now = 1_000_000;
  const events: CollisionEvent[] = [];
  const t = new CollisionTracker({ now: () => now, viewingTtlMs: 15_000, typingTtlMs: 6_000, claimTtlMs: 30_000 });
  t.onEvent = (e) => events.push(e);
  return { t, events, advance: (ms: number) => { now += ms; }, now: () => now };
}

describe('collision control', () => {
  it('pushes viewing and typing changes, and expires them', () => {
    const { t, events, advance } = setup();
    t.heartbeat('c1', 'ana', 'viewing');
    t.heartbeat('c1', 'bob', 'viewing');
    t.heartbeat('c1', 'ana', 'viewing'); // no change → no event
    expect(events.filter((e) => e.type === 'collision.presence')).toHaveLength(2);
    t.heartbeat('c1', 'bob', 'typing');
    expect(t.presence('c1').map((p) => `${p.agent_id}:${p.activity}`)).toEqual(['ana:viewing', 'bob:typing']);
    advance(7_000);
    t.sweep();
    expect(t.presence('c1').map((p) => p.agent_id)).toEqual(['ana']);
    advance(9_000);
    t.sweep();
    expect(t.presence('c1')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'collision.presence', agents: [] });
  });

  it('a composing claim is exclusive until it expires or is released', () => {
    const { t, advance } = setup();
    expect(t.claim('c1', 'ana')).toMatchObject({ ok: true });
    expect(t.claim('c1', 'bob')).toMatchObject({ ok: false, held_by: { agent_id: 'ana' } });
    advance(30_000);
    expect(t.claim('c1', 'bob')).toMatchObject({ ok: true });
    t.release('c1', 'bob');
    expect(t.claimOf('c1')).toBeNull();
  });

  it('a second agent about to reply is warned, and sends only after confirming the exact conflicts', () => {
    const { t, advance, now } = setup();
    t.heartbeat('c1', 'ana', 'typing'); // typing takes the claim
    const w = t.checkReply({ conversation_id: 'c1', agent_id: 'bob', seen_up_to: now() });
    expect(w).toMatchObject({ decision: 'warn', conflicts: [{ kind: 'claimed_by_other', agent_id: 'ana' }] });
    if (w.decision !== 'warn') throw new Error('expected a warning');
    expect(w.message).toMatch(/ana is writing a reply/);
    // ana's reply lands before bob confirms: bob's old confirmation no longer covers it
    advance(2_000);
    t.recordReply('c1', 'ana', 'm-ana', now());
    const again = t.checkReply({ conversation_id: 'c1', agent_id: 'bob', seen_up_to: now() - 5_000, confirm_token: w.confirm_token });
    expect(again).toMatchObject({ decision: 'warn', conflicts: [{ kind: 'replied_meanwhile', message_id: 'm-ana' }] });
    if (again.decision !== 'warn') throw new Error('expected a warning');
    // ana's reply changes state on its way out (sending, sent): still one reply, the token still holds
    t.recordReply('c1', 'ana', 'm-ana', now());
    t.recordReply('c1', 'ana', 'm-ana', now());
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'bob', seen_up_to: now() - 5_000, confirm_token: again.confirm_token })).toMatchObject({ decision: 'send' });
    // once bob has seen ana's reply, no conflict remains
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'bob', seen_up_to: now() })).toEqual({ decision: 'send', confirmed_conflicts: [] });
    // the author never collides with themself
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'ana', seen_up_to: 0 })).toMatchObject({ decision: 'send' });
  });

  it('a claim never holds back the assignee; others are still warned', () => {
    const { t, now } = setup();
    t.heartbeat('c1', 'sam', 'typing'); // a supervisor composing on ana's conversation
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'ana', seen_up_to: now(), assignee_id: 'ana' })).toEqual({ decision: 'send', confirmed_conflicts: [] });
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'bob', seen_up_to: now(), assignee_id: 'ana' })).toMatchObject({ decision: 'warn' });
    // a reply that landed meanwhile still warns the assignee: it could be a duplicate
    t.recordReply('c1', 'sam', 'm-sam', now() + 1);
    expect(t.checkReply({ conversation_id: 'c1', agent_id: 'ana', seen_up_to: now(), assignee_id: 'ana' }))
      .toMatchObject({ decision: 'warn', conflicts: [{ kind: 'replied_meanwhile', agent_id: 'sam' }] });
  });

  it('an agent whose desktop went away views, types and claims nothing any more', () => {
    const { t, events } = setup();
    t.heartbeat('c1', 'ana', 'typing');
    t.heartbeat('c2', 'ana', 'viewing');
    t.heartbeat('c2', 'bob', 'viewing');
    t.leaveAll('ana');
    expect(t.claimOf('c1')).toBeNull();
    expect(t.presence('c1')).toEqual([]);
    expect(t.presence('c2').map((p) => p.agent_id)).toEqual(['bob']);
    expect(events.at(-1)).toMatchObject({ type: 'collision.presence', conversation_id: 'c2' });
  });

  it('refuses bad input clearly', () => {
    const { t } = setup();
    expect(() => t.heartbeat('c1', 'ana', 'dancing' as never)).toThrow(RoutingError);
    expect(() => t.claim('', 'ana')).toThrow(/required/);
  });
});
