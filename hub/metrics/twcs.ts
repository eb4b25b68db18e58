/**
 * History in the TWCS format ("Customer Support on Twitter": tweet_id, author_id, inbound, created_at,
 * text, response_tweet_id, in_response_to_tweet_id) turned into metric records, so a report can run
 * over imported history. Both variants are read: Kaggle's own (integer ids, inbound true/false) and
 * the pandas-written one (an unnamed index column first, ids as floats like "3.0", inbound True/False).
 *
 * Threads are reply chains: tweets linked by in_response_to_tweet_id / response_tweet_id form one
 * conversation. Its brand account is the author of its first brand (outbound) tweet, else the first
 * @handle the customer addressed.
 */
import { parse } from 'csv-parse/sync';
import type { MetricConversation, MetricMessage } from './types';

export interface TwcsTweet {
  tweet_id: string;
  author_id: string;
  inbound: boolean;
  created_at: number;
  text: string;
  response_tweet_ids: string[];
  in_response_to_tweet_id: string | null;
}

/** "3.0" → "3"; "" → null. Ids are integers written as floats by pandas. */
export function normalizeTweetId(raw: string | undefined): string | null {
  const s = (raw ?? '').trim();
  if (s === '') return null;
  const m = /^(\d+)(?:\.0+)?$/.exec(s);
  if (!m) throw new Error(`not a tweet id: "${s}"`);
  return m[1].replace(/^0+(?=\d)/, '');
}

const REQUIRED = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'];

export interface TwcsParseResult { tweets: TwcsTweet[]; skipped: Array<{ line: number; reason: string }> }

/** Parses TWCS CSV text; rows that cannot be read are skipped with their reason. */
export function parseTwcs(csv: string): TwcsParseResult {
  // A bare CR inside a tweet's text is data, not a line break: only LF and CRLF end a record.
  const rows: string[][] = parse(csv, { record_delimiter: ['\r\n', '\n'], relax_column_count: true, skip_empty_lines: true, bom: true });
  if (rows.length === 0) throw new Error('empty TWCS file');
  const header = rows[0].map((h) => h.trim());
  const col: Record<string, number> = {};
  for (const name of REQUIRED) {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`not a TWCS file: column "${name}" missing (header: ${header.join(',')})`);
    col[name] = i;
  }
  const tweets: TwcsTweet[] = [];
  const skipped: TwcsParseResult['skipped'] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    try {
      if (row.length !== header.length) throw new Error(`expected ${header.length} columns, found ${row.length}`);
      const id = normalizeTweetId(row[col.tweet_id]);
      if (id === null) throw new Error('tweet_id is empty');
      const inbound = row[col.inbound].trim().toLowerCase();
      if (inbound !== 'true' && inbound !== 'false') throw new Error(`inbound is "${row[col.inbound]}", expected True/False`);
      const at = Date.parse(row[col.created_at]);
      if (!Number.isFinite(at)) throw new Error(`created_at "${row[col.created_at]}" is not a date`);
      tweets.push({
        tweet_id: id,
        author_id: row[col.author_id].trim(),
        inbound: inbound === 'true',
        created_at: at,
        text: row[col.text],
        response_tweet_ids: row[col.response_tweet_id].split(',').map(normalizeTweetId).filter((x): x is string => x !== null),
        in_response_to_tweet_id: normalizeTweetId(row[col.in_response_to_tweet_id]),
      });
    } catch (e) {
      skipped.push({ line: r + 1, reason: (e as Error).message });
    }
  }
  return { tweets, skipped };
}

/** Groups tweets into conversations by their reply links (union–find over links inside the file). */
export function twcsConversations(tweets: TwcsTweet[]): MetricConversation[] {
  const index = new Map<string, number>();
  tweets.forEach((t, i) => index.set(t.tweet_id, i));
  const parent = tweets.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  const link = (a: number, b: number | undefined): void => {
    if (b === undefined) return;
    const ra = find(a); const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  tweets.forEach((t, i) => {
    if (t.in_response_to_tweet_id) link(i, index.get(t.in_response_to_tweet_id));
    for (const r of t.response_tweet_ids) link(i, index.get(r));
  });
  const groups = new Map<number, TwcsTweet[]>();
  tweets.forEach((t, i) => {
    const root = find(i);
    let g = groups.get(root);
    if (!g) { g = []; groups.set(root, g); }
    g.push(t);
  });

  const conversations: MetricConversation[] = [];
  for (const group of groups.values()) {
    // Customer first on equal timestamps: a reply in the same second still answers the post.
    group.sort((a, b) => a.created_at - b.created_at || Number(b.inbound) - Number(a.inbound));
    const firstOutbound = group.find((t) => !t.inbound);
    const mention = group.find((t) => t.inbound)?.text.match(/@(\w+)/)?.[1] ?? null;
    const messages: MetricMessage[] = group.map((t) => ({ at: t.created_at, direction: t.inbound ? 'inbound' : 'outbound' }));
    conversations.push({
      id: `twcs-${group[0].tweet_id}`,
      channel: 'x',
      account_id: firstOutbound ? firstOutbound.author_id : mention,
      assignee_id: null,
      team_id: null,
      priority: 'normal',
      intent: null,
      topic: null,
      tags: [],
      created_at: group[0].created_at,
      messages,
      events: [],
      status: 'open',
      resolved_at: null,
      first_response_due_at: null,
      resolution_due_at: null,
    });
  }
  return conversations;
}
