import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './db';

// Both PGlite adapters run repeated statements through pglite-prepared.ts: in the hub's thread
// (db.ts) and in the database's own worker thread (pglite-thread*.ts, the default).
describe.each([{ thread: false, where: 'in-thread' }, { thread: true, where: 'worker thread' }])('prepared statements on PGlite ($where)', ({ thread }) => {
  let db: Db;
  beforeAll(async () => { db = await openDb({ memory: true, thread }); });
  afterAll(async () => { await db?.close(); });

  it('a repeated statement returns what the ordinary path returns, typed the same, in and out of transactions', async () => {
    await db.exec(`CREATE TABLE p_probe (id text PRIMARY KEY, n int8, at timestamptz, tags text[], data jsonb)`);
    const insert = 'INSERT INTO p_probe (id, n, at, tags, data) VALUES ($1, $2, $3, $4, $5) RETURNING *';
    const rows = [];
    for (let i = 0; i < 4; i++) {
      rows.push((await db.transaction((tx) => tx.query<{ id: string; n: number; at: Date; tags: string[]; data: unknown }>(insert, [`r${i}`, 9007199254740000 + i, '2024-01-02T03:04:05.678Z', ['a', `b${i}`], JSON.stringify({ i }) ])))[0]);
    }
    for (const r of rows) {
      expect(r.n).toBeTypeOf('number');
      expect(r.at).toBeInstanceOf(Date);
      expect(r.tags).toHaveLength(2);
      expect(r.data).toEqual({ i: Number(r.id.slice(1)) });
    }
    expect(rows[3]).toEqual({ id: 'r3', n: 9007199254740003, at: new Date('2024-01-02T03:04:05.678Z'), tags: ['a', 'b3'], data: { i: 3 } });
    const select = 'SELECT id, n FROM p_probe WHERE id = ANY($1::text[]) ORDER BY id';
    for (let i = 0; i < 3; i++) expect(await db.query(select, [['r1', 'r2', null]])).toEqual([{ id: 'r1', n: 9007199254740001 }, { id: 'r2', n: 9007199254740002 }]);
  });

  it('errors keep their code and leave the statement usable; a rolled-back write is gone', async () => {
    const insert = 'INSERT INTO p_probe (id) VALUES ($1)';
    for (let i = 0; i < 3; i++) {
      await expect(db.transaction((tx) => tx.query(insert, ['r0']))).rejects.toMatchObject({ code: '23505' });
    }
    await expect(db.transaction(async (tx) => { await tx.query(insert, ['gone']); throw new Error('abort'); })).rejects.toThrow('abort');
    await db.transaction((tx) => tx.query(insert, ['kept']));
    expect((await db.query('SELECT id FROM p_probe WHERE id IN ($1, $2)', ['gone', 'kept'])).map((r) => r.id)).toEqual(['kept']);
  });

  it('a statement prepared before DDL runs on the new table shape', async () => {
    const select = 'SELECT * FROM p_probe WHERE id = $1';
    for (let i = 0; i < 3; i++) await db.transaction((tx) => tx.query(select, ['r1']));
    await db.exec('ALTER TABLE p_probe ADD COLUMN extra text');
    const [row] = await db.transaction((tx) => tx.query(select, ['r1']));
    expect(row).toHaveProperty('extra', null);
  });
});

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

  it('after close, a query fails with a clear error', async () => {
    const other = await openDb({ memory: true, thread: true });
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/database thread stopped/);
  });
});
