import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { core } from '../testing/fake-core';
import { renderApp, session } from '../testing/fixtures';
import { StatusBar } from './StatusBar';

describe('Status bar (issue 13, item 10)', () => {
  it('says the agent is up to date, not the sync id', () => {
    core.handle('presence.get', () => ({ activities: [], agents: [] }));
    renderApp(<StatusBar />, session({ last_sync_id: 1058 }));
    expect(screen.getByLabelText('Sync state')).toHaveTextContent('Up to date');
    expect(screen.getByRole('banner')).not.toHaveTextContent('#1058');
  });

  it('offline: working from this desktop, with the outbox count', () => {
    core.handle('presence.get', () => ({ activities: [], agents: [] }));
    renderApp(<StatusBar />, session({ online: false, outbox_count: 2 }));
    expect(screen.getByRole('status', { name: 'Offline' })).toBeVisible();
    expect(screen.getByRole('status', { name: 'Outbox 2' })).toBeVisible();
    expect(screen.getByLabelText('Sync state')).toHaveTextContent('Working from this desktop');
  });
});
