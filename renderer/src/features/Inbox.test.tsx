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

describe('InboxRow SLA chip (issue 13, item 1)', () => {
  it('shows the due time the list sorts by, and which clock it is', () => {
    // answered once; the next reply is due in 2 minutes, but the resolution clock broke 16 h 26 m ago
    row({ first_response_at: new Date(fixedNow - 20 * 60 * MIN).toISOString(), first_response_due_at: new Date(fixedNow - 22 * 60 * MIN).toISOString(),
      next_response_due_at: new Date(fixedNow + 2 * MIN).toISOString(), resolution_due_at: new Date(fixedNow - (16 * 60 + 26) * MIN).toISOString() });
    const chip = screen.getByTitle('resolve SLA breached 16h 26m ago');
    expect(chip).toHaveTextContent('res −16h 26m');
    expect(chip).toHaveClass('sla-breached');
    expect(screen.queryByText('2m')).not.toBeInTheDocument();
  });

  it('names the first-reply clock until someone has answered', () => {
    row({ first_response_due_at: new Date(fixedNow + 4 * MIN).toISOString(), resolution_due_at: new Date(fixedNow + 60 * MIN).toISOString() });
    expect(screen.getByTitle('first reply due in 4m')).toHaveTextContent('1st 4m');
  });

  it('shows no chip when no clock runs (snoozed)', () => {
    row({ status: 'snoozed' });
    expect(screen.getByRole('option')).toHaveAccessibleName(/no SLA running/);
    expect(document.querySelector('.sla')).toBeNull();
  });
});
