/**
 * Upgrades: a database written by the previous release (the rows of testing/hub/fixtures/release-N.json,
 * as the hub of schema N wrote them, in a database migrated only to N) is opened by today's hub, which
 * migrates it forward: every row is still there with the values it had, and the agent signs in and
 * finds their conversations, messages and notes. On PGlite the database is a data dir on disk, closed
 * and reopened as an upgraded hub would find it; with TEST_DATABASE_URL a schema on that server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import { openDb, type Db } from './db';
import { migrate, MIGRATIONS } from './migrate';
import { latestReleaseFixture, loadReleaseFixture, type ReleaseFixture } from '../../testing/hub/release-fixture';
import { allRows, missingRows } from '../../testing/hub/records';
import { login, ModelClient } from '../../testing/hub/client';
import { TEST_DATABASE_URL } from '../../testing/hub/testdb';

const fixture: ReleaseFixture = latestReleaseFixture();
const schema = `t_upgrade_${process.pid}`;
let dir: string | null = null;
let hub: Hub;

/** a database at the previous release's schema holding that release's rows */
async function openOld(): Promise<Db> {
  if (TEST_DATABASE_URL) {
    const admin = await openDb({ url: TEST_DATABASE_URL, poolSize: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
    return openDb({ url: TEST_DATABASE_URL, schema, poolSize: 2 });
  }
  dir = mkdtempSync(join(tmpdir(), 'tend-upgrade-'));
  return openDb({ dataDir: dir });
}

beforeAll(async () => {
  const old = await openOld();
  await migrate(old, MIGRATIONS.filter((m) => m.version <= fixture.schema_version));
  await loadReleaseFixture(old, fixture);
  await old.close();
  // today's hub on that database: startHub migrates it forward
  hub = await startHub({
    database: TEST_DATABASE_URL ? { url: TEST_DATABASE_URL, schema } : { dataDir: dir! },
    channels: false, outbound: { dispatcher: false }, server: { logger: false },
  });
});

afterAll(async () => {
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (TEST_DATABASE_URL) {
    const admin = await openDb({ url: TEST_DATABASE_URL, poolSize: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  }
});

describe(`upgrading a database of schema ${fixture.schema_version} to ${MIGRATIONS.at(-1)!.version}`, () => {
  it('applies every later migration and loses no row', async () => {
    const versions = (await hub.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(Object.values(fixture.tables).flat().length).toBeGreaterThan(50);
    expect(missingRows(fixture.tables, await allRows(hub.db))).toEqual([]);
  });

  it("the agent signs in with the old password and syncs every conversation, message and note of their scope", async () => {
    const token = await login(hub.url, fixture.agent_email);
    const me = fixture.tables.agents.find((a) => a.email === fixture.agent_email)!;
    const client = new ModelClient(hub.url, token, me.id);
    await client.bootstrap();
    // the agent's scope: assigned to them or in their team's queue
    const inScope = fixture.tables.conversations.filter((c) => c.assignee_id === me.id || (c.assignee_id === null && c.team_id === fixture.tables.agent_teams.find((t) => t.agent_id === me.id)?.team_id));
    expect(inScope.length).toBeGreaterThanOrEqual(2);
    expect([...client.conversations.keys()].sort()).toEqual(inScope.map((c) => c.id).sort());
    const ids = new Set(inScope.map((c) => c.id));
    expect([...client.messages.values()].map((m) => m.text).sort())
      .toEqual(fixture.tables.messages.filter((m) => ids.has(m.conversation_id)).map((m) => m.text).sort());
    expect([...client.notes.values()].map((n) => n.text)).toEqual(fixture.tables.notes.map((n) => n.text));
  });
});
