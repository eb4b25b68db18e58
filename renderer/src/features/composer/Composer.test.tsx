import { act as flushReact, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DesktopRequest } from '../../../../shared/contract/desktop';
import { useUi } from '../../app/store';
import { core } from '../../testing/fake-core';
import { conversation, conversationData, renderApp, session, type ConversationData } from '../../testing/fixtures';
import { useCoreEvents } from '../../api/queries';
import { DEFAULT_CANNED } from '../../../../shared/text/canned';
import { registerNav } from '../../app/nav';
import { Composer } from './Composer';

const field = () => screen.getByRole('textbox', { name: /Public reply|Private message|Internal note/ });

function setup(data: ConversationData = conversationData()) {
  useUi.setState({ selectedId: data.conversation.id });
  const view = renderApp(<Composer data={data} />);
  return { ...view, user: userEvent.setup() };
}

beforeEach(() => {
  core.handle('settings.get', () => ({ value: null }));
  core.handle('settings.set', () => ({ ok: true }));
  // the team's canned responses, as the hub keeps them (the starter set)
  core.handle('canned.list', () => ({
    canned: DEFAULT_CANNED.map((c) => ({ ...c, id: `id-${c.shortcode}`, scope: 'team' as const, uses: 0, updated_at: '2026-12-01T00:00:00.000Z' })), offline: false,
  }));
  core.handle('canned.used', () => ({ ok: true }));
  core.handle('draft.save', () => ({ ok: true }));
  core.handle('noteDraft.save', () => ({ ok: true }));
  core.handle('collision.heartbeat', () => ({ ok: true }));
  core.handle('reply.send', () => ({ message_id: 'm-new' }));
  core.handle('note.add', () => ({ note_id: 'n-new' }));
});

