/** Reads the cache back as hub entities, sorted by id, to compare with the hub's scopeSnapshot. */
import type { Entities } from '../../shared/contract/hub-api';
import type { Db } from './db/open';

export function cacheEntities(db: Db): Entities {
  const json = (sql: string) => (db.prepare(sql).pluck().all() as string[]).map((d) => JSON.parse(d));
  const messages = (db.prepare(`SELECT id, conversation_id, direction, visibility, author_id, author_name, text, platform_id,
    permalink, delivery, delivery_error, created_at, sync_id FROM messages ORDER BY id`).all()) as Entities['messages'];
  return {
    conversations: json('SELECT data FROM conversations ORDER BY id'),
    messages,
    notes: json('SELECT data FROM notes ORDER BY id'),
    customers: json('SELECT data FROM customers ORDER BY id'),
  };
}

/** Mulberry32: a tiny seeded PRNG so a failing seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
