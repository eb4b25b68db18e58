import { describe, expect, it } from 'vitest';
import {
  COMMANDS, commandFor, comboFromEvent, formatCombo, layoutSafetyProblem, matches, parseCombo, remap, resetKey, sanitizeOverrides,
  type KeyEventLike,
} from './keymap';

const ev = (key: string, o: Partial<KeyEventLike> = {}): KeyEventLike => ({
  key, code: o.code ?? '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...o,
});

describe('defaults', () => {
  it('are all parseable and layout-safe (no AltGr/Option-letter)', () => {
    for (const c of COMMANDS) for (const k of c.keys) expect(layoutSafetyProblem(k), `${c.id} ${k}`).toBeNull();
  });
  it('never bind one combo to two commands', () => {
    const seen = new Map<string, string>();
    for (const c of COMMANDS) for (const k of c.keys) {
      const norm = JSON.stringify(parseCombo(k));
      expect(seen.get(norm), `${k} on ${c.id}`).toBeUndefined();
      seen.set(norm, c.id);
    }
  });
});

describe('matches', () => {
  it('matches plain letters by the character typed, case-sensitively with Shift', () => {
    expect(matches('j', ev('j'), false)).toBe(true);
    expect(matches('j', ev('J', { shiftKey: true }), false)).toBe(false);
    expect(matches('Shift+R', ev('R', { shiftKey: true }), false)).toBe(true);
    expect(matches('r', ev('r', { ctrlKey: true }), false)).toBe(false);
  });
  it('ignores the Shift a layout needs to type a symbol', () => {
    expect(matches('?', ev('?', { shiftKey: true }), false)).toBe(true);
    expect(matches('/', ev('/'), false)).toBe(true);
    expect(matches('/', ev('/', { shiftKey: true }), false)).toBe(true); // German: Shift+7
  });
  it('maps $mod to Cmd on macOS and Ctrl elsewhere', () => {
    expect(matches('$mod+K', ev('k', { ctrlKey: true }), false)).toBe(true);
    expect(matches('$mod+K', ev('k', { metaKey: true }), true)).toBe(true);
    expect(matches('$mod+K', ev('k', { ctrlKey: true }), true)).toBe(false);
    expect(matches('$mod+Shift+Enter', ev('Enter', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matches('$mod+Enter', ev('Enter', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
  });
  it('falls back to the physical key for Ctrl combos on a Cyrillic layout', () => {
    expect(matches('$mod+K', ev('л', { ctrlKey: true, code: 'KeyK' }), false)).toBe(true);
    expect(matches('k', ev('л', { code: 'KeyK' }), false)).toBe(false);
  });
  it('does not treat AltGr characters as shortcuts', () => {
    // Polish "ą" is AltGr+A = Ctrl+Alt+a on Windows.
    expect(matches('a', ev('ą', { ctrlKey: true, altKey: true, code: 'KeyA' }), false)).toBe(false);
    expect(commandFor(ev('ą', { ctrlKey: true, altKey: true, code: 'KeyA' }), {}, false, { typing: false })).toBeNull();
  });
});

describe('commandFor', () => {
  it('finds the command for a key', () => {
    expect(commandFor(ev('j'), {}, false, { typing: false })).toBe('inbox.next');
    expect(commandFor(ev('k', { ctrlKey: true }), {}, false, { typing: false })).toBe('palette.open');
  });
  it('never fires a single-key shortcut while typing, but Ctrl/Cmd ones do', () => {
    expect(commandFor(ev('e'), {}, false, { typing: true })).toBeNull();
    expect(commandFor(ev('/'), {}, false, { typing: true })).toBeNull();
    expect(commandFor(ev('k', { ctrlKey: true }), {}, false, { typing: true })).toBe('palette.open');
  });
  it('leaves composer-only commands to the composer', () => {
    expect(commandFor(ev('Enter', { ctrlKey: true }), {}, false, { typing: true })).toBeNull();
  });
  it('uses overrides instead of defaults', () => {
    const { overrides, error } = remap({}, 'conversation.resolve', 'g');
    expect(error).toBeNull();
    expect(commandFor(ev('g'), overrides, false, { typing: false })).toBe('conversation.resolve');
    expect(commandFor(ev('e'), overrides, false, { typing: false })).toBeNull();
    expect(commandFor(ev('e'), resetKey(overrides, 'conversation.resolve'), false, { typing: false })).toBe('conversation.resolve');
  });
});

describe('remap', () => {
  it('refuses a combo another command uses, and unsafe combos', () => {
    expect(remap({}, 'conversation.resolve', 'j').error).toContain('Next conversation');
    expect(remap({}, 'conversation.resolve', 'Alt+E').error).toContain('Alt');
    expect(remap({}, 'conversation.resolve', 'Ctrl+Alt+E').error).toContain('Alt');
    expect(remap({}, 'conversation.resolve', 'Alt+F4').error).toBeNull();
  });
  it('sanitizes stored overrides', () => {
    expect(sanitizeOverrides({ 'conversation.resolve': ['x', 'Alt+q'], 'rm.rf': ['z'], 'inbox.next': 'j' }))
      .toEqual({ 'conversation.resolve': ['x'] });
    expect(sanitizeOverrides(null)).toEqual({});
  });
});

describe('comboFromEvent and formatCombo', () => {
  it('records what was pressed', () => {
    expect(comboFromEvent(ev('x'), false)).toBe('x');
    expect(comboFromEvent(ev('X', { shiftKey: true }), false)).toBe('Shift+X');
    expect(comboFromEvent(ev('k', { ctrlKey: true }), false)).toBe('$mod+K');
    expect(comboFromEvent(ev('?', { shiftKey: true }), false)).toBe('?');
    expect(comboFromEvent(ev('Shift', { shiftKey: true }), false)).toBeNull();
  });
  it('formats for the platform', () => {
    expect(formatCombo('$mod+Shift+Enter', false)).toBe('Ctrl+Shift+Enter');
    expect(formatCombo('$mod+K', true)).toBe('⌘K');
    expect(formatCombo('?', false)).toBe('?');
    expect(formatCombo('j', false)).toBe('j');
    expect(formatCombo('Shift+R', false)).toBe('Shift+R');
  });
  it('rejects nonsense', () => {
    expect(() => parseCombo('Hyper+J')).toThrow('modifier');
    expect(() => parseCombo('Ctrl+Banana')).toThrow('key');
  });
});
