/**
 * What every command does. Commands come from keys (useHotkeys), the palette and buttons;
 * all go through `run` so they behave the same and the palette can learn what is used.
 */
import type { DesktopResponse, SessionStatus } from '../../../shared/contract/desktop';
import type { Channel } from '../../../shared/domain';
import { ApiError } from '../api/client';
import { act, signal } from '../api/mutations';
import { canSeeInsights } from '../features/access';
import { keys, presenceQuery, queryClient, saveSetting } from '../api/queries';
import { useLive } from './live';
import { answerFirstOffer } from './offers';
import { whyNothingToPull } from './pull';
import { nextTheme, setTheme, THEME_LABEL, THEME_SETTING, type ThemeChoice } from './theme';
import type { CommandId } from './keymap';
import { focusInbox, nav } from './nav';
import { signOut } from './session';
import { useUi, type AdminScreen } from './store';
import { ADMIN_SCREENS, screensFor } from '../features/admin/screens';
import { actionTarget, clearSelection, extendSelection, selectAllMatching, toggleSelected, undoLast } from './bulk';
import type { Role } from '../../../shared/domain';

type Tab = 'mine' | 'team' | 'snoozed' | 'resolved';
const SORTS = ['sla', 'priority', 'age'] as const;

export function move(delta: number): void {
  const n = nav();
  if (!n) return;
  const total = n.total();
  if (total === 0) return;
  const { selectedIndex, selectedId } = useUi.getState();
  // When the open conversation moved in the list (answered, re-sorted), "next" is the one now
  // in its old place, not the one after that.
  const moved = selectedId !== null && n.idAt(selectedIndex) !== selectedId;
  const index = Math.max(0, Math.min(total - 1, selectedIndex + (moved && delta > 0 ? 0 : delta)));
  useUi.getState().select(n.idAt(index), index);
  n.scrollTo(index);
}

/** The conversation to land on when the current one leaves the list. */
function neighbour(): { id: string | null; index: number } {
  const n = nav();
  const { selectedId, selectedIndex } = useUi.getState();
  if (!n) return { id: null, index: 0 };
  const at = selectedId ? n.indexOf(selectedId) : -1;
  const i = at >= 0 ? at : selectedIndex;
  const next = n.idAt(i + 1);
  if (next) return { id: next, index: i }; // the next row moves up into this index
  return { id: n.idAt(i - 1), index: Math.max(0, i - 1) };
}

/**
 * Runs a change that takes the current conversation out of this list, then lands on the next.
 * False when it did not happen (nothing selected, or the change failed: the reason is announced).
 */
export async function leaveList(change: (id: string) => Promise<unknown>, done: string, opts: { composer?: boolean } = {}): Promise<boolean> {
  const ui = useUi.getState();
  const id = ui.selectedId;
  if (!id) return false;
  const next = neighbour();
  try {
    await change(id);
  } catch (e) {
    ui.announce(e instanceof ApiError ? e.message : String(e));
    return false;
  }
  useUi.getState().select(next.id, next.index);
  useUi.getState().announce(done);
  if (opts.composer && next.id) useUi.getState().focusComposer('reply');
  else focusInbox();
  return true;
}

/** The palette learns what the agent uses most (kept in settings). */
export function recordUse(id: string): void {
  const usage = queryClient.getQueryData<Record<string, number>>(keys.setting('palette.usage')) ?? {};
  // A lost count only makes the palette's order learn a little slower.
  void saveSetting('palette.usage', { ...usage, [id]: (usage[id] ?? 0) + 1 }).catch(() => {});
}

