/** UI state (not data): where the agent is and what is open. Data lives in react-query. */
import { create } from 'zustand';
import type { InboxTab } from '../../../shared/contract/desktop';
import type { Channel } from '../../../shared/domain';
import type { MacroStep } from '../../../shared/contract/macros';

export type Overlay = null | 'palette' | 'search' | 'shortcuts' | 'snooze' | 'assign' | 'tag' | 'priority' | 'settings' | 'filter'
  | 'label' | 'reason' | 'presence' | 'presence-start' | 'figures' | 'sign-out' | 'shift' | 'customer-edit' | 'customer-merge'
  | 'macro' | 'bulk' | 'action-preview' | 'action-summary' | 'crisis-on' | 'crisis-off';
/** The main view: the agent's workspace, the supervisor's floor, department insights, or administration. */
export type View = 'inbox' | 'floor' | 'insights' | 'approvals' | 'quality' | 'admin';
/** The administration screens (features/admin), each reachable from the palette. */
export type AdminScreen = 'checklist' | 'teams' | 'people' | 'channels' | 'rules' | 'sla' | 'surveys' | 'approvals' | 'audit' | 'canned' | 'macros' | 'customer' | 'schedules';
/** A macro or bulk action waiting for the agent to read its preview and confirm (features/Actions.tsx). */
export type PendingAction = { label: string; macro_id?: string; steps?: MacroStep[] };
export type ComposerMode = 'reply' | 'note';
export type Sort = 'sla' | 'priority' | 'age';

interface UiState {
  view: View;
  adminScreen: AdminScreen;
  /** the admin screen's list should take the focus once it is on screen (opened from the palette, or Enter in the screen list) */
  adminFocus: boolean;
  tab: InboxTab;
  sort: Sort;
  channel: Channel | undefined;
  tag: string | undefined;
  /** the conversation shown in the thread pane */
  selectedId: string | null;
  selectedIndex: number;
  overlay: Overlay;
  composerMode: ComposerMode;
  /** bumps to ask the composer to take focus */
  composerFocus: number;
  /** the composer should take focus when it (re)mounts */
  composerWanted: boolean;
  /** the thread should take focus once the selected conversation is on screen (it may still be loading) */
  threadWanted: boolean;
  showQueue: boolean;
  showCustomer: boolean;
  /** conversations picked for a bulk action (x, Shift+J/K), in the order picked */
  selection: string[];
  /** every conversation matching the list's tab and filter, across all pages (*) */
  selectAll: boolean;
  pendingAction: PendingAction | null;
  /** the latest macro or bulk run: u undoes it while its undo window is open; its summary dialog */
  lastRun: { run_id: string; label: string; held_until: string | null } | null;
  /** the latest short message ("Resolved", "Snoozed until…"), shown as a toast and read by screen readers */
  announcement: string;
  toasts: Array<{ id: number; text: string }>;
  set(p: Partial<UiState>): void;
  select(id: string | null, index: number): void;
  open(o: Overlay): void;
  focusComposer(mode: ComposerMode): void;
  focusThread(): void;
  announce(text: string): void;
  dismissToast(id: number): void;
}

let toastId = 0;

/** Where an agent starts: nothing open, no messages. Signing out or switching agent goes back here (app/session.ts). */
export const AGENT_START = {
  view: 'inbox' as View,
  adminScreen: 'teams' as AdminScreen,
  adminFocus: false,
  tab: 'mine' as InboxTab,
  sort: 'sla' as Sort,
  channel: undefined,
  tag: undefined,
  selectedId: null,
  selectedIndex: 0,
  overlay: null as Overlay,
  composerMode: 'reply' as ComposerMode,
  composerWanted: false,
  threadWanted: false,
  announcement: '',
  toasts: [] as UiState['toasts'],
  selection: [] as string[],
  selectAll: false,
  pendingAction: null as PendingAction | null,
  lastRun: null as UiState['lastRun'],
};

export const useUi = create<UiState>((set) => ({
  ...AGENT_START,
  composerFocus: 0,
  showQueue: true,
  showCustomer: true,
  set: (p) => set(p),
  select: (id, index) => set({ selectedId: id, selectedIndex: index }),
  open: (overlay) => set({ overlay }),
  focusComposer: (mode) => set((s) => ({ composerMode: mode, composerWanted: true, composerFocus: s.composerFocus + 1 })),
  focusThread: () => set({ threadWanted: true }),
  announce: (announcement) => set((s) => ({ announcement, toasts: [...s.toasts.slice(-4), { id: ++toastId, text: announcement }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/** One clock for every SLA countdown: a re-render per 15 s, not per row. */
export const useClock = create<{ now: number }>(() => ({ now: Date.now() }));
setInterval(() => useClock.setState({ now: Date.now() }), 15_000);
