import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useUi } from '../app/store';
import { core } from '../testing/fake-core';
import { conversation, conversationData, customer, iso, MIN, renderApp } from '../testing/fixtures';
import { CustomerPanel } from './CustomerPanel';

function setup() {
  const current = conversation({ id: 'c1' });
  const past = [
    conversation({ id: 'c0', status: 'resolved', subject: 'Delivery late', last_message_at: iso(-60 * 24 * 60 * MIN), analysis: { csat: 5 } }),
    conversation({ id: 'c-1', channel: 'facebook', status: 'resolved', subject: 'Login issue', last_message_at: iso(-90 * 24 * 60 * MIN), analysis: { csat: 2 } }),
  ];
  core.handle('conversation.get', ({ id }) => conversationData({ conversation: [current, ...past].find((c) => c.id === id)! }));
  core.handle('customer.get', () => ({
    customer: customer({ identities: [{ channel: 'x', handle: '@maria_k', platform_user_id: '1' }, { channel: 'facebook', handle: 'Maria Kowal', platform_user_id: '2' }] }),
    conversations: [current, ...past],
  }));
  useUi.setState({ selectedId: 'c1' });
  renderApp(<CustomerPanel />);
  return userEvent.setup();
}

describe('CustomerPanel', () => {
  it('shows the customer across channels, with followers, tier, tags and notes', async () => {
    setup();
    const panel = await screen.findByRole('complementary', { name: 'Customer' });
    expect(await within(panel).findByRole('heading', { level: 2, name: 'Maria Kowal' })).toBeVisible();
    const handles = within(panel).getByRole('list', { name: 'Handles' });
    expect(handles).toHaveTextContent('@maria_k');
    expect(handles).toHaveTextContent('Facebook');
    expect(panel).toHaveTextContent('12,400');
    expect(panel).toHaveTextContent('VIP');
    expect(panel).toHaveTextContent('#refund');
    expect(within(panel).getByRole('region', { name: 'Customer notes' })).toHaveTextContent('Prefers DMs');
  });

  it('lists past conversations (not the open one) newest first, with their outcome and the CSAT average', async () => {
    setup();
    const history = await screen.findByRole('region', { name: 'Past conversations' });
    const items = within(history).getAllByRole('button');
    expect(items.map((b) => b.textContent)).toEqual([expect.stringContaining('Delivery late'), expect.stringContaining('Login issue')]);
    expect(items[0]).toHaveTextContent('CSAT 5');
    expect(within(history).getByLabelText('CSAT average 3.5 from 2 answers')).toBeVisible();
  });

  it('opens a past conversation inline, and moves between them with j/k', async () => {
    const user = setup();
    const history = await screen.findByRole('region', { name: 'Past conversations' });
    const [first, second] = within(history).getAllByRole('button');
    await user.click(first!);
    expect(first).toHaveAttribute('aria-expanded', 'true');
    expect(await within(history).findByRole('list', { name: 'Past conversation messages' })).toHaveTextContent('still no refund');
    await user.keyboard('j');
    expect(second).toHaveFocus();
  });
});
