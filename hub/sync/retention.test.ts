/**
 * Change-log retention (retention.ts): changes older than the retention are dropped, oldest first; a
 * desktop that was away longer bootstraps again and finds everything; one that was not misses nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { login, ModelClient } from '../../testing/hub/client';
import { pruneChangesBefore, retentionDaysFromEnv, startChangeLogRetention } from './retention';

let db: Db;
let hub: Hub;
let w: World;

beforeAll(async () => {
  db = await openTestDb('retention');
  // the hub's own retention timer off: the test prunes when it chooses
  hub = await startHub({ database: db, channels: false, outbound: { dispatcher: false }, routing: false, changeLogRetention: false });
  w = await seedWorld(hub.log);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const DAY = 86_400_000;
const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes'))[0].n;
const maxSyncId = async () => (await db.query<{ m: number }>('SELECT max(sync_id)::int AS m FROM changes'))[0].m;
/** the log as if everything up to `upTo` had been written `days` ago */
const age = (upTo: number, days: number) => db.query(`UPDATE changes SET created_at = now() - $2 * interval '1 day' WHERE sync_id <= $1`, [upTo, days]);

describe('change-log retention', () => {
  it('drops the changes older than the retention; a desktop away longer bootstraps again and finds everything, one that was not misses nothing', async () => {
    const old = await conversation(hub.log, w, { assignee: w.agentA });
    const away = new ModelClient(hub.url, await login(hub.url, w.emails.a), w.agentA);
    await away.bootstrap();
    const oldEnd = await maxSyncId();
    await age(oldEnd, 20);
    const fresh = await conversation(hub.log, w, { assignee: w.agentA });
    const present = new ModelClient(hub.url, await login(hub.url, w.emails.a), w.agentA);
    await present.bootstrap();
    const recent = await conversation(hub.log, w, { assignee: w.agentA });
    // `away` last synced before `fresh`: its checkpoint is in the part that goes
    away.checkpoint = 1;

    const before = await count();
    expect(await pruneChangesBefore(hub.log, Date.now() - 14 * DAY)).toBeGreaterThan(0);
    expect(await count()).toBeLessThan(before);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes WHERE sync_id <= $1', [oldEnd]))[0].n).toBe(0);
    expect((await db.query<{ r: number }>('SELECT retained_from::int AS r FROM sync_state'))[0].r).toBe(oldEnd + 1);
    // nothing newer went
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes WHERE sync_id > $1', [oldEnd]))[0].n).toBeGreaterThan(0);

    await away.pull();
    await present.pull();
    for (const client of [away, present]) {
      expect([...client.conversations.keys()].sort()).toEqual([old.id, fresh.id, recent.id].sort());
    }
    // a second pass finds nothing more to drop
    expect(await pruneChangesBefore(hub.log, Date.now() - 14 * DAY)).toBe(0);
  });

  it('stops at the first change newer than the retention, and drops at most a batch a time', async () => {
    for (let i = 0; i < 4; i++) await conversation(hub.log, w);
    const end = await maxSyncId();
    const [{ first }] = await db.query<{ first: number }>('SELECT min(sync_id)::int AS first FROM changes');
    await age(end, 30);
    // a clock step: one change in the middle looks new; the run stops before it
    const middle = first + Math.floor((end - first) / 2);
    await db.query(`UPDATE changes SET created_at = now() WHERE sync_id = $1`, [middle]);
    expect(await pruneChangesBefore(hub.log, Date.now() - 14 * DAY, 2)).toBe(2);
    await pruneChangesBefore(hub.log, Date.now() - 14 * DAY, 1000);
    expect((await db.query<{ first: number }>('SELECT min(sync_id)::int AS first FROM changes'))[0].first).toBe(middle);
  });

  it('runs on a timer, and the days come from TEND_CHANGE_LOG_RETENTION_DAYS with a clear error when wrong', async () => {
    await conversation(hub.log, w);
    const end = await maxSyncId();
    await age(end, 3);
    const stop = startChangeLogRetention(hub.log, { retentionMs: 2 * DAY, intervalMs: 20, batch: 3, onError: (e) => { throw e; } });
    await vi.waitFor(async () => expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM changes WHERE sync_id <= $1', [end]))[0].n).toBe(0),
      { timeout: 20_000, interval: 50 });
    await stop();
    expect(retentionDaysFromEnv({})).toBe(14);
    expect(retentionDaysFromEnv({ TEND_CHANGE_LOG_RETENTION_DAYS: '2.5' })).toBe(2.5);
    expect(() => retentionDaysFromEnv({ TEND_CHANGE_LOG_RETENTION_DAYS: 'forever' })).toThrow(/TEND_CHANGE_LOG_RETENTION_DAYS must be a positive number of days, not "forever"/);
    expect(() => retentionDaysFromEnv({ TEND_CHANGE_LOG_RETENTION_DAYS: '0' })).toThrow(/positive/);
  });
});
