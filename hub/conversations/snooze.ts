/**
 * Wakes snoozed conversations whose snoozed_until has passed (status back to 'open'),
 * through the change log so agents' desktops see it.
 */
import type { ChangeLog } from '../sync/changelog';

export async function wakeSnoozed(log: ChangeLog): Promise<number> {
  return log.write(async (w) => {
    const due = await w.query<{ id: string }>(
      `SELECT id FROM conversations WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= now() LIMIT 500`);
    for (const { id } of due) await w.update('conversation', id, { status: 'open', snoozed_until: null, updated_at: new Date() });
    return due.length;
  });
}

/** Runs wakeSnoozed every intervalMs; returns a stop function. */
export function startSnoozeWaker(log: ChangeLog, intervalMs: number, onError: (e: unknown) => void): () => Promise<void> {
  let busy: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (!busy) busy = wakeSnoozed(log).catch(onError).finally(() => { busy = null; });
  }, intervalMs);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await busy;
  };
}