describe('Composer', () => {
  it('saves the draft as the agent types and says so', async () => {
    const { user } = setup();
    await user.click(field());
    await user.keyboard('Hello Maria');
    await waitFor(() => expect(screen.getByRole('status', { name: 'Draft state' })).toHaveTextContent('Draft saved'));
    expect(core.callsOf('draft.save').at(-1)).toEqual({ conversation_id: 'c1', text: 'Hello Maria', visibility: 'public', refusal_seen: null });
  });

  it('keeps the last keystrokes when the conversation closes before the save is due', async () => {
    const { user, unmount } = setup();
    await user.click(field());
    await user.keyboard('Half a thought');
    unmount();
    await waitFor(() => expect(core.callsOf('draft.save').at(-1)?.text).toBe('Half a thought'));
  });

  it('lists canned responses for ;sh and inserts one with Tab, variables filled', async () => {
    const { user } = setup();
    await user.click(field());
    await user.keyboard(';than');
    expect(screen.getByRole('listbox', { name: 'Canned responses' })).toBeVisible();
    expect(within(screen.getByRole('listbox', { name: 'Canned responses' })).getByRole('option', { selected: true })).toHaveTextContent(';thanks');
    await user.keyboard('{Tab}');
    expect(field()).toHaveValue('Hi Maria, thanks for reaching out! Ana here, happy to help.');
    expect(screen.queryByRole('listbox', { name: 'Canned responses' })).not.toBeInTheDocument();
    // the insertion counts a use on the hub
    await waitFor(() => expect(core.callsOf('canned.used')).toEqual([{ id: 'id-thanks' }]));
  });

  it('expands an exact ;shortcode on space', async () => {
    const { user } = setup();
    await user.click(field());
    await user.keyboard(';bye ');
    expect(field()).toHaveValue('Glad we could help, Maria. Have a great day! ^AK ');
    await waitFor(() => expect(core.callsOf('canned.used')).toEqual([{ id: 'id-bye' }]));
  });

  it('a ;shortcode typed after the hub comes back expands, though the canned responses were first read while it was away', async () => {
    const team = DEFAULT_CANNED.map((c) => ({ ...c, id: `id-${c.shortcode}`, scope: 'team' as const, uses: 0, updated_at: '2026-12-01T00:00:00.000Z' }));
    let hubUp = false;
    core.handle('canned.list', () => (hubUp ? { canned: team, offline: false } : { canned: [], offline: true }));
    const data = conversationData();
    useUi.setState({ selectedId: data.conversation.id });
    function Events() { useCoreEvents(); return null; }
    renderApp(<><Events /><Composer data={data} /></>, session({ online: false }));
    const user = userEvent.setup();
    await waitFor(() => expect(core.callsOf('canned.list')).toHaveLength(1));
    hubUp = true;
    flushReact(() => core.emit('session.changed', session({ online: true })));
    await waitFor(() => expect(core.callsOf('canned.list')).toHaveLength(2));
    await user.click(field());
    await user.keyboard(';bye ');
    await waitFor(() => expect(field()).toHaveValue('Glad we could help, Maria. Have a great day! ^AK '));
  });

  it('counts as X counts and refuses a reply over the limit, keeping the text', async () => {
    const { user } = setup();
    await user.click(field());
    const long = 'a'.repeat(281);
    await user.paste(long);
    expect(screen.getByLabelText('281 of 280 characters')).toBeVisible();
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(screen.getByRole('alert')).toHaveTextContent('Too long for X: 281/280');
    expect(core.callsOf('reply.send')).toEqual([]);
    expect(field()).toHaveValue(long);
  });

  it('sends with Ctrl+Enter: queued, the field empties and keeps the focus', async () => {
    const { user } = setup();
    await user.click(field());
    await user.keyboard('We are on it');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(field()).toHaveValue(''));
    const sent = core.callsOf('reply.send');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ conversation_id: 'c1', text: 'We are on it', visibility: 'public', resolve: false });
    expect(field()).toHaveFocus();
    expect(useUi.getState().announcement).toBe('Reply queued');
  });

  it('a send answered late does not take the focus back from where the agent went meanwhile (the palette)', async () => {
    let answer!: (v: { message_id: string }) => void;
    core.handle('reply.send', () => new Promise((resolve) => { answer = resolve; }));
    const { user } = setup();
    const elsewhere = document.createElement('input');
    elsewhere.setAttribute('aria-label', 'Command palette');
    document.body.append(elsewhere);
    await user.click(field());
    await user.keyboard('We are on it');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('reply.send')).toHaveLength(1));
    elsewhere.focus();
    await user.keyboard('Sign');
    flushReact(() => answer({ message_id: 'm-new' }));
    await waitFor(() => expect(field()).toHaveValue(''));
    await user.keyboard(' out');
    expect(elsewhere).toHaveFocus();
    expect(elsewhere).toHaveValue('Sign out');
    elsewhere.remove();
  });

  it('asks before personal data goes out in public; "Make it private" sends nothing and switches', async () => {
    const { user } = setup();
    await user.click(field());
    await user.keyboard('Write to me at maria.k@example.com');
    expect(screen.getByText(/This public reply contains an e-mail address/)).toBeVisible();
    await user.keyboard('{Control>}{Enter}{/Control}');
    const dialog = screen.getByRole('alertdialog', { name: 'Personal data in a public reply' });
    expect(screen.getByRole('button', { name: 'Edit reply' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Make it private' }));
    expect(dialog).not.toBeInTheDocument();
    expect(core.callsOf('reply.send')).toEqual([]);
    expect(screen.getByRole('textbox', { name: 'Private message' })).toHaveValue('Write to me at maria.k@example.com');
  });

  it('adds an internal note in note mode, saved as a note draft, never as the reply draft', async () => {
    const { user } = setup();
    flushReact(() => useUi.getState().focusComposer('note'));
    expect(screen.getByRole('textbox', { name: 'Internal note' })).toHaveFocus();
    await user.keyboard('Order #8812, escalate');
    await waitFor(() => expect(core.callsOf('noteDraft.save').at(-1)).toEqual({ conversation_id: 'c1', text: 'Order #8812, escalate', refusal_seen: null }));
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('note.add')).toEqual([{ conversation_id: 'c1', text: 'Order #8812, escalate', refusal_seen: null }]));
    expect(core.callsOf('draft.save')).toEqual([]);
  });

  // A handover summary is an internal note: refused by the hub it came back into the public reply box.
  it('a note the hub gave back (a handover summary) opens as an internal note, marked, never in the public reply box', async () => {
    const summary = 'Handover summary\n• Problem: refund not received\n• Done: asked for the order number';
    const data = conversationData({
      draft: { conversation_id: 'c1', text: 'Sorry about that', visibility: 'public', updated_at: new Date().toISOString(), rejected: null },
      note_draft: { conversation_id: 'c1', text: summary, updated_at: new Date().toISOString(), rejected: { code: 'conversation_reassigned', message: 'note refused: now with Bo', id: 'refusal-n' } },
    });
    const { user } = setup(data);
    expect(screen.getByRole('textbox', { name: 'Internal note' })).toHaveValue(summary);
    expect(screen.getByLabelText('Internal note given back')).toBeVisible();
    expect(screen.getByRole('alert')).toHaveTextContent('Internal note given back (note refused: now with Bo)');
    // the public reply box holds the reply only, and the note never moves into it
    await user.selectOptions(screen.getByRole('combobox', { name: 'Reply type' }), 'public');
    expect(screen.getByRole('textbox', { name: 'Public reply' })).toHaveValue('Sorry about that');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Reply type' }), 'note');
    expect(field()).toHaveValue(summary);
    await user.click(field());
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('note.add')).toEqual([{ conversation_id: 'c1', text: summary, refusal_seen: 'refusal-n' }]));
    expect(core.callsOf('reply.send')).toEqual([]);
    expect(core.callsOf('draft.save').map((d) => d.text)).not.toContain(summary);
  });

  it('a note given back while the agent writes a reply switches to the note; the reply stays in its box', async () => {
    const data = conversationData();
    const { rerender, user } = setup(data);
    await user.click(field());
    await user.keyboard('We are on it');
    rerender(<Composer data={{ ...data, note_draft: { conversation_id: 'c1', text: 'Handover summary\n• Open: refund', updated_at: new Date().toISOString(), rejected: { code: 'conversation_resolved', message: 'note refused: resolved', id: 'refusal-2' } } }} />);
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Internal note' })).toHaveValue('Handover summary\n• Open: refund'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Reply type' }), 'public');
    expect(screen.getByRole('textbox', { name: 'Public reply' })).toHaveValue('We are on it');
  });

  it('holds a reply over a colleague: shows who, and sends it anyway with the token on the next Ctrl+Enter', async () => {
    const data = conversationData({
      draft: {
        conversation_id: 'c1', text: 'Sorry about that', visibility: 'public', updated_at: new Date().toISOString(),
        rejected: { code: 'collision', message: 'Someone is writing a reply. Send anyway?', confirm_token: 'tok-1', conflicts: [{ kind: 'claimed_by_other', agent_id: 'agent-ben', expires_at: Date.now() + 5000 }] },
      },
    });
    const { user } = setup(data);
    expect(screen.getByRole('alert', { name: 'Collision warning' })).toHaveTextContent('Ben Osei is writing a reply');
    expect(field()).toHaveValue('Sorry about that');
    await user.click(field());
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('reply.send')).toHaveLength(1));
    expect((core.callsOf('reply.send')[0] as DesktopRequest<'reply.send'>).confirm_collision).toBe('tok-1');
    await waitFor(() => expect(screen.queryByRole('alert', { name: 'Collision warning' })).not.toBeInTheDocument());
  });

  it('shows the reason when the hub refuses a reply, with the text back', async () => {
    const data = conversationData();
    const { rerender } = setup(data);
    const refused = { ...data, draft: { conversation_id: 'c1', text: 'My answer', visibility: 'public' as const, updated_at: new Date().toISOString(), rejected: { code: 'conversation_resolved' as const, message: 'the conversation was resolved meanwhile' } } };
    rerender(<Composer data={refused} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The hub refused this reply: the conversation was resolved meanwhile');
    expect(field()).toHaveValue('My answer');
  });

  it('names the refusal it shows when it saves and sends, so the core keeps one that came back after', async () => {
    const data = conversationData();
    const { rerender, user } = setup(data);
    const refused = { ...data, draft: { conversation_id: 'c1', text: 'My answer', visibility: 'public' as const, updated_at: new Date().toISOString(), rejected: { code: 'conversation_resolved' as const, message: 'resolved meanwhile', id: 'refusal-1' } } };
    rerender(<Composer data={refused} />);
    await waitFor(() => expect(field()).toHaveValue('My answer'));
    await user.click(field());
    await user.keyboard(' again');
    await waitFor(() => expect(core.callsOf('draft.save').at(-1)).toMatchObject({ text: 'My answer again', refusal_seen: 'refusal-1' }));
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(core.callsOf('reply.send')).toEqual([expect.objectContaining({ text: 'My answer again', refusal_seen: 'refusal-1' })]));
  });

  it('says which type of reply it is from the conversation (a DM answers privately)', () => {
    setup(conversationData({ conversation: conversation(), messages: [{ ...conversationData().messages[0]!, visibility: 'private' }] }));
    expect(screen.getByRole('textbox', { name: 'Private message' })).toBeVisible();
  });

  it('offers the canned responses and help links that fit under the suggested replies; a click inserts one, Alt+↓ the reply', async () => {
    const sug = (kind: 'reply' | 'canned' | 'link', text: string, extra: object = {}) => ({ kind, text, key: `${kind}:${text}`, why: `why ${kind}`, score: 1, changes: [], sources: [], ...extra });
    core.handle('assist.suggest', () => ({
      replies: [sug('reply', '@maria Sorry! Your refund is on its way. ^AN')],
      canned: [sug('canned', 'Hi {{customer.first_name}}, thanks…', { sources: ['thanks'], why: 'canned "Thanks for reaching out" ("thank")' })],
      links: [sug('link', 'https://help.example/refunds', { why: 'sent 3× for messages like this', sentFor: 'where is my refund?' })],
      from: 12, computed_by: 'desktop' as const,
    }));
    core.handle('assist.feedback', () => ({ ok: true }));
    const { user } = setup();
    const extras = await screen.findByRole('list', { name: 'Canned responses and help links that fit' });
    expect(extras).toHaveTextContent('sent 3× for messages like this · e.g. "where is my refund?"');
    await user.click(within(extras).getByRole('button', { name: ';thanks' }));
    expect(field()).toHaveValue('Hi Maria, thanks for reaching out! Ana here, happy to help.');
    await user.click(within(extras).getByRole('button', { name: 'https://help.example/refunds' }));
    expect(field()).toHaveValue('Hi Maria, thanks for reaching out! Ana here, happy to help. https://help.example/refunds');
    await user.click(field());
    await user.keyboard('{Control>}a{/Control}{Delete}{Alt>}{ArrowDown}{/Alt}');
    expect(field()).toHaveValue('@maria Sorry! Your refund is on its way. ^AN');
    await waitFor(() => expect(core.callsOf('assist.feedback')).toContainEqual({ conversation_id: 'c1', key: 'reply:@maria Sorry! Your refund is on its way. ^AN', action: 'accepted' }));
  });

  describe('Escape leaves the composer with one press', () => {
    /** The inbox list as the composer's Escape finds it (app/nav): a focusable stand-in. */
    function inboxList() {
      const list = document.createElement('button');
      list.textContent = 'Inbox';
      document.body.appendChild(list);
      registerNav({ total: () => 0, idAt: () => null, indexOf: () => -1, scrollTo: () => {}, focus: () => list.focus() });
      return list;
    }

    // Seen in e2e/sign-out.spec (2 of 2 under load): the reply's answer and the suggestions for the new thread
    // arrived just after the agent's Escape, and the focus came back to the composer, so nothing visible happened.
    it('while the reply is on its way and suggestions arrive, the focus stays on the list', async () => {
      const list = inboxList();
      let answer!: () => void;
      core.handle('reply.send', () => new Promise((ok) => { answer = () => ok({ message_id: 'm-new' }); }));
      let suggest!: () => void;
      core.handle('assist.suggest', () => new Promise((ok) => {
        suggest = () => ok({ replies: [{ kind: 'reply' as const, text: 'Sorry! On its way.', key: 'reply:x', why: 'often sent', score: 1, changes: [], sources: [] }], canned: [], links: [], from: 3, computed_by: 'desktop' as const });
      }));
      const { user } = setup();
      await user.click(field());
      await user.keyboard('We are on it{Control>}{Enter}{/Control}');
      await waitFor(() => expect(core.callsOf('reply.send')).toHaveLength(1));
      await user.keyboard('{Escape}');
      expect(list).toHaveFocus();
      flushReact(() => { answer(); suggest(); });
      await waitFor(() => expect(field()).toHaveValue(''));
      await screen.findByRole('button', { name: 'Sorry! On its way.' });
      expect(list).toHaveFocus();
      registerNav(null);
      list.remove();
    });

    it('the ; list: untouched, Escape leaves the composer; moved in, Escape closes it and the next one leaves', async () => {
      const list = inboxList();
      const { user } = setup();
      await user.click(field());
      await user.keyboard(';th');
      expect(screen.getByRole('listbox', { name: 'Canned responses' })).toBeVisible();
      await user.keyboard('{Escape}');
      expect(list).toHaveFocus();
      await user.click(field());
      await user.keyboard('{ArrowDown}{Escape}');
      expect(screen.queryByRole('listbox', { name: 'Canned responses' })).not.toBeInTheDocument();
      expect(field()).toHaveFocus();
      expect(field()).toHaveValue(';th');
      await user.keyboard('{Escape}');
      expect(list).toHaveFocus();
      registerNav(null);
      list.remove();
    });
  });
});