export function run(id: CommandId): void {
  const ui = useUi.getState();
  const conv = ui.selectedId;
  switch (id) {
    case 'inbox.next': return move(1);
    case 'inbox.prev': return move(-1);
    case 'conversation.open':
      if (conv) {
        signal('conversation.markRead', { id: conv });
        document.getElementById('thread')?.focus();
      }
      return;
    case 'composer.reply': case 'composer.note':
      if (!conv) return;
      // Answering a conversation means it has been read.
      signal('conversation.markRead', { id: conv });
      ui.focusComposer(id === 'composer.note' ? 'note' : 'reply');
      return;
    case 'conversation.resolve':
      void leaveList((cid) => act('conversation.setStatus', { conversation_id: cid, status: 'resolved' }), 'Resolved');
      return;
    case 'conversation.reopen':
      if (conv) void act('conversation.setStatus', { conversation_id: conv, status: 'open' }).then(() => ui.announce('Reopened'), (e) => ui.announce(String(e.message)));
      return;
    case 'conversation.snooze': if (conv) ui.open('snooze'); return;
    case 'conversation.assign': if (conv) ui.open('assign'); return;
    case 'conversation.tag': if (conv) ui.open('tag'); return;
    case 'conversation.priority': if (conv) ui.open('priority'); return;
    case 'search.open': ui.open('search'); return;
    case 'palette.open': ui.open('palette'); return;
    case 'help.shortcuts': ui.open('shortcuts'); return;
    case 'settings.open': ui.open('settings'); return;
    case 'inbox.filter': ui.open('filter'); return;
    case 'inbox.tab.mine': case 'inbox.tab.team': case 'inbox.tab.snoozed': case 'inbox.tab.resolved': {
      const tab = id.split('.')[2] as Tab;
      ui.set({ tab, selectedId: null, selectedIndex: 0 });
      focusInbox();
      return;
    }
    case 'inbox.sort.cycle': {
      const sort = SORTS[(SORTS.indexOf(ui.sort) + 1) % SORTS.length]!;
      ui.set({ sort, selectedId: null, selectedIndex: 0 });
      ui.announce(`Sorted by ${sort === 'sla' ? 'SLA due' : sort}`);
      return;
    }
    case 'outbox.retry': {
      if (!conv) return;
      const data = queryClient.getQueryData<{ messages: Array<{ id: string; delivery: string }> }>(keys.conversation(conv));
      const failed = data?.messages.filter((m) => m.delivery === 'failed') ?? [];
      if (failed.length === 0) { ui.announce('No failed reply here'); return; }
      void Promise.all(failed.map((m) => act('outbox.retry', { id: m.id }))).then(() => ui.announce('Retrying'), (e) => ui.announce(String(e.message)));
      return;
    }
    case 'customer.history': {
      ui.set({ showCustomer: true });
      requestAnimationFrame(() => { if (!useUi.getState().overlay) document.querySelector<HTMLElement>('#customer-history button')?.focus(); });
      return;
    }
    case 'customer.edit': if (conv) ui.open('customer-edit'); return;
    case 'customer.merge': if (conv) ui.open('customer-merge'); return;
    case 'pane.queue': ui.set({ showQueue: !ui.showQueue }); return;
    case 'pane.customer': ui.set({ showCustomer: !ui.showCustomer }); return;
    case 'focus.inbox': if (!clearSelection()) focusInbox(); return;
    case 'selection.toggle': toggleSelected(); return;
    case 'selection.extendDown': extendSelection(1); return;
    case 'selection.extendUp': extendSelection(-1); return;
    case 'selection.all': selectAllMatching(); return;
    case 'bulk.open':
      if (!ui.selectAll && ui.selection.length === 0) { ui.announce('Select conversations first: x, Shift+J/K, or * for all that match'); return; }
      ui.open('bulk');
      return;
    case 'macro.run':
      if (!actionTarget()) { ui.announce('Open or select a conversation first'); return; }
      ui.open('macro');
      return;
    case 'actions.undo': void undoLast(); return;
    case 'actions.summary':
      if (!ui.lastRun) { ui.announce('No macro or bulk action yet'); return; }
      ui.open('action-summary');
      return;
    case 'conversation.label': if (conv) ui.open('label'); return;
    case 'conversation.summary':
      if (conv) void act('assist.summary', { conversation_id: conv, keep: true }).then(() => ui.announce('Handover summary added'), (e) => ui.announce(e instanceof ApiError ? e.message : String(e)));
      return;
    case 'conversation.reason': if (conv) ui.open('reason'); return;
    case 'presence.set': ui.open('presence'); return;
    case 'metrics.me': ui.open('figures'); return;
    case 'shift.mine': ui.open('shift'); return;
    case 'shift.end':
      void act('shift.end', {}).then((r) => {
        void queryClient.invalidateQueries({ queryKey: keys.presence });
        void queryClient.invalidateQueries({ queryKey: keys.shift });
        ui.announce(`Shift ended: ${r.kept} handover ${r.kept === 1 ? 'summary' : 'summaries'} kept${r.offline_on_hub ? ', you are Offline' : '; the hub is not reachable, so set Offline when it is'}`);
        ui.open('shift');
      }, (e) => ui.announce(e instanceof ApiError ? e.message : String(e)));
      return;
    case 'queue.pull':
      void act('queue.pull', {}).then(async (r) => {
        if (!r.conversation_id) { ui.announce(await pullRefusal()); return; }
        useUi.getState().set({ view: 'inbox', tab: 'mine', selectedId: r.conversation_id, selectedIndex: 0 });
        useUi.getState().announce('Took the next conversation');
      }, (e) => ui.announce(e instanceof ApiError ? e.message : String(e)));
      return;
    case 'view.floor': {
      const role = queryClient.getQueryData<{ agent: { role: string } | null }>(keys.session)?.agent?.role;
      if (role !== 'supervisor' && role !== 'admin') { ui.announce('The floor is for supervisors and admins'); return; }
      ui.set({ view: ui.view === 'floor' ? 'inbox' : 'floor' });
      if (ui.view === 'floor') focusInbox();
      return;
    }
    case 'view.insights': {
      const s = queryClient.getQueryData<Pick<SessionStatus, 'agent' | 'teams'>>(keys.session);
      if (!canSeeInsights(s)) { ui.announce('Insights are for supervisors and department teams'); return; }
      ui.set({ view: ui.view === 'insights' ? 'inbox' : 'insights' });
      if (useUi.getState().view === 'inbox') focusInbox();
      return;
    }
    case 'view.approvals': {
      const role = queryClient.getQueryData<{ agent: { role: string } | null }>(keys.session)?.agent?.role;
      if (role !== 'supervisor' && role !== 'admin') { ui.announce('Approving replies is for supervisors and admins'); return; }
      ui.set({ view: ui.view === 'approvals' ? 'inbox' : 'approvals' });
      if (useUi.getState().view === 'inbox') focusInbox();
      return;
    }
    case 'view.quality':
      // supervisors and admins review the sample; an agent reads their own scores (features/Quality.tsx)
      ui.set({ view: ui.view === 'quality' ? 'inbox' : 'quality' });
      if (useUi.getState().view === 'inbox') focusInbox();
      return;
    case 'view.admin': {
      const role = queryClient.getQueryData<{ agent: { role: Role } | null }>(keys.session)?.agent?.role;
      const screens = screensFor(role);
      if (!screens.length) { ui.announce('Sign in first'); return; }
      if (!screens.some((s) => s.id === ui.adminScreen)) ui.set({ adminScreen: screens[0]!.id });
      ui.set({ view: ui.view === 'admin' ? 'inbox' : 'admin', adminFocus: true });
      if (useUi.getState().view === 'inbox') focusInbox();
      return;
    }
    case 'offer.accept': case 'offer.reject':
      answerFirstOffer(id === 'offer.accept');
      return;
    case 'theme.toggle': {
      const next = nextTheme((queryClient.getQueryData<ThemeChoice>(keys.setting(THEME_SETTING)) ?? 'system'));
      void setTheme(next).then(() => ui.announce(THEME_LABEL[next]), (e: Error) => ui.announce(e.message));
      return;
    }
    case 'session.signOut': void signOut(); return;
    case 'composer.send': case 'composer.sendResolve': case 'composer.suggestion':
      // These live in the composer (they need its text); from elsewhere, open it.
      if (conv) ui.focusComposer('reply');
      return;
  }
}

