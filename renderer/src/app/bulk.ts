/**
 * Selecting conversations for a bulk action (x toggles, Shift+J/K extends, * takes every match of the
 * list's filter across pages), and running a macro or bulk action after its preview, with undo.
 * The core does the work (main/core/actions): here is only what is selected and what was last run.
 */
import type { DesktopRequest } from '../../../shared/contract/desktop';
import type { Macro } from '../../../shared/contract/macros';
import { ApiError } from '../api/client';
import { act } from '../api/mutations';
import { focusInbox, nav } from './nav';
import { useUi, type PendingAction } from './store';

type Target = DesktopRequest<'actions.run'>['target'];

/** What a macro or bulk action acts on: everything matching the filter, the selection, or the open conversation. */
export function actionTarget(): Target | null {
  const ui = useUi.getState();
  if (ui.selectAll) return { filter: { tab: ui.tab, ...(ui.channel ? { channel: ui.channel } : {}), ...(ui.tag ? { tag: ui.tag } : {}) } };
  if (ui.selection.length) return { conversation_ids: ui.selection };
  return ui.selectedId ? { conversation_ids: [ui.selectedId] } : null;
}

/** How many the target names, for the dialogs ("3 conversations", "all 48 in Team queue"). */
export function targetSize(total: number | null): string {
  const ui = useUi.getState();
  if (ui.selectAll) return `all ${total ?? ''} matching the filter`.replace('  ', ' ');
  const n = ui.selection.length || (ui.selectedId ? 1 : 0);
  return n === 1 && !ui.selection.length ? 'this conversation' : `${n} conversation${n === 1 ? '' : 's'}`;
}

export function toggleSelected(): void {
  const ui = useUi.getState();
  const id = ui.selectedId;
  if (!id) return;
  if (ui.selectAll) { ui.set({ selectAll: false }); }
  const has = ui.selection.includes(id);
  ui.set({ selection: has ? ui.selection.filter((x) => x !== id) : [...ui.selection, id] });
  ui.announce(`${has ? 'Unselected' : 'Selected'} · ${useUi.getState().selection.length} selected`);
}

/** Shift+J/K: the row the agent is on and the next one both join the selection. */
export function extendSelection(delta: 1 | -1): void {
  const ui = useUi.getState();
  if (!ui.selectedId) return;
  const add = (id: string | null) => {
    const s = useUi.getState();
    if (id && !s.selection.includes(id)) s.set({ selection: [...s.selection, id] });
  };
  add(ui.selectedId);
  const n = nav();
  const total = n?.total() ?? 0;
  if (n && total > 0) {
    const index = Math.max(0, Math.min(total - 1, ui.selectedIndex + delta));
    ui.select(n.idAt(index), index);
    n.scrollTo(index);
  }
  add(useUi.getState().selectedId);
  useUi.getState().announce(`${useUi.getState().selection.length} selected`);
}

export function selectAllMatching(): void {
  const ui = useUi.getState();
  if (ui.selectAll || ui.selection.length) { clearSelection(); return; }
  ui.set({ selectAll: true, selection: [] });
  ui.announce(`All ${nav()?.total() ?? ''} matching the filter selected, on every page`.replace('  ', ' '));
}

export function clearSelection(): boolean {
  const ui = useUi.getState();
  if (!ui.selectAll && ui.selection.length === 0) return false;
  ui.set({ selectAll: false, selection: [] });
  ui.announce('Selection cleared');
  return true;
}

/** A macro by its key or from the palette: its preview first (nothing runs before Enter). */
export function previewMacro(m: Pick<Macro, 'id' | 'name'>): void {
  const ui = useUi.getState();
  if (!actionTarget()) { ui.announce('Open or select a conversation first'); return; }
  previewAction({ label: m.name, macro_id: m.id });
}

export function previewAction(a: PendingAction): void {
  useUi.getState().set({ pendingAction: a, overlay: 'action-preview' });
}

/** Runs the previewed action; one conversation: a toast with undo; several: the summary dialog. */
export async function runPending(): Promise<void> {
  const ui = useUi.getState();
  const a = ui.pendingAction;
  const target = actionTarget();
  if (!a || !target) { ui.open(null); return; }
  const many = ui.selectAll || ui.selection.length > 0;
  try {
    const r = await act('actions.run', { target, label: a.label, ...(a.macro_id ? { macro_id: a.macro_id } : { steps: a.steps }) });
    useUi.getState().set({ lastRun: { run_id: r.run_id, label: r.label, held_until: r.held_until }, pendingAction: null, selection: [], selectAll: false, overlay: many ? 'action-summary' : null });
    const refused = r.refused ? ` · ${r.refused} refused` : '';
    useUi.getState().announce(`${r.label}: done${refused}${r.undoable ? ' · u undoes it' : ''}`);
    if (!many) focusInbox();
  } catch (e) {
    useUi.getState().set({ overlay: null, pendingAction: null });
    useUi.getState().announce(e instanceof ApiError ? e.message : String(e));
  }
}

export async function undoLast(): Promise<void> {
  const ui = useUi.getState();
  const last = ui.lastRun;
  if (!last) { ui.announce('Nothing to undo'); return; }
  try {
    await act('actions.undo', { run_id: last.run_id });
    useUi.getState().announce(`Undone: ${last.label}`);
  } catch (e) {
    useUi.getState().announce(e instanceof ApiError ? e.message : String(e));
  }
}
