/** Event-driven waits (no sleeps): resolve when a committed change makes `check` true. */
import type { Hub } from '../../hub/hub';

export async function waitUntil<T>(hub: Hub, check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const next = new Promise<void>((resolve) => hub.log.events.once('committed', () => resolve()));
    const v = await check();
    if (v) return v;
    await next;
  }
}

export function waitForDelivery(hub: Hub, messageId: string, states: string[] = ['sent']) {
  return waitUntil(hub, async () => {
    const [m] = await hub.db.query<{ delivery: string; delivery_error: string | null; platform_id: string | null }>(
      'SELECT delivery, delivery_error, platform_id FROM messages WHERE id = $1', [messageId]);
    return m && states.includes(m.delivery) ? m : null;
  });
}
