/**
 * Parser for IBM's Twitter customer care JSON (IBM/twitter-customer-care-document-prediction):
 * a list of {dialogHeader{company, conversationDateTime, duration, sessionID},
 * dialogContent[{client|client1…|agent, datetime, message, tweet_ID}], agentURL{tweet_ID, url_utterance}}.
 * Pure: JSON in, threads of NormalizedPost out (each post answers the one before it); entries
 * that cannot be read are skipped with the reason. The final agent answer (agentURL) has no
 * timestamp in the data: it is placed at conversationDateTime + duration.
 */
import type { NormalizedPost } from '../types';

export interface IbmThread {
  session_id: string;
  company: string;
  posts: NormalizedPost[];
}

export interface IbmParseResult {
  threads: IbmThread[];
  skipped: Array<{ index: number; reason: string }>;
}

export interface IbmParseOptions {
  /** include the final agent answer (agentURL.url_utterance); default true */
  includeFinalAnswer?: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** "01:26:55.0" → milliseconds (null when unreadable) */
export function parseDuration(s: unknown): number | null {
  const m = typeof s === 'string' ? /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(s.trim()) : null;
  if (!m) return null;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Math.round(Number(`0.${m[4] ?? '0'}`) * 1000);
}

export function parseIbmCare(input: unknown, options: IbmParseOptions = {}): IbmParseResult {
  const data = typeof input === 'string' ? JSON.parse(input) : input;
  if (!Array.isArray(data)) throw new Error('IBM care JSON must be a list of conversations');
  const threads: IbmThread[] = [];
  const skipped: IbmParseResult['skipped'] = [];
  // an entry as the file has it, read field by field below
  data.forEach((entry: { dialogHeader?: Record<string, unknown>; dialogContent?: unknown; agentURL?: { tweet_ID?: unknown; url_utterance?: unknown } } | null, index) => {
    const header = entry?.dialogHeader;
    const company = str(header?.company);
    const content = entry?.dialogContent;
    if (!company) return skipped.push({ index, reason: 'dialogHeader.company is missing' });
    if (!Array.isArray(content) || content.length === 0) return skipped.push({ index, reason: 'dialogContent is empty' });
    const posts: NormalizedPost[] = [];
    let prev: string | null = null;
    for (const [i, u] of content.entries()) {
      const id = str(u?.tweet_ID);
      const text = typeof u?.message === 'string' ? u.message : null;
      const when = str(u?.datetime);
      // authors are keyed 'agent' (the brand) or 'client', 'client1', … (customers; several may join)
      const clientKey = u && typeof u === 'object' ? Object.keys(u).find((k) => /^client\d*$/.test(k)) : undefined;
      const handle = str(u?.agent) ?? (clientKey ? str(u[clientKey]) : null);
      const fromBrand = typeof u?.agent === 'string' || handle?.toLowerCase() === company.toLowerCase();
      if (!id || text === null || !when || Number.isNaN(Date.parse(when)) || !handle) {
        return skipped.push({ index, reason: `dialogContent[${i}] lacks tweet_ID, message, datetime or author` });
      }
      posts.push(post(company, id, handle, text, new Date(when).toISOString(), prev, fromBrand));
      prev = id;
    }
    const final = entry?.agentURL;
    const finalId = str(final?.tweet_ID);
    if (options.includeFinalAnswer !== false && finalId && typeof final?.url_utterance === 'string') {
      const start = Date.parse(str(header?.conversationDateTime) ?? '');
      const duration = parseDuration(header?.duration);
      const lastAt = Date.parse(posts[posts.length - 1].created_at);
      const at = Number.isNaN(start) || duration === null ? lastAt + 60_000 : Math.max(start + duration, lastAt + 1000);
      posts.push(post(company, finalId, company, final.url_utterance, new Date(at).toISOString(), prev, true));
    }
    threads.push({ session_id: str(header?.sessionID) ?? `ibm-${index}`, company, posts });
  });
  return { threads, skipped };
}

function post(company: string, id: string, handle: string, text: string, createdAt: string, inReplyTo: string | null, fromBrand: boolean): NormalizedPost {
  return {
    channel: 'x',
    account: company,
    platform_id: id,
    author: { platform_user_id: null, handle, name: handle, followers: null, verified: fromBrand },
    text,
    visibility: 'public',
    in_reply_to: inReplyTo,
    created_at: createdAt,
    permalink: `https://twitter.com/${handle}/status/${id}`,
    from_brand: fromBrand,
  };
}
