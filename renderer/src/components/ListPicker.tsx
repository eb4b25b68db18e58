/**
 * A filterable list in a dialog (combobox + listbox): type to narrow, arrows to move,
 * Enter to pick, or the item's own key when it has one. Used by the palette, search and pickers.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

export interface PickItem {
  id: string;
  /** plain text: what typing filters on and what a screen reader reads */
  label: string;
  /** shown instead of the label when given (search hits with their matches highlighted) */
  content?: ReactNode;
  hint?: ReactNode; key?: string; detail?: ReactNode;
  /** the detail is a warning (an agent offline or at capacity) */
  warn?: boolean;
}

export function ListPicker(props: {
  label: string; placeholder: string; items: PickItem[]; onPick(item: PickItem): void; onClose(): void;
  query?: string; onQuery?(q: string): void; filter?: boolean; empty?: string; footer?: ReactNode;
  /** the items are for an older query (search still running): Enter waits for the fresh ones */
  pending?: boolean;
}) {
  const [pickWhenReady, setPickWhenReady] = useState(false);
  const [ownQuery, setOwnQuery] = useState('');
  const query = props.query ?? ownQuery;
  const setQuery = props.onQuery ?? setOwnQuery;
  const [active, setActive] = useState(0);
  const q = query.trim().toLowerCase();
  const items = props.filter === false || !q ? props.items : props.items.filter((i) => i.label.toLowerCase().includes(q) || i.id.toLowerCase().includes(q));
  const current = Math.min(active, Math.max(0, items.length - 1));
  useEffect(() => {
    if (!pickWhenReady || props.pending) return;
    setPickWhenReady(false);
    const it = items[current];
    if (it) props.onPick(it);
  });
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((current + 1) % Math.max(1, items.length)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((current - 1 + items.length) % Math.max(1, items.length)); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (props.pending) { setPickWhenReady(true); return; }
      const it = items[current];
      if (it) props.onPick(it);
    }
    else if (!query && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // An item's own key picks it at once while nothing has been typed ("1" = in 1 hour).
      const it = props.items.find((i) => i.key && i.key === e.key);
      if (it) { e.preventDefault(); props.onPick(it); }
    }
  };
  return (
    <Dialog label={props.label} onClose={props.onClose}>
      <input className="picker-input" role="combobox" aria-expanded="true" aria-controls="picker-list" aria-label={props.label}
        aria-activedescendant={items[current] ? `pick-${current}` : undefined} autoComplete="off" spellCheck={false}
        placeholder={props.placeholder} value={query} onChange={(e) => { setQuery(e.target.value); setActive(0); setPickWhenReady(false); }} onKeyDown={onKeyDown} data-autofocus />
      <ul id="picker-list" role={items.length ? 'listbox' : undefined} aria-label={props.label} className="picker-list">
        {items.map((it, i) => (
          <li key={it.id} id={`pick-${i}`} role="option" aria-selected={i === current} className={i === current ? 'active' : ''}
            onMouseDown={(e) => { e.preventDefault(); props.onPick(it); }}>
            {it.key && <kbd className="pick-key">{it.key}</kbd>}
            <span className="pick-label">{it.content ?? it.label}</span>
            {it.detail && <span className={`pick-detail${it.warn ? ' warn' : ' muted'}`}>{it.detail}</span>}
            {it.hint && <span className="pick-hint">{it.hint}</span>}
          </li>
        ))}
        {items.length === 0 && <li className="muted" role="presentation">{props.empty ?? 'No match'}</li>}
      </ul>
      {props.footer}
    </Dialog>
  );
}
