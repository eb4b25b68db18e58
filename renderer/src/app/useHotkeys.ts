/** One window-level key listener that maps keys to commands through the (remappable) keymap. */
import { useEffect } from 'react';
import { useSetting } from '../api/queries';
import { recordUse, run } from './actions';
import { commandFor, hasCommandModifier, matches, parseCombo, sanitizeOverrides, type CommandId, type KeymapOverrides } from './keymap';
import { cachedMacros } from '../api/macros';
import { previewMacro } from './bulk';
import { isMac } from './format';
import { useUi } from './store';

/** Typing in a field: single-key shortcuts must not fire. */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes((el as HTMLInputElement).type);
  return (el as HTMLElement).isContentEditable;
}

export function useKeymap(): KeymapOverrides {
  const { value } = useSetting<unknown>('keymap', {});
  return sanitizeOverrides(value);
}

const FLOOR_GLOBAL = new Set<CommandId>(['view.floor', 'view.insights', 'view.approvals', 'view.quality', 'view.admin', 'palette.open', 'help.shortcuts', 'settings.open', 'presence.set', 'metrics.me', 'search.open',
  'offer.accept', 'offer.reject', 'theme.toggle']);

/** A macro's key as the hub has it (checked there only for shape): one that does not parse never matches. */
function safeMatch(key: string, e: KeyboardEvent, typing: boolean): boolean {
  try {
    if (typing && !hasCommandModifier(parseCombo(key))) return false;
    return matches(key, e, isMac);
  } catch {
    return false;
  }
}

export function useHotkeys(overrides: KeymapOverrides): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const ui = useUi.getState();
      // While a dialog is open it owns the keyboard (it handles Escape itself).
      if (ui.overlay) return;
      const typing = isTypingTarget(document.activeElement);
      const id = commandFor(e, overrides, isMac, { typing });
      if (!id) {
        // a macro's own key (a command's key wins): its preview opens on the open or selected conversations
        if (ui.view !== 'inbox') return;
        const macro = cachedMacros().find((m) => m.key && safeMatch(m.key, e, typing));
        if (!macro) return;
        e.preventDefault();
        previewMacro(macro);
        return;
      }
      // On the floor and in insights, their own keys act on what is focused there; only app-wide commands pass.
      if (ui.view !== 'inbox' && !FLOOR_GLOBAL.has(id)) return;
      // Enter and arrows belong to buttons and fields when those have focus.
      const target = e.target as HTMLElement;
      const onControl = target.closest('button, a, [role="tab"], select, [role="option"]:not(#inbox-list [role="option"])');
      if ((id === 'conversation.open' || id === 'focus.inbox') && (typing || onControl)) return;
      if ((e.key.startsWith('Arrow')) && !target.closest('#inbox-list')) return;
      e.preventDefault();
      run(id);
      if (id !== 'inbox.next' && id !== 'inbox.prev') recordUse(id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [overrides]);
}
