/**
 * Change-log retention. Every synced write appends a change with the row's whole snapshot, so the log
 * grows with every post, reply and assignment for as long as the hub runs (at 200 posts/s, millions
 * of rows a day), and nothing pruned it. Changes older than the retention are now dropped, oldest
 * first, in batches on a timer. A desktop whose checkpoint is older than the retained log is told to
 * bootstrap again (the changes endpoint answers `reset`; its own unsent work stays on the desk), and
 * routing, if it had not consumed them, reloads its state from the rows (routing/service.ts).
 */
import type { ChangeLog } from './changelog';

export const DEFAULT_RETENTION_DAYS = 14;

export interface RetentionOptions {
  /** keep changes this long (ms) */
  retentionMs: number;
  /** how often to look (ms, default 60 000) */
  intervalMs?: number;
  /** most changes looked at, and dropped, in one batch (default 20 000): each batch is one short write */
  batch?: number;
  /** batches a tick may run before it waits for the next (default 10) */
  maxBatches?: number;
  now?: () => number;
  onError: (e: unknown) => void;
}

/**
 * Drops the oldest changes written before `cutoff`, at most `batch` of them: the longest run from the
 * oldest whose every change is older (sync ids follow commit order; times follow them but for
 * clock steps, so the run stops at the first newer one). Returns how many were dropped.
 */
export async function pruneChangesBefore(log: ChangeLog, cutoff: number, batch = 20_000): Promise<number> {
  const [r] = await log.db.query<{ first_new: number | null; last: number | null; n: number; old: number }>(`
    SELECT min(sync_id) FILTER (WHERE created_at >= $1)::int8 AS first_new, max(sync_id)::int8 AS last, count(*)::int AS n,
           count(*) FILTER (WHERE created_at < $1)::int AS old
    FROM (SELECT sync_id, created_at FROM changes ORDER BY sync_id LIMIT $2) oldest`, [new Date(cutoff).toISOString(), batch]);
  if (!r || r.last === null || r.old === 0) return 0;
  const upTo = r.first_new !== null ? Number(r.first_new) - 1 : Number(r.last);
  const [{ n }] = await log.db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes WHERE sync_id <= $1', [upTo]);
  if (n === 0) return 0;
  await log.prune(upTo);
  return n;
}

/** Prunes on a timer; returns the way to stop (waits for a running tick). */
export function startChangeLogRetention(log: ChangeLog, o: RetentionOptions): () => Promise<void> {
  const batch = o.batch ?? 20_000;
  const now = o.now ?? Date.now;
  let busy: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    for (let i = 0; i < (o.maxBatches ?? 10) && !stopped; i++) {
      const dropped = await pruneChangesBefore(log, now() - o.retentionMs, batch);
      if (dropped < batch) return;
      await new Promise((r) => setImmediate(r)); // let requests in between batches
    }
  };
  const run = () => { if (!busy) busy = tick().catch(o.onError).finally(() => { busy = null; }); };
  const timer = setInterval(run, o.intervalMs ?? 60_000);
  timer.unref?.();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}

/** The retention in days from the environment (TEND_CHANGE_LOG_RETENTION_DAYS), else the default. */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TEND_CHANGE_LOG_RETENTION_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0) throw new Error(`TEND_CHANGE_LOG_RETENTION_DAYS must be a positive number of days, not "${raw}"`);
  return days;
}
