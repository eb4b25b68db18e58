/**
 * Counts a reply the way each platform counts it, so the composer's counter agrees with
 * what the platform will accept. X follows twitter-text v3: every URL weighs 23, code
 * points in the Latin/punctuation ranges weigh 1, others (CJK, most symbols) weigh 2,
 * and an emoji sequence weighs 2 however many code points it has.
 */
import type { Channel } from '../domain';

export const CHANNEL_LIMITS: Record<Channel, number | null> = {
  x: 280,
  facebook: 8000,
  instagram: 2200,
  reddit: 10000,
  youtube: 10000,
  review: 5000,
  forum: 10000,
  rss: null,
  email: null,
  sandbox: 280,
};

export const X_URL_WEIGHT = 23;

/** twitter-text v3 ranges that weigh 1; anything else weighs 2. */
const LIGHT_RANGES: Array<[number, number]> = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

// Scheme URLs, and bare domains with a common TLD, as twitter-text autolinks them.
// Not inside an e-mail address or a longer word ("jo@example.com" is no link).
const URL_RE = /(?<![\w@.-])(?:https?:\/\/[^\s<>"]+|(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|dev|app|info|biz|edu|gov|me|ly|uk|de|fr|pl|es|it|nl|eu|us|ca|au|in|jp|ai)(?![a-z0-9-])(?:\/[^\s<>"]*)?)/giu;
// An emoji presentation sequence (with ZWJ joins, skin tones and variation selectors).
const EMOJI_RE = /\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u20E3)*(?:\u200D\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F)*)*|\p{Regional_Indicator}{2}/gu;

function weightOfPlain(text: string): number {
  let weight = 0;
  let rest = text;
  // Emoji sequences first: each weighs 2, whatever its length in code points.
  rest = rest.replace(EMOJI_RE, () => { weight += 2; return ''; });
  for (const ch of rest) {
    const cp = ch.codePointAt(0)!;
    weight += LIGHT_RANGES.some(([a, b]) => cp >= a && cp <= b) ? 1 : 2;
  }
  return weight;
}

/** Trailing punctuation is not part of an autolinked URL. */
function trimUrl(url: string): string {
  return url.replace(/[.,;:!?)\]}'"]+$/u, '');
}

export function xLength(text: string): number {
  const normalized = text.normalize('NFC');
  let weight = 0;
  let last = 0;
  for (const m of normalized.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    weight += weightOfPlain(normalized.slice(last, m.index)) + X_URL_WEIGHT;
    last = m.index! + url.length;
  }
  return weight + weightOfPlain(normalized.slice(last));
}

export interface ChannelCount {
  count: number;
  limit: number | null;
  /** characters left; negative when over */
  remaining: number | null;
  over: boolean;
}

/** The count the composer shows for a reply on `channel`. Private messages on X allow 10,000. */
export function countForChannel(text: string, channel: Channel, visibility: 'public' | 'private' = 'public'): ChannelCount {
  const isX = channel === 'x' || channel === 'sandbox';
  const count = isX ? xLength(text) : [...text.normalize('NFC')].length;
  const limit = isX && visibility === 'private' ? 10000 : CHANNEL_LIMITS[channel];
  const remaining = limit === null ? null : limit - count;
  return { count, limit, remaining, over: remaining !== null && remaining < 0 };
}
