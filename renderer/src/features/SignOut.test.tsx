import { act as actNow, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { UnsentWork } from '../../../shared/contract/desktop';
import { noteSession, restoredNotice } from '../app/session';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { renderApp, session } from '../testing/fixtures';
import { Overlays } from './Overlays';
import { StatusBar } from './StatusBar';

const work: UnsentWork = {
  replies: 1, notes: 0, changes: 0, drafts: 1, total: 2,
  items: [
    { conversation_id: 'c1', kind: 'reply', customer_name: '@ann', text: 'We are on it', failed: false },
    { conversation_id: 'c2', kind: 'draft', customer_name: '@bob', text: 'Half a thought', failed: false },
  ],
};

function desk(online: boolean, unsent: UnsentWork) {
  core.handle('presence.get', () => ({ activities: [], agents: [] }));
  core.handle('session.unsent', () => unsent);
  core.handle('session.logout', () => ({ ok: true }));
  renderApp(<><StatusBar /><Overlays /></>, session({ online, outbox_count: unsent.replies }));
}

describe('Sign out with work not sent (issue 10, item 3)', () => {
  it('asks instead of failing silently, says what is unsent, and keeps it by key', async () => {
    desk(false, work);
    await userEvent.click(screen.getByRole('button', { name: /Sign out/ }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Sign out with work not sent' });
    expect(dialog).toHaveTextContent('1 reply, 1 draft are not sent yet.');
    expect(dialog).toHaveTextContent('Reply to @ann: We are on it');
    expect(dialog).toHaveTextContent('Draft to @bob: Half a thought');
    expect(screen.getByRole('button', { name: /Keep for my next sign-in/ })).toHaveFocus();
    expect(core.callsOf('session.logout')).toEqual([]);
    await userEvent.keyboard('k');
    await waitFor(() => expect(core.callsOf('session.logout')).toEqual([{ unsent: 'keep' }]));
  });

  it('offline, S says why it cannot send and signs nobody out; D discards', async () => {
    desk(false, work);
    await userEvent.click(screen.getByRole('button', { name: /Sign out/ }));
    await screen.findByRole('alertdialog', { name: 'Sign out with work not sent' });
    await userEvent.keyboard('s');
    expect(await screen.findByRole('alert')).toHaveTextContent('You are offline');
    expect(core.callsOf('session.logout')).toEqual([]);
    await userEvent.keyboard('d');
    await waitFor(() => expect(core.callsOf('session.logout')).toEqual([{ unsent: 'discard' }]));
  });

  it('online, S sends first; nothing unsent signs out without asking', async () => {
    desk(true, work);
    await userEvent.click(screen.getByRole('button', { name: /Sign out/ }));
    await screen.findByRole('alertdialog', { name: 'Sign out with work not sent' });
    await userEvent.keyboard('s');
    await waitFor(() => expect(core.callsOf('session.logout')).toEqual([{ unsent: 'send' }]));
  });

  it('with nothing unsent there is no question', async () => {
    desk(true, { replies: 0, notes: 0, changes: 0, drafts: 0, total: 0, items: [] });
    await userEvent.click(screen.getByRole('button', { name: /Sign out/ }));
    await waitFor(() => expect(core.callsOf('session.logout')).toEqual([{}]));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('Signing in again', () => {
  it('says what kept work came back', () => {
    expect(restoredNotice(session({ restored: { outbox: 1, drafts: 2 } }))).toBe('Your kept work is back: 1 unsent change (sending now) and 2 drafts');
    expect(restoredNotice(session({ restored: { outbox: 0, drafts: 0 } }))).toBeNull();
    expect(restoredNotice(session())).toBeNull();
  });
});

describe('Switching account', () => {
  it("clears the previous agent's screen: open thread, filters, overlays, messages", () => {
    const ana = session();
    noteSession(ana);
    actNow(() => {
      useUi.getState().set({ selectedId: 'c9', selectedIndex: 4, tab: 'team', view: 'insights', channel: 'x' });
      useUi.getState().announce('Resolved');
      useUi.getState().open('assign');
    });
    noteSession({ ...ana, logged_in: false, agent: null });
    const ui = useUi.getState();
    expect([ui.selectedId, ui.selectedIndex, ui.tab, ui.view, ui.channel, ui.overlay, ui.toasts, ui.announcement]).toEqual([null, 0, 'mine', 'inbox', undefined, null, [], '']);
  });
});
