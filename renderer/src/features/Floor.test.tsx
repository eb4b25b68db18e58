import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { core } from '../testing/fake-core';
import { floor, renderApp, session } from '../testing/fixtures';
import { Floor } from './Floor';

describe('The Floor agent table (issue 13, the agent table)', () => {
  it('shows each agent with presence, load, replies/hour and handle time', async () => {
    core.handle('floor.get', () => floor);
    core.handle('insights.list', () => ({ insights: [] }));
    renderApp(<Floor />, session({ agent: { ...session().agent!, id: 'agent-sam', name: 'Sam Rivera', role: 'supervisor' } }));
    const agents = await screen.findByRole('listbox', { name: 'Agents' });
    const chloe = screen.getByRole('option', { name: /Chloé Martin/ });
    expect(agents).toContainElement(chloe);
    expect(chloe.querySelector('.agent-row')).toHaveAccessibleName('Chloé Martin: Available, 3 of 8 open, 12 replies in the last hour, handle time 5m');
    expect(chloe).toHaveTextContent('12/h');
    expect(screen.getByRole('option', { name: /Sam Rivera/ })).toHaveTextContent('0/h');
  });
});
