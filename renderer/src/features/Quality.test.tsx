import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { QualityScoreView } from '../../../shared/contract/quality';
import { core } from '../testing/fake-core';
import { renderApp, session } from '../testing/fixtures';
import { QualityView } from './Quality';

const score: QualityScoreView = {
  id: '7', conversation_id: 'c1', channel: 'x', customer_name: 'parcel_pam', agent_id: 'agent-ana', agent_name: 'Ana Kowalski', team_id: 'team-care',
  resolved_at: '2026-12-07T14:00:00.000Z', scored_at: '2026-12-07T14:00:00.000Z',
  auto: {
    items: [
      { id: 'greeting', result: 'fail', reason: 'no greeting in the first reply ("Could you send us…")' },
      { id: 'tone', result: 'pass', reason: 'no rude words, blame or shouting in the reply' },
      { id: 'closing', result: 'fail', reason: 'no closing in the last reply' },
    ],
    passed: 1, applicable: 3, score: 33,
  },
  review: {
    id: 'r1', reviewer_id: 'agent-sam', reviewer_name: 'Sam Rivera', reviewed_at: '2026-12-07T15:00:00.000Z',
    overrides: [{ id: 'closing', result: 'pass', note: 'the DM closes it' }],
    items: [
      { id: 'greeting', result: 'fail', reason: 'no greeting in the first reply ("Could you send us…")' },
      { id: 'tone', result: 'pass', reason: 'no rude words, blame or shouting in the reply' },
      { id: 'closing', result: 'pass', reason: 'the DM closes it' },
    ],
    passed: 2, applicable: 3, score: 67,
  },
  earlier_reviews: 0,
  messages: [{ id: 'm1', direction: 'inbound', visibility: 'public', author_name: 'parcel_pam', text: 'my parcel never came', delivery: 'received', created_at: '2026-12-07T13:50:00.000Z' }],
};

const sam = () => session({ agent: { id: 'agent-sam', workspace_id: 'demo', email: 'sam@demo.tend', name: 'Sam Rivera', role: 'supervisor', skills: {}, capacity: {}, team_ids: [] } });

describe('Quality review (issue 15)', () => {
  it('a reviewer overrides an item with a note by keyboard; the earlier overrides stay in the review; no note, nothing sent', async () => {
    core.handle('admin.call', (req) => {
      if (req.route === 'qualitySample') return { week_start: '2026-12-07T00:00:00.000Z', week_end: '2026-12-14T00:00:00.000Z', per_agent: 5, scores: [score] };
      if (req.route === 'reviewQuality') return score;
      throw new Error(`unexpected ${req.route}`);
    });
    renderApp(<QualityView />, sam());
    const list = await screen.findByRole('listbox', { name: 'Scored conversations' });
    expect(list).toHaveTextContent('automatic 33 % · reviewed 67 % by Sam Rivera');
    const item = screen.getByRole('listitem', { name: 'Closing: fail, reviewed pass' });
    expect(item).toHaveTextContent('Note: the DM closes it');
    fireEvent.keyDown(list, { key: 'o' });
    const dialog = await screen.findByRole('dialog', { name: 'Override an item' });
    expect(within(dialog).getByLabelText('Item')).toHaveValue('greeting');
    expect(within(dialog).getByLabelText('Result')).toHaveValue('pass');
    const note = within(dialog).getByLabelText('Note to the agent');
    fireEvent.keyDown(note, { key: 'Enter' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Say why in a note');
    expect(core.callsOf('admin.call').filter((c) => c.route === 'reviewQuality')).toEqual([]);
    fireEvent.change(note, { target: { value: 'A question first is fine on X' } });
    fireEvent.keyDown(note, { key: 'Enter' });
    await expect.poll(() => core.callsOf('admin.call').filter((c) => c.route === 'reviewQuality').length).toBe(1);
    expect(core.callsOf('admin.call').find((c) => c.route === 'reviewQuality')).toMatchObject({
      params: { id: '7' },
      body: { overrides: [{ id: 'closing', result: 'pass', note: 'the DM closes it' }, { id: 'greeting', result: 'pass', note: 'A question first is fine on X' }] },
    });
  });

  it('an agent reads their own scores and cannot review', async () => {
    core.handle('admin.call', (req) => {
      if (req.route === 'qualityMine') return { scores: [score] };
      throw new Error(`unexpected ${req.route}`);
    });
    renderApp(<QualityView />);
    const list = await screen.findByRole('listbox', { name: 'Scored conversations' });
    expect(screen.getByRole('region', { name: 'My quality' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Review' })).toHaveTextContent('Reviewed by Sam Rivera');
    fireEvent.keyDown(list, { key: 'o' });
    expect(screen.queryByRole('dialog', { name: 'Override an item' })).not.toBeInTheDocument();
    expect(core.callsOf('admin.call').map((c) => c.route)).toEqual(['qualityMine']);
  });
});
