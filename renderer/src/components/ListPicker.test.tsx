import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ListPicker, type PickItem } from './ListPicker';

const items: PickItem[] = [
  { id: 'avail', key: '1', label: 'Available' },
  { id: 'busy', key: '2', label: 'Busy' },
  { id: 'break', key: '3', label: 'Break' },
];

function setup(extra: Partial<Parameters<typeof ListPicker>[0]> = {}) {
  const onPick = vi.fn();
  const onClose = vi.fn();
  render(<ListPicker label="Set my presence" placeholder="Press a digit" items={items} onPick={onPick} onClose={onClose} {...extra} />);
  return { onPick, onClose, user: userEvent.setup() };
}

describe('ListPicker', () => {
  it('opens with the search box focused and the first item active', () => {
    setup();
    expect(screen.getByRole('combobox', { name: 'Set my presence' })).toHaveFocus();
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('Available');
  });

  it('narrows as you type, and Enter picks the active item', async () => {
    const { onPick, user } = setup();
    await user.keyboard('bre');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['3Break']);
    await user.keyboard('{Enter}');
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ id: 'break' }));
  });

  it('moves with the arrows, wrapping around', async () => {
    const { onPick, user } = setup();
    await user.keyboard('{ArrowUp}{Enter}');
    expect(onPick).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'break' }));
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(onPick).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'busy' }));
  });

  it("picks an item by its own key while nothing is typed", async () => {
    const { onPick, user } = setup();
    await user.keyboard('2');
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ id: 'busy' }));
  });

  it('says when nothing matches, and Escape closes', async () => {
    const { onPick, onClose, user } = setup({ empty: 'No activity like that' });
    await user.keyboard('zzz');
    expect(screen.getByText('No activity like that')).toBeInTheDocument();
    await user.keyboard('{Enter}');
    expect(onPick).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });
});
