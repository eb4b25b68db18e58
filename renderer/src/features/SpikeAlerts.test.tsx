import { act as flushReact, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SpikeAlertView } from '../../../shared/contract/spikes';
import { useLiveEvents } from '../app/live';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { floor, renderApp, session } from '../testing/fixtures';
import { Floor } from './Floor';
import { resetSpikeAnnouncements } from './SpikeAlerts';

const alert = (over: Partial<SpikeAlertView> = {}): SpikeAlertView => ({
  id: 'sa1', key: 'topic:login', state: 'ongoing', severity: 'high', started_at: new Date(Date.now() - 30 * 60_000).toISOString(),
  raised_at: new Date(Date.now() - 25 * 60_000).toISOString(), ended_at: null, lasted_min: 30, observed: 24, expected: 1.5, ratio: 16,
  sentiment_shift: -0.42, covers: ['keyword:crash'], acknowledged: null,
  terms: [{ term: 'crash', count: 20, growth: 2.1 }, { term: 'login', count: 18, growth: 1.7 }],
  examples: [
    { message_id: 'm1', conversation_id: 'c101', text: 'the app crashes at login' },
    { message_id: 'm2', conversation_id: 'c102', text: 'cannot log in since the update' },
  ],
  ...over,
});
const supervisor = () => session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor' } });

function Harness() {
  useLiveEvents();
  return <Floor />;
}

beforeEach(() => {
  resetSpikeAnnouncements();
  core.handle('insights.list', () => ({ insights: [] }));
});

describe('Spike alerts on the Floor (issue 15)', () => {
  it('shows each alert with severity, how long, volume against expected, the terms that grew and example posts; keyboard first', async () => {
    core.handle('floor.get', () => ({ ...floor, alerts: [alert()] }));
    core.handle('spikes.acknowledge', ({ id }) => ({ alert: alert({ id, acknowledged: { by_id: 'agent-sam', by_name: 'Sam Rivera', at: new Date().toISOString() } }) }));
    renderApp(<Floor />, supervisor());
    const list = await screen.findByRole('listbox', { name: 'Spike alerts' });
    // arriving on the floor the keyboard lands in the SLA list (the work at risk); Shift+Tab reaches the alerts above it
    await waitFor(() => expect(screen.getByRole('listbox', { name: 'SLA at risk and breached' })).toHaveFocus());
    const user = userEvent.setup();
    await user.keyboard('{Shift>}{Tab}{/Shift}');
    expect(list).toHaveFocus();
    const row = screen.getByRole('option', { name: /high spike: Topic login/ });
    expect(row.querySelector('.spike-row')).toHaveAccessibleName('high spike: Topic login, for 30m, 24 posts in 15 minutes against 1.5 expected, grew: crash, login');
    expect(row).toHaveTextContent('sentiment −0.42');
    expect(row).toHaveTextContent('“the app crashes at login”');
    await user.keyboard('a');
    await waitFor(() => expect(core.callsOf('spikes.acknowledge')).toEqual([{ id: 'sa1' }]));
    await user.keyboard('2');
    expect(useUi.getState()).toMatchObject({ view: 'inbox', selectedId: 'c102', threadWanted: true });
  });

  it('has no panel while there is no alert', async () => {
    core.handle('floor.get', () => floor);
    renderApp(<Floor />, supervisor());
    await screen.findByRole('listbox', { name: 'SLA at risk and breached' });
    expect(screen.queryByRole('listbox', { name: 'Spike alerts' })).not.toBeInTheDocument();
  });

  it('a new alert pushed with the floor brings a desktop notification, once, and not for acknowledged or old ones', async () => {
    core.handle('floor.get', () => floor);
    renderApp(<Harness />, supervisor());
    const old = alert({ id: 'old', state: 'ongoing' });
    flushReact(() => core.emit('floor.changed', { ...floor, alerts: [old] }));
    expect(core.notifications).toEqual([]);
    const fresh = alert({ id: 'sa2', key: 'keyword:outage', state: 'raised', severity: 'critical', lasted_min: 15, observed: 40, expected: 2 });
    flushReact(() => core.emit('floor.changed', { ...floor, alerts: [fresh, old, alert({ id: 'seen', acknowledged: { by_id: null, by_name: 'Ana', at: new Date().toISOString() } })] }));
    flushReact(() => core.emit('floor.changed', { ...floor, alerts: [fresh, old] }));
    expect(core.notifications).toEqual([{ title: 'Spike: Keyword “outage” (critical)', body: '40 posts in 15 min, 2 expected · grew: crash, login', tag: 'spike-sa2' }]);
  });
});
