/**
 * 0850: a mutation id is bound to its payload. `payload_hash` is "v1:" + the SHA-256 of the
 * mutation's canonical payload (hub/conversations/payload.ts); a later request that reuses the id
 * with another payload is refused (409 id_reused) instead of being answered with the first result.
 * Rows stored before this migration have no hash: a repeat of those ids is answered as before.
 */
import type { Queryable } from '../db';

export async function up(db: Queryable): Promise<void> {
  await db.exec('ALTER TABLE mutations ADD COLUMN payload_hash text');
}
