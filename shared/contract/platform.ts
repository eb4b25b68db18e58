/**
 * What the desktop shell itself offers the page, beside the core's contract (desktop.ts): a desktop
 * notification, the badge count, and opening a customer link in the system browser after the user
 * confirms it in a dialog that shows the full URL.
 *
 * Electron only. The preload adds three functions to `window.tend`, each on its own IPC channel
 * (`tend:<name>`), and main answers them (main/electron/platform.ts) with the same sender check and
 * zod parsing as every request. In a browser tab (the web host) they are absent: the page uses the
 * browser's Notification API, its title for counts, and its own confirmation before window.open
 * (renderer/src/app/platform.ts, renderer/src/api/links.ts).
 *
 *   await window.tend.notify({ title: 'New offer', body: 'Maria K. on X', tag: 'offer:c1' })  // → shown?
 *   await window.tend.setBadgeCount(3)                                                      // 0 clears it → shown?
 *   await window.tend.openExternal(url)                  // main asks, showing the URL → false when cancelled
 *   window.tend.on('platform.notificationClicked', ({ tag }) => …)     // the window is focused already
 */
import { z } from 'zod';

export const PlatformRequests = {
  'platform.notify': {
    req: z.object({
      title: z.string().trim().min(1).max(120),
      body: z.string().max(1000).default(''),
      /** comes back with platform.notificationClicked; a new notification with the same tag replaces the old one */
      tag: z.string().min(1).max(200).optional(),
      silent: z.boolean().default(false),
    }),
    /** false where the system shows no notifications */
    res: z.object({ shown: z.boolean() }),
  },
  'platform.badge': {
    req: z.object({ count: z.number().int().min(0).max(99_999) }),
    /** false where the platform has no badge (Windows; Linux without a launcher that shows one) */
    res: z.object({ shown: z.boolean() }),
  },
  'platform.openExternal': {
    req: z.object({ url: z.string().min(1).max(8192) }),
    /** false when the user cancelled, or the URL may not be opened (only http(s), no credentials in it) */
    res: z.object({ opened: z.boolean() }),
  },
} as const;

export const PlatformEvents = {
  'platform.notificationClicked': z.object({ tag: z.string().nullable() }),
} as const;

export type PlatformRequestName = keyof typeof PlatformRequests;
export type PlatformRequest<N extends PlatformRequestName> = z.output<(typeof PlatformRequests)[N]['req']>;
export type PlatformResponse<N extends PlatformRequestName> = z.infer<(typeof PlatformRequests)[N]['res']>;
export type PlatformEventName = keyof typeof PlatformEvents;
export const PLATFORM_REQUEST_NAMES = Object.keys(PlatformRequests) as PlatformRequestName[];
