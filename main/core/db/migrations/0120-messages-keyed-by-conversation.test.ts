import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { indexPending, pendingCount } from '../fts';

describe('0120 messages-keyed-by-conversation', () => {
  it('keeps every message, its seq and the full-text index; messages are then unique by (conversation_id, id)', () => {
    const db = new Database(':memory:');
    migrate(db, 110);
    const ins = db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES (?, ?, 'inbound', 'public', 'a', ?, 'received', ?, 1)`);
    ins.run('m1', 'c1', 'my parcel never arrived', '2026-01-01T00:00:02.000Z');
    ins.run('m2', 'c1', 'refund please', '2026-01-01T00:00:01.000Z');
    ins.run('m3', 'c2', 'card declined', '2026-01-01T00:00:03.000Z');
    indexPending(db);
    db.prepare("DELETE FROM messages WHERE id = 'm2'").run(); // waits for the index: its note must survive
    ins.run('m4', 'c2', 'parcel lost', '2026-01-01T00:00:04.000Z'); // seq 4, not yet indexed
    const before = db.prepare('SELECT * FROM messages ORDER BY seq').all();
    const pendingBefore = db.prepare('SELECT * FROM fts_pending ORDER BY seq').all();

    migrate(db, 120);
    expect(db.prepare('SELECT * FROM messages ORDER BY seq').all()).toEqual(before);
    expect(db.prepare('SELECT * FROM fts_pending ORDER BY seq').all()).toEqual(pendingBefore);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['messages_conversation_id']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages' ORDER BY name").pluck().all())
      .toEqual(['messages_fts_delete', 'messages_fts_insert', 'messages_fts_update']);

    // the triggers still note writes; indexing the backlog makes the index whole against the rebuilt table
    ins.run('m5', 'c1', 'parcel found', '2026-01-01T00:00:05.000Z');
    expect(pendingCount(db)).toBe(3);
    indexPending(db);
    db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')");
    const match = (q: string) => db.prepare('SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ? ORDER BY m.id').pluck().all(q);
    expect(match('parcel')).toEqual(['m1', 'm4', 'm5']);
    expect(match('refund')).toEqual([]);

    // the key the sync upsert uses, and the thread read by conversation through the same index
    expect(() => ins.run('m1', 'c1', 'again', '2026-01-01T00:00:09.000Z')).toThrow(/UNIQUE/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM messages WHERE conversation_id = 'c1' ORDER BY created_at, seq").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX messages_conversation_id \(conversation_id=\?\)/);
    expect(db.prepare("SELECT id FROM messages WHERE conversation_id = 'c1' ORDER BY created_at, seq").pluck().all()).toEqual(['m1', 'm5']);
  });
});
