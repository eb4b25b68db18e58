/**
 * Profiles that may be the same person as a customer, each with why: the same name, an e-mail
 * address or phone number both wrote in their messages, or a handle of one mentioned in the
 * other's messages ("it's @maria.k on Instagram"). Read from the customer's own inbound messages,
 * then one pass over the other customers' inbound messages that contain one of those words.
 */
import { ERASED_CUSTOMER_NAME, type MergeSuggestion } from '../../shared/contract/customers';
import type { Customer } from '../../shared/domain';
import type { Queryable } from '../db/db';
import { customerJson } from '../sync/rows';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const PHONE = /\+?\d[\d ().-]{7,}\d/g;
const MENTION = /(?:^|[^A-Za-z0-9._%+-])@([A-Za-z0-9_.]{2,30})/g;

/** The e-mail addresses, phone numbers (digits) and @handles a text mentions. */
export function contactsIn(text: string): { emails: Set<string>; phones: Set<string>; mentions: Set<string> } {
  const emails = new Set([...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase()));
  const phones = new Set([...text.matchAll(PHONE)].map((m) => m[0].replace(/\D/g, '')).filter((d) => d.length >= 9 && d.length <= 15));
  const mentions = new Set([...text.matchAll(MENTION)].map((m) => m[1]!.replace(/\.+$/, '').toLowerCase()).filter((h) => h.length >= 2));
  return { emails, phones, mentions };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
/** a name two different people are unlikely to share by chance */
const telling = (name: string) => name.length >= 3 && !/^\d+$/.test(name) && /\s/.test(name);

export async function mergeSuggestions(db: Queryable, workspaceId: string, customerId: string, limit = 8): Promise<MergeSuggestion[]> {
  const [me] = await db.query<{ name: string }>('SELECT name FROM customers WHERE workspace_id = $1 AND id = $2', [workspaceId, customerId]);
  if (!me) return [];
  const handles = (await db.query<{ handle: string }>("SELECT lower(ltrim(handle, '@')) AS handle FROM customer_identities WHERE customer_id = $1", [customerId])).map((r) => r.handle);
  const texts = await db.query<{ text: string }>(
    `SELECT m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.customer_id = $1 AND m.direction = 'inbound' ORDER BY m.created_at DESC LIMIT 500`, [customerId]);
  const mine = contactsIn(texts.map((t) => t.text).join('\n'));
  const reasons = new Map<string, Set<string>>();
  const add = (id: string, why: string) => { if (id !== customerId) reasons.set(id, (reasons.get(id) ?? new Set()).add(why)); };

  const name = me.name.trim().toLowerCase();
  if (telling(name) && me.name !== ERASED_CUSTOMER_NAME) {
    for (const r of await db.query<{ id: string }>(
      `SELECT id FROM customers WHERE workspace_id = $1 AND id <> $2 AND merged_into IS NULL AND lower(btrim(name)) = $3 LIMIT 50`,
      [workspaceId, customerId, name])) add(r.id, 'same name');
  }
  // their handles this customer mentions
  if (mine.mentions.size) {
    for (const r of await db.query<{ customer_id: string; handle: string }>(
      `SELECT ci.customer_id, ltrim(ci.handle, '@') AS handle FROM customer_identities ci JOIN customers cu ON cu.id = ci.customer_id
        WHERE ci.workspace_id = $1 AND cu.merged_into IS NULL AND lower(ltrim(ci.handle, '@')) = ANY($2::text[]) LIMIT 50`,
      [workspaceId, [...mine.mentions]])) add(r.customer_id, `mentions @${r.handle}`);
  }
  // their messages: the same e-mail or phone, or this customer's handle
  const words = [...mine.emails, ...handles.map((h) => `@${h}`)].map((w) => `%${likeEscape(w)}%`);
  const digits = [...mine.phones].map((d) => `%${d.slice(-9)}%`);
  if (words.length || digits.length) {
    const rows = await db.query<{ customer_id: string; text: string }>(
      `SELECT c.customer_id, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id
        WHERE m.workspace_id = $1 AND m.direction = 'inbound' AND c.customer_id <> $2 AND cu.merged_into IS NULL
          AND (lower(m.text) LIKE ANY($3::text[]) OR (cardinality($4::text[]) > 0 AND regexp_replace(m.text, '[^0-9]', '', 'g') LIKE ANY($4::text[])))
        ORDER BY m.created_at DESC LIMIT 500`, [workspaceId, customerId, words, digits]);
    for (const r of rows) {
      const theirs = contactsIn(r.text);
      for (const e of theirs.emails) if (mine.emails.has(e)) add(r.customer_id, `same e-mail ${e}`);
      for (const p of theirs.phones) if ([...mine.phones].some((d) => d.slice(-9) === p.slice(-9))) add(r.customer_id, `same phone number ending ${p.slice(-4)}`);
      for (const h of theirs.mentions) if (handles.includes(h)) add(r.customer_id, `their messages mention @${h}`);
    }
  }
  if (reasons.size === 0) return [];
  const ids = [...reasons.keys()];
  const found = await db.query<{ data: Customer; conversations: number }>(
    `SELECT ${customerJson('cu')} AS data, (SELECT count(*)::int FROM conversations c WHERE c.customer_id = cu.id) AS conversations
       FROM customers cu WHERE cu.workspace_id = $1 AND cu.id = ANY($2::text[]) AND cu.merged_into IS NULL`, [workspaceId, ids]);
  return found
    .map((r) => {
      const customer = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Customer;
      return { customer, conversations: Number(r.conversations), reasons: [...reasons.get(customer.id)!] };
    })
    // the strongest first: more reasons, then an e-mail, phone or handle over a name alone
    .sort((a, b) => b.reasons.length - a.reasons.length
      || Number(b.reasons.some((x) => x !== 'same name')) - Number(a.reasons.some((x) => x !== 'same name'))
      || a.customer.id.localeCompare(b.customer.id))
    .slice(0, limit);
}
