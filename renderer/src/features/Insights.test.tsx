import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { insights, renderApp } from '../testing/fixtures';
import { InsightsView } from './Insights';

describe('Department insights (issue 13, item 8)', () => {
  it('Enter on an insight opens its conversation, the thread taking the keyboard', async () => {
    core.handle('insights.list', () => ({ insights }));
    useUi.setState({ view: 'insights' });
    renderApp(<InsightsView />);
    const list = await screen.findByRole('listbox', { name: 'Open insights' });
    await waitFor(() => expect(list).toHaveFocus());
    await userEvent.setup().keyboard('{Enter}');
    expect(useUi.getState()).toMatchObject({ view: 'inbox', selectedId: 'c101', threadWanted: true });
  });

  it('x still closes one with a resolution', async () => {
    core.handle('insights.list', () => ({ insights }));
    renderApp(<InsightsView />);
    const list = await screen.findByRole('listbox', { name: 'Open insights' });
    await waitFor(() => expect(list).toHaveFocus());
    await userEvent.setup().keyboard('x');
    expect(screen.getByRole('dialog', { name: 'Close insight' })).toBeVisible();
  });
});
