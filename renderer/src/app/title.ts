/**
 * The window title counts what waits for the agent, so it shows in the taskbar and the tab:
 * "(5) Tend · 2 offers · 3 unread". The same count goes to the app icon's badge where the
 * platform has one.
 */
import { useEffect } from 'react';
import { useCounts } from '../api/queries';
import { useLive } from './live';
import { platform } from './platform';

export function titleFor(offers: number, unread: number): string {
  const parts = [offers > 0 && `${offers} ${offers === 1 ? 'offer' : 'offers'}`, unread > 0 && `${unread} unread`].filter(Boolean);
  return parts.length ? `(${offers + unread}) Tend · ${parts.join(' · ')}` : 'Tend';
}

export function useWindowTitle(): void {
  const offers = useLive((s) => s.offers.length);
  const unread = useCounts(true).data?.unread ?? 0;
  useEffect(() => {
    document.title = titleFor(offers, unread);
    platform.setBadgeCount(offers + unread);
  }, [offers, unread]);
  useEffect(() => () => { document.title = 'Tend'; platform.setBadgeCount(0); }, []);
}
