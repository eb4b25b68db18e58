import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDb } from './db';
import { migrate } from './migrate';
import { startStatsRefresher, startVacuumer, vacuumDue } from './maintenance';

// one PGlite for the file (each costs seconds of initdb)
const dbp = openDb({}).then(async (db) => { await migrate(db); return db; });
afterAll(async () => (await dbp).close());

describe('planner statistics on PGlite', () => {

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

describe('VACUUM on PGlite', () => {
  const size = async () => (await (await dbp).query<{ s: number }>(`SELECT pg_relation_size('metric_facts_dirty')::int AS s`))[0].s;
  // what the hub does all day: writes mark conversations, a flush takes the marks away
  const markAndFlush = async (cycles: number) => {
    const db = await dbp;
    for (let i = 0; i < cycles; i++) {
      await db.query(`INSERT INTO metric_facts_dirty (conversation_id) SELECT 'c' || g FROM generate_series(1, 200) g`);
      await db.query('DELETE FROM metric_facts_dirty');
    }
  };

  it('keeps a table that is filled and emptied all day from growing without end, since PGlite has no autovacuum', async () => {
    const db = await dbp;
    await markAndFlush(20);
    const afterOneRound = await size();
    expect(afterOneRound).toBeGreaterThan(0);
    await markAndFlush(80);
    const unvacuumed = await size();
    expect(unvacuumed).toBeGreaterThan(3 * afterOneRound); // the freed space is never reused
    expect(await vacuumDue(db)).toContain('public.metric_facts_dirty');
    expect(await size()).toBeLessThan(unvacuumed);
    // the same churn with a pass after every round stays at one round's size
    for (let round = 0; round < 5; round++) {
      await markAndFlush(20);
      await vacuumDue(db);
    }
    expect(await size()).toBeLessThanOrEqual(afterOneRound);
  });

  it('runs on a timer', async () => {
    await markAndFlush(50);
    const grown = await size();
    expect(grown).toBeGreaterThan(0);
    const stop = startVacuumer(await dbp, { firstMs: 1, intervalMs: 60_000, onError: (e) => { throw e; } });
    await vi.waitFor(async () => expect(await size()).toBeLessThan(grown), { timeout: 20_000, interval: 50 });
    await stop();
  });
});
