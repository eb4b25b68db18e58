import { act as flushReact, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { run } from '../app/actions';
import { useLiveEvents } from '../app/live';
import { useUi } from '../app/store';
import { useWindowTitle } from '../app/title';
import { core } from '../testing/fake-core';
import { conversationData, conversation, customer, renderApp } from '../testing/fixtures';
import { OfferTray } from './OfferTray';

function Harness() {
  useLiveEvents();
  useWindowTitle();
  return <><textarea aria-label="Public reply" /><OfferTray /></>;
}

const push = (id: string, conv: string, expiresIn: number, priority = 'normal') => flushReact(() => core.emit('routing.push', {
  type: 'offer', offer: { id, conversation_id: conv, agent_id: 'agent-ana', offered_at: Date.now(), expires_at: Date.now() + expiresIn },
  conversation: { id: conv, priority, team_id: 't', queue_id: 'q', dues: { first_response_due: null, next_response_due: null, resolution_due: null } },
}));

beforeEach(() => {
  core.handle('conversation.get', ({ id }) => conversationData({
    conversation: conversation({ id, snippet: id === 'c7' ? 'my kettle cracked' : 'where is my parcel' }),
    customer: customer({ name: id === 'c7' ? 'Kate Kettle' : 'Paul Parcel' }),
  }));
  core.handle('offer.accept', () => ({ ok: true }));
  core.handle('offer.reject', () => ({ ok: true }));
});

describe('Offers in a tray (issue 13, item 5)', () => {
  it('shows several offers at once, each with who, what and its countdown, without taking the focus', async () => {
    const user = userEvent.setup();
    renderApp(<Harness />);
    const field = screen.getByRole('textbox', { name: 'Public reply' });
    await user.click(field);
    await user.keyboard('I am typing');
    push('o1', 'c7', 30_000, 'high');
    push('o2', 'c8', 20_000);
    const tray = screen.getByRole('region', { name: 'Offers' });
    const offers = within(tray).getAllByRole('listitem');
    expect(offers).toHaveLength(2);
    // the one that expires first comes first
    expect(await within(offers[0]!).findByText('Paul Parcel')).toBeVisible();
    expect(await within(offers[1]!).findByText('Kate Kettle')).toBeVisible();
    expect(within(offers[1]!).getByText('“my kettle cracked”')).toBeVisible();
    expect(within(offers[0]!).getByRole('timer')).toHaveAccessibleName(/^(19|20) seconds left$/);
    expect(field).toHaveFocus();
    await user.keyboard(' still');
    expect(field).toHaveValue('I am typing still');
  });

  it('Shift+A accepts the offer that expires first and opens it; the other stays', async () => {
    renderApp(<Harness />);
    push('o1', 'c7', 30_000);
    push('o2', 'c8', 20_000);
    run('offer.accept');
    await waitFor(() => expect(core.callsOf('offer.accept')).toEqual([{ conversation_id: 'c8', offer_id: 'o2' }]));
    await waitFor(() => expect(useUi.getState().selectedId).toBe('c8'));
    expect(useUi.getState().tab).toBe('mine');
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    run('offer.reject');
    await waitFor(() => expect(core.callsOf('offer.reject')).toEqual([{ conversation_id: 'c7', offer_id: 'o1' }]));
    expect(screen.queryByRole('region', { name: 'Offers' })).not.toBeInTheDocument();
  });

  it('an offer the hub closes (expired, taken) leaves the tray', () => {
    renderApp(<Harness />);
    push('o1', 'c7', 30_000);
    flushReact(() => core.emit('routing.push', { type: 'offer_closed', offer_id: 'o1', conversation_id: 'c7', outcome: 'expired' }));
    expect(screen.queryByRole('region', { name: 'Offers' })).not.toBeInTheDocument();
  });

  it('each offer has its own accept and reject buttons', async () => {
    const user = userEvent.setup();
    renderApp(<Harness />);
    push('o1', 'c7', 30_000);
    push('o2', 'c8', 20_000);
    await user.click(within(screen.getAllByRole('listitem')[1]!).getByRole('button', { name: /Reject/ }));
    await waitFor(() => expect(core.callsOf('offer.reject')).toEqual([{ conversation_id: 'c7', offer_id: 'o1' }]));
  });

  it('notifies the desktop, and the window title and icon count the offers and the unread conversations', async () => {
    core.handle('inbox.counts', () => ({ mine: 5, team: 0, snoozed: 0, resolved: 0, unread: 3 }));
    renderApp(<Harness />);
    await waitFor(() => expect(document.title).toBe('(3) Tend · 3 unread'));
    push('o1', 'c7', 30_000, 'high');
    push('o2', 'c8', 20_000);
    expect(core.notifications.map((n) => n.title)).toEqual(['A conversation for you', 'A conversation for you']);
    expect(core.notifications[0]!.body).toContain('high priority');
    expect(document.title).toBe('(5) Tend · 2 offers · 3 unread');
    expect(core.badge).toBe(5);
    flushReact(() => core.emit('routing.push', { type: 'offer_closed', offer_id: 'o1', conversation_id: 'c7', outcome: 'expired' }));
    expect(document.title).toBe('(4) Tend · 1 offer · 3 unread');
  });

  it('a colleague\u2019s mention in a note notifies the desktop and is announced', () => {
    renderApp(<Harness />);
    flushReact(() => core.emit('routing.push', {
      type: 'mention', conversation_id: 'c7', note_id: 'n1', from_agent_id: 'agent-ben', from_name: 'Ben Osei', text: '@Ana can you take this one?', at: new Date().toISOString(),
    }));
    expect(core.notifications).toEqual([{ title: 'Ben Osei mentioned you', body: '@Ana can you take this one?', tag: 'mention-n1' }]);
    expect(useUi.getState().announcement).toBe('Ben Osei mentioned you: @Ana can you take this one?');
  });

  it('Shift+A with no offer says so', () => {
    run('offer.accept');
    expect(useUi.getState().announcement).toBe('No offer waiting');
  });
});
