/** A listbox moved with j/k or arrows; other keys go to `onAction` with the active item (the floor's lists, insights). */
import { useState, type KeyboardEvent, type ReactNode } from 'react';

export function KeyList<T>(props: { label: string; items: T[]; id: (t: T) => string; render: (t: T) => ReactNode; onAction(key: string, item: T): boolean; empty: string }) {
  const [active, setActive] = useState(0);
  const i = Math.min(active, Math.max(0, props.items.length - 1));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); setActive(Math.min(props.items.length - 1, i + 1)); return; }
    if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); setActive(Math.max(0, i - 1)); return; }
    const item = props.items[i];
    if (item && props.onAction(e.key, item)) e.preventDefault();
  };
  const prefix = props.label.replace(/\W+/g, '-').toLowerCase();
  return (
    <div role="listbox" tabIndex={0} aria-label={props.label} className="floor-list" onKeyDown={onKeyDown}
      aria-activedescendant={props.items[i] ? `${prefix}-${props.id(props.items[i]!)}` : undefined}>
      {/* an empty listbox still holds one (disabled) option: it says why it is empty */}
      {props.items.length === 0 && <div role="option" aria-selected="false" aria-disabled="true" className="row muted">{props.empty}</div>}
      {props.items.map((it, n) => (
        <div key={props.id(it)} id={`${prefix}-${props.id(it)}`} role="option" aria-selected={n === i} className={`row${n === i ? ' selected' : ''}`}
          onMouseDown={(e) => { e.preventDefault(); setActive(n); (e.currentTarget.parentElement as HTMLElement).focus(); }}>
          {props.render(it)}
        </div>
      ))}
    </div>
  );
}

