/**
 * Keyboard shortcuts: parsing, matching, remapping and the layout-safety rule. Pure (no DOM),
 * so it is unit-tested. Combos look like "j", "Shift+R", "$mod+K", "$mod+Shift+Enter"
 * ($mod is Cmd on macOS, Ctrl elsewhere).
 *
 * Layout safety: on Polish, German, French… layouts AltGr (= Ctrl+Alt on Windows) and macOS
 * Option+letter TYPE characters (ą, @, €), so no default may use Alt with a printable key.
 * Letters match by the character typed (event.key), so "j" follows the user's layout; Ctrl/Cmd
 * combos fall back to the physical key (event.code) on non-Latin layouts (Cyrillic, Greek).
 */

export type CommandId =
  | 'inbox.next' | 'inbox.prev' | 'conversation.open' | 'composer.reply' | 'composer.note'
  | 'conversation.resolve' | 'conversation.snooze' | 'conversation.assign' | 'conversation.tag'
  | 'conversation.priority' | 'conversation.reopen' | 'search.open' | 'palette.open' | 'help.shortcuts'
  | 'inbox.tab.mine' | 'inbox.tab.team' | 'inbox.tab.snoozed' | 'inbox.tab.resolved'
  | 'inbox.sort.cycle' | 'inbox.filter' | 'outbox.retry' | 'customer.history' | 'settings.open'
  | 'pane.queue' | 'pane.customer' | 'focus.inbox' | 'composer.send' | 'composer.sendResolve'
  | 'conversation.label' | 'conversation.reason' | 'presence.set' | 'queue.pull' | 'view.floor' | 'metrics.me'
  | 'view.insights' | 'view.approvals' | 'view.quality' | 'offer.accept' | 'offer.reject' | 'theme.toggle' | 'composer.suggestion' | 'conversation.summary' | 'view.admin' | 'session.signOut'
  | 'shift.mine' | 'shift.end'
  | 'customer.edit' | 'customer.merge'
  | 'selection.toggle' | 'selection.extendDown' | 'selection.extendUp' | 'selection.all' | 'bulk.open' | 'macro.run' | 'actions.undo' | 'actions.summary';

export interface CommandDef {
  id: CommandId;
  label: string;
  keys: string[];
  /** handled inside the composer; listed so the sheet and palette show it */
  composerOnly?: boolean;
}

