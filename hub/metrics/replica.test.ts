/**
 * Reports from a read replica (DATABASE_REPLICA_URL, issue 17): the report reads from it without
 * writing (no flush of the marked facts: a replica refuses writes), is exact all the same, and says
 * the replica's lag. On PGlite there is no replica: asked for one, the hub refuses with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, TEST_DATABASE_URL } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { reportFromDb } from './store';

it('a hub on PGlite asked for a read replica refuses to start, with the reason', async () => {
  await expect(startHub({ database: { dataDir: undefined }, replica: { url: 'postgres://nobody@127.0.0.1:1/none' } }))
    .rejects.toThrow(/DATABASE_REPLICA_URL needs DATABASE_URL/);
  await expect(openDb({ readOnly: true })).rejects.toThrow(/read replica is a PostgreSQL server/);
});

describe.skipIf(!TEST_DATABASE_URL)('reports from a read replica', () => {
  let db: Db;
  let hub: Hub;
  let w: World;
  beforeAll(async () => {
    db = await openTestDb('replica');
    // the replica: the same server and schema, opened read-only as the hub opens DATABASE_REPLICA_URL
    hub = await startHub({ database: db, replica: { url: TEST_DATABASE_URL! }, channels: false, outbound: { dispatcher: false }, routing: false });
    w = await seedWorld(hub.log);
  });
  afterAll(async () => {
    await hub?.close();
    await db?.close();
  });

  it('reads the report there without writing, with the figures of the primary, and says the lag', async () => {
    const boss = await login(hub.url, w.emails.supervisor);
    for (let i = 0; i < 3; i++) await conversation(hub.log, w, { assignee: w.agentA });
    const day = new Date().toISOString().slice(0, 10);
    // the replica's connections are read-only: a flush (a write) there would fail the request
    const r = await call(hub.url, 'GET', `/v1/metrics/report?from=${day}&to=${day}&by=agent`, { token: boss });
    expect(r.status, r.text).toBe(200);
    expect(r.json.replica).toEqual({ lag_s: 0 });
    expect(r.json.total.conversations).toBe(3);
    const from = Date.parse(`${day}T00:00:00Z`);
    const primary = await reportFromDb(db, w.ws, { from, to: from + 86_400_000, by: 'agent', asOf: r.json.as_of ?? Date.now() });
    expect(r.json.groups.map((g: { key: string; conversations: number }) => [g.key, g.conversations]))
      .toEqual(primary.groups.map((g) => [g.key, g.conversations]));
  });

  it('the replica connection cannot write', async () => {
    const replica = await openDb({ url: TEST_DATABASE_URL!, schema: db.schema, poolSize: 1, readOnly: true });
    try {
      await expect(replica.query("INSERT INTO metric_facts_dirty (conversation_id) VALUES ('x')")).rejects.toThrow(/read-only/);
      expect((await replica.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations'))[0].n).toBeGreaterThan(0);
    } finally {
      await replica.close();
    }
  });
});
