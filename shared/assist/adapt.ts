/**
 * Adapts a reply sent in another conversation to the one open now: it greets this customer
 * (handle and name), carries this agent's signature, keeps the links, and never carries another
 * customer's name, handle, order number or other personal data (shared/text/personal-data.ts).
 * Each change is listed, so the suggestion can say what was done to it.
 */
import { findPersonalData, type PersonalDataKind } from '../text/personal-data';
import { HANDLE_RE, URL_RE, splitSignature } from './text';

export interface AdaptTarget {
  /** the customer's handle on this channel, without "@" */
  customerHandle?: string | null;
  /** the customer's display name, e.g. "Maria Lopez" (the first name is used) */
  customerName?: string | null;
  /** this agent's sign-off, e.g. "-AB" or "^Ana" */
  agentSignature?: string | null;
  /** the brand's own handles (kept wherever they appear) */
  brandHandles?: string[];
}

export interface AdaptSource {
  /** the handles of the customer(s) of the conversation the reply was sent in */
  customerHandles?: string[];
  /** that customer's display name */
  customerName?: string | null;
}

export interface Adapted { text: string; changes: string[] }

const PD_NAMES: Record<PersonalDataKind, string> = { email: '[e-mail]', phone: '[phone number]', card: '[card number]', order: '[order number]' };
const GREETING = /^((?:@\w+\s+)*)((?:hi|hello|hey|dear|thanks|thank you|sorry|welcome)(?: there)?,?\s+)(\p{L}[\p{L}'-]{1,20})\b(?!\s+[a-z]+\s+(?:is|are|was))/iu;
const NOT_NAMES = new Set(['There', 'Again', 'Team', 'All', 'Everyone', 'Folks', 'So', 'For', 'We', 'I', 'Please', 'Sorry', 'Thanks', 'Thank', 'You', 'Our', 'The', 'It', 'This', 'That', 'Can', 'Could', 'Would', 'How', 'What']);

function firstName(name: string | null | undefined): string | null {
  const f = (name ?? '').trim().split(/\s+/)[0];
  return f && /^\p{L}[\p{L}'-]{0,30}$/u.test(f) ? f : null;
}

export function adaptReply(reply: string, target: AdaptTarget = {}, source: AdaptSource = {}): Adapted {
  const changes: string[] = [];
  const brand = new Set((target.brandHandles ?? []).map((h) => h.replace(/^@/, '').toLowerCase()));
  let { body } = splitSignature(reply);
  const hadSignature = body.length < reply.trim().length;

  // links are kept as they are: park them so nothing below can touch them
  const links: string[] = [];
  body = body.replace(URL_RE, (u) => { links.push(u); return `\uE000${links.length - 1}\uE000`; });

  // handles: the brand's stay, the first customer handle becomes this customer's, others go
  let addressed = false;
  let removedHandles = 0;
  body = body.replace(HANDLE_RE, (m, pre: string, h: string) => {
    if (brand.has(h.toLowerCase())) return m;
    if (!addressed && target.customerHandle) { addressed = true; return `${pre}@${target.customerHandle.replace(/^@/, '')}`; }
    removedHandles++;
    return pre;
  });
  if (addressed) changes.push(`addressed to @${target.customerHandle!.replace(/^@/, '')}`);
  if (removedHandles) changes.push(`${removedHandles} other handle${removedHandles > 1 ? 's' : ''} removed`);
  if (target.customerHandle && !addressed) body = `@${target.customerHandle.replace(/^@/, '')} ${body}`;

  // the other customer's name, where we know it or where a greeting uses one
  const oldName = firstName(source.customerName);
  const newName = firstName(target.customerName);
  if (oldName && new RegExp(`\\b${oldName}\\b`).test(body)) {
    body = body.replace(new RegExp(`\\b${oldName}\\b`, 'g'), newName ?? '');
    changes.push(newName ? `name changed to ${newName}` : 'the other customer\'s name removed');
  } else {
    const g = GREETING.exec(body);
    // a greeting followed by a capitalised word that is not a common one: another customer's name ("HI Richard,")
    if (g && /^\p{Lu}\p{Ll}/u.test(g[3]) && !NOT_NAMES.has(g[3]) && g[3] !== newName) {
      body = body.replace(GREETING, (_m, handles: string, greet: string) => `${handles}${newName ? `${greet}${newName}` : greet.replace(/,?\s+$/, '')}`);
      changes.push(newName ? `name changed to ${newName}` : 'the other customer\'s name removed');
    }
  }
  for (const h of source.customerHandles ?? []) {
    const bare = h.replace(/^@/, '');
    if (bare && new RegExp(`\\b${bare}\\b`, 'i').test(body) && bare.toLowerCase() !== (target.customerHandle ?? '').toLowerCase()) {
      body = body.replace(new RegExp(`\\b${bare}\\b`, 'gi'), '');
      changes.push('the other customer\'s handle removed');
    }
  }

  // personal data that belonged to the other conversation
  const hits = findPersonalData(body);
  if (hits.length) {
    for (const hit of [...hits].reverse()) body = body.slice(0, hit.index) + PD_NAMES[hit.kind] + body.slice(hit.index + hit.text.length);
    changes.push(`${[...new Set(hits.map((h) => PD_NAMES[h.kind].slice(1, -1)))].join(', ')} removed`);
  }

  body = body.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => links[Number(i)]);
  // platforms hand texts over HTML-escaped ("&amp;"): the composer wants the characters
  body = body.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
  body = body.replace(/[ \t]{2,}/g, ' ').replace(/\s+([,.!?])/g, '$1').trim();
  if (target.agentSignature) {
    body = `${body} ${target.agentSignature.trim()}`;
    changes.push(hadSignature ? 'signed by you instead' : 'signed by you');
  } else if (hadSignature) {
    changes.push('the other agent\'s signature removed');
  }
  return { text: body, changes };
}

/** An agent's sign-off for suggested replies: "^" and their initials, as the canned responses sign. */
export function signatureOf(name: string | null | undefined): string | null {
  const initials = (name ?? '').split(/\s+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('').slice(0, 3);
  return initials ? `^${initials}` : null;
}
