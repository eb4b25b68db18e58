import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { indexPending, pendingCount } from '../fts';

describe('0110 fts-deferred-indexing', () => {
  it('keeps messages and their index; writes wait in fts_pending until indexPending makes the index whole', () => {
    const db = new Database(':memory:');
    migrate(db, 100);
    const ins = db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES (?, 'c1', 'inbound', 'public', 'a', ?, 'received', '2026-01-01T00:00:00.000Z', 1)`);
    ins.run('m1', 'my parcel never arrived');
    ins.run('m2', 'refund please');
    const before = db.prepare('SELECT * FROM messages ORDER BY seq').all();
    migrate(db, 110);
    expect(db.prepare('SELECT * FROM messages ORDER BY seq').all()).toEqual(before);
    const match = (q: string) => db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ? ORDER BY m.id').pluck().all(q);
    // what was indexed before stays indexed, nothing waits
    expect(match('parc*')).toEqual(['m1']);
    expect(pendingCount(db)).toBe(0);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");

    // an insert, an edit and a delete only note the rowid; the index is untouched
    ins.run('m3', 'parcel lost again');
    db.prepare("UPDATE messages SET text = 'a refund for the parcel' WHERE id = 'm1'").run();
    db.prepare("UPDATE messages SET text = 'a refund for the parcel' WHERE id = 'm1'").run(); // same text: no note
    db.prepare("DELETE FROM messages WHERE id = 'm2'").run();
    expect(db.prepare('SELECT seq, indexed_text FROM fts_pending ORDER BY seq').all()).toEqual([
      { seq: 1, indexed_text: 'my parcel never arrived' },
      { seq: 2, indexed_text: 'refund please' },
      { seq: 3, indexed_text: null },
    ]);
    expect(match('arrived')).toEqual(['m1']); // stale until indexed: search.ts reads fts_pending to stay exact
    expect(indexPending(db)).toBe(3);
    expect(pendingCount(db)).toBe(0);
    expect(match('arrived')).toEqual([]);
    expect(match('parc*')).toEqual(['m1', 'm3']);
    expect(match('refund')).toEqual(['m1']);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");

    // a row deleted and its rowid reused before indexing: the first note (what the index holds) wins
    db.prepare("DELETE FROM messages WHERE id = 'm3'").run();
    ins.run('m4', 'card declined'); // seq 2
    ins.run('m5', 'card blocked'); // seq 3 again
    expect(db.prepare("SELECT seq FROM messages WHERE id = 'm5'").pluck().get()).toBe(3);
    expect(db.prepare('SELECT seq, indexed_text FROM fts_pending ORDER BY seq').all()).toEqual([{ seq: 2, indexed_text: null }, { seq: 3, indexed_text: 'parcel lost again' }]);
    indexPending(db);
    expect(match('lost')).toEqual([]);
    expect(match('card')).toEqual(['m4', 'm5']);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
  });
});
