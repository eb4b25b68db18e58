import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { queryClient } from '../api/query-client';
import { keys } from '../api/queries';
import { useUi } from '../app/store';
import { conversation, conversationData, renderApp } from '../testing/fixtures';
import { AnalysisLine, LabelPicker } from './Labels';

describe('Priority and its reason agree (issue 13, item 6)', () => {
  it('shows that routing raised the priority the analysis suggested', () => {
    const c = conversation({ priority: 'high', analysis: { priority: 'low', reason: 'neutral (0.00), question → low priority' } });
    renderApp(<AnalysisLine c={c} />);
    expect(screen.getByLabelText('Suggested priority low')).toBeVisible();
    expect(screen.getByLabelText(/^Priority raised to high/)).toHaveTextContent('priority raised to high by routing (SLA escalation or a rule)');
  });

  it('says who set it when an agent corrected the priority', () => {
    const c = conversation({ priority: 'urgent', analysis: { priority: 'normal', corrected: { priority: 'Ana Kowalski' }, reason: 'x' } });
    renderApp(<AnalysisLine c={c} />);
    expect(screen.getByLabelText(/^Priority set to urgent/)).toHaveTextContent('set to urgent by Ana Kowalski');
  });

  it('the hub\'s escalation reason, when it sends one, is shown as it is', () => {
    const c = conversation({ priority: 'high', analysis: { priority: 'normal', escalation: { reason: 'first reply SLA breached' } } });
    renderApp(<AnalysisLine c={c} />);
    expect(screen.getByLabelText(/^Priority raised/)).toHaveTextContent('raised to high: first reply SLA breached');
  });

  it('adds nothing when the priority is the suggested one', () => {
    renderApp(<AnalysisLine c={conversation({ priority: 'normal', analysis: { priority: 'normal', reason: 'r' } })} />);
    expect(screen.queryByLabelText(/^Priority /)).not.toBeInTheDocument();
  });

  it('intent correction offers "other"', async () => {
    queryClient.setQueryData(keys.conversation('c1'), conversationData());
    useUi.setState({ selectedId: 'c1', overlay: 'label' });
    renderApp(<LabelPicker />);
    const user = userEvent.setup();
    await user.keyboard('2');
    expect(screen.getByRole('dialog', { name: 'Correct intent' })).toBeVisible();
    expect(screen.getByRole('option', { name: /other/ })).toBeVisible();
  });
});
