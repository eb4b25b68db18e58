/**
 * Parser for the "Customer Support on Twitter" (TWCS) CSV: tweet_id, author_id, inbound,
 * created_at, text, response_tweet_id, in_response_to_tweet_id. Also reads the pandas-written
 * variant (an extra unnamed index column, in_response_to_tweet_id as a float like "3.0",
 * inbound as True/False). Records are split on LF or CRLF only: bare CRs inside a text (tweet
 * 3399) are part of the text. Threads are rebuilt from the reply chain; each comes out parents
 * first. Pure: bytes in, threads and skip reasons out.
 */
import { parse } from 'csv-parse/sync';
import { parseTwitterDate } from '../dates';
import { clampText } from '../normalized';
import type { NormalizedPost } from '../types';

export interface ImportSkip {
  /** line in the file where the record starts (1 = header) */
  line?: number;
  /** index of the entry (JSON imports) */
  index?: number;
  platform_id?: string | null;
  reason: string;
}

export interface ImportThread {
  /** platform id of the first post */
  root: string;
  account: string;
  posts: NormalizedPost[];
}

export interface TwcsParseResult {
  records: number;
  threads: ImportThread[];
  skipped: ImportSkip[];
  /** imported, but with something dropped (a reply link that could not be read) */
  warnings: ImportSkip[];
}

export class ImportError extends Error {}

const REQUIRED = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'in_response_to_tweet_id'] as const;

/** "3", "3.0" → "3"; "" → null; a float pandas wrote in exponent form has lost digits → undefined. */
export function readTweetId(v: string | undefined): string | null | undefined {
  const s = (v ?? '').trim();
  if (s === '') return null;
  const m = /^(\d{1,25})(?:\.0+)?$/.exec(s);
  return m ? m[1].replace(/^0+(?=\d)/, '') : undefined;
}

function readInbound(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return null;
}

type Row = { id: string; author: string; inbound: boolean; at: string; text: string; parent: string | null; line: number };

export function parseTwcs(input: Buffer | string): TwcsParseResult {
  const skipped: ImportSkip[] = [];
  const warnings: ImportSkip[] = [];
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(input, {
      bom: true,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err) => { skipped.push({ line: typeof err?.lines === 'number' ? err.lines : undefined, reason: `unreadable CSV: ${err?.message ?? 'unknown error'}` }); return undefined; },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    throw new ImportError(`not a readable CSV file: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new ImportError('the file is empty');
  const header = rows[0].record.map((h) => h.trim());
  const col = Object.fromEntries(REQUIRED.map((name) => [name, header.indexOf(name)])) as Record<(typeof REQUIRED)[number], number>;
  const missing = REQUIRED.filter((n) => col[n] < 0);
  if (missing.length) throw new ImportError(`not a TWCS file: missing column(s) ${missing.join(', ')} (header: ${header.join(',')})`);

  const byId = new Map<string, Row>();
  const order: Row[] = [];
  for (const { record, info } of rows.slice(1)) {
    // info.lines is the line where the record ends; a record holding newlines starts earlier
    const line = info.lines;
    const skip = (reason: string, id: string | null = null) => skipped.push({ line, platform_id: id, reason });
    if (record.length !== header.length) { skip(`expected ${header.length} fields, found ${record.length}`); continue; }
    const id = readTweetId(record[col.tweet_id]);
    if (!id) { skip(`tweet_id "${record[col.tweet_id]}" is not a tweet id`); continue; }
    if (byId.has(id)) { skip('tweet_id appears twice in the file; the first one was kept', id); continue; }
    const author = record[col.author_id].trim();
    if (!author || author.length > 256) { skip('author_id is empty or too long', id); continue; }
    const inbound = readInbound(record[col.inbound]);
    if (inbound === null) { skip(`inbound "${record[col.inbound]}" is neither True nor False`, id); continue; }
    const at = parseTwitterDate(record[col.created_at]);
    if (!at) { skip(`created_at "${record[col.created_at]}" is not a date like "Tue Oct 31 22:10:47 +0000 2017"`, id); continue; }
    const text = record[col.text];
    if (text.trim() === '') { skip('text is empty', id); continue; }
    let parent = readTweetId(record[col.in_response_to_tweet_id]);
    if (parent === undefined) {
      warnings.push({ line, platform_id: id, reason: `in_response_to_tweet_id "${record[col.in_response_to_tweet_id]}" has lost its digits (float); imported without its reply link` });
      parent = null;
    }
    const row: Row = { id, author, inbound, at, text, parent, line };
    byId.set(id, row);
    order.push(row);
  }

  // Thread = tree under a root (a tweet answering nothing, or something outside the file).
  const children = new Map<string, Row[]>();
  const roots: Row[] = [];
  for (const r of order) {
    if (r.parent && byId.has(r.parent) && r.parent !== r.id) {
      const list = children.get(r.parent) ?? [];
      list.push(r);
      children.set(r.parent, list);
    } else roots.push(r);
  }
  const byTime = (a: Row, b: Row) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id, 'en', { numeric: true });
  roots.sort(byTime);

  const reached = new Set<string>();
  const threads: ImportThread[] = [];
  for (const root of roots) {
    const ordered: Row[] = [];
    const stack = [root];
    while (stack.length) {
      const r = stack.pop()!;
      if (reached.has(r.id)) continue;
      reached.add(r.id);
      ordered.push(r);
      const kids = (children.get(r.id) ?? []).slice().sort(byTime).reverse();
      stack.push(...kids);
    }
    const brandRow = ordered.find((r) => !r.inbound);
    const mention = /@(\w{1,50})/.exec(root.text)?.[1];
    const account = brandRow?.author ?? mention ?? 'unknown';
    threads.push({
      root: root.id,
      account,
      posts: ordered.map((r) => ({
        channel: 'x',
        account: r.inbound ? account : r.author,
        platform_id: r.id,
        author: { platform_user_id: r.author, handle: r.author, name: r.author, followers: null, verified: false, location: null },
        text: clampText(r.text),
        visibility: 'public',
        in_reply_to: r.parent,
        created_at: r.at,
        // TWCS renumbers tweets and anonymizes customers: there is no real permalink
        permalink: null,
        from_brand: !r.inbound,
        thread_key: null,
      })),
    });
  }
  for (const r of order) {
    if (!reached.has(r.id)) skipped.push({ line: r.line, platform_id: r.id, reason: 'part of a reply cycle: no tweet in its chain starts the thread' });
  }
  return { records: rows.length - 1, threads, skipped, warnings };
}
