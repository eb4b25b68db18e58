import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db';
import { migrate, MIGRATIONS } from './migrate';
import { openTestDb } from '../../testing/hub/testdb';
import type { Loose } from '../../testing/json';

let db: Db;
beforeAll(async () => { db = await openTestDb('db'); });
afterAll(async () => { await db?.close(); });

describe('db and migrations', () => {
  it('records each migration once and applies nothing twice', async () => {
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('refuses a database from the future', async () => {
    await db.query(`INSERT INTO schema_migrations (version, name) VALUES (99990, 'from-the-future')`);
    await expect(migrate(db)).rejects.toThrow(/newer than this hub/);
    await db.query('DELETE FROM schema_migrations WHERE version = 99990');
  });

  it('applies a new migration in order, in a transaction that rolls back on failure', async () => {
    const extra = [...MIGRATIONS, { version: 99991, name: 'broken', up: async (q: Loose) => { await q.exec('CREATE TABLE half_done (x int)'); throw new Error('boom'); } }];
    await expect(migrate(db, extra)).rejects.toThrow('boom');
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done' AND table_schema = $1`, [db.schema])).toEqual([]);
    expect(await db.query('SELECT 1 FROM schema_migrations WHERE version = 99991')).toEqual([]);
  });

  it('transactions commit or roll back as a whole; int8 and timestamps come back typed', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS tx_probe (id int8 PRIMARY KEY, at timestamptz)');
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1, now())');
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await db.query('SELECT * FROM tx_probe')).toEqual([]);
    await db.transaction(async (tx) => { await tx.query('INSERT INTO tx_probe VALUES ($1, $2)', [9007199254740000, '2024-01-02T03:04:05.678Z']); });
    const [row] = await db.query<{ id: number; at: Date }>('SELECT * FROM tx_probe');
    expect(row.id).toBe(9007199254740000);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe('2024-01-02T03:04:05.678Z');
    await db.exec('DROP TABLE tx_probe');
  });
});

describe('PGlite data dir', () => {
  it('refuses a second opener while the first holds it, and reopens after close', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDb } = await import('./db');
    const dir = mkdtempSync(join(tmpdir(), 'tend-lock-'));
    try {
      const first = await openDb({ dataDir: dir });
      await expect(openDb({ dataDir: dir })).rejects.toThrow(/already open/);
      await first.close();
      writeFileSync(join(dir, 'tend-hub.lock'), String(process.ppid)); // a live owner: another process
      await expect(openDb({ dataDir: dir })).rejects.toThrow(/in use by process/);
      writeFileSync(join(dir, 'tend-hub.lock'), '999999999'); // a dead owner
      const again = await openDb({ dataDir: dir });
      expect(await again.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
