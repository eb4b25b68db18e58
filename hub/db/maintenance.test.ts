import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDb } from './db';
import { migrate } from './migrate';
import { startStatsRefresher } from './maintenance';

describe('planner statistics on PGlite', () => {
  const dbp = openDb({}).then(async (db) => { await migrate(db); return db; });
  afterAll(async () => (await dbp).close());

  it('refreshes them on a timer, since PGlite has no autovacuum', async () => {
    const db = await dbp;
    const analyzed = async () => (await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'messages' AND last_analyze IS NOT NULL`))[0].n;
    expect(await analyzed()).toBe(0);
    const stop = startStatsRefresher(db, { firstMs: 1, intervalMs: 60_000, onError: (e) => { throw e; } });
    await vi.waitFor(async () => expect(await analyzed()).toBe(1), { timeout: 20_000, interval: 50 });
    await stop();
  });
});
