/**
 * Planner statistics for embedded PostgreSQL. PGlite runs no autovacuum, so after a bulk import or a
 * day of ingest its statistics go stale and the planner picks slow plans (measured: bootstrap over
 * HTTP fell from ~58k to ~18k messages/s on a freshly loaded 100k-message scope until ANALYZE ran).
 * A server's autovacuum does this itself; on PGlite the hub runs ANALYZE on a timer.
 */
import type { Db } from './db';

/** Runs ANALYZE after firstMs, then every intervalMs (PGlite only); returns a stop function. */
export function startStatsRefresher(db: Db, { firstMs = 30_000, intervalMs = 10 * 60_000, onError }: { firstMs?: number; intervalMs?: number; onError: (e: unknown) => void }): () => Promise<void> {
  if (db.kind !== 'pglite') return async () => {};
  let busy: Promise<unknown> | null = null;
  const run = () => { if (!busy) busy = db.exec('ANALYZE').catch(onError).finally(() => { busy = null; }); };
  const first = setTimeout(run, firstMs);
  const timer = setInterval(run, intervalMs);
  first.unref?.();
  timer.unref?.();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await busy;
  };
}
