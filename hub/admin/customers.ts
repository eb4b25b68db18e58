/**
 * A customer's data (issue 12): find a customer, export everything the hub holds about them as
 * JSON (profile, identities, conversations with messages and notes, survey answers, analysis), and
 * erase them: their messages' text, their identities and profile go from the hub, from the change
 * log's snapshots (which desktops sync from) and, at their next sync, from every desktop's cache;
 * the conversations stay, with their labels and times, so reports still count them. The erasure is
 * written to the audit log by the caller (who, when, which customer).
 * A person's profiles merged into one (hub/customers) are one person here: the export lists the
 * merged profiles and the merges, and the erasure takes every profile merged into the customer and
 * the merges' records (they hold what the kept profile was before); a profile that was merged away
 * is refused with the name of the one that holds its handles and conversations now.
 */
import { ERASED_CUSTOMER_NAME } from '../../shared/contract/customers';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';

export const ERASED = '[erased]';
const ERASED_NAME = ERASED_CUSTOMER_NAME;

export interface CustomerMatch { id: string; name: string; handles: string[]; conversations: number; last_at: string | null }

export async function findCustomers(q: Queryable, workspaceId: string, text: string): Promise<CustomerMatch[]> {
  const like = `%${text.replace(/^@/, '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return q.query<CustomerMatch>(
    `SELECT c.id, c.name,
        coalesce(array(SELECT ci.channel || ':' || ci.handle FROM customer_identities ci WHERE ci.customer_id = c.id ORDER BY ci.id), '{}') AS handles,
        (SELECT count(*)::int FROM conversations v WHERE v.customer_id = c.id) AS conversations,
        to_char((SELECT max(v.last_message_at) FROM conversations v WHERE v.customer_id = c.id) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_at
       FROM customers c
      WHERE c.workspace_id = $1 AND (c.id = $2 OR c.name ILIKE $3 OR EXISTS (SELECT 1 FROM customer_identities ci WHERE ci.customer_id = c.id AND ci.handle ILIKE $3))
      ORDER BY c.name, c.id LIMIT 25`, [workspaceId, text, like]);
}

async function customerRow(q: Queryable, workspaceId: string, id: string): Promise<Record<string, unknown>> {
  const [c] = await q.query<Record<string, unknown>>('SELECT * FROM customers WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  if (!c) throw new HttpError(404, 'not_found', `customer ${id} not found`);
  return c;
}

/** This customer and every profile merged into it, a merge of merges too (hub/customers/merge.ts). */
async function mergedTree(q: Queryable, id: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `WITH RECURSIVE tree(id) AS (SELECT $1::text UNION SELECT c.id FROM customers c JOIN tree t ON c.merged_into = t.id)
     SELECT id FROM tree`, [id]);
  return rows.map((r) => r.id);
}

/** Everything the hub holds about one customer, as JSON. */
export async function exportCustomer(q: Queryable, workspaceId: string, id: string) {
  const { sync_id: _s, ...customer } = await customerRow(q, workspaceId, id);
  const identities = await q.query('SELECT channel, handle, platform_user_id, created_at FROM customer_identities WHERE customer_id = $1 ORDER BY id', [id]);
  const conversations = await q.query<Record<string, unknown> & { id: string }>(
    `SELECT id, channel, subject, status, priority, tags, analysis, team_id, assignee_id, created_at, resolved_at, last_message_at
       FROM conversations WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id`, [workspaceId, id]);
  const ids = conversations.map((c) => c.id);
  const [messages, notes, surveys] = ids.length ? await Promise.all([
    q.query<{ conversation_id: string }>(`SELECT id, conversation_id, direction, visibility, author_name, text, platform_id, permalink, delivery, created_at
      FROM messages WHERE conversation_id = ANY($1) ORDER BY created_at, id`, [ids]),
    q.query<{ conversation_id: string }>('SELECT id, conversation_id, author_name, text, created_at FROM notes WHERE conversation_id = ANY($1) ORDER BY created_at, id', [ids]),
    q.query<{ conversation_id: string }>('SELECT conversation_id, kind, question, asked_at, answered_at, answer_text, score FROM surveys WHERE conversation_id = ANY($1) ORDER BY asked_at', [ids]),
  ]) : [[], [], []];
  const of = <T extends { conversation_id: string }>(rows: T[], cid: string) => rows.filter((r) => r.conversation_id === cid).map(({ conversation_id: _c, ...r }) => r);
  // profiles of the same person merged into this one (their handles and conversations are above now), and the merges
  const others = (await mergedTree(q, id)).filter((c) => c !== id);
  const mergedProfiles = others.length
    ? (await q.query<Record<string, unknown>>('SELECT * FROM customers WHERE id = ANY($1) ORDER BY id', [others])).map(({ sync_id: _s, ...c }) => c) : [];
  const merges = await q.query(
    // what a kept profile was before a merge is this person's only when the kept profile is one of theirs
    `SELECT id, into_id, from_id, CASE WHEN into_id = ANY($2) THEN into_before END AS into_before_merge, merged_at, undone_at FROM customer_merges
      WHERE workspace_id = $1 AND (into_id = ANY($2) OR from_id = ANY($2)) ORDER BY merged_at, id`, [workspaceId, [id, ...others]]);
  return {
    exported_at: new Date().toISOString(), customer, identities,
    conversations: conversations.map((c) => ({ ...c, messages: of(messages, c.id), notes: of(notes, c.id), surveys: of(surveys, c.id) })),
    merged_profiles: mergedProfiles, merges,
  };
}

/**
 * Erases a customer: inbound messages' text, the conversations' subject and snippet drawn from it,
 * personal data found by the analysis, survey answers' text, the profile and every identity. Through
 * the change log, so desktops apply it at their next sync; older snapshots in the log are scrubbed too.
 */
export async function eraseCustomer(log: ChangeLog, workspaceId: string, id: string): Promise<{ conversations: number; messages: number }> {
  await customerRow(log.db, workspaceId, id);
  let counts = { conversations: 0, messages: 0 };
  await log.write(async (w) => {
    const [me] = await w.query<{ merged_into: string | null; into_name: string | null }>(
      'SELECT c.merged_into, k.name AS into_name FROM customers c LEFT JOIN customers k ON k.id = c.merged_into WHERE c.id = $1', [id]);
    if (me?.merged_into) {
      throw new HttpError(409, 'merged', `this profile was merged into ${me.into_name ?? 'another'} (${me.merged_into}), which holds its handles and conversations now: erase that one (it takes this one too)`);
    }
    const people = await mergedTree(w, id);
    const convs = (await w.query<{ id: string }>('SELECT id FROM conversations WHERE workspace_id = $1 AND customer_id = ANY($2)', [workspaceId, people])).map((r) => r.id);
    const msgs = convs.length
      ? (await w.query<{ id: string }>(`SELECT id FROM messages WHERE conversation_id = ANY($1) AND direction = 'inbound'`, [convs])).map((r) => r.id) : [];
    // the platform's id stays (a redelivered post is still known as one already held); the author's name and link go
    for (const m of msgs) await w.update('message', m, { text: ERASED, author_id: null, author_name: ERASED_NAME, permalink: null });
    for (const c of convs) {
      await w.query(`UPDATE conversations SET analysis = analysis - 'pii' - 'pii_found' - 'reason' WHERE id = $1`, [c]);
      await w.update('conversation', c, { subject: '', snippet: ERASED });
    }
    if (convs.length) await w.query('UPDATE surveys SET answer_text = NULL WHERE conversation_id = ANY($1) AND answer_text IS NOT NULL', [convs]);
    await w.query('DELETE FROM customer_identities WHERE customer_id = ANY($1)', [people]);
    for (const p of people) await w.update('customer', p, { name: ERASED_NAME, location: null, followers: null, verified: false, tier: null, tags: [], notes: '' });
    // a merge's record holds the kept profile's tags and notes from before it, and the handles it moved: it goes, and cannot be undone
    await w.query('DELETE FROM customer_merges WHERE into_id = ANY($1)', [people]);
    // what desktops sync from: the log's older snapshots of these rows lose the text too
    if (msgs.length) {
      await w.query(`UPDATE changes SET data = data || jsonb_build_object('text', $2::text, 'author_id', NULL, 'author_name', $3::text, 'permalink', NULL)
        WHERE entity = 'message' AND entity_id = ANY($1)`, [msgs, ERASED, ERASED_NAME]);
    }
    if (convs.length) {
      await w.query(`UPDATE changes SET data = jsonb_set(jsonb_set(data - 'analysis', '{subject}', '""'), '{snippet}', to_jsonb($2::text)) || jsonb_build_object('analysis', coalesce(data->'analysis', '{}'::jsonb) - 'pii' - 'pii_found' - 'reason')
        WHERE entity = 'conversation' AND entity_id = ANY($1) AND data ? 'snippet'`, [convs, ERASED]);
    }
    await w.query(`UPDATE changes SET data = data || jsonb_build_object('name', $2::text, 'identities', '[]'::jsonb, 'location', NULL, 'followers', NULL, 'notes', '', 'tags', '[]'::jsonb)
      WHERE entity = 'customer' AND entity_id = ANY($1)`, [people, ERASED_NAME]);
    counts = { conversations: convs.length, messages: msgs.length };
  });
  return counts;
}
