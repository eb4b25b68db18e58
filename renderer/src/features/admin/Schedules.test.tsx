/** Schedules (issue 15): the list by keyboard, an import refused with its rows named, the staffing settings saved as an admin. */
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAFFING_SETTINGS } from '../../../../shared/contract/staffing';
import { core } from '../../testing/fake-core';
import { renderApp, session } from '../../testing/fixtures';
import { Schedules } from './Schedules';

const shift = { id: 's1', agent_id: 'agent-ana', agent_name: 'Ana Souza', agent_email: 'ana@demo.tend', starts_at: '2026-12-08T09:00:00.000Z', ends_at: '2026-12-08T17:00:00.000Z', activity: 'work', updated_at: '2026-12-07T10:00:00.000Z' };
const asRole = (role: 'admin' | 'supervisor') => session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role } });

function hub(calls: Array<{ route: string; body?: unknown }>, refuse?: string) {
  core.handle('admin.call', (req) => {
    const r = req as { route: string; body?: unknown };
    calls.push(r);
    if (r.route === 'shifts') return { shifts: [shift], time_zone: 'Europe/Warsaw' };
    if (r.route === 'staffingSettings' || r.route === 'setStaffingSettings') {
      return { settings: { ...DEFAULT_STAFFING_SETTINGS, ...(r.body as object ?? {}) }, measured_handle_time_sec: 420 };
    }
    if (r.route === 'importShifts' && refuse) throw Object.assign(new Error(refuse), { code: 'invalid' });
    throw new Error(`unexpected ${r.route}`);
  });
}

describe('Schedules', () => {
  it('lists the shifts; i opens the import, whose refusal names each bad row', async () => {
    const calls: Array<{ route: string; body?: unknown }> = [];
    hub(calls, 'nothing imported: 2 bad rows:\nline 2: no agent with the email x@y.z\nline 3: the shift ends before it starts');
    renderApp(<Schedules />, asRole('supervisor'));
    const list = await screen.findByRole('listbox', { name: 'Shifts' });
    expect(screen.getByRole('option', { name: /^Ana Souza, work, / })).toBeInTheDocument();
    expect(screen.getByText(/files read in the workspace's \(Europe\/Warsaw\)/)).toBeInTheDocument();
    list.focus();
    const user = userEvent.setup();
    await user.keyboard('i');
    const csv = await screen.findByLabelText('CSV');
    expect(csv).toHaveFocus();
    await user.type(csv, 'agent_email,start,end');
    await user.keyboard('{Control>}{Enter}{/Control}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('line 2: no agent with the email x@y.z');
    expect(alert).toHaveTextContent('line 3: the shift ends before it starts');
    expect(calls.find((c) => c.route === 'importShifts')?.body).toEqual({ csv: 'agent_email,start,end', replace: false });
  });

  it('s opens the staffing settings: an admin saves them as shares and seconds; a bad value is refused before anything is sent', async () => {
    const calls: Array<{ route: string; body?: unknown }> = [];
    hub(calls);
    renderApp(<Schedules />, asRole('admin'));
    const list = await screen.findByRole('listbox', { name: 'Shifts' });
    list.focus();
    const user = userEvent.setup();
    await user.keyboard('s');
    const level = await screen.findByLabelText('Service level (%)');
    await waitFor(() => expect(level).toHaveValue('80'));
    expect(screen.getByText(/empty: measured \(7 min over the last 7 days\)/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Shrinkage (%)'));
    await user.type(screen.getByLabelText('Shrinkage (%)'), '95');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByRole('alert')).toHaveTextContent('shrinkage is a percentage from 0 to 90');
    expect(calls.some((c) => c.route === 'setStaffingSettings')).toBe(false);
    await user.clear(screen.getByLabelText('Shrinkage (%)'));
    await user.type(screen.getByLabelText('Shrinkage (%)'), '25');
    await user.type(screen.getByLabelText('Handle time (minutes)'), '12');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(calls.find((c) => c.route === 'setStaffingSettings')?.body).toEqual({
      service_level: 0.8, target_sec: 3600, shrinkage: 0.25, max_occupancy: 0.85, concurrency: 3, handle_time_sec: 720,
    }));
  });
});
