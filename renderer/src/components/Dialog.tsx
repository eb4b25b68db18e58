/**
 * A modal dialog: labelled, traps Tab, Escape closes, and gives focus back to where it was
 * (or to the inbox list when that element is gone), so focus is never lost.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { focusInbox } from '../app/nav';

export function Dialog(props: { label: string; onClose(): void; children: ReactNode; wide?: boolean; role?: 'dialog' | 'alertdialog'; describedBy?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const el = ref.current!;
    const first = el.querySelector<HTMLElement>('[data-autofocus]') ?? el.querySelector<HTMLElement>('input, textarea, select, button, [tabindex="0"]');
    (first ?? el).focus();
    return () => {
      // Give focus back on the next frame, after React has removed the dialog.
      requestAnimationFrame(() => {
        if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
        if (before && before.isConnected && before !== document.body) before.focus();
        else focusInbox();
      });
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); props.onClose(); return; }
    if (e.key === 'Tab') {
      const focusables = [...ref.current!.querySelectorAll<HTMLElement>('input, textarea, select, button, [tabindex="0"]')].filter((x) => !x.hasAttribute('disabled'));
      if (focusables.length === 0) return;
      const first = focusables[0]!, last = focusables[focusables.length - 1]!;
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  };
  return (
    <div className="backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) props.onClose(); }}>
      <div ref={ref} role={props.role ?? 'dialog'} aria-modal="true" aria-label={props.label} aria-describedby={props.describedBy}
        className={props.wide ? 'dialog wide' : 'dialog'} tabIndex={-1} onKeyDown={onKeyDown}>
        {props.children}
      </div>
    </div>
  );
}
