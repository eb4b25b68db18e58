/**
 * Rule-based signals that need no training: urgency, noise (spam, bots, empty posts),
 * author influence and personal data. Each returns the words behind its verdict so the
 * analysis can explain itself.
 */
import { findPersonalData, type PersonalDataKind } from '../../shared/text/personal-data';

export interface Urgency { score: number; cues: string[] }

// weight of each cue; safety outranks impatience
const URGENT_CUES: Array<[RegExp, number, string]> = [
  [/\b(?:fire|smoke|caught fire|explod\w*|burn(?:ed|t|ing)?|electric shock|choking)\b/i, 0.8, 'safety'],
  [/\b(?:injur\w*|hurt|bleeding|hospital|allergic|allergy|poison\w*|unsafe|danger\w*)\b/i, 0.8, 'safety'],
  [/\b(?:emergency|urgent(?:ly)?|asap|immediately|right now)\b/i, 0.5, 'urgent'],
  [/\b(?:fraud|hacked|stolen|scammed|unauthori[sz]ed)\b/i, 0.6, 'security'],
  [/\b(?:lawsuit|lawyer|attorney|sue you|legal action)\b/i, 0.5, 'legal'],
  [/\b(?:stranded|stuck|missed (?:my )?(?:flight|connection)|locked out|no power|no heat|no water)\b/i, 0.45, 'stuck'],
  [/\b(?:today|tonight|tomorrow morning|in (?:an|one|\d+) hours?|deadline|leaving soon)\b/i, 0.2, 'time'],
];

export function detectUrgency(text: string): Urgency {
  let score = 0;
  const cues: string[] = [];
  for (const [re, w] of URGENT_CUES) {
    const m = re.exec(text);
    if (m) { score += w * (1 - score); cues.push(m[0].toLowerCase()); }
  }
  const shouting = (text.match(/\b[A-Z]{3,}\b/g) ?? []).filter((w) => !/^(?:URL|USA|UK|DM|FAQ|ASAP|LOL|OMG|TV|ID|PIN|SMS|[A-Z]{3})$/.test(w)).length;
  if (/!{2,}/.test(text) || shouting >= 2) { score += 0.15 * (1 - score); cues.push(shouting >= 2 ? 'shouting' : '!!'); }
  return { score: Math.round(score * 100) / 100, cues };
}

export interface Noise { noise: boolean; kind: 'spam' | 'bot' | 'off_topic' | null; why: string | null }

export interface AuthorInfo { followers?: number | null; verified?: boolean; handle?: string | null; name?: string | null }

/** Intent labels that mean "not for the care team" (the default taxonomy's spam, or ones agents taught). */
const NOISE_INTENTS: Record<string, Noise['kind']> = { spam: 'spam', noise: 'spam', off_topic: 'off_topic', 'off-topic': 'off_topic', bot: 'bot' };

export function detectNoise(text: string, author: AuthorInfo | undefined, intent: string | null): Noise {
  const urls = (text.match(/https?:\/\/\S+/g) ?? []).length;
  const tags = (text.match(/#\w+/g) ?? []).length;
  const words = text.replace(/https?:\/\/\S+|[@#]\w+/g, ' ').match(/[\p{L}]{2,}/gu) ?? [];
  const byIntent = intent ? NOISE_INTENTS[intent.toLowerCase()] : undefined;
  if (byIntent) return { noise: true, kind: byIntent, why: `intent ${intent}` };
  if (urls >= 3 || (tags >= 5 && urls >= 1) || tags >= 8) return { noise: true, kind: 'spam', why: `${urls} links, ${tags} hashtags` };
  const handle = author?.handle ?? '';
  // A handle that calls itself a bot is one. A name followed by digits is how X names new
  // accounts, real customers included: on its own it proves nothing, so it needs the post to
  // look automated too (links or a hashtag run, with few words).
  if (/bot\b|_bot|bot_/i.test(handle)) return { noise: true, kind: 'bot', why: `handle @${handle} calls itself a bot` };
  if (/^[a-z]+\d{7,}$/i.test(handle) && (urls >= 1 || tags >= 3) && words.length <= 12) return { noise: true, kind: 'bot', why: `handle @${handle} and a post of links and tags look automated` };
  // people write in bursts: "#A-99321", "??", "+1 (415) 555-0132" are parts of a message, not noise
  if (words.length === 0 && !/[?\d]/.test(text.replace(/https?:\/\/\S+|@\w+/g, ''))) return { noise: true, kind: 'off_topic', why: 'no words, only links, tags or mentions' };
  return { noise: false, kind: null, why: null };
}

export interface Influence { score: number; followers: number | null; verified: boolean }

/** 0..1: log-scaled followers (1M → ~1), with a lift for verified accounts. */
export function authorInfluence(author: AuthorInfo | undefined): Influence {
  const followers = typeof author?.followers === 'number' && Number.isFinite(author.followers) && author.followers >= 0 ? author.followers : null;
  const verified = author?.verified === true;
  let score = followers === null ? 0 : Math.min(1, Math.log10(followers + 1) / 6);
  if (verified) score = Math.min(1, score + 0.2);
  return { score: Math.round(score * 100) / 100, followers, verified };
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

export interface PersonalDataFound { kind: PersonalDataKind; masked: string; start: number; end: number }

/** Personal data in a post, masked so the analysis itself does not spread it further. */
export function findPersonalDataMasked(text: string): PersonalDataFound[] {
  return findPersonalData(text).map((h) => ({ kind: h.kind, masked: mask(h.kind, h.text), start: h.index, end: h.index + h.text.length }));
}

function mask(kind: PersonalDataKind, s: string): string {
  if (kind === 'email') {
    const at = s.indexOf('@');
    return s[0] + '***' + s.slice(at);
  }
  const digits = s.replace(/\D/g, '');
  return (kind === 'card' ? '**** ' : '***') + digits.slice(-4);
}
