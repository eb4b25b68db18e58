/** Staffing on the Floor (issue 15): the intervals read by keyboard, under-staffed ones marked, adherence with since-when. */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { FloorStaffing } from '../../../shared/contract/staffing';
import { DEFAULT_STAFFING_SETTINGS } from '../../../shared/contract/staffing';
import { useClock } from '../app/store';
import { core } from '../testing/fake-core';
import { floor, renderApp, session } from '../testing/fixtures';
import { Floor } from './Floor';

const INTERVAL = 15 * 60_000;

describe('Staffing on the Floor', () => {
  it('lists forecast vs actual with agents needed and scheduled, marks under-staffed intervals, and shows adherence out first', async () => {
    const now = useClock.getState().now;
    const current = Math.floor(now / INTERVAL) * INTERVAL;
    const iso = (t: number) => new Date(t).toISOString();
    const staffing: FloorStaffing = {
      time_zone: 'UTC', handle_time_sec: 600, handle_time_measured: false, settings: DEFAULT_STAFFING_SETTINGS,
      intervals: [
        { start: iso(current), forecast: 2.5, forecast_by_channel: { x: 2.5 }, actual: 4, required: 1, required_scheduled: 2, scheduled: 1, understaffed: true },
        { start: iso(current + INTERVAL), forecast: 1, forecast_by_channel: { x: 1 }, actual: null, required: 1, required_scheduled: 2, scheduled: 2, understaffed: false },
      ],
      adherence: [
        { agent_id: 'agent-ana', name: 'Ana Kowalski', state: 'out', scheduled: 'work', shift_starts_at: iso(now - 3_600_000), shift_ends_at: iso(now + 3_600_000), presence: 'offline', since: iso(now - 10 * 60_000) },
        { agent_id: 'agent-ben', name: 'Ben Osei', state: 'unscheduled', scheduled: null, shift_starts_at: null, shift_ends_at: null, presence: 'available', since: iso(now - 5 * 60_000) },
      ],
    };
    core.handle('floor.get', () => ({ ...floor, staffing }));
    core.handle('insights.list', () => ({ insights: [] }));
    renderApp(<Floor />, session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor' } }));
    const list = await screen.findByRole('listbox', { name: 'Staffing by interval' });
    const rows = list.querySelectorAll('[role="option"] .staffing-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveAccessibleName(/: 2\.5 forecast, 4 arrived; 1 scheduled, 2 needed \(under-staffed\)$/);
    expect(rows[1]).toHaveAccessibleName(/: 1 forecast; 2 scheduled, 2 needed$/);
    expect(screen.getByText('1 under-staffed ahead', { exact: false })).toBeInTheDocument();
    const adherence = screen.getByRole('listbox', { name: 'Adherence' });
    const options = adherence.querySelectorAll('[role="option"] .adherence-row');
    expect(options[0]).toHaveAccessibleName(/^Ana Kowalski: out of adherence for 10m \(offline; scheduled work until /);
    expect(options[1]).toHaveAccessibleName(/^Ben Osei: working unscheduled for 5m \(available; no shift now\)$/);
    // m on an agent out of adherence: the Floor's message to that agent
    adherence.focus();
    await userEvent.setup().keyboard('m');
    expect(await screen.findByRole('dialog', { name: 'Message Ana Kowalski' })).toBeInTheDocument();
  });

  it('shows nothing of staffing when the hub sends none', async () => {
    core.handle('floor.get', () => floor);
    core.handle('insights.list', () => ({ insights: [] }));
    renderApp(<Floor />, session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor' } }));
    await screen.findByRole('listbox', { name: 'Agents' });
    expect(screen.queryByRole('listbox', { name: 'Adherence' })).toBeNull();
  });
});
