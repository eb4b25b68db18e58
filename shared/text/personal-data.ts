/**
 * Finds personal data an agent is about to post in public: e-mail addresses, phone numbers,
 * payment card numbers (Luhn-checked) and order numbers. Pure; the composer shows a warning
 * before a public reply that contains any of them.
 */
export type PersonalDataKind = 'email' | 'phone' | 'card' | 'order';

export interface PersonalDataHit {
  kind: PersonalDataKind;
  text: string;
  index: number;
}

// A link's digits (an archive's timestamp, an article id) are part of its address, not a card or phone number.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13-19 digits, optionally grouped by spaces or dashes.
const CARD_RE = /\b\d(?:[ -]?\d){12,18}\b/g;
// Optional +country, then 7-15 digits grouped by spaces, dots, dashes or parentheses.
const PHONE_RE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}/g;
// "order 12345", "order #A-1234", "order no. 1234", "#12345678" and "ord-123456".
const ORDER_RE = /\b(?:order|ord|purchase|invoice|booking|reservation|confirmation)(?:\s*(?:no\.?|number|num|nr\.?|id|#|:))*\s*#?\s*([A-Z0-9][A-Z0-9-]{3,})|#\d{5,}\b/gi;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function overlaps(spans: Array<{ index: number; text: string }>, index: number, length: number): boolean {
  return spans.some((h) => index < h.index + h.text.length && h.index < index + length);
}

export function findPersonalData(text: string): PersonalDataHit[] {
  const hits: PersonalDataHit[] = [];
  const links = [...text.matchAll(URL_RE)].map((m) => ({ text: m[0], index: m.index! }));
  const taken = (index: number, length: number) => overlaps(hits, index, length) || overlaps(links, index, length);
  for (const m of text.matchAll(EMAIL_RE)) hits.push({ kind: 'email', text: m[0], index: m.index! });
  for (const m of text.matchAll(CARD_RE)) {
    if (taken(m.index!, m[0].length)) continue;
    if (luhnValid(m[0].replace(/\D/g, ''))) hits.push({ kind: 'card', text: m[0], index: m.index! });
  }
  for (const m of text.matchAll(ORDER_RE)) {
    if (taken(m.index!, m[0].length)) continue;
    // An order id must carry a digit ("order status" is not one).
    if (!/\d/.test(m[1] ?? m[0])) continue;
    hits.push({ kind: 'order', text: m[0], index: m.index! });
  }
  for (const m of text.matchAll(PHONE_RE)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    if (taken(m.index!, m[0].length)) continue;
    // Dates and times ("2024-01-02", "10.30") and plain counts are not phone numbers.
    if (/^\d{4}-\d{2}-\d{2}$/.test(m[0].trim())) continue;
    if (!/[\s.\-()+]/.test(m[0]) && digits.length < 9) continue;
    hits.push({ kind: 'phone', text: m[0].trim(), index: m.index! });
  }
  return hits.sort((a, b) => a.index - b.index);
}

const LABELS: Record<PersonalDataKind, string> = {
  email: 'an e-mail address', phone: 'a phone number', card: 'a card number', order: 'an order number',
};

/** One sentence for the warning, or null when nothing was found. */
export function personalDataWarning(text: string): string | null {
  const kinds = [...new Set(findPersonalData(text).map((h) => h.kind))];
  if (kinds.length === 0) return null;
  const names = kinds.map((k) => LABELS[k]);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `This public reply contains ${list}. Everyone can read it.`;
}
