import { waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { renderApp } from '../testing/fixtures';
import { SHIFT_MS, usePresenceAtSignIn } from './Presence';

function Harness() { usePresenceAtSignIn(); return null; }
const ACTIVITIES = [{ id: 'available', label: 'Available', routable: true }, { id: 'break', label: 'Break', routable: false }, { id: 'offline', label: 'Offline', routable: false }];
let settings: Map<string, unknown>;

beforeEach(() => {
  settings = new Map();
  core.handle('presence.get', () => ({ activities: ACTIVITIES, agents: [{ id: 'agent-ana', activity_id: 'offline', routable: false, offer: null, assigned: ['c1'], load: {}, idle_since: 0 }] }));
  core.handle('presence.set', ({ activity_id }) => ({ agent: { id: 'agent-ana', activity_id, routable: true, offer: null, assigned: [], load: {}, idle_since: 0 } }));
  core.handle('settings.get', ({ key }) => ({ value: settings.get(key) ?? null }));
  core.handle('settings.set', ({ key, value }) => { settings.set(key, value); return { ok: true }; });
});

describe('Presence at sign-in (issue 13, item 4)', () => {
  it('an agent signing in Offline is asked for a presence, once a shift', async () => {
    renderApp(<Harness />);
    await waitFor(() => expect(useUi.getState().overlay).toBe('presence-start'));
    expect(typeof settings.get('presence.asked.agent-ana')).toBe('number');
    expect(core.callsOf('presence.set')).toEqual([]);
  });

  it('within the same shift, the presence chosen before comes back by itself', async () => {
    settings.set('presence.last.agent-ana', { activity_id: 'available', at: Date.now() - 3_600_000 });
    renderApp(<Harness />);
    await waitFor(() => expect(core.callsOf('presence.set')).toEqual([{ activity_id: 'available' }]));
    expect(useUi.getState().announcement).toBe('Presence restored: Available');
    expect(useUi.getState().overlay).toBeNull();
  });

  it("another agent's presence on this desktop is theirs: not restored for this one, who is asked", async () => {
    settings.set('presence.last.agent-ben', { activity_id: 'available', at: Date.now() - 60_000 });
    settings.set('presence.asked.agent-ben', Date.now() - 60_000);
    renderApp(<Harness />);
    await waitFor(() => expect(useUi.getState().overlay).toBe('presence-start'));
    expect(core.callsOf('presence.set')).toEqual([]);
  });

  it('a presence from a former shift is not restored: the agent is asked', async () => {
    settings.set('presence.last.agent-ana', { activity_id: 'available', at: Date.now() - SHIFT_MS - 60_000 });
    renderApp(<Harness />);
    await waitFor(() => expect(useUi.getState().overlay).toBe('presence-start'));
    expect(core.callsOf('presence.set')).toEqual([]);
  });
});
