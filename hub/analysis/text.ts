/**
 * Text normalization and tokenization shared by every analysis step.
 * Social posts: URLs, @handles, emoji, elongated words ("sooooo"), HTML entities from APIs.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

/** Lower-cased text with URLs, handles and entities replaced by stable placeholders. */
export function normalizeText(text: string): string {
  return text
    .replace(/&(?:amp|lt|gt|quot|apos|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/https?:\/\/\S+|www\.\S+/gi, ' _url ')
    .replace(/(^|[^\w])@\w+/g, '$1 _at ')
    .toLowerCase()
    // "soooo" and "sooo" should be the same word
    .replace(/([a-z])\1{2,}/g, '$1$1');
}

// Words, numbers, emoticons, runs of ! or ?, and single emoji / symbols.
const TOKEN_RE = /_url|_at|[:;=8][-o^']?[()[\]dpo/\\|*]|<3|[\p{L}\p{M}][\p{L}\p{M}\p{N}'_]*|\p{N}+(?:[.,:]\p{N}+)*|[!?]+|\p{Extended_Pictographic}|[.,;]/gu;

export function tokenize(normalized: string): string[] {
  return normalized.match(TOKEN_RE) ?? [];
}

const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'cannot', 'without', 'hardly',
  "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "haven't",
  "hasn't", "hadn't", 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'cant', 'couldnt', 'shouldnt', 'havent', 'hasnt']);
const CLAUSE_END = /^[.,;!?]+$/;

/**
 * Marks the words after a negator (until the clause ends) with a "¬" prefix, so
 * "not good" and "good" become different features: the usual trick for bag-of-words sentiment.
 */
export function markNegation(tokens: string[]): string[] {
  const out: string[] = [];
  let negated = false;
  for (const t of tokens) {
    if (CLAUSE_END.test(t)) { negated = false; out.push(t); continue; }
    if (NEGATORS.has(t) || t.endsWith("n't")) { negated = true; out.push(t); continue; }
    out.push(negated && t[0] !== '_' ? '¬' + t : t);
  }
  return out;
}
