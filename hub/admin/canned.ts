/**
 * Canned responses on the hub: the team's (owner_id NULL; supervisors and admins change them) and
 * each agent's own, with usage counts; and an agent's own settings (the keymap), which follow the
 * person to any desktop. Refusals change nothing.
 */
import { randomUUID } from 'node:crypto';
import type { CannedItem } from '../../shared/contract/admin';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { AgentContext } from '../sync/scope';

const COLUMNS = `id, shortcode, title, text, CASE WHEN owner_id IS NULL THEN 'team' ELSE 'personal' END AS scope, uses,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;

/** The team's canned responses and the caller's own, by shortcode. */
export function listCanned(q: Queryable, a: AgentContext): Promise<CannedItem[]> {
  return q.query<CannedItem>(`SELECT ${COLUMNS} FROM canned_responses WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2) ORDER BY shortcode, owner_id NULLS FIRST`,
    [a.workspace_id, a.id]);
}

const mayChangeTeam = (a: AgentContext) => a.role === 'supervisor' || a.role === 'admin';

/** One the caller can see, with whether they may change it (the team's: supervisors and admins; their own: always). */
async function visible(q: Queryable, a: AgentContext, id: string): Promise<{ owner_id: string | null; shortcode: string }> {
  const [row] = await q.query<{ owner_id: string | null; shortcode: string }>(
    'SELECT owner_id, shortcode FROM canned_responses WHERE id = $1 AND workspace_id = $2 AND (owner_id IS NULL OR owner_id = $3)', [id, a.workspace_id, a.id]);
  if (!row) throw new HttpError(404, 'not_found', `canned response ${id} not found`);
  return row;
}

async function shortcodeFree(q: Queryable, a: AgentContext, shortcode: string, except: string | null): Promise<void> {
  // one shortcode names one response for the caller: their own may not hide the team's, nor the other way round
  const [dup] = await q.query<{ owner_id: string | null }>(
    `SELECT owner_id FROM canned_responses WHERE workspace_id = $1 AND shortcode = $2 AND (owner_id IS NULL OR owner_id = $3) AND id IS DISTINCT FROM $4`,
    [a.workspace_id, shortcode, a.id, except]);
  if (dup) throw new HttpError(409, 'shortcode_taken', `;${shortcode} is taken by ${dup.owner_id ? 'one of your own' : "one of the team's"} canned responses`);
}

export async function createCanned(q: Queryable, a: AgentContext, c: { shortcode: string; title: string; text: string; scope: 'team' | 'personal' }): Promise<CannedItem> {
  if (c.scope === 'team' && !mayChangeTeam(a)) throw new HttpError(403, 'forbidden', "the team's canned responses are changed by supervisors and admins; add it as your own");
  await shortcodeFree(q, a, c.shortcode, null);
  const id = randomUUID();
  await q.query('INSERT INTO canned_responses (id, workspace_id, owner_id, shortcode, title, text, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [id, a.workspace_id, c.scope === 'team' ? null : a.id, c.shortcode, c.title, c.text, a.id]);
  return (await q.query<CannedItem>(`SELECT ${COLUMNS} FROM canned_responses WHERE id = $1`, [id]))[0]!;
}

export async function updateCanned(q: Queryable, a: AgentContext, id: string, patch: { shortcode?: string; title?: string; text?: string }): Promise<CannedItem> {
  const row = await visible(q, a, id);
  if (row.owner_id === null && !mayChangeTeam(a)) throw new HttpError(403, 'forbidden', "the team's canned responses are changed by supervisors and admins");
  if (patch.shortcode !== undefined && patch.shortcode !== row.shortcode) await shortcodeFree(q, a, patch.shortcode, id);
  await q.query(`UPDATE canned_responses SET shortcode = coalesce($2, shortcode), title = coalesce($3, title), text = coalesce($4, text), updated_at = now() WHERE id = $1`,
    [id, patch.shortcode ?? null, patch.title ?? null, patch.text ?? null]);
  return (await q.query<CannedItem>(`SELECT ${COLUMNS} FROM canned_responses WHERE id = $1`, [id]))[0]!;
}

export async function deleteCanned(q: Queryable, a: AgentContext, id: string): Promise<{ shortcode: string; team: boolean }> {
  const row = await visible(q, a, id);
  if (row.owner_id === null && !mayChangeTeam(a)) throw new HttpError(403, 'forbidden', "the team's canned responses are changed by supervisors and admins");
  await q.query('DELETE FROM canned_responses WHERE id = $1', [id]);
  return { shortcode: row.shortcode, team: row.owner_id === null };
}

export async function cannedUsed(q: Queryable, a: AgentContext, id: string): Promise<void> {
  await visible(q, a, id);
  await q.query('UPDATE canned_responses SET uses = uses + 1 WHERE id = $1', [id]);
}

export async function agentSettings(q: Queryable, agentId: string): Promise<Record<string, unknown>> {
  const rows = await q.query<{ key: string; value: unknown }>('SELECT key, value FROM agent_settings WHERE agent_id = $1', [agentId]);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function saveAgentSetting(q: Queryable, agentId: string, key: string, value: unknown): Promise<void> {
  await q.query(`INSERT INTO agent_settings (agent_id, key, value, updated_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (agent_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`, [agentId, key, JSON.stringify(value ?? null)]);
}
