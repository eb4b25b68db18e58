/**
 * Test databases: one per test file. PGlite in memory by default; with TEST_DATABASE_URL, a
 * schema of its own on that PostgreSQL server, so test files run in parallel on one database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../hub/db/db';
import { migrate } from '../../hub/db/migrate';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export async function openTestDb(name: string): Promise<Db> {
  if (!TEST_DATABASE_URL) {
    const db = await openDb({ memory: true });
    await migrate(db);
    return db;
  }
  const schema = `t_${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${process.pid}`.slice(0, 60);
  const admin = await openDb({ url: TEST_DATABASE_URL, poolSize: 1 });
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  const db = await openDb({ url: TEST_DATABASE_URL, schema, poolSize: 8 });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      const a = await openDb({ url: TEST_DATABASE_URL!, poolSize: 1 });
      await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.close();
    },
  });
}

/**
 * Durable storage for a hub a test restarts: a PGlite data dir, or with TEST_DATABASE_URL a schema of its own
 * on that server. `storage` goes into startHub's options; `drop()` removes it (before the first start and after the last).
 */
export function durableTestStorage(name: string): { storage: { database: { url: string; schema: string } | { dataDir: string } }; drop(): Promise<void> } {
  const schema = `t_${name}_${process.pid}`;
  const dir = TEST_DATABASE_URL ? null : mkdtempSync(join(tmpdir(), `tend-${name.replace(/_/g, '-')}-`));
  return {
    storage: { database: TEST_DATABASE_URL ? { url: TEST_DATABASE_URL, schema } : { dataDir: dir! } },
    async drop() {
      if (dir) { rmSync(dir, { recursive: true, force: true }); return; }
      const admin = await openDb({ url: TEST_DATABASE_URL!, poolSize: 1 });
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    },
  };
}

const TABLES = ['sandbox_posts', 'approvals', 'approval_settings', 'approval_holds', 'changes', 'mutations', 'stream_tickets', 'login_throttle', 'audit_log', 'sessions', 'notes', 'messages', 'conversations', 'customer_identities',
  'customers', 'channel_accounts', 'agent_teams', 'agents', 'teams', 'workspaces'];

/**
 * Empties every table (migrations stay) and restarts sync ids. The hub under test keeps working in
 * the background (routing timers, session touches), and TRUNCATE takes its locks table by table, so
 * on PostgreSQL it can meet one of those transactions the other way round: the server then aborts
 * one side with a deadlock (40P01). Nothing was emptied in that case, so it is simply tried again.
 */
export async function truncateAll(db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.exec(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE; UPDATE sync_state SET retained_from = 0;`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '40P01' || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/** Row counts of the tables a refused request must not touch. */
export async function writeCounts(db: Db): Promise<Record<string, number>> {
  const [r] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM changes)::int AS changes, (SELECT coalesce(max(sync_id), 0) FROM changes)::int AS max_sync_id,
            (SELECT count(*) FROM mutations)::int AS mutations, (SELECT count(*) FROM messages)::int AS messages,
            (SELECT count(*) FROM notes)::int AS notes, (SELECT count(*) FROM sandbox_posts)::int AS sandbox_posts,
            (SELECT count(*) FROM sessions)::int AS sessions`);
  return r;
}
