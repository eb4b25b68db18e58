import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { renderApp, roster, session } from '../testing/fixtures';
import { Overlays } from './Overlays';

describe('Search hits (issue 13, item 7)', () => {
  it('shows the matched words highlighted, never the raw [markers]', async () => {
    core.handle('search', () => ({ hits: [{ message_id: 'm1', conversation_id: 'c1', snippet: 'thanks @[sprint] for the [sprint] review…', customer_name: 'Maria Kowal', created_at: new Date().toISOString() }] }));
    useUi.setState({ overlay: 'search' });
    renderApp(<Overlays />);
    await userEvent.setup().keyboard('sprint');
    const hit = await screen.findByRole('option');
    expect(hit).toHaveTextContent('thanks @sprint for the sprint review…');
    expect(hit.textContent).not.toMatch(/[[\]]/);
    expect(within(hit).getAllByText('sprint').map((m) => m.tagName)).toEqual(['MARK', 'MARK']);
  });
});

describe('Assign and reassign show presence and load, and ask before overloading (issue 13, item 3)', () => {
  const supervisor = session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor' } });

  it('lists each person with presence and load; an agent on Break at 8/8 needs a confirmation', async () => {
    core.handle('roster.get', () => roster);
    core.handle('conversation.assign', () => ({ ok: true }));
    useUi.setState({ overlay: 'assign', selectedId: 'c1', tab: 'team' });
    renderApp(<Overlays />, supervisor);
    const user = userEvent.setup();
    const ben = await screen.findByRole('option', { name: /Ben Osei/ });
    await waitFor(() => expect(ben).toHaveTextContent('Break · 8/8'));
    expect(screen.getByRole('option', { name: /Chloé Martin/ })).toHaveTextContent('Available · 3/8');
    await user.keyboard('Ben{Enter}');
    const confirm = screen.getByRole('dialog', { name: 'Ben Osei is on Break and at 8/8. Assign anyway?' });
    expect(within(confirm).getByRole('option', { selected: true })).toHaveTextContent('Assign to Ben Osei anyway (9/8 after this)');
    expect(core.callsOf('conversation.assign')).toEqual([]);
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Assign to' })).toBeVisible();
    await user.keyboard('Ben{Enter}{Enter}');
    await waitFor(() => expect(core.callsOf('conversation.assign')).toEqual([{ conversation_id: 'c1', assignee_id: 'agent-ben' }]));
  });

  it('an agent (not only a supervisor) sees colleagues’ presence and load, and confirms Offline by key', async () => {
    core.handle('roster.get', () => roster);
    core.handle('conversation.assign', () => ({ ok: true }));
    useUi.setState({ overlay: 'assign', selectedId: 'c1', tab: 'team' });
    renderApp(<Overlays />); // Ana, an agent
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByRole('option', { name: /Sam Rivera/ })).toHaveTextContent('Offline · 0/4'));
    expect(screen.getByRole('option', { name: /Me \(Ana Kowalski\)/ })).toHaveTextContent('Available · 7/8');
    await user.keyboard('Sam{Enter}');
    const confirm = screen.getByRole('dialog', { name: 'Sam Rivera is offline. Assign anyway?' });
    expect(core.callsOf('conversation.assign')).toEqual([]);
    await user.keyboard('n');
    expect(confirm).not.toBeInTheDocument();
    await user.keyboard('Sam{Enter}y');
    await waitFor(() => expect(core.callsOf('conversation.assign')).toEqual([{ conversation_id: 'c1', assignee_id: 'agent-sam' }]));
  });

  it('someone available with room is assigned at once', async () => {
    core.handle('roster.get', () => roster);
    core.handle('conversation.assign', () => ({ ok: true }));
    useUi.setState({ overlay: 'assign', selectedId: 'c1', tab: 'team' });
    renderApp(<Overlays />, supervisor);
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByRole('option', { name: /Chloé Martin/ })).toHaveTextContent('3/8'));
    await user.keyboard('Chlo{Enter}');
    await waitFor(() => expect(core.callsOf('conversation.assign')).toEqual([{ conversation_id: 'c1', assignee_id: 'agent-chloe' }]));
  });
});
