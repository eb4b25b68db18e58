/**
 * Announcements ("Resolved", "Offer accepted", an error) as toasts in a corner: read by screen
 * readers through one polite live region, gone after a few seconds, never taking the focus and
 * never pushing the status bar onto two lines.
 */
import { useEffect } from 'react';
import { useUi } from '../app/store';

export const TOAST_MS = 6000;

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const latest = toasts[toasts.length - 1];
  useEffect(() => {
    if (!latest) return;
    const t = setTimeout(() => useUi.getState().dismissToast(latest.id), TOAST_MS);
    return () => clearTimeout(t);
  }, [latest]);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Announcements">
      {toasts.slice(-3).map((t) => <div key={t.id} className="toast">{t.text}</div>)}
    </div>
  );
}
