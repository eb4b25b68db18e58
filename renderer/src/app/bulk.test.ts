/** Picking conversations for a bulk action: x, Shift+J/K, * (every match of the filter), Esc; and what a run acts on. */
import { beforeEach, describe, expect, it } from 'vitest';
import { actionTarget, clearSelection, extendSelection, selectAllMatching, toggleSelected } from './bulk';
import { registerNav } from './nav';
import { AGENT_START, useUi } from './store';

const ids = ['c0', 'c1', 'c2', 'c3', 'c4'];
beforeEach(() => {
  useUi.setState({ ...AGENT_START, tab: 'team', tag: 'refund' });
  registerNav({ total: () => ids.length, idAt: (i) => ids[i] ?? null, indexOf: (id) => ids.indexOf(id), scrollTo: () => {}, focus: () => {} });
  useUi.getState().select('c1', 1);
});

describe('bulk selection', () => {
  it('acts on the open conversation when nothing is picked', () => {
    expect(actionTarget()).toEqual({ conversation_ids: ['c1'] });
  });

  it('x toggles the row, Shift+J extends down from it, Shift+K back up keeps what was picked', () => {
    toggleSelected();
    expect(useUi.getState().selection).toEqual(['c1']);
    extendSelection(1);
    extendSelection(1);
    expect(useUi.getState().selection).toEqual(['c1', 'c2', 'c3']);
    expect(useUi.getState().selectedId).toBe('c3');
    extendSelection(-1);
    expect(useUi.getState().selection).toEqual(['c1', 'c2', 'c3']);
    toggleSelected(); // on c2 now: unpicked
    expect(useUi.getState().selection).toEqual(['c1', 'c3']);
    expect(actionTarget()).toEqual({ conversation_ids: ['c1', 'c3'] });
  });

  it('* picks every conversation matching the tab and filter, on every page; * again or Esc clears', () => {
    selectAllMatching();
    expect(actionTarget()).toEqual({ filter: { tab: 'team', tag: 'refund' } });
    selectAllMatching();
    expect(useUi.getState()).toMatchObject({ selectAll: false, selection: [] });
    toggleSelected();
    expect(clearSelection()).toBe(true);
    expect(clearSelection()).toBe(false); // nothing left: Esc goes back to the list as before
  });
});