export const COMMANDS: CommandDef[] = [
  { id: 'inbox.next', label: 'Next conversation', keys: ['j', 'ArrowDown'] },
  { id: 'inbox.prev', label: 'Previous conversation', keys: ['k', 'ArrowUp'] },
  { id: 'conversation.open', label: 'Open conversation', keys: ['Enter'] },
  { id: 'composer.reply', label: 'Reply', keys: ['r'] },
  { id: 'composer.note', label: 'Add internal note', keys: ['n'] },
  { id: 'conversation.resolve', label: 'Resolve', keys: ['e'] },
  { id: 'conversation.snooze', label: 'Snooze…', keys: ['s'] },
  { id: 'conversation.assign', label: 'Assign…', keys: ['a'] },
  { id: 'conversation.tag', label: 'Tag…', keys: ['t'] },
  { id: 'conversation.priority', label: 'Set priority…', keys: ['p'] },
  { id: 'conversation.reopen', label: 'Reopen', keys: ['Shift+E'] },
  { id: 'conversation.label', label: 'Correct a label (sentiment, intent, topic, priority)…', keys: ['l'] },
  { id: 'conversation.reason', label: 'Why? Show the analysis reason', keys: ['w'] },
  { id: 'presence.set', label: 'Set my presence…', keys: ['Shift+S'] },
  { id: 'queue.pull', label: 'Take the next conversation from the team queue', keys: ['Shift+N'] },
  { id: 'offer.accept', label: 'Accept the offer that expires first', keys: ['Shift+A'] },
  { id: 'offer.reject', label: 'Reject the offer that expires first', keys: ['Shift+X'] },
  { id: 'view.floor', label: 'Supervisor floor (supervisors)', keys: ['Shift+F'] },
  { id: 'view.insights', label: 'Department insights (supervisors, department teams); x closes one', keys: ['Shift+I'] },
  { id: 'view.approvals', label: 'Replies awaiting approval (supervisors): a approve, e edit, x reject', keys: ['Shift+P'] },
  { id: 'view.quality', label: 'Quality: review the sample, o overrides an item (supervisors); your own scores and notes (agents)', keys: ['Shift+Q'] },
  { id: 'metrics.me', label: 'My figures', keys: ['Shift+M'] },
  { id: 'view.admin', label: 'Administration: teams, people, SLA, canned responses…', keys: [] },
  { id: 'macro.run', label: 'Run a macro… (on the selected conversations when some are)', keys: ['m'] },
  { id: 'selection.toggle', label: 'Select or unselect this conversation for a bulk action', keys: ['x'] },
  { id: 'selection.extendDown', label: 'Extend the selection down', keys: ['Shift+J'] },
  { id: 'selection.extendUp', label: 'Extend the selection up', keys: ['Shift+K'] },
  { id: 'selection.all', label: 'Select every conversation that matches the filter (all pages), or none', keys: ['*'] },
  { id: 'bulk.open', label: 'Bulk action on the selected: resolve, tag, assign, move, snooze, macro…', keys: ['b'] },
  { id: 'actions.undo', label: 'Undo the last macro or bulk action (for a few seconds)', keys: ['u'] },
  { id: 'actions.summary', label: 'What the last macro or bulk action did', keys: ['Shift+U'] },
  { id: 'search.open', label: 'Search messages', keys: ['/'] },
  { id: 'palette.open', label: 'Command palette', keys: ['$mod+K'] },
  { id: 'help.shortcuts', label: 'Keyboard shortcuts', keys: ['?'] },
  { id: 'inbox.tab.mine', label: 'Show Mine', keys: ['1'] },
  { id: 'inbox.tab.team', label: 'Show Team queue', keys: ['2'] },
  { id: 'inbox.tab.snoozed', label: 'Show Snoozed', keys: ['3'] },
  { id: 'inbox.tab.resolved', label: 'Show Resolved', keys: ['4'] },
  { id: 'inbox.sort.cycle', label: 'Change sort (SLA, priority, age)', keys: ['o'] },
  { id: 'inbox.filter', label: 'Filter by channel or tag', keys: ['f'] },
  { id: 'outbox.retry', label: 'Retry failed reply', keys: ['Shift+R'] },
  { id: 'customer.history', label: 'Customer history', keys: ['c'] },
  { id: 'customer.edit', label: 'Edit the customer’s tags and notes…', keys: ['Shift+C'] },
  { id: 'customer.merge', label: 'Merge another profile of this customer…', keys: ['Shift+D'] },
  { id: 'settings.open', label: 'Settings', keys: ['$mod+,'] },
  { id: 'theme.toggle', label: 'Theme: system, light or dark', keys: [] },
  { id: 'session.signOut', label: 'Sign out', keys: [] },
  { id: 'pane.queue', label: 'Show or hide the queue', keys: ['['] },
  { id: 'pane.customer', label: 'Show or hide the customer panel', keys: [']'] },
  { id: 'focus.inbox', label: 'Back to the list', keys: ['Escape'] },
  { id: 'composer.send', label: 'Send', keys: ['$mod+Enter'], composerOnly: true },
  { id: 'composer.sendResolve', label: 'Send and resolve', keys: ['$mod+Shift+Enter'], composerOnly: true },
  { id: 'composer.suggestion', label: 'Insert the next suggested reply (to edit, never sent by itself)', keys: ['Alt+ArrowDown'], composerOnly: true },
  { id: 'conversation.summary', label: 'Handover summary (kept as an internal note)', keys: ['Shift+H'] },
  { id: 'shift.mine', label: 'My shift: the handover summary of each of my open conversations', keys: ['Shift+O'] },
  { id: 'shift.end', label: 'End my shift: a handover summary on each open conversation, then Offline', keys: [] },
];

export type KeymapOverrides = Partial<Record<CommandId, string[]>>;

export interface Combo {
  mod: boolean; ctrl: boolean; meta: boolean; alt: boolean; shift: boolean;
  /** lower-cased character for printable keys, or a named key ("enter", "arrowdown", "escape") */
  key: string;
}

export interface KeyEventLike {
  key: string; code: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean;
}

