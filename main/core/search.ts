import type { Db } from './db/open';
import { NOT_PRUNED } from './db/prune';

/** The words of what the agent typed (FTS operators, quotes and column filters are treated as text), at most 16. */
function queryWords(input: string): string[] {
  return (input.normalize('NFKC').match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
}

/**
 * Turns what the agent typed into a safe FTS5 query: words only, every word must match, and the
 * last one matches as a prefix so results appear while typing.
 */
export function toFtsQuery(input: string): string | null {
  const words = queryWords(input);
  if (words.length === 0) return null;
  return words.map((w, i, all) => `"${w}"${i === all.length - 1 ? '*' : ''}`).join(' ');
}

export interface SearchHit { message_id: string; conversation_id: string; snippet: string; customer_name: string; created_at: string }

interface Token { text: string; start: number; end: number }

/**
 * Tokens as the index's tokenizer (unicode61 remove_diacritics 2) makes them: runs of letters,
 * numbers and private-use characters, case-folded, diacritics removed.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{Co}\p{M}]+/gu)) {
    const folded = m[0].normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    if (folded) out.push({ text: folded, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * The query as FTS5 reads it: each quoted word is a phrase of its tokens ("order_id" is
 * "order id"), all phrases must occur, the last token of the last phrase as a prefix.
 * Returns the token positions that matched, or null.
 */
function matchPhrases(tokens: Token[], phrases: string[][]): number[] | null {
  const hit: number[] = [];
  for (let p = 0; p < phrases.length; p++) {
    const phrase = phrases[p];
    const prefixLast = p === phrases.length - 1;
    let found = -1;
    for (let i = 0; i + phrase.length <= tokens.length && found < 0; i++) {
      let ok = true;
      for (let j = 0; j < phrase.length && ok; j++) {
        const t = tokens[i + j].text;
        ok = prefixLast && j === phrase.length - 1 ? t.startsWith(phrase[j]) : t === phrase[j];
      }
      if (ok) found = i;
    }
    if (found < 0) return null;
    for (let j = 0; j < phrase.length; j++) hit.push(found + j);
  }
  return hit;
}

/** A snippet like FTS5's snippet(…, '[', ']', '…', 12): up to 12 tokens around the first match, matches bracketed. */
function snippetOf(text: string, tokens: Token[], hits: number[]): string {
  const first = Math.min(...hits);
  const from = Math.max(0, Math.min(first - 2, tokens.length - 12));
  const to = Math.min(tokens.length, from + 12);
  const marked = new Set(hits);
  let out = from > 0 ? '…' : '';
  let at = from > 0 ? tokens[from].start : 0;
  for (let i = from; i < to; i++) {
    out += text.slice(at, tokens[i].start);
    out += marked.has(i) ? `[${text.slice(tokens[i].start, tokens[i].end)}]` : text.slice(tokens[i].start, tokens[i].end);
    at = tokens[i].end;
  }
  out += to < tokens.length ? '…' : text.slice(at);
  return out;
}

/**
 * Newest matches first. Indexed messages: an index walk in rowid order that stops at `limit`,
 * whatever the hit count. Messages waiting for the index (migration 0110: written by change pages
 * since sync was last idle, a bounded set) are matched here directly, and their stale index
 * entries are ignored, so results are exact before and after indexing. Messages of pruned
 * conversations that wait for deletion (migration 0140) are left out of both.
 */
export function searchMessages(db: Db, input: string, limit: number): SearchHit[] {
  const q = toFtsQuery(input);
  if (q === null) return [];
  type Row = SearchHit & { seq: number };
  const indexed = db.prepare(`
    SELECT messages_fts.rowid AS seq, m.id AS message_id, m.conversation_id, m.created_at,
           snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet,
           coalesce(json_extract(cu.data, '$.name'), '') AS customer_name
    FROM messages_fts
    JOIN messages m ON m.seq = messages_fts.rowid
    LEFT JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE messages_fts MATCH ? AND messages_fts.rowid NOT IN (SELECT seq FROM fts_pending) AND m.conversation_id ${NOT_PRUNED}
    ORDER BY messages_fts.rowid DESC
    LIMIT ?`).all(q, limit) as Row[];

  const phrases = queryWords(input).map((w) => tokenize(w).map((t) => t.text)).filter((p) => p.length > 0);
  const waiting = db.prepare(`SELECT m.seq, m.text FROM fts_pending p JOIN messages m ON m.seq = p.seq
    WHERE m.conversation_id ${NOT_PRUNED} ORDER BY p.seq DESC`).all() as { seq: number; text: string }[];
  if (waiting.length === 0 || phrases.length === 0) return indexed.map(strip);
  const details = db.prepare(`
    SELECT m.id AS message_id, m.conversation_id, m.created_at, coalesce(json_extract(cu.data, '$.name'), '') AS customer_name
    FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id LEFT JOIN customers cu ON cu.id = c.customer_id
    WHERE m.seq = ?`);
  const fresh: Row[] = [];
  for (const w of waiting) {
    if (fresh.length >= limit) break;
    const tokens = tokenize(w.text);
    const hits = matchPhrases(tokens, phrases);
    if (hits === null) continue;
    fresh.push({ ...(details.get(w.seq) as SearchHit), seq: w.seq, snippet: snippetOf(w.text, tokens, hits) });
  }
  return [...indexed, ...fresh].sort((a, b) => b.seq - a.seq).slice(0, limit).map(strip);
}

const strip = ({ seq: _seq, ...hit }: SearchHit & { seq: number }): SearchHit => hit;
