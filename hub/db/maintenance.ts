/**
 * Upkeep autovacuum does on a server, done by the hub on embedded PostgreSQL. PGlite runs no
 * autovacuum (one backend, no background workers), so on PGlite:
 *  - planner statistics go stale after a bulk import or a day of ingest, and the planner picks slow
 *    plans (measured: bootstrap over HTTP fell from ~58k to ~18k messages/s on a freshly loaded
 *    100k-message scope until ANALYZE ran): ANALYZE on a timer (startStatsRefresher);
 *  - space of deleted and updated rows is never reused: a table that is filled and emptied all day
 *    (metric_facts_dirty, every flush) grows without end, and every scan of it reads every page it
 *    ever had (measured: 7 KB more per 200 rows marked and flushed, for ever): VACUUM of the tables
 *    autovacuum would pick, by its default thresholds, every minute (startVacuumer).
 * A server's autovacuum does both itself: these do nothing there.
 */
import type { Db } from './db';

interface TimerOptions { firstMs?: number; intervalMs?: number; onError: (e: unknown) => void }

function every(db: Db, { firstMs, intervalMs, onError }: Required<Omit<TimerOptions, 'onError'>> & Pick<TimerOptions, 'onError'>, work: () => Promise<unknown>): () => Promise<void> {
  if (db.kind !== 'pglite') return async () => {};
  let busy: Promise<unknown> | null = null;
  const run = () => { if (!busy) busy = work().catch(onError).finally(() => { busy = null; }); };
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

/** Runs ANALYZE after firstMs, then every intervalMs (PGlite only); returns a stop function. */
export function startStatsRefresher(db: Db, { firstMs = 30_000, intervalMs = 10 * 60_000, onError }: TimerOptions): () => Promise<void> {
  return every(db, { firstMs, intervalMs, onError }, () => db.exec('ANALYZE'));
}

/**
 * The tables of this schema autovacuum would vacuum now, by its default thresholds
 * (autovacuum_vacuum_threshold 50, autovacuum_vacuum_scale_factor 0.2), most dead rows first.
 */
export async function tablesDueForVacuum(db: Db): Promise<string[]> {
  // the statistics this backend gathered are published at most once a second: publish them first
  await db.query('SELECT pg_stat_force_next_flush()');
  const rows = await db.query<{ t: string }>(`
    SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND n_dead_tup > 50 + 0.2 * n_live_tup
    ORDER BY n_dead_tup DESC`);
  return rows.map((r) => r.t);
}

/**
 * Every intervalMs (PGlite only), VACUUMs the tables due (tablesDueForVacuum), one statement each:
 * PGlite runs one statement at a time, so writes wait behind each, and a small, often-vacuumed
 * table takes milliseconds. Returns a stop function.
 */
export function startVacuumer(db: Db, { firstMs = 60_000, intervalMs = 60_000, onError }: TimerOptions): () => Promise<void> {
  return every(db, { firstMs, intervalMs, onError }, () => vacuumDue(db));
}

/** One pass: VACUUMs the tables due; returns them. */
export async function vacuumDue(db: Db): Promise<string[]> {
  const due = await tablesDueForVacuum(db);
  for (const table of due) await db.exec(`VACUUM ${table}`);
  return due;
}
