/**
 * Macros on the hub (issue 15; shared/contract/macros.ts): a team's (its members see it; supervisors
 * of that team and admins change it) and each agent's own. The steps passed the contract's schema;
 * here they are checked against the workspace: the agents, teams and canned responses they name
 * must exist and be the macro's to use. Refusals change nothing.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CreateMacroSchema, Macro, MacroStep, UpdateMacroSchema } from '../../shared/contract/macros';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { AgentContext } from '../sync/scope';

const COLUMNS = `id, name, key, CASE WHEN owner_id IS NULL THEN 'team' ELSE 'personal' END AS scope, team_id, steps, uses,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;
const isLead = (a: AgentContext) => a.role === 'supervisor' || a.role === 'admin';

/** The caller's own macros and their teams' (supervisors and admins: every team's), by name. */
export function listMacros(q: Queryable, a: AgentContext): Promise<Macro[]> {
  return q.query<Macro>(`SELECT ${COLUMNS} FROM macros WHERE workspace_id = $1
    AND (owner_id = $2 OR team_id = ANY($3::text[]) OR (team_id IS NOT NULL AND $4::boolean))
    ORDER BY lower(name), owner_id NULLS FIRST, id`, [a.workspace_id, a.id, a.team_ids, a.role === 'admin' || a.role === 'supervisor']);
}

/** Who may change a team's macros: admins, and supervisors who are members of the team. */
function mayChangeTeam(a: AgentContext, teamId: string): boolean {
  return a.role === 'admin' || (a.role === 'supervisor' && a.team_ids.includes(teamId));
}

async function visible(q: Queryable, a: AgentContext, id: string): Promise<{ owner_id: string | null; team_id: string | null; name: string }> {
  const [row] = await q.query<{ owner_id: string | null; team_id: string | null; name: string }>(
    'SELECT owner_id, team_id, name FROM macros WHERE id = $1 AND workspace_id = $2', [id, a.workspace_id]);
  const seen = row && (row.owner_id === a.id || (row.team_id !== null && (a.team_ids.includes(row.team_id) || isLead(a))));
  if (!row || !seen) throw new HttpError(404, 'not_found', `macro ${id} not found`);
  return row;
}

function mayChange(a: AgentContext, row: { owner_id: string | null; team_id: string | null }): void {
  if (row.team_id !== null && !mayChangeTeam(a, row.team_id)) {
    throw new HttpError(403, 'forbidden', "a team's macros are changed by its supervisors and by admins; make it your own instead");
  }
}

/** The agents, teams and canned responses the steps name exist, and a team macro uses only the team's canned responses. */
async function checkSteps(q: Queryable, a: AgentContext, steps: MacroStep[], teamId: string | null): Promise<void> {
  for (const s of steps) {
    if (s.kind === 'assign') {
      if (s.agent !== null && s.agent !== 'me') {
        const [ag] = await q.query('SELECT 1 FROM agents WHERE id = $1 AND workspace_id = $2', [s.agent, a.workspace_id]);
        if (!ag) throw new HttpError(400, 'invalid', `assign step: agent ${s.agent} not found`);
      }
      if (s.team_id !== null) {
        const [t] = await q.query('SELECT 1 FROM teams WHERE id = $1 AND workspace_id = $2', [s.team_id, a.workspace_id]);
        if (!t) throw new HttpError(400, 'invalid', `assign step: team ${s.team_id} not found`);
      }
    } else if (s.kind === 'reply') {
      // a team macro runs on every member's desk: it may only use a canned response every member has
      const [c] = await q.query(`SELECT 1 FROM canned_responses WHERE workspace_id = $1 AND shortcode = $2 AND (owner_id IS NULL OR ($3::text IS NULL AND owner_id = $4))`,
        [a.workspace_id, s.canned, teamId, a.id]);
      if (!c) throw new HttpError(400, 'invalid', `reply step: no canned response ;${s.canned}${teamId ? " among the team's" : ''}`);
    }
  }
}

async function nameFree(q: Queryable, a: AgentContext, owner: { owner_id: string | null; team_id: string | null }, name: string, except: string | null): Promise<void> {
  const [dup] = await q.query(`SELECT 1 FROM macros WHERE workspace_id = $1 AND owner_id IS NOT DISTINCT FROM $2 AND team_id IS NOT DISTINCT FROM $3
    AND lower(name) = lower($4) AND id IS DISTINCT FROM $5`, [a.workspace_id, owner.owner_id, owner.team_id, name, except]);
  if (dup) throw new HttpError(409, 'name_taken', `a macro named "${name}" exists already ${owner.team_id ? 'for this team' : 'among your own'}`);
}

const one = async (q: Queryable, id: string) => (await q.query<Macro>(`SELECT ${COLUMNS} FROM macros WHERE id = $1`, [id]))[0]!;

export async function createMacro(q: Queryable, a: AgentContext, m: z.output<typeof CreateMacroSchema>): Promise<Macro> {
  const owner = m.scope === 'team' ? { owner_id: null, team_id: m.team_id } : { owner_id: a.id, team_id: null };
  if (owner.team_id !== null) {
    const [t] = await q.query('SELECT 1 FROM teams WHERE id = $1 AND workspace_id = $2', [owner.team_id, a.workspace_id]);
    if (!t) throw new HttpError(400, 'invalid', `team ${owner.team_id} not found`);
    mayChange(a, owner);
  }
  await checkSteps(q, a, m.steps, owner.team_id);
  await nameFree(q, a, owner, m.name, null);
  const id = randomUUID();
  await q.query('INSERT INTO macros (id, workspace_id, owner_id, team_id, name, key, steps, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [id, a.workspace_id, owner.owner_id, owner.team_id, m.name, m.key, JSON.stringify(m.steps), a.id]);
  return one(q, id);
}

export async function updateMacro(q: Queryable, a: AgentContext, id: string, patch: z.output<typeof UpdateMacroSchema>): Promise<Macro> {
  const row = await visible(q, a, id);
  mayChange(a, row);
  if (patch.steps) await checkSteps(q, a, patch.steps, row.team_id);
  if (patch.name !== undefined) await nameFree(q, a, row, patch.name, id);
  await q.query(`UPDATE macros SET name = coalesce($2, name), key = CASE WHEN $3::boolean THEN $4 ELSE key END,
    steps = coalesce($5::jsonb, steps), updated_at = now() WHERE id = $1`,
  [id, patch.name ?? null, patch.key !== undefined, patch.key ?? null, patch.steps ? JSON.stringify(patch.steps) : null]);
  return one(q, id);
}

export async function deleteMacro(q: Queryable, a: AgentContext, id: string): Promise<{ name: string; team_id: string | null }> {
  const row = await visible(q, a, id);
  mayChange(a, row);
  await q.query('DELETE FROM macros WHERE id = $1', [id]);
  return { name: row.name, team_id: row.team_id };
}

export async function macroUsed(q: Queryable, a: AgentContext, id: string): Promise<void> {
  await visible(q, a, id);
  await q.query('UPDATE macros SET uses = uses + 1 WHERE id = $1', [id]);
}
