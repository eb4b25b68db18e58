import { act as flushReact, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useUi } from '../app/store';
import { useCoreEvents } from '../api/queries';
import { core } from '../testing/fake-core';
import { conversation, conversationData, customer, iso, MIN, renderApp } from '../testing/fixtures';
import { CustomerPanel } from './CustomerPanel';
import { Overlays } from './Overlays';

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

  it('shows a change to the customer alone (tags another desktop edited) when the core says that customer changed', async () => {
    const current = conversation({ id: 'c1' });
    let tags = ['refund'];
    core.handle('conversation.get', () => conversationData({ conversation: current }));
    core.handle('customer.get', () => ({ customer: customer({ tags }), conversations: [current] }));
    useUi.setState({ selectedId: 'c1' });
    function Events() { useCoreEvents(); return null; }
    renderApp(<><Events /><CustomerPanel /></>);
    const panel = await screen.findByRole('complementary', { name: 'Customer' });
    await waitFor(() => expect(panel).toHaveTextContent('#refund'));
    tags = ['refund', 'late-delivery'];
    flushReact(() => core.emit('data.changed', { conversation_ids: [], inbox: true, customer_ids: [customer().id] }));
    await waitFor(() => expect(panel).toHaveTextContent('#late-delivery'));
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

describe('Editing the customer and merging profiles (issue 13, item 9)', () => {
  const other = customer({ id: 'cu9', name: 'Maria K.', identities: [{ channel: 'instagram', handle: 'maria.k', platform_user_id: '9' }], tags: ['vip'], notes: '' });
  const merge = { id: 'mg1', into_id: 'cu1', from_id: 'cu9', from_name: 'Maria K.', identities: other.identities, conversations: 2, merged_by_name: 'Ana Kowalski', merged_at: iso(-MIN), undone_at: null };

  it('Shift+C-style editor: changed tags and notes go to the core as one update of the conversation\'s customer', async () => {
    core.handle('customer.related', () => ({ suggestions: [], merges: [] }));
    core.handle('customer.update', () => ({ ok: true }));
    const user = setup();
    await screen.findByRole('heading', { level: 2, name: 'Maria Kowal' });
    useUi.setState({ overlay: 'customer-edit' });
    renderApp(<Overlays />);
    const dialog = await screen.findByRole('dialog', { name: 'Edit Maria Kowal' });
    const tags = within(dialog).getByRole('textbox', { name: /Tags/ });
    expect(tags).toHaveValue('#refund');
    expect(tags).toHaveFocus();
    await user.clear(tags);
    await user.type(tags, '#vip, late-delivery');
    const notes = within(dialog).getByRole('textbox', { name: 'Notes' });
    await user.clear(notes);
    await user.type(notes, 'Prefers DMs. Order #8812{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('customer.update')).toEqual([{ conversation_id: 'c1', add_tags: ['vip', 'late-delivery'], remove_tags: ['refund'], notes: 'Prefers DMs. Order #8812' }]));
    expect(dialog).not.toBeInTheDocument();
  });

  it('a suggested profile shows why; Merge asks first, merges on Enter, and the merge can be undone from the card', async () => {
    let merged = false;
    core.handle('customer.related', () => (merged
      ? { suggestions: [], merges: [merge] }
      : { suggestions: [{ customer: other, conversations: 2, reasons: ['same e-mail maria@example.com', 'mentions @maria.k'] }], merges: [] }));
    core.handle('customer.merge', () => { merged = true; return { merge }; });
    core.handle('customer.unmerge', () => { merged = false; return { merge: { ...merge, undone_at: iso(0) } }; });
    const user = setup();
    const same = await screen.findByRole('region', { name: 'Possibly the same person' });
    expect(same).toHaveTextContent('Maria K.');
    expect(same).toHaveTextContent('same e-mail maria@example.com · mentions @maria.k');
    await user.click(within(same).getByRole('button', { name: 'Merge Maria K. into Maria Kowal' }));
    const confirm = screen.getByRole('dialog', { name: 'Merge Maria K. into Maria Kowal?' });
    expect(within(confirm).getByRole('option', { selected: true })).toHaveTextContent('1 handle and 2 conversations of Maria K. (maria.k) join Maria Kowal');
    expect(core.callsOf('customer.merge')).toEqual([]);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(core.callsOf('customer.merge')).toEqual([{ into_id: 'cu1', from_id: 'cu9' }]));
    expect(useUi.getState().toasts.at(-1)?.text).toBe('Merged Maria K. into Maria Kowal: undo in the customer card');
    const mergedList = await screen.findByRole('region', { name: 'Merged profiles' });
    expect(mergedList).toHaveTextContent('2 conversations · merged by Ana Kowalski');
    await user.click(within(mergedList).getByRole('button', { name: 'Undo the merge of Maria K.' }));
    await waitFor(() => expect(core.callsOf('customer.unmerge')).toEqual([{ merge_id: 'mg1' }]));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Merged profiles' })).not.toBeInTheDocument());
  });

  it('Shift+D lists the suggestions by key; Escape on the confirmation merges nothing', async () => {
    core.handle('customer.related', () => ({ suggestions: [{ customer: other, conversations: 2, reasons: ['same name'] }], merges: [] }));
    core.handle('customer.merge', () => ({ merge }));
    const user = setup();
    await screen.findByRole('heading', { level: 2, name: 'Maria Kowal' });
    useUi.setState({ overlay: 'customer-merge' });
    renderApp(<Overlays />);
    const picker = await screen.findByRole('dialog', { name: 'Merge another profile into Maria Kowal' });
    await waitFor(() => expect(within(picker).getByRole('option', { name: /Maria K\. \(maria\.k\)/ })).toHaveTextContent('same name'));
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog', { name: 'Merge Maria K. into Maria Kowal?' })).toBeVisible();
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Merge another profile into Maria Kowal' })).toBeVisible();
    expect(core.callsOf('customer.merge')).toEqual([]);
  });
});
