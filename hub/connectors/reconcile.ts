/**
 * Matching a reply against what a platform shows, for reconciling a send whose outcome is unknown.
 * Platforms change the text they store a little: X HTML-escapes &, < and >, shortens links to t.co
 * and may put the reply's @mentions in front; both trim and fold whitespace. Compared: the text with
 * leading @mentions dropped, links replaced by one token, entities decoded, whitespace folded, NFC.
 */
import type { PlatformMatch } from './types';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

export function textForMatch(text: string): string {
  return text
    .normalize('NFC')
    .replace(/&(amp|lt|gt|quot|apos|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/https?:\/\/\S+/g, '<link>')
    .replace(/^(\s*@\w{1,15})+\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function sameText(a: string, b: string): boolean {
  return textForMatch(a) === textForMatch(b);
}

/** A platform timestamp (ISO, or X's / Graph's forms) at or after `since`; unknown times count as recent enough. */
export function notBefore(createdAt: string | null | undefined, since: Date): boolean {
  if (!createdAt) return true;
  const t = Date.parse(createdAt.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) || t >= since.getTime();
}

/** Oldest first, so a message takes the first of several identical posts no other message has claimed. */
export function oldestFirst(matches: PlatformMatch[]): PlatformMatch[] {
  return [...matches].sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.platform_id.localeCompare(b.platform_id));
}
