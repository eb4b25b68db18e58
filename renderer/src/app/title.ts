/**
 * The window title counts what waits for the agent, so it shows in the taskbar and the tab:
 * "(2) Tend · 2 offers". The same count goes to the app icon's badge where the platform has one.
 * Unread conversations are not counted yet: the core's inbox counts do not include them.
 */
import { useEffect } from 'react';
import { useLive } from './live';
import { platform } from './platform';

export function titleFor(offers: number): string {
  return offers > 0 ? `(${offers}) Tend · ${offers} ${offers === 1 ? 'offer' : 'offers'}` : 'Tend';
}

export function useWindowTitle(): void {
  const offers = useLive((s) => s.offers.length);
  useEffect(() => {
    document.title = titleFor(offers);
    platform.setBadgeCount(offers);
  }, [offers]);
  useEffect(() => () => { document.title = 'Tend'; platform.setBadgeCount(0); }, []);
}
