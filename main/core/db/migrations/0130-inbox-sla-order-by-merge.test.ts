import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { inboxList, type InboxQuery } from '../../queries';
import { prng } from '../../../../testing/desktop/compare';

describe('0130 inbox-sla-order-by-merge', () => {
  it('drops conversations_tab_sla; every inbox order stays that of a full sort, page by page, with filters', () => {
    const db = new Database(':memory:');
    migrate(db, 120);
    const rnd = prng(7);
    const ins = db.prepare(`INSERT INTO conversations(id, customer_id, status, channel, tab, sla_key, priority_rank, created_at, sync_id, data)
      VALUES (?, 'cu', 'open', ?, ?, ?, ?, ?, 1, ?)`);
    // few distinct keys, so ties on every column are common
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    for (let i = 0; i < 400; i++) {
      const id = `c${i}`;
      const channel = pick(['x', 'facebook'] as const);
      ins.run(id, channel, pick(['mine', 'team', 'history']), pick(['2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z', '9999']),
        pick([0, 1, 2, 3]), pick(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']),
        JSON.stringify({ id, channel, last_inbound_at: null }));
    }
    const before = db.prepare('SELECT * FROM conversations ORDER BY rowid').all();
    migrate(db, 130);
    expect(db.prepare('SELECT * FROM conversations ORDER BY rowid').all()).toEqual(before);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'conversations_tab_sla'").pluck().get()).toBe(0);

    const full = {
      sla: 'sla_key ASC, priority_rank DESC, created_at ASC, rowid',
      priority: 'priority_rank DESC, sla_key ASC, created_at ASC, rowid',
      age: 'created_at ASC, rowid',
    };
    for (const sort of ['sla', 'priority', 'age'] as const) {
      for (const channel of [undefined, 'x'] as const) {
        const expected = db.prepare(`SELECT id FROM conversations WHERE tab = 'mine' ${channel ? `AND channel = '${channel}'` : ''} ORDER BY ${full[sort]}`).pluck().all();
        const got: string[] = [];
        for (let offset = 0; offset < expected.length + 20; offset += 20) {
          const q: InboxQuery = { tab: 'mine', sort, channel, offset, limit: 20 };
          const page = inboxList(db, q);
          expect(page.total).toBe(expected.length);
          got.push(...page.items.map((c) => c.id));
        }
        expect(got).toEqual(expected);
      }
    }
  });

  it('reads the SLA order from the priority index by merging its ranks, without a sort', () => {
    const db = new Database(':memory:');
    migrate(db, 130);
    const sql: string[] = [];
    const prepare = db.prepare.bind(db);
    (db as unknown as { prepare: (s: string) => unknown }).prepare = (s: string) => { sql.push(s); return prepare(s); };
    inboxList(db, { tab: 'mine', sort: 'sla', offset: 0, limit: 50 });
    const plan = (prepare(`EXPLAIN QUERY PLAN ${sql[sql.length - 1]}`).all({ tab: 'mine', channel: null, tag: null, limit: 50, offset: 0 }) as { detail: string }[]).map((p) => p.detail);
    expect(plan.filter((d) => d.includes('conversations_tab_priority (tab=? AND priority_rank=?)'))).toHaveLength(4);
    expect(plan.join('\n')).toMatch(/MERGE \(UNION ALL\)/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
