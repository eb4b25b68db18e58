/**
 * An agent's scope and the three ways to read it: bootstrap pages, change pages, hydrate.
 *
 * Direct scope: conversations assigned to the agent + unassigned conversations queued to
 * their teams. Scope: every conversation of the customers of the direct scope (their
 * history), with messages, notes and the customers themselves.
 *
 * Pages are assembled as JSON text inside PostgreSQL (one statement per page, json_agg), so
 * a bootstrap never costs a query per row and Node never parses what it only forwards.
 */
import type { Db, Queryable } from '../db/db';
import type { Entities } from '../../shared/contract/hub-api';
import { conversationJson, customerJson, messageJson, noteJson } from './rows';
import { MAX_SYNC_ID_SQL } from './changelog';

export interface AgentContext {
  id: string;
  workspace_id: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  team_ids: string[];
  /** signed in with a temporary password: only the form that replaces it works (hub/admin) */
  must_change_password?: boolean;
}

/** The AgentContext columns of agent row `a`. */
export const agentContextColumns = (a: string) =>
  `${a}.id, ${a}.workspace_id, ${a}.name, ${a}.role, ${a}.must_change_password,
   coalesce(array(SELECT team_id FROM agent_teams WHERE agent_id = ${a}.id ORDER BY team_id), '{}') AS team_ids`;

export async function loadAgentContext(q: Queryable, agentId: string): Promise<AgentContext | null> {
  const [a] = await q.query<AgentContext>(`SELECT ${agentContextColumns('a')} FROM agents a WHERE a.id = $1`, [agentId]);
  return a ?? null;
}

/** Keys whose changes concern this agent (see changelog.ts). */
export function agentKeys(a: AgentContext): string[] {
  return [`a:${a.id}`, `g:${a.id}`, ...a.team_ids.map((t) => `q:${t}`)];
}

/**
 * SQL condition: conversation `d` is in the direct scope (the rule of shared/scope.ts, as SQL).
 * Params: $1 workspace, $2 agent, $3 teams (`scopeParams`).
 */
export const directScope = (d: string) =>
  `(${d}.workspace_id = $1 AND (${d}.assignee_id = $2 OR (${d}.assignee_id IS NULL AND ${d}.team_id = ANY($3::text[]))))`;

/** The parameters $1..$3 of `directScope`. */
export const scopeParams = (a: AgentContext): [string, string, string[]] => [a.workspace_id, a.id, a.team_ids];

/** The customers of an agent's direct scope (whose conversations make up the whole scope). */
export async function scopeCustomers(q: Queryable, a: AgentContext): Promise<Set<string>> {
  const rows = await q.query<{ customer_id: string }>(`SELECT DISTINCT d.customer_id FROM conversations d WHERE ${directScope('d')}`, scopeParams(a));
  return new Set(rows.map((r) => r.customer_id));
}

/**
 * The four entity arrays (JSON text) for the conversations selected by the CTE `page`.
 * `= ANY (ARRAY(...))` keeps the planner on the conversation_id indexes (an IN-subquery
 * turned into a hash join over the whole messages table).
 */
const ENTITY_COLUMNS = `
  (SELECT coalesce(json_agg(${conversationJson('p')} ORDER BY p.id), '[]')::text FROM page p) AS conversations,
  (SELECT coalesce(json_agg(${messageJson('m')} ORDER BY m.conversation_id, m.created_at, m.id), '[]')::text
     FROM messages m WHERE m.conversation_id = ANY (ARRAY(SELECT id FROM page))) AS messages,
  (SELECT coalesce(json_agg(${noteJson('n')} ORDER BY n.conversation_id, n.created_at, n.id), '[]')::text
     FROM notes n WHERE n.conversation_id = ANY (ARRAY(SELECT id FROM page))) AS notes,
  (SELECT coalesce(json_agg(${customerJson('cu')} ORDER BY cu.id), '[]')::text
     FROM customers cu WHERE cu.id = ANY (ARRAY(SELECT DISTINCT customer_id FROM page))) AS customers`;

interface EntityText { conversations: string; messages: string; notes: string; customers: string }

const entitiesJson = (r: EntityText) =>
  `"conversations":${r.conversations},"messages":${r.messages},"notes":${r.notes},"customers":${r.customers}`;

// ---- bootstrap -------------------------------------------------------------------

export interface BootstrapCursor { watermark: number; after: string }

export function encodeCursor(c: BootstrapCursor): string {
  return Buffer.from(JSON.stringify([c.watermark, c.after])).toString('base64url');
}

export function decodeCursor(s: string): BootstrapCursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && v[0] >= 0 && typeof v[1] === 'string') {
      return { watermark: v[0], after: v[1] };
    }
  } catch {} // not base64url JSON: an invalid cursor, refused below like any other
  return null;
}

