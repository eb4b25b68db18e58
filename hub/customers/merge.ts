/**
 * Merging two profiles of one person (a customer on X and the same person on Messenger): the
 * merged customer's handles and conversations move to the kept one, its tags and notes are added,
 * and its row stays, pointing at the kept one. Every merge is remembered (customer_merges) with
 * what moved and what the kept customer was before, so it can be undone: the handles and
 * conversations move back and what the merge added goes (edits made since stay).
 * Everything goes through the change log, so desktops see the move like any other change.
 */
import { randomUUID } from 'node:crypto';
import type { Merge } from '../../shared/contract/customers';
import { LIMITS } from '../../shared/domain';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ChangeLog, Writer } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';

interface CustomerRow {
  id: string; name: string; location: string | null; followers: number | null; verified: boolean; tier: string | null;
  tags: string[]; notes: string; merged_into: string | null;
}
type Before = Pick<CustomerRow, 'tags' | 'notes' | 'location' | 'followers' | 'verified' | 'tier'>;

const joinNotes = (a: string, b: string) => [a, b].filter((n) => n.trim()).join('\n\n');

async function customers(w: Writer, workspaceId: string, ids: string[]): Promise<Map<string, CustomerRow>> {
  const rows = await w.query<CustomerRow>(
    `SELECT id, name, location, followers, verified, tier, tags, notes, merged_into FROM customers
      WHERE workspace_id = $1 AND id = ANY($2::text[])`, [workspaceId, ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function mergeCustomers(log: ChangeLog, agent: AgentContext, intoId: string, fromId: string): Promise<Merge> {
  if (intoId === fromId) throw new HttpError(400, 'invalid', 'a customer cannot be merged into itself');
  const id = randomUUID();
  await log.write(async (w) => {
    const found = await customers(w, agent.workspace_id, [intoId, fromId]);
    const into = found.get(intoId), from = found.get(fromId);
    if (!into || !from) throw new HttpError(404, 'not_found', `customer ${into ? fromId : intoId} not found`);
    for (const c of [into, from]) {
      if (c.merged_into) throw new HttpError(409, 'merged', `${c.name} was already merged into another profile`);
    }
    const idents = await w.query<{ id: string }>(
      'UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2 RETURNING id', [intoId, fromId]);
    const convs = await w.query<{ id: string }>('SELECT id FROM conversations WHERE customer_id = $1 ORDER BY id', [fromId]);
    for (const c of convs) await w.update('conversation', c.id, { customer_id: intoId });
    const before: Before = { tags: into.tags, notes: into.notes, location: into.location, followers: into.followers, verified: into.verified, tier: into.tier };
    await w.update('customer', intoId, {
      tags: [...new Set([...into.tags, ...from.tags])].slice(0, LIMITS.tagsPerConversation),
      notes: joinNotes(into.notes, from.notes),
      followers: into.followers === null && from.followers === null ? null : Math.max(into.followers ?? 0, from.followers ?? 0),
      verified: into.verified || from.verified,
      tier: into.tier ?? from.tier,
      location: into.location ?? from.location,
    });
    await w.update('customer', fromId, { merged_into: intoId });
    await w.query(
      `INSERT INTO customer_merges (id, workspace_id, into_id, from_id, identity_ids, conversation_ids, into_before, merged_by)
       VALUES ($1, $2, $3, $4, $5::bigint[], $6::text[], $7::jsonb, $8)`,
      [id, agent.workspace_id, intoId, fromId, idents.map((i) => String(i.id)), convs.map((c) => c.id), JSON.stringify(before), agent.id]);
  });
  return (await listMerges(log.db, agent.workspace_id, { id }))[0]!;
}

export async function undoMerge(log: ChangeLog, agent: AgentContext, mergeId: string): Promise<Merge> {
  await log.write(async (w) => {
    const [m] = await w.query<{ into_id: string; from_id: string; identity_ids: string[]; conversation_ids: string[]; into_before: Before; undone_at: Date | null }>(
      'SELECT into_id, from_id, identity_ids, conversation_ids, into_before, undone_at FROM customer_merges WHERE id = $1 AND workspace_id = $2',
      [mergeId, agent.workspace_id]);
    if (!m) throw new HttpError(404, 'not_found', `merge ${mergeId} not found`);
    if (m.undone_at) throw new HttpError(409, 'undone', 'this merge was already undone');
    const found = await customers(w, agent.workspace_id, [m.into_id, m.from_id]);
    const into = found.get(m.into_id)!, from = found.get(m.from_id)!;
    if (into.merged_into) throw new HttpError(409, 'merged', `${into.name} was merged into another profile since: undo that merge first`);
    await w.query('UPDATE customer_identities SET customer_id = $1 WHERE id = ANY($2::bigint[]) AND customer_id = $3',
      [m.from_id, m.identity_ids.map(String), m.into_id]);
    const convs = await w.query<{ id: string }>('SELECT id FROM conversations WHERE id = ANY($1::text[]) AND customer_id = $2 ORDER BY id',
      [m.conversation_ids, m.into_id]);
    for (const c of convs) await w.update('conversation', c.id, { customer_id: m.from_id });
    // what the merge added goes; what agents changed since stays
    const before = m.into_before;
    const added = from.tags.filter((t) => !before.tags.includes(t));
    await w.update('customer', m.into_id, {
      tags: into.tags.filter((t) => !added.includes(t)),
      notes: into.notes === joinNotes(before.notes, from.notes) ? before.notes : into.notes,
      followers: before.followers, verified: before.verified, tier: before.tier, location: before.location,
    });
    await w.update('customer', m.from_id, { merged_into: null });
    await w.query('UPDATE customer_merges SET undone_at = now(), undone_by = $2 WHERE id = $1', [mergeId, agent.id]);
  });
  return (await listMerges(log.db, agent.workspace_id, { id: mergeId }))[0]!;
}

/** Merges into a customer (newest first), or one merge by id. */
export async function listMerges(db: Queryable, workspaceId: string, by: { intoId?: string; id?: string }): Promise<Merge[]> {
  const rows = await db.query<{ id: string; into_id: string; from_id: string; from_name: string; merged_by_name: string; merged_at: Date | string; undone_at: Date | string | null; conversations: number; identities: Merge['identities'] }>(
    `SELECT m.id, m.into_id, m.from_id, f.name AS from_name, a.name AS merged_by_name, m.merged_at, m.undone_at,
            cardinality(m.conversation_ids) AS conversations,
            coalesce((SELECT json_agg(json_build_object('channel', ci.channel, 'handle', ci.handle, 'platform_user_id', ci.platform_user_id) ORDER BY ci.id)
                        FROM customer_identities ci WHERE ci.id = ANY(m.identity_ids)), '[]'::json) AS identities
       FROM customer_merges m JOIN customers f ON f.id = m.from_id JOIN agents a ON a.id = m.merged_by
      WHERE m.workspace_id = $1 AND (m.into_id = $2 OR m.id = $3)
      ORDER BY m.merged_at DESC, m.id LIMIT 50`, [workspaceId, by.intoId ?? null, by.id ?? null]);
  const iso = (d: Date | string) => new Date(d).toISOString();
  return rows.map((r) => ({
    id: r.id, into_id: r.into_id, from_id: r.from_id, from_name: r.from_name, identities: r.identities, conversations: Number(r.conversations),
    merged_by_name: r.merged_by_name, merged_at: iso(r.merged_at), undone_at: r.undone_at === null ? null : iso(r.undone_at),
  }));
}
