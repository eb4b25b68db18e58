import type { Db } from './db/open';

/**
 * Turns what the agent typed into a safe FTS5 query: words only (FTS operators, quotes and
 * column filters in the input are treated as text), every word must match, and the last one
 * matches as a prefix so results appear while typing.
 */
export function toFtsQuery(input: string): string | null {
  const words = input.normalize('NFKC').match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return null;
  const terms = words.slice(0, 16).map((w, i, all) => `"${w}"${i === all.length - 1 ? '*' : ''}`);
  return terms.join(' ');
}

export interface SearchHit { message_id: string; conversation_id: string; snippet: string; customer_name: string; created_at: string }

/** Newest matches first: an index walk in rowid order that stops at `limit`, whatever the hit count. */
export function searchMessages(db: Db, input: string, limit: number): SearchHit[] {
  const q = toFtsQuery(input);
  if (q === null) return [];
  const rows = db.prepare(`
    SELECT m.id AS message_id, m.conversation_id, m.created_at,
           snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet,
           coalesce(json_extract(cu.data, '$.name'), '') AS customer_name
    FROM messages_fts
    JOIN messages m ON m.seq = messages_fts.rowid
    LEFT JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE messages_fts MATCH ?
    ORDER BY messages_fts.rowid DESC
    LIMIT ?`).all(q, limit) as SearchHit[];
  return rows;
}
