/** Reads the cache back as hub entities, sorted by id, to compare with the hub's scopeSnapshot. */
import type { Entities } from '../../shared/contract/hub-api';
import type { Db } from '../../main/core/db/open';

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

/** Seeded PRNG so a failing seed replays exactly. */
export { mulberry32 as prng } from '../../shared/random';
