import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fixedNow, inboxItem, MIN, renderApp } from '../testing/fixtures';
import { InboxRow } from './Inbox';

const row = (o: Parameters<typeof inboxItem>[0] = {}, selected = false) =>
  renderApp(<InboxRow row={inboxItem(o)} index={0} now={fixedNow} selected={selected} />);

describe('InboxRow', () => {
  it('shows who, where, what and how urgent, and says it all to a screen reader', () => {
    row({ priority: 'high', unread: true });
    const option = screen.getByRole('option');
    expect(option).toHaveTextContent('Maria Kowal');
    expect(option).toHaveTextContent('@maria_k');
    expect(option).toHaveTextContent('still no refund after two weeks');
    expect(option).toHaveAccessibleName(/^Maria Kowal @maria_k on X: still no refund after two weeks\. high priority\. .*Unread$/);
    expect(option.className).toContain('unread');
  });

  it('counts the SLA down calmly, then amber, then red with the time since the breach', () => {
    const { unmount } = row({ first_response_due_at: new Date(fixedNow + 45 * MIN).toISOString(), resolution_due_at: null });
    expect(screen.getByText('45m')).toHaveClass('sla-calm');
    unmount();
    const second = row({ first_response_due_at: new Date(fixedNow + 5 * MIN).toISOString(), resolution_due_at: null });
    expect(screen.getByText('5m')).toHaveClass('sla-warning');
    second.unmount();
    row({ first_response_due_at: new Date(fixedNow - 90 * MIN).toISOString(), resolution_due_at: null });
    expect(screen.getByText('−1h 30m')).toHaveClass('sla-breached');
  });

  it('marks the selected row', () => {
    row({}, true);
    expect(screen.getByRole('option', { selected: true })).toBeVisible();
  });
});
