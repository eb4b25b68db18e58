import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../api/query-client';
import { keys } from '../api/queries';
import { core } from '../testing/fake-core';
import { session } from '../testing/world';
import { run } from './actions';
import { whyNothingToPull } from './pull';
import { useUi } from './store';

const offer = { id: 'o1', conversation_id: 'c9', agent_id: 'agent-ana', offered_at: 0, expires_at: 1 };

describe('Shift+N with nothing to take says why (issue 13, item 2)', () => {
  it('an offer waiting for an answer holds the slot', () => {
    expect(whyNothingToPull({ me: { load: { x: 7 }, offer, routable: true }, capacity: { x: 8 }, teamWaiting: 65, offerChannel: 'x' }))
      .toBe('65 waiting in the team queue, but an offer is waiting for your answer and holds a slot on X: Shift+A accepts it, Shift+X rejects it.');
  });
  it('at capacity: which channels are full, and what frees a slot', () => {
    expect(whyNothingToPull({ me: { load: { x: 8, facebook: 1 }, offer: null, routable: true }, capacity: { x: 8, facebook: 4 }, teamWaiting: 65 }))
      .toBe('65 waiting in the team queue, but you are at capacity (X 8/8): resolve or snooze one to free a slot.');
  });
  it('a channel without capacity counts as full; "*" is the capacity of any channel', () => {
    expect(whyNothingToPull({ me: { load: { x: 2 }, offer: null, routable: true }, capacity: { '*': 2 }, teamWaiting: 3 })).toContain('X 2/2');
  });
  it('room but nothing fits: skills or channels', () => {
    expect(whyNothingToPull({ me: { load: {}, offer: null, routable: true }, capacity: { x: 8 }, teamWaiting: 4 })).toContain('none you can take');
  });
  it('an empty queue is just empty', () => {
    expect(whyNothingToPull({ me: undefined, capacity: {}, teamWaiting: 0 })).toBe('The team queue is empty.');
  });

  it('the command asks the hub for the agent\'s load and offer and announces the reason', async () => {
    queryClient.setQueryData(keys.session, session());
    queryClient.setQueryData(keys.counts, { mine: 8, team: 65, snoozed: 0, resolved: 0 });
    core.handle('queue.pull', () => ({ conversation_id: null }));
    core.handle('presence.get', () => ({
      activities: [{ id: 'available', label: 'Available', routable: true }],
      agents: [{ id: 'agent-ana', activity_id: 'available', routable: true, offer: null, assigned: [], load: { x: 8 }, idle_since: 0 }],
    }));
    run('queue.pull');
    await waitFor(() => expect(useUi.getState().announcement).toBe('65 waiting in the team queue, but you are at capacity (X 8/8): resolve or snooze one to free a slot.'));
  });
});
