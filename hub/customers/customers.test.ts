/**
 * Customers on the hub (issue 13, item 9): an agent edits a customer's tags and notes (the
 * update_customer mutation; two agents' notes never overwrite each other), the hub suggests
 * profiles of the same person (same name, e-mail, phone, a handle mentioned), and a merge moves
 * handles and conversations (synced through the change log), new posts land on the kept profile,
 * and an undo puts everything back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRelatedSchema, MergeResponseSchema } from '../../shared/contract/customers';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, writeCounts } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { conversation, post, seedWorld, type World } from '../../testing/hub/fixtures';
import { contactsIn } from './suggestions';

let db: Db;
let hub: Hub;
let w: World;
let tokA: string, tokB: string;

beforeAll(async () => {
  db = await openTestDb('customers');
  hub = await startHub({ database: db });
  w = await seedWorld(hub.log);
  [tokA, tokB] = await Promise.all([login(hub.url, w.emails.a), login(hub.url, w.emails.b)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const mutate = (token: string, type: string, args: unknown) =>
  call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [{ id: randomUUID(), type, args }] } });
interface CustomerRow { tags: string[]; notes: string; merged_into: string | null }
const customerRow = async (id: string) => (await db.query<CustomerRow>('SELECT * FROM customers WHERE id = $1', [id]))[0]!;
const customerOf = async (conversationId: string) => (await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [conversationId]))[0]!.customer_id;
const related = async (id: string, token = tokA) => CustomerRelatedSchema.parse((await call(hub.url, 'GET', `/v1/customers/${id}/related`, { token })).json);

describe('editing a customer', () => {
  it('tags and notes through a conversation in scope; synced; another agent outside it is refused', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA, handle: 'edit_me' });
    const r = await mutate(tokA, 'update_customer', { conversation_id: c.id, add_tags: ['vip', 'refund'], remove_tags: [], notes: 'Prefers DMs', notes_base: '' });
    expect(r.json.results[0]).toMatchObject({ ok: true });
    expect(await customerRow(c.customer_id)).toMatchObject({ tags: ['refund', 'vip'], notes: 'Prefers DMs' });
    const [change] = await db.query<{ data: Record<string, unknown> }>(`SELECT data FROM changes WHERE entity = 'customer' AND entity_id = $1 ORDER BY sync_id DESC LIMIT 1`, [c.customer_id]);
    expect(change.data).toMatchObject({ tags: ['refund', 'vip'], notes: 'Prefers DMs' });
    const r2 = await mutate(tokA, 'update_customer', { conversation_id: c.id, add_tags: [], remove_tags: ['refund'] });
    expect(r2.json.results[0].ok).toBe(true);
    expect(await customerRow(c.customer_id)).toMatchObject({ tags: ['vip'], notes: 'Prefers DMs' });
    const other = await mutate(tokB, 'update_customer', { conversation_id: c.id, add_tags: ['x'], remove_tags: [] });
    expect(other.json.results[0]).toMatchObject({ ok: false, error: { code: 'conversation_reassigned' } });
    expect((await customerRow(c.customer_id)).tags).toEqual(['vip']);
  });

  it('notes changed by someone else meanwhile are kept with this agent\'s, never overwritten', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA, handle: 'two_writers' });
    await mutate(tokA, 'update_customer', { conversation_id: c.id, add_tags: [], remove_tags: [], notes: 'Order #1', notes_base: '' });
    // a second desktop edited from the empty notes it had, before it saw "Order #1"
    const r = await mutate(tokA, 'update_customer', { conversation_id: c.id, add_tags: [], remove_tags: [], notes: 'Allergic to nuts', notes_base: '' });
    expect(r.json.results[0].ok).toBe(true);
    expect((await customerRow(c.customer_id)).notes).toBe('Order #1\n\nAllergic to nuts');
  });

  it('bad input is refused whole, nothing written', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA, handle: 'bad_input' });
    const before = await writeCounts(db);
    const r = await mutate(tokA, 'update_customer', { conversation_id: c.id, add_tags: [''], remove_tags: [] });
    expect(r.status).toBe(400);
    expect(await writeCounts(db)).toEqual(before);
  });
});

describe('merge suggestions', () => {
  it('reads e-mails, phone numbers and @handles out of text', () => {
    const got = contactsIn('mail me at Maria.K@Example.com or call +48 601 234 567, I am @maria.k. on IG');
    expect([...got.emails]).toEqual(['maria.k@example.com']);
    expect([...got.phones]).toEqual(['48601234567']);
    expect([...got.mentions]).toEqual(['maria.k']);
  });

  it('same name, same e-mail, same phone, a handle mentioned either way; each with why', async () => {
    const me = await conversation(hub.log, w, { assignee: w.agentA, handle: 'maria_x' });
    await db.query(`UPDATE customers SET name = 'Maria Kowal' WHERE id = $1`, [me.customer_id]);
    await w.ingestor.ingest(post({ handle: 'maria_x', text: 'It is maria@example.com, or +48 601 234 567. I also wrote as @maria_ig' }));
    const namesake = await conversation(hub.log, w, { handle: 'maria_fb' });
    await db.query(`UPDATE customers SET name = 'maria kowal ' WHERE id = $1`, [namesake.customer_id]);
    const mailer = (await w.ingestor.ingest(post({ handle: 'mk_mail', text: 'reach me: Maria@Example.com' }))).conversation_id;
    const caller = (await w.ingestor.ingest(post({ handle: 'mk_phone', text: 'call 0048 (601) 234-567 please' }))).conversation_id;
    const mentioned = await conversation(hub.log, w, { handle: 'maria_ig' });
    const mentioner = (await w.ingestor.ingest(post({ handle: 'mk_fan', text: 'same person as @maria_x here' }))).conversation_id;
    const stranger = await conversation(hub.log, w, { handle: 'someone_else' });
    const cust = async (conv: string) => (await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [conv]))[0].customer_id;
    const got = await related(me.customer_id);
    const why = new Map(got.suggestions.map((s) => [s.customer.id, s.reasons]));
    expect(why.get(namesake.customer_id)).toEqual(['same name']);
    expect(why.get(await cust(mailer))).toEqual(['same e-mail maria@example.com']);
    expect(why.get(await cust(caller))).toEqual(['same phone number ending 4567']);
    expect(why.get(mentioned.customer_id)).toEqual(['mentions @maria_ig']);
    expect(why.get(await cust(mentioner))).toEqual(['their messages mention @maria_x']);
    expect(why.has(stranger.customer_id)).toBe(false);
    expect(why.has(me.customer_id)).toBe(false);
    // the strongest (an e-mail, a phone, a handle) come before a name alone
    expect(got.suggestions.at(-1)!.customer.id).toBe(namesake.customer_id);
  });
});

describe('merging two profiles', () => {
  it('moves handles and conversations (synced), keeps both tags and notes, new posts land on the kept one, and undo puts it all back', async () => {
    const keep = await conversation(hub.log, w, { assignee: w.agentA, handle: 'keep_me' });
    const dup = await conversation(hub.log, w, { assignee: w.agentB, team: w.teamB, handle: 'dup_me' });
    await mutate(tokA, 'update_customer', { conversation_id: keep.id, add_tags: ['vip'], remove_tags: [], notes: 'Kept notes', notes_base: '' });
    await mutate(tokB, 'update_customer', { conversation_id: dup.id, add_tags: ['refund'], remove_tags: [], notes: 'Dup notes', notes_base: '' });
    const since = (await db.query<{ n: string }>('SELECT max(sync_id)::text AS n FROM changes'))[0].n;

    const res = await call(hub.url, 'POST', '/v1/customers/merge', { token: tokA, body: { into_id: keep.customer_id, from_id: dup.customer_id } });
    expect(res.status).toBe(200);
    const { merge } = MergeResponseSchema.parse(res.json);
    expect(merge).toMatchObject({ into_id: keep.customer_id, from_id: dup.customer_id, from_name: 'dup_me', conversations: 1, merged_by_name: 'Agent A', undone_at: null });
    expect(merge.identities.map((i) => i.handle)).toEqual(['dup_me']);
    expect(await customerOf(dup.id)).toBe(keep.customer_id);
    expect(await customerRow(keep.customer_id)).toMatchObject({ tags: ['vip', 'refund'], notes: 'Kept notes\n\nDup notes', merged_into: null });
    expect((await customerRow(dup.customer_id)).merged_into).toBe(keep.customer_id);
    // desktops hear of it: the moved conversation and the kept customer with both handles
    const changes = await db.query<{ entity: string; entity_id: string; data: { customer_id?: string; identities?: Array<{ handle: string }> } }>('SELECT entity, entity_id, data FROM changes WHERE sync_id > $1 ORDER BY sync_id', [since]);
    expect(changes.find((c) => c.entity === 'conversation' && c.entity_id === dup.id)!.data.customer_id).toBe(keep.customer_id);
    expect(changes.filter((c) => c.entity === 'customer' && c.entity_id === keep.customer_id).at(-1)!.data.identities!.map((i) => i.handle).sort()).toEqual(['dup_me', 'keep_me']);
    // the next post by the merged handle is the kept customer's
    const next = await w.ingestor.ingest(post({ handle: 'dup_me', text: 'me again' }));
    expect(await customerOf(next.conversation_id)).toBe(keep.customer_id);
    // listed with the kept customer; a merged profile is never suggested or merged again
    expect((await related(keep.customer_id)).merges.map((m) => m.id)).toEqual([merge.id]);
    const again = await call(hub.url, 'POST', '/v1/customers/merge', { token: tokA, body: { into_id: keep.customer_id, from_id: dup.customer_id } });
    expect(again.status).toBe(409);

    const undo = await call(hub.url, 'POST', `/v1/customers/merges/${merge.id}/undo`, { token: tokB });
    expect(undo.status).toBe(200);
    expect(MergeResponseSchema.parse(undo.json).merge.undone_at).not.toBeNull();
    expect(await customerOf(dup.id)).toBe(dup.customer_id);
    expect(await customerRow(keep.customer_id)).toMatchObject({ tags: ['vip'], notes: 'Kept notes' });
    expect(await customerRow(dup.customer_id)).toMatchObject({ tags: ['refund'], notes: 'Dup notes', merged_into: null });
    const idents = await db.query<{ handle: string; customer_id: string }>('SELECT handle, customer_id FROM customer_identities WHERE handle = ANY($1)', [['dup_me', 'keep_me']]);
    expect(Object.fromEntries(idents.map((i) => [i.handle, i.customer_id]))).toEqual({ dup_me: dup.customer_id, keep_me: keep.customer_id });
    expect((await call(hub.url, 'POST', `/v1/customers/merges/${merge.id}/undo`, { token: tokA })).status).toBe(409);
  });

  it('refuses a merge into itself, unknown customers and no session, changing nothing', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA, handle: 'lonely' });
    const before = await writeCounts(db);
    expect((await call(hub.url, 'POST', '/v1/customers/merge', { token: tokA, body: { into_id: c.customer_id, from_id: c.customer_id } })).status).toBe(400);
    expect((await call(hub.url, 'POST', '/v1/customers/merge', { token: tokA, body: { into_id: c.customer_id, from_id: 'nobody' } })).status).toBe(404);
    expect((await call(hub.url, 'POST', '/v1/customers/merge', { body: { into_id: c.customer_id, from_id: 'x' } })).status).toBe(401);
    expect((await call(hub.url, 'GET', '/v1/customers/nobody/related', { token: tokA })).status).toBe(404);
    expect(await writeCounts(db)).toEqual(before);
  });
});
