/**
 * Canned responses in the composer: `;sh` lists the matching shortcodes under the field (arrows
 * move, Tab or Enter inserts, Escape closes the list once the agent has moved in it; untouched, the
 * list leaves Escape to the composer, which goes back to the inbox), `;code` + space expands an exact
 * shortcode, and the palette inserts one through the `tend:insert-canned` event. Variables
 * ({{customer.first_name}}…) are filled in.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { applyShortcode, expandCanned, type CannedResponse, type CannedContext } from '../../../../shared/text/canned';
import { countUse } from '../../api/canned';
import { recordUse } from '../../app/actions';

export function useCannedSuggestions(opts: {
  text: string; field: RefObject<HTMLTextAreaElement | null>; canned: CannedResponse[]; ctx: CannedContext; edit(next: string): void;
}) {
  const { text, field, canned, ctx, edit } = opts;
  const [active, setActive] = useState(0);
  // the agent moved in the list (arrows): Escape is about the list then; `closedFor`: the text it was closed at
  const [navigated, setNavigated] = useState(false);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  // Where the caret goes after a programmatic edit: set in the same commit, before the next key.
  const caretAfter = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caretAfter.current === null || !field.current) return;
    field.current.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  });

  const caret = field.current?.selectionStart ?? text.length;
  const token = /(^|\s);([a-z0-9_-]*)$/.exec(text.slice(0, caret));
  const suggestions = token && closedFor !== text ? canned.filter((x) => x.shortcode.startsWith(token[2]!)).slice(0, 6) : [];
  const current = Math.min(active, suggestions.length - 1);

  const insert = (item: CannedResponse) => {
    const el = field.current!;
    const pos = el.selectionStart;
    const before = text.slice(0, pos).replace(/;[a-z0-9_-]*$/, '');
    const expanded = expandCanned(item.text, ctx);
    edit(before + expanded + text.slice(pos));
    setActive(0);
    setNavigated(false);
    recordUse(`canned:${item.shortcode}`);
    countUse(item);
    caretAfter.current = before.length + expanded.length;
    el.focus();
  };

  // The palette inserts canned responses through this event.
  useEffect(() => {
    const onInsert = (e: Event) => insert((e as CustomEvent<CannedResponse>).detail);
    window.addEventListener('tend:insert-canned', onInsert);
    return () => window.removeEventListener('tend:insert-canned', onInsert);
  });

  /** Handles the key when it is about the suggestions or a shortcode; true when it did. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setNavigated(true); setActive((s) => (s + 1) % suggestions.length); return true; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setNavigated(true); setActive((s) => (s - 1 + suggestions.length) % suggestions.length); return true; }
      if (e.key === 'Escape' && navigated) { e.preventDefault(); setNavigated(false); setActive(0); setClosedFor(text); return true; }
      if ((e.key === 'Tab' || e.key === 'Enter') && !e.shiftKey && !e.ctrlKey && !e.metaKey) { e.preventDefault(); insert(suggestions[current]!); return true; }
    }
    if (e.key === ' ') {
      // `;code` + space expands an exact shortcode.
      const r = applyShortcode(text, e.currentTarget.selectionStart, canned, ctx);
      if (r) {
        e.preventDefault(); caretAfter.current = r.caret + 1; edit(r.text.slice(0, r.caret) + ' ' + r.text.slice(r.caret));
        const code = /;([a-z0-9_-]{1,32})$/.exec(text.slice(0, e.currentTarget.selectionStart))?.[1];
        const used = canned.find((x) => x.shortcode === code);
        if (used) countUse(used);
        return true;
      }
    }
    return false;
  };

  return { suggestions, current, insert, onKeyDown };
}
