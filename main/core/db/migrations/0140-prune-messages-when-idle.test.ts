import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { indexPending } from '../fts';
import { pruneWaiting } from '../prune';

describe('0140 prune-messages-when-idle', () => {
  it('keeps every message; pruneWaiting deletes only those of noted conversations no longer cached', () => {
    const db = new Database(':memory:');
    migrate(db, 130);
    const ins = db.prepare(`INSERT INTO messages(id, conversation_id, direction, visibility, author_name, text, delivery, created_at, sync_id)
      VALUES (?, ?, 'inbound', 'public', 'a', 'hi', 'received', '2026-01-01T00:00:00.000Z', 1)`);
    db.prepare(`INSERT INTO conversations(id, customer_id, status, channel, tab, sla_key, priority_rank, created_at, sync_id, data)
      VALUES ('c1', 'cu1', 'open', 'x', 'mine', '9999', 1, '2026-01-01T00:00:00.000Z', 1, '{}')`).run();
    ins.run('m1', 'c1');
    ins.run('m2', 'c2');
    ins.run('m3', 'c3');
    indexPending(db);
    const before = db.prepare('SELECT * FROM messages ORDER BY seq').all();
    migrate(db, 140);
    expect(db.prepare('SELECT * FROM messages ORDER BY seq').all()).toEqual(before);
    expect(pruneWaiting(db)).toBe(0);

    // c2 was pruned; c1 is noted but cached (it came back): only c2's messages go
    db.prepare("INSERT INTO prune_pending(conversation_id) VALUES ('c2'), ('c1')").run();
    expect(pruneWaiting(db)).toBe(1);
    expect(db.prepare('SELECT id FROM messages ORDER BY id').pluck().all()).toEqual(['m1', 'm3']);
    expect(db.prepare('SELECT count(*) FROM prune_pending').pluck().get()).toBe(0);
    // deletions reach the full-text index through its pending notes (migration 0110)
    expect(db.prepare('SELECT indexed_text FROM fts_pending').pluck().all()).toEqual(['hi']);
  });
});
