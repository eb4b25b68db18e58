/**
 * Text helpers for suggested replies and summaries: words for search, the parts of a reply that
 * belong to one conversation (handles, links, the agent's signature), and ROUGE-L for measuring.
 * Pure TypeScript: runs on the hub and in the desktop core alike.
 */

const STOP = new Set(('a an the and or but if of to in on at for with from by is are was were be been being am do does did have has had ' +
  'i me my we us our you your he she it its they them their this that these those there here what which who whom how when where why ' +
  'so than too very can could would should will just not no yes please thanks thank hi hello hey dm').split(' '));

export const URL_RE = /https?:\/\/[^\s<>"')\]]+|www\.[^\s<>"')\]]+/gi;
export const HANDLE_RE = /(^|[^\w@])@(\w{1,30})/g;

/**
 * An agent's sign-off at the end of a reply, as care teams write them: "-KC", "- AA", "^JK",
 * "*TS", "~Jane", "/AB". Two or three letters (or a short name) after a mark, at the very end.
 */
export const SIGNATURE_RE = /\s*(?:[-–—~^*/]\s?[A-Z]{1,3}|[~^]\s?[A-Z][a-z]{1,9}|[-–—][A-Z][a-z]{1,9}|\^\s?[A-Za-z]{2,3})\s*$/;

/** Lower-case words for search: no links, handles, numbers-only tokens or stop words; light stemming. */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  const clean = text.replace(URL_RE, ' ').replace(HANDLE_RE, '$1 ').toLowerCase().replace(/[\u2018\u2019]/g, "'");
  for (const m of clean.matchAll(/[\p{L}][\p{L}\p{N}']*/gu)) {
    let w = m[0].replace(/'s$|'$/, '');
    if (w.length < 2 || STOP.has(w)) continue;
    w = stem(w);
    out.push(w);
  }
  return out;
}

/** A few English suffixes, enough that "charged", "charges" and "charging" meet. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) return w.slice(0, -1); // "charge" meets "charged"
  return w;
}

export function linksIn(text: string): string[] {
  return [...text.matchAll(URL_RE)].map((m) => m[0].replace(/[.,!?;:]+$/, ''));
}

/** A reply with its signature cut off (and what the signature was). */
export function splitSignature(reply: string): { body: string; signature: string | null } {
  const m = SIGNATURE_RE.exec(reply);
  if (!m || m.index === 0) return { body: reply.trim(), signature: null };
  return { body: reply.slice(0, m.index).trim(), signature: m[0].trim() };
}

/**
 * A reply reduced to what another conversation could reuse, for comparing and counting:
 * handles → "@user", links → "<url>", signature dropped, case and spacing folded.
 */
export function normalizeReply(reply: string): string {
  return splitSignature(reply).body
    .replace(URL_RE, '<url>')
    .replace(HANDLE_RE, '$1@user')
    .replace(/&amp;/g, '&')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Tokens for ROUGE: words and placeholders of a normalised reply. */
export function rougeTokens(text: string): string[] {
  return text.match(/<url>|@user|[\p{L}\p{N}']+/gu) ?? [];
}

/** ROUGE-L F1 (β = 1) between two token lists: the longest common subsequence over both lengths. */
export function rougeL(candidate: string[], reference: string[]): number {
  const n = candidate.length, m = reference.length;
  if (!n || !m) return 0;
  let prev = new Uint16Array(m + 1), cur = new Uint16Array(m + 1);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cur[j] = candidate[i - 1] === reference[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  const lcs = prev[m];
  if (!lcs) return 0;
  const p = lcs / n, r = lcs / m;
  return (2 * p * r) / (p + r);
}
