/**
 * The prepared-statement tests, run for each PGlite adapter from its own test file: pglite.test.ts
 * (in the caller's thread) and pglite-thread.test.ts (the worker thread). One process never runs
 * PGlite in two isolates at once: under Node 24 (V8 13.6) a vitest process doing so died once with
 * V8's "Check failed: jit_page_->allocations_.erase(addr) == 1" while the wasm code was freed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './db';

// Both PGlite adapters run repeated statements through pglite-prepared.ts: in the hub's thread
// (db.ts) and in the database's own worker thread (pglite-thread*.ts, the default).
export function preparedStatementsSuite(thread: boolean): void {
  describe(`prepared statements on PGlite (${thread ? 'worker thread' : 'in-thread'})`, () => {
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
}
