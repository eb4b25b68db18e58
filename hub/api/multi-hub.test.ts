import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../db/db';
import { startHub, type Hub } from '../hub';
import { TEST_DATABASE_URL } from '../../testing/hub/testdb';
import { conversation, post, seedWorld } from '../../testing/hub/fixtures';
import { login, openStream } from '../../testing/hub/client';

// Several hub instances on one PostgreSQL server: a commit on one reaches streams on the other
// through LISTEN/NOTIFY. Needs a real server (PGlite is one process).
const schema = `t_multihub_${process.pid}`;
let one: Hub;
let two: Hub;

describe.skipIf(!TEST_DATABASE_URL)('two hubs on one PostgreSQL server', () => {
  beforeAll(async () => {
    one = await startHub({ database: { url: TEST_DATABASE_URL, schema }, outbound: { dispatcher: false } });
    two = await startHub({ database: { url: TEST_DATABASE_URL, schema }, outbound: { dispatcher: false } });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    const admin = await openDb({ url: TEST_DATABASE_URL!, poolSize: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });

  it('a change committed through hub one is pushed by hub two', async () => {
    const w = await seedWorld(one.log);
    await conversation(one.log, w, { assignee: w.agentA });
    const token = await login(two.url, w.emails.a);
    const since = await two.log.maxSyncId();
    const stream = await openStream(two.url, token, since);
    try {
      await stream.waitFor((m) => m.type === 'hello');
      await w.ingestor.ingest(post({ handle: 'customer1', text: 'pushed across hubs' }));
      const m = await stream.waitFor((x) => x.type === 'changes' && JSON.stringify(x.page).includes('pushed across hubs'));
      expect(m.page.since).toBe(since);
    } finally {
      stream.close();
    }
  });
});
