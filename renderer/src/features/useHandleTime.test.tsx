import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { core } from '../testing/fake-core';
import { useHandleTime } from './useHandleTime';

function Harness({ id }: { id: string | null }) { useHandleTime(id); return null; }
const reports = () => core.callsOf('activity.report');
/** lets the signals reach the fake core (react-query hands them over asynchronously) */
const settle = () => act(async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); vi.advanceTimersByTime(0); for (let i = 0; i < 5; i++) await Promise.resolve(); });

describe('handle time signs (issue 10, item 6)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    core.handle('activity.report', () => ({ ok: true }));
  });
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });

  it('active on opening and every 15 s while there was input within a minute; not active after a minute without input, on blur, on leaving', async () => {
    const view = render(<Harness id="c1" />);
    await settle();
    expect(reports()).toEqual([{ conversation_id: 'c1', active: true }]);
    await act(async () => { vi.advanceTimersByTime(15_000); }); await settle();
    expect(reports()).toHaveLength(2);
    await act(async () => { vi.advanceTimersByTime(45_000); }); await settle(); // 60 s without input
    expect(reports().at(-1)).toEqual({ conversation_id: 'c1', active: false });
    const n = reports().length;
    await act(async () => { vi.advanceTimersByTime(60_000); }); await settle();
    expect(reports()).toHaveLength(n); // idle: nothing more
    await act(async () => { document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' })); }); await settle();
    expect(reports().at(-1)).toEqual({ conversation_id: 'c1', active: true });
    await act(async () => { window.dispatchEvent(new Event('blur')); }); await settle();
    expect(reports().at(-1)).toEqual({ conversation_id: 'c1', active: false });
    await act(async () => { window.dispatchEvent(new Event('focus')); }); await settle();
    expect(reports().at(-1)).toEqual({ conversation_id: 'c1', active: true });
    view.rerender(<Harness id="c2" />);
    await settle();
    expect(reports().slice(-2)).toEqual([{ conversation_id: 'c1', active: false }, { conversation_id: 'c2', active: true }]);
    view.unmount();
    await settle();
    expect(reports().at(-1)).toEqual({ conversation_id: 'c2', active: false });
  });

  it('input tells the core at most every 5 s', async () => {
    render(<Harness id="c1" />);
    for (let i = 0; i < 10; i++) await act(async () => { document.dispatchEvent(new Event('pointermove')); vi.advanceTimersByTime(400); });
    await settle();
    expect(reports()).toHaveLength(1);
    await act(async () => { vi.advanceTimersByTime(1_100); document.dispatchEvent(new Event('pointermove')); });
    await settle();
    expect(reports()).toHaveLength(2);
  });
});
