/**
 * The outbox's hold (migration 0200): a row held for its undo window is not sent before it is due,
 * and neither is anything queued after it (the agent's changes keep their order).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, type Db } from '../db/open';
import { Outbox } from '../outbox';

let dir: string;
let db: Db;
afterEach(() => { db?.close(); rmSync(dir, { recursive: true, force: true }); });

describe('outbox hold', () => {
  it('sends nothing at or after a held row until it is due, then all of it in order', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tend-hold-'));
    db = openCache(dir);
    const outbox = new Outbox(db);
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    const tag = (c: string) => ({ type: 'tag' as const, args: { conversation_id: c, add: ['x'], remove: [] }, conversation_id: c });
    outbox.enqueue([tag('before')]);
    outbox.enqueue([{ ...tag('held'), run_id: 'r1', held_until: new Date(now + 5_000).toISOString() }]);
    outbox.enqueue([tag('after')]);
    expect(outbox.nextBatch(10, now).map((r) => r.conversation_id)).toEqual(['before']);
    expect(outbox.heldUntil()).toBe(now + 5_000);
    expect(outbox.pendingCount()).toBe(3); // held rows are unsent: the checkpoint waits for them too
    expect(outbox.nextBatch(10, now + 4_999).map((r) => r.conversation_id)).toEqual(['before']);
    expect(outbox.nextBatch(10, now + 5_000).map((r) => r.conversation_id)).toEqual(['before', 'held', 'after']);
  });
});