/** One bootstrap page as a JSON string shaped like BootstrapPageSchema. */
export async function bootstrapPage(q: Queryable, a: AgentContext, cursor: BootstrapCursor | null, limit: number): Promise<string> {
  const [r] = await q.query<EntityText & { n: number; last: string | null; max: number }>(
    `WITH page AS (
       SELECT c.* FROM conversations c
       WHERE c.workspace_id = $1 AND c.id > $4
         AND c.customer_id IN (SELECT d.customer_id FROM conversations d WHERE ${directScope('d')})
       ORDER BY c.id LIMIT $5)
     SELECT ${MAX_SYNC_ID_SQL} AS max,
            (SELECT count(*) FROM page)::int AS n, (SELECT max(id) FROM page) AS last,
            ${ENTITY_COLUMNS}`,
    [...scopeParams(a), cursor?.after ?? '', limit]);
  // the watermark is read at page 1, in the same snapshot as the first rows
  const watermark = cursor ? cursor.watermark : r.max;
  const next = r.n === limit && r.last !== null ? encodeCursor({ watermark, after: r.last }) : null;
  return `{${entitiesJson(r)},"watermark":${watermark},"next_cursor":${JSON.stringify(next)}}`;
}

// ---- changes -------------------------------------------------------------------------

export interface ChangesPageText { json: string; to: number; has_more: boolean; reset: boolean; count: number }

/** Changes of the agent's scope after `since`, as a JSON string shaped like ChangesPageSchema. */
export async function changesPage(q: Queryable, a: AgentContext, since: number, limit: number): Promise<ChangesPageText> {
  const [r] = await q.query<{ max: number; retained_from: number; n: number; last: number | null; changes: string }>(
    `WITH mx AS (SELECT ${MAX_SYNC_ID_SQL} AS m),
          sel AS (
            SELECT ch.sync_id, ch.entity, ch.data FROM changes ch
            WHERE ch.sync_id > $4 AND ch.sync_id <= (SELECT m FROM mx) AND ch.workspace_id = $1
              AND (ch.keys && $6::text[]
                   OR (ch.customer_id IS NOT NULL AND EXISTS (
                         SELECT 1 FROM conversations d WHERE d.customer_id = ch.customer_id AND ${directScope('d')})))
            ORDER BY ch.sync_id LIMIT $5 + 1),
          pg AS (SELECT * FROM sel ORDER BY sync_id LIMIT $5)
     SELECT (SELECT m FROM mx) AS max, (SELECT retained_from FROM sync_state) AS retained_from,
            (SELECT count(*) FROM sel)::int AS n, (SELECT max(sync_id) FROM pg) AS last,
            (SELECT coalesce(json_agg(json_build_object('sync_id', sync_id, 'entity', entity, 'op', 'upsert', 'data', data)
                                      ORDER BY sync_id), '[]')::text FROM pg) AS changes`,
    [...scopeParams(a), since, limit, agentKeys(a)]);
  const max = Math.max(r.max, r.retained_from - 1);
  if (since < 0 || since < r.retained_from - 1 || since > max) {
    return { json: JSON.stringify({ since, to: max, has_more: false, reset: true, changes: [] }), to: max, has_more: false, reset: true, count: 0 };
  }
  const hasMore = r.n > limit;
  const to = hasMore ? (r.last as number) : max;
  return {
    json: `{"since":${since},"to":${to},"has_more":${hasMore},"reset":false,"changes":${r.changes}}`,
    to, has_more: hasMore, reset: false, count: Math.min(r.n, limit),
  };
}

// ---- hydrate -----------------------------------------------------------------------

export type HydrateOutcome =
  | { ok: true; json: string }
  | { ok: false; code: 'not_found' | 'forbidden'; ids: string[] };

/** Whole history of customers in the agent's scope (refused for any customer outside it). */
export async function hydrate(q: Queryable, a: AgentContext, customerIds: string[]): Promise<HydrateOutcome> {
  const ids = [...new Set(customerIds)];
  const known = new Set((await q.query<{ id: string }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND id = ANY($2::text[])', [a.workspace_id, ids])).map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) return { ok: false, code: 'not_found', ids: unknown };
  const inScope = new Set((await q.query<{ customer_id: string }>(
    `SELECT DISTINCT d.customer_id FROM conversations d WHERE ${directScope('d')} AND d.customer_id = ANY($4::text[])`,
    [...scopeParams(a), ids])).map((r) => r.customer_id));
  const outside = ids.filter((id) => !inScope.has(id));
  if (outside.length) return { ok: false, code: 'forbidden', ids: outside };
  const [r] = await q.query<EntityText>(
    `WITH page AS (SELECT c.* FROM conversations c WHERE c.workspace_id = $1 AND c.customer_id = ANY($2::text[]))
     SELECT ${ENTITY_COLUMNS}`, [a.workspace_id, ids]);
  return { ok: true, json: `{${entitiesJson(r)}}` };
}

// ---- the truth, for tests ----------------------------------------------------------------

/** Exactly what the agent should hold now: every entity of their scope, sorted by id. */
export async function scopeSnapshot(db: Db | Queryable, agentId: string): Promise<Entities> {
  const a = await loadAgentContext(db, agentId);
  if (!a) throw new Error(`agent ${agentId} not found`);
  const [r] = await db.query<EntityText>(
    `WITH page AS (
       SELECT c.* FROM conversations c
       WHERE c.workspace_id = $1 AND c.customer_id IN (SELECT d.customer_id FROM conversations d WHERE ${directScope('d')}))
     SELECT ${ENTITY_COLUMNS}`, scopeParams(a));
  const e = JSON.parse(`{${entitiesJson(r)}}`) as Entities;
  const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  return {
    conversations: e.conversations.sort(byId), messages: e.messages.sort(byId),
    notes: e.notes.sort(byId), customers: e.customers.sort(byId),
  };
}
