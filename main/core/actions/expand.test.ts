/** A macro's steps on one conversation: the mutations they queue and the preview's lines are one plan. */
import { describe, expect, it } from 'vitest';
import { MacroStepSchema, type MacroStep } from '../../../shared/contract/macros';
import { conversation } from '../../../testing/desktop/fixtures';
import { planSteps, type PlanContext } from './expand';

const ctx: PlanContext = {
  me: { id: 'ag-me', name: 'Ana Lopez', role: 'agent', team_ids: ['team-a'] },
  agents: [{ id: 'ag-me', name: 'Ana Lopez' }, { id: 'ag-bo', name: 'Bo' }],
  teams: [{ id: 'team-a', name: 'Alpha' }, { id: 'team-b', name: 'Billing' }],
  canned: [{ shortcode: 'thanks', text: 'Hi {{customer.first_name}}, thanks! ^{{agent.initials}}' }],
  customer: { name: 'Maria K', handle: '@maria_k' },
  now: Date.parse('2026-03-01T10:00:00.000Z'),
};
const steps = (...s: unknown[]): MacroStep[] => s.map((x) => MacroStepSchema.parse(x));

describe('planSteps', () => {
  it('turns each step into its mutation, in order, with the reply filled for the customer and later steps seeing earlier ones', () => {
    const plan = planSteps(conversation({ id: 'c1', tags: ['vip'] }), steps(
      { kind: 'tag', add: ['refund', 'vip'], remove: ['new'] },
      { kind: 'reply', canned: 'thanks' },
      { kind: 'note', text: 'refund issued' },
      { kind: 'assign', agent: null, team_id: 'team-b' },
      { kind: 'snooze', hours: 2 },
    ), ctx);
    expect(plan.refused).toBeNull();
    expect(plan.mutations.map((m) => m.type)).toEqual(['tag', 'reply', 'note', 'assign', 'set_status']);
    expect(plan.mutations[0].args).toEqual({ conversation_id: 'c1', add: ['refund'], remove: [] });
    expect(plan.mutations[1].args).toMatchObject({ text: 'Hi Maria, thanks! ^AL', visibility: 'public' });
    expect(plan.mutations[3].args).toEqual({ conversation_id: 'c1', assignee_id: null, team_id: 'team-b' });
    expect(plan.mutations[4].args).toEqual({ conversation_id: 'c1', status: 'snoozed', snoozed_until: '2026-03-01T12:00:00.000Z' });
    expect(plan.lines).toEqual([
      'Tags: +refund',
      'Reply in public: “Hi Maria, thanks! ^AL”',
      'Add an internal note: “refund issued”',
      'Move to the Billing queue (unassigned)',
      'Snooze for 2 h (until 2026-03-01T12:00:00.000Z)',
    ]);
  });

  it("refuses a conversation someone else owns, or outside the agent's queues, whole: nothing is planned for it", () => {
    const theirs = planSteps(conversation({ id: 'c2', assignee_id: 'ag-bo' }), steps({ kind: 'status', status: 'resolved' }), ctx);
    expect(theirs).toMatchObject({ refused: { code: 'conversation_reassigned', message: expect.stringContaining('assigned to Bo') }, mutations: [] });
    const elsewhere = planSteps(conversation({ id: 'c3', assignee_id: null, team_id: 'team-b' }), steps({ kind: 'status', status: 'resolved' }), ctx);
    expect(elsewhere.refused?.code).toBe('forbidden');
    // a supervisor may act on anyone's
    const boss = planSteps(conversation({ id: 'c2', assignee_id: 'ag-bo' }), steps({ kind: 'status', status: 'resolved' }), { ...ctx, me: { ...ctx.me, role: 'supervisor' } });
    expect(boss.refused).toBeNull();
  });

  it('refuses a reply from a canned response this desktop does not have, and a reply to a resolved conversation, before anything else of it runs', () => {
    const missing = planSteps(conversation({ id: 'c1' }), steps({ kind: 'tag', add: ['x'] }, { kind: 'reply', canned: 'nosuch' }), ctx);
    expect(missing).toMatchObject({ refused: { code: 'invalid', message: 'no canned response ;nosuch on this desktop' }, mutations: [] });
    const resolved = planSteps(conversation({ id: 'c1', status: 'resolved' }), steps({ kind: 'reply', canned: 'thanks' }), ctx);
    expect(resolved.refused?.code).toBe('conversation_resolved');
    const reopened = planSteps(conversation({ id: 'c1', status: 'resolved' }), steps({ kind: 'status', status: 'open' }, { kind: 'reply', canned: 'thanks' }), ctx);
    expect(reopened.refused).toBeNull();
  });

  it('plans nothing for a tag step that changes nothing, and says so', () => {
    const plan = planSteps(conversation({ id: 'c1', tags: ['refund'] }), steps({ kind: 'tag', add: ['refund'] }), ctx);
    expect(plan.mutations).toEqual([]);
    expect(plan.lines).toEqual(['Tags: no change (+refund already so)']);
  });
});
