/**
 * What differs between the desktop (Electron) and a browser tab (the web host): desktop
 * notifications and the count on the app's icon. The renderer asks through this object only.
 * Electron's preload may add `notify` and `setBadgeCount` to `window.tend` (main/electron shows
 * them with Electron's Notification and app.setBadgeCount); without them the browser's
 * Notification API and the tab title do the job.
 */
export interface NotifyOptions { title: string; body: string; /** one notification per tag: a newer one replaces it */ tag: string }

export interface Platform {
  notify(n: NotifyOptions): void;
  /** the count of what waits for the agent (offers + unread), on the icon where the platform has one */
  setBadgeCount(n: number): void;
  /** asks the user once, from a user gesture, to allow notifications (browsers need that) */
  askPermission(): void;
}

/** What Electron's preload may add to `window.tend` beside invoke/on. */
type DesktopBridge = Partial<Pick<Platform, 'notify' | 'setBadgeCount'>>;

class WebPlatform implements Platform {
  notify(n: NotifyOptions): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
    new Notification(n.title, { body: n.body, tag: n.tag });
  }
  setBadgeCount(): void { /* a browser tab has no icon count: the title says it (useWindowTitle) */ }
  askPermission(): void {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
  }
}

/** Electron's preload bridge, where it offers these; the web's otherwise. */
function pick(): Platform {
  const web = new WebPlatform();
  const bridge = (typeof window !== 'undefined' ? window.tend : undefined) as DesktopBridge | undefined;
  return {
    notify: bridge?.notify ? (n) => bridge.notify!(n) : (n) => web.notify(n),
    setBadgeCount: bridge?.setBadgeCount ? (c) => bridge.setBadgeCount!(c) : () => web.setBadgeCount(),
    askPermission: bridge?.notify ? () => {} : () => web.askPermission(),
  };
}

export const platform: Platform = pick();
