import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './db';
import { preparedStatementsSuite } from './pglite-prepared.suite';

// PGlite in its worker thread (the default), in a file of its own: see pglite-prepared.suite.ts
preparedStatementsSuite(true);

describe('PGlite in its worker thread', () => {
  let db: Db;
  beforeAll(async () => { db = await openDb({ memory: true, thread: true }); await db.exec('CREATE TABLE t_probe (id text PRIMARY KEY)'); });
  afterAll(async () => { await db?.close(); });

  it('a plain query issued during a transaction waits for it instead of joining it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const tx = db.transaction(async (q) => {
      await q.query('INSERT INTO t_probe (id) VALUES ($1)', ['inside']);
      await gate;
      throw new Error('abort');
    });
    // issued while the transaction is open: it must not run inside it (it would then be rolled back with it)
    const outside = db.query('INSERT INTO t_probe (id) VALUES ($1) RETURNING id', ['outside']);
    release();
    await expect(tx).rejects.toThrow('abort');
    expect(await outside).toEqual([{ id: 'outside' }]);
    expect((await db.query('SELECT id FROM t_probe ORDER BY id')).map((r) => r.id)).toEqual(['outside']);
  });

  it("a transaction's BEGIN goes with its first statement: an empty one, a failing first statement and the next one", async () => {
    // no statement: nothing is opened, and the connection is free for the next caller
    expect(await db.transaction(async () => 'empty')).toBe('empty');
    // the first statement (which brings BEGIN) fails: the transaction is rolled back, nothing stays open
    await expect(db.transaction(async (q) => { await q.query('INSERT INTO t_probe (id) VALUES (NULL)'); })).rejects.toThrow();
    // a failure after the first statement rolls that statement back too
    await expect(db.transaction(async (q) => {
      await q.query('INSERT INTO t_probe (id) VALUES ($1)', ['rolled-back']);
      await q.query('INSERT INTO t_probe (id) VALUES (NULL)');
    })).rejects.toThrow();
    await db.transaction(async (q) => { await q.exec(`INSERT INTO t_probe (id) VALUES ('kept')`); });
    expect((await db.query<{ id: string }>(`SELECT id FROM t_probe WHERE id IN ('kept', 'rolled-back')`)).map((r) => r.id)).toEqual(['kept']);
    // and no transaction was left open on the connection: two plain statements are two transactions
    // (inside one left open, both would get its transaction id)
    const [a] = await db.query<{ t: string }>('SELECT txid_current()::text AS t');
    const [b] = await db.query<{ t: string }>('SELECT txid_current()::text AS t');
    expect(a.t).not.toBe(b.t);
  });

  it('after close, a query fails with a clear error', async () => {
    const other = await openDb({ memory: true, thread: true });
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/database thread stopped/);
  });
});