const NAMED = new Set(['enter', 'escape', 'tab', 'backspace', 'delete', 'arrowup', 'arrowdown', 'arrowleft', 'arrowright',
  'home', 'end', 'pageup', 'pagedown', 'space', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12']);

export function parseCombo(text: string): Combo {
  const parts = text.split('+');
  // "$mod++" style: a trailing empty part means the key itself is "+".
  const rawKey = text.endsWith('++') || text === '+' ? '+' : parts.pop()!;
  if (rawKey === '+') parts.splice(parts.length - (text === '+' ? 1 : 2));
  const combo: Combo = { mod: false, ctrl: false, meta: false, alt: false, shift: false, key: '' };
  for (const p of parts) {
    const m = p.toLowerCase();
    if (m === '$mod' || m === 'mod') combo.mod = true;
    else if (m === 'ctrl' || m === 'control') combo.ctrl = true;
    else if (m === 'meta' || m === 'cmd' || m === 'command') combo.meta = true;
    else if (m === 'alt' || m === 'option') combo.alt = true;
    else if (m === 'shift') combo.shift = true;
    else if (m !== '') throw new Error(`unknown modifier "${p}" in "${text}"`);
  }
  const key = rawKey === ' ' ? 'space' : rawKey.toLowerCase();
  if (key.length !== 1 && !NAMED.has(key)) throw new Error(`unknown key "${rawKey}" in "${text}"`);
  combo.key = key;
  return combo;
}

const isLetter = (k: string) => k.length === 1 && /\p{L}/u.test(k);
const isPrintable = (k: string) => k.length === 1 || k === 'space';

/** "$mod+Shift+Enter" → "Ctrl+Shift+Enter" / "⌘⇧Enter" for display. */
export function formatCombo(text: string, isMac: boolean): string {
  const c = parseCombo(text);
  const key = c.key.length === 1 ? (isLetter(c.key) && !c.shift && !c.mod && !c.ctrl && !c.meta ? c.key : c.key.toUpperCase()) : ({ arrowdown: '↓', arrowup: '↑', arrowleft: '←', arrowright: '→', escape: 'Esc', space: 'Space' } as Record<string, string>)[c.key] ?? c.key[0]!.toUpperCase() + c.key.slice(1);
  if (isMac) {
    return `${c.ctrl ? '⌃' : ''}${c.alt ? '⌥' : ''}${c.shift && isLetter(c.key) || c.shift && !isPrintable(c.key) ? '⇧' : ''}${c.mod || c.meta ? '⌘' : ''}${key}`;
  }
  const mods = [c.mod || c.ctrl ? 'Ctrl' : '', c.meta ? 'Win' : '', c.alt ? 'Alt' : '', c.shift && (isLetter(c.key) || !isPrintable(c.key)) ? 'Shift' : ''].filter(Boolean);
  return [...mods, key].join('+');
}

/** Uses Ctrl, Cmd or Alt: such shortcuts may fire while typing in a field. */
export function hasCommandModifier(c: Combo): boolean {
  return c.mod || c.ctrl || c.meta || c.alt;
}

/**
 * Null when the combo is safe on every layout; otherwise why not. Alt (Option) with a
 * printable key, and Ctrl+Alt (AltGr on Windows), type characters on many layouts.
 */
export function layoutSafetyProblem(text: string): string | null {
  let c: Combo;
  try { c = parseCombo(text); } catch (e) { return (e as Error).message; }
  if (c.alt && isPrintable(c.key)) return `${text}: Alt/Option with a character key types letters on Polish, German, French and other layouts`;
  if (c.ctrl && c.alt) return `${text}: Ctrl+Alt is AltGr on Windows and types characters`;
  return null;
}

function eventKey(ev: KeyEventLike): string {
  if (ev.key === ' ') return 'space';
  return ev.key.length === 1 ? ev.key.toLowerCase() : ev.key.toLowerCase();
}

/** The Latin letter or digit of the physical key (KeyK → "k"), for Ctrl/Cmd combos on non-Latin layouts. */
function codeKey(code: string): string | null {
  const m = /^(?:Key([A-Z])|Digit(\d))$/.exec(code);
  return m ? (m[1] ?? m[2]!).toLowerCase() : null;
}

export function matches(comboText: string, ev: KeyEventLike, isMac: boolean): boolean {
  const c = parseCombo(comboText);
  const wantCtrl = c.ctrl || (c.mod && !isMac);
  const wantMeta = c.meta || (c.mod && isMac);
  if (ev.ctrlKey !== wantCtrl || ev.metaKey !== wantMeta || ev.altKey !== c.alt) return false;
  const key = eventKey(ev);
  // For symbols ("?", "/", "["), Shift is whatever the layout needs to type them: ignore it.
  const symbol = c.key.length === 1 && !isLetter(c.key) && !/\d/.test(c.key);
  if (!symbol && ev.shiftKey !== c.shift) return false;
  if (key === c.key) return true;
  // Ctrl/Cmd+K on a Cyrillic layout sends key "л": match by physical key instead.
  if ((wantCtrl || wantMeta) && !/^[a-z0-9]$/.test(key)) return codeKey(ev.code) === c.key;
  return false;
}

export function effectiveKeys(id: CommandId, overrides: KeymapOverrides): string[] {
  return overrides[id] ?? COMMANDS.find((c) => c.id === id)!.keys;
}

export function commandFor(ev: KeyEventLike, overrides: KeymapOverrides, isMac: boolean, opts: { typing: boolean }): CommandId | null {
  for (const cmd of COMMANDS) {
    if (cmd.composerOnly) continue;
    for (const k of effectiveKeys(cmd.id, overrides)) {
      // No single-key shortcut fires while the user is typing in a field.
      if (opts.typing && !hasCommandModifier(parseCombo(k))) continue;
      if (matches(k, ev, isMac)) return cmd.id;
    }
  }
  return null;
}

/** Builds a combo string from a key press (for "press the new shortcut"); null for a bare modifier. */
export function comboFromEvent(ev: KeyEventLike, isMac: boolean): string | null {
  if (['Control', 'Meta', 'Alt', 'Shift', 'AltGraph', 'CapsLock', 'Dead'].includes(ev.key)) return null;
  const parts: string[] = [];
  if ((isMac && ev.metaKey) || (!isMac && ev.ctrlKey)) parts.push('$mod');
  if (isMac && ev.ctrlKey) parts.push('Ctrl');
  if (!isMac && ev.metaKey) parts.push('Meta');
  if (ev.altKey) parts.push('Alt');
  let key = ev.key === ' ' ? 'Space' : ev.key;
  const letter = key.length === 1 && /\p{L}/u.test(key);
  if (ev.shiftKey && (letter || key.length > 1)) parts.push('Shift');
  if (letter) key = key.toUpperCase();
  if (key.length === 1 && !letter) { /* symbols keep their typed form */ }
  parts.push(parts.length === 0 && letter ? key.toLowerCase() : key);
  return parts.join('+');
}

export interface RemapResult { overrides: KeymapOverrides; error: string | null }

/** Sets `id` to `combo`, refusing unsafe combos and combos another command already uses. */
export function remap(overrides: KeymapOverrides, id: CommandId, combo: string): RemapResult {
  const problem = layoutSafetyProblem(combo);
  if (problem) return { overrides, error: problem };
  const same = (a: string, b: string) => JSON.stringify(parseCombo(a)) === JSON.stringify(parseCombo(b));
  for (const cmd of COMMANDS) {
    if (cmd.id === id) continue;
    if (effectiveKeys(cmd.id, overrides).some((k) => same(k, combo))) {
      return { overrides, error: `${combo} is already used by "${cmd.label}"` };
    }
  }
  return { overrides: { ...overrides, [id]: [combo] }, error: null };
}

export function resetKey(overrides: KeymapOverrides, id: CommandId): KeymapOverrides {
  const next = { ...overrides };
  delete next[id];
  return next;
}

/** Keeps only known commands with parseable, safe combos (settings may hold anything). */
export function sanitizeOverrides(raw: unknown): KeymapOverrides {
  const out: KeymapOverrides = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [id, keys] of Object.entries(raw as Record<string, unknown>)) {
    if (!COMMANDS.some((c) => c.id === id) || !Array.isArray(keys)) continue;
    const ok = keys.filter((k): k is string => typeof k === 'string' && layoutSafetyProblem(k) === null);
    if (ok.length) out[id as CommandId] = ok;
  }
  return out;
}