/** Why Shift+N found nothing: from the agent's presence (load, offer), capacity and the team queue. */
async function pullRefusal(): Promise<string> {
  const session = queryClient.getQueryData<SessionStatus>(keys.session);
  const teamWaiting = queryClient.getQueryData<DesktopResponse<'inbox.counts'>>(keys.counts)?.team ?? 0;
  try {
    const presence = await queryClient.fetchQuery({ ...presenceQuery(), staleTime: 0 });
    const me = presence.agents.find((a) => a.id === session?.agent?.id);
    const offerId = me?.offer?.conversation_id ?? useLive.getState().offers[0]?.conversation_id;
    const offered = offerId ? queryClient.getQueryData<DesktopResponse<'conversation.get'>>(keys.conversation(offerId)) : undefined;
    return whyNothingToPull({ me, capacity: session?.agent?.capacity ?? {}, teamWaiting, offerChannel: offered?.conversation.channel as Channel | undefined });
  } catch (e) {
    // presence needs the hub; without it, say what is known
    return `Nothing to take${teamWaiting ? ` although ${teamWaiting} wait in the team queue` : ''}: ${(e as Error).message}`;
  }
}

/** Opens an administration screen (from the palette or Settings), when the person's role has it. */
export function openAdmin(screen: AdminScreen): void {
  const ui = useUi.getState();
  const role = queryClient.getQueryData<{ agent: { role: Role } | null }>(keys.session)?.agent?.role;
  const def = ADMIN_SCREENS.find((s) => s.id === screen);
  if (!def || !role || !def.roles.includes(role)) { ui.announce(`${def?.label ?? 'That screen'} is for ${def?.roles.join(' and ') ?? 'nobody'}`); return; }
  ui.set({ view: 'admin', adminScreen: screen, adminFocus: true });
}
