/**
 * Reading platform JSON without losing digits. Meta (and X's v1.1 `id` fields) send some ids as
 * JSON numbers; above 2^53 JSON.parse rounds them (1050118621198921728 → 1050118621198921700), so
 * two customers could merge or a reply could target the wrong post. Node 20 has no JSON.parse
 * source access, so a small pre-pass quotes integer literals that a double cannot hold, in value
 * positions only: the result is JSON.parse's, with those numbers as exact digit strings. Invalid
 * JSON stays invalid (a leading-zero or key-position literal is never quoted into validity).
 */

const isDigit = (c: number) => c >= 48 && c <= 57;

export function parseJsonExact(text: string): unknown {
  // fast path: no run of 16 digits, nothing a double could round
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let out = '';
  let last = 0;
  const stack: Array<'o' | 'a'> = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) { // a string: skip to its closing quote
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else { i++; if (d === 34) break; }
      }
      continue;
    }
    if (c === 123) { stack.push('o'); expectKey = true; i++; continue; }
    if (c === 91) { stack.push('a'); expectKey = false; i++; continue; }
    if (c === 125 || c === 93) { stack.pop(); expectKey = false; i++; continue; }
    if (c === 58) { expectKey = false; i++; continue; }
    if (c === 44) { expectKey = stack.at(-1) === 'o'; i++; continue; }
    if (c === 45 || isDigit(c)) {
      const start = i;
      if (c === 45) i++;
      const digitsFrom = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const intEnd = i;
      let integer = true;
      while (i < n && /[0-9.eE+-]/.test(text[i])) { integer = false; i++; }
      const digits = text.slice(digitsFrom, intEnd);
      const valuePosition = !(stack.at(-1) === 'o' && expectKey);
      if (integer && valuePosition && digits.length >= 16 && digits[0] !== '0' && !Number.isSafeInteger(Number(text.slice(start, intEnd)))) {
        out += text.slice(last, start) + '"' + text.slice(start, intEnd) + '"';
        last = intEnd;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as UTF-8 text, or null when it is not valid UTF-8 (never U+FFFD stored in its place). */
export function decodeUtf8Strict(raw: Uint8Array): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}
