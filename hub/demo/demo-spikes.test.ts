/**
 * The demo hub (npm start) must not cry wolf: its seeded history is an hour of a floor and then the replay,
 * and the spike detector (hub/spikes) learns a new workspace for a day before it alerts. Before, a few
 * seeded threads began days earlier, so that thin history counted as days of calm and every fresh demo
 * raised a critical alert on all posts at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';

describe('a fresh demo hub', () => {
  let db: Db;
  let hub: Hub | undefined;
  beforeAll(async () => { db = await openTestDb('demo-spikes'); });
  afterAll(async () => { await hub?.close(); await db?.close(); });

  it('raises no spike alert while it seeds and replays, nor when the hub starts again on that history', async () => {
    hub = await startHub({ database: db, routing: { tickMs: 50 }, demo: { seed: 150, replayIntervalMs: 0 } });
    const ws = hub.demo!.workspaceId;
    for (let i = 0; i < 10; i++) await hub.demo!.replayNext();
    await hub.spikes!.ready(ws);
    const alerts = async () => (await hub!.spikes!.list(ws, { state: 'all', limit: 50 })).map((a) => `${a.severity} ${a.key} ${a.observed}/${a.expected}`);
    expect(await alerts()).toEqual([]);
    await hub.close();
    hub = await startHub({ database: db, routing: { tickMs: 50 }, demo: { seed: 150, replayIntervalMs: 0 } });
    for (let i = 0; i < 10; i++) await hub.demo!.replayNext();
    await hub.spikes!.ready(ws);
    expect(await alerts()).toEqual([]);
  });
});
