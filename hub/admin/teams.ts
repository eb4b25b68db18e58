/**
 * Teams and departments of a workspace: list, create, rename, archive, restore. A new workspace
 * starts with a support team and the four departments of the care cycle (hub/accounts/admin.ts
 * `createWorkspaceWithDefaults`).
 *
 * Archiving keeps the team (its history still names it) but takes it out of routing and of the
 * pickers. It is refused, with every reason, while the team still has work or routing points at
 * it: the last support team, conversations waiting in its queue or open insights, rules sending
 * posts to it, or it being where posts go when no rule matches.
 */
import { randomUUID } from 'node:crypto';
import type { AdminTeam } from '../../shared/contract/admin';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';

const COLUMNS = (t: string) => `${t}.id, ${t}.name, ${t}.kind, ${t}.archived_at IS NOT NULL AS archived,
  (SELECT count(*)::int FROM agent_teams at WHERE at.team_id = ${t}.id) AS members,
  CASE WHEN ${t}.kind = 'support'
    THEN (SELECT count(*)::int FROM conversations c WHERE c.team_id = ${t}.id AND c.assignee_id IS NULL AND c.status <> 'resolved')
    ELSE (SELECT count(*)::int FROM insights i WHERE i.department_id = ${t}.id AND i.status = 'open') END AS waiting,
  to_char(${t}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

export async function listTeams(q: Queryable, workspaceId: string): Promise<AdminTeam[]> {
  return q.query<AdminTeam>(`SELECT ${COLUMNS('t')} FROM teams t WHERE t.workspace_id = $1 ORDER BY t.archived_at IS NOT NULL, t.kind DESC, t.created_at, t.name`, [workspaceId]);
}

export async function getTeam(q: Queryable, workspaceId: string, id: string): Promise<AdminTeam> {
  const [t] = await q.query<AdminTeam>(`SELECT ${COLUMNS('t')} FROM teams t WHERE t.workspace_id = $1 AND t.id = $2`, [workspaceId, id]);
  if (!t) throw new HttpError(404, 'not_found', `team ${id} not found`);
  return t;
}

async function nameTaken(q: Queryable, workspaceId: string, name: string, except: string | null): Promise<void> {
  const [dup] = await q.query<{ name: string; archived: boolean }>(
    'SELECT name, archived_at IS NOT NULL AS archived FROM teams WHERE workspace_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3',
    [workspaceId, name, except]);
  if (dup) throw new HttpError(409, 'name_taken', `a team named "${dup.name}" exists already${dup.archived ? ' (archived: restore it instead)' : ''}`);
}

export async function createTeam(q: Queryable, workspaceId: string, name: string, kind: 'support' | 'department'): Promise<AdminTeam> {
  await nameTaken(q, workspaceId, name, null);
  const id = randomUUID();
  await q.query('INSERT INTO teams (id, workspace_id, name, kind) VALUES ($1, $2, $3, $4)', [id, workspaceId, name, kind]);
  return getTeam(q, workspaceId, id);
}

export async function renameTeam(q: Queryable, workspaceId: string, id: string, name: string): Promise<{ team: AdminTeam; from: string }> {
  const before = await getTeam(q, workspaceId, id);
  await nameTaken(q, workspaceId, name, id);
  await q.query('UPDATE teams SET name = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, id, name]);
  return { team: await getTeam(q, workspaceId, id), from: before.name };
}

/** Why a team cannot be archived now (empty: it can). */
export async function archiveProblems(q: Queryable, workspaceId: string, team: AdminTeam): Promise<string[]> {
  const problems: string[] = [];
  if (team.kind === 'support') {
    const [{ n }] = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM teams WHERE workspace_id = $1 AND kind = 'support' AND archived_at IS NULL AND id <> $2`, [workspaceId, team.id]);
    if (n === 0) problems.push('it is the last support team: posts need a team to wait in');
  }
  const [{ open }] = await q.query<{ open: number }>(
    `SELECT count(*)::int AS open FROM conversations WHERE team_id = $1 AND status <> 'resolved'`, [team.id]);
  if (team.kind === 'support' && open > 0) {
    problems.push(`${open} open conversation${open === 1 ? ' belongs' : 's belong'} to it (${team.waiting} waiting in its queue): resolve or move them first`);
  }
  if (team.kind === 'department' && team.waiting > 0) problems.push(`${team.waiting} insight${team.waiting === 1 ? ' is' : 's are'} still open: close them first`);
  const [cfg] = await q.query<{ config: { default_queue_id?: string; queues?: Array<{ id: string; team_id: string }>; rules?: Array<{ name: string; targets: Array<{ queue_id: string }> }> } }>(
    'SELECT config FROM routing_config WHERE workspace_id = $1', [workspaceId]).catch(() => []);
  if (cfg) {
    const queues = new Set((cfg.config.queues ?? []).filter((x) => x.team_id === team.id).map((x) => x.id));
    queues.add(`q-${team.id}`);
    const rules = (cfg.config.rules ?? []).filter((r) => r.targets.some((t) => queues.has(t.queue_id))).map((r) => `"${r.name}"`);
    if (rules.length) problems.push(`routing rule${rules.length === 1 ? '' : 's'} ${rules.join(', ')} send${rules.length === 1 ? 's' : ''} posts to it: change ${rules.length === 1 ? 'it' : 'them'} first`);
    if (cfg.config.default_queue_id && queues.has(cfg.config.default_queue_id)) problems.push('posts no rule matches go to it: choose another team for them in the routing rules first');
  }
  return problems;
}

/**
 * Archives (or restores) a team. Archiving also takes its people out of it, through the change log,
 * so their desktops and routing follow; restoring brings nobody back. Returns who left it.
 */
export async function setArchived(log: ChangeLog, workspaceId: string, id: string, archived: boolean): Promise<{ team: AdminTeam; removed: string[] }> {
  const q = log.db;
  const team = await getTeam(q, workspaceId, id);
  if (archived === team.archived) return { team, removed: [] };
  if (archived) {
    const problems = await archiveProblems(q, workspaceId, team);
    if (problems.length) throw new HttpError(409, 'team_in_use', `"${team.name}" cannot be archived: ${problems.join('; ')}`, { problems });
  }
  let removed: string[] = [];
  await log.write(async (w) => {
    await w.query(`UPDATE teams SET archived_at = CASE WHEN $3 THEN coalesce(archived_at, now()) END WHERE workspace_id = $1 AND id = $2`, [workspaceId, id, archived]);
    if (!archived) return;
    removed = (await w.query<{ agent_id: string }>('DELETE FROM agent_teams WHERE team_id = $1 RETURNING agent_id', [id])).map((r) => r.agent_id);
    for (const agentId of removed) await w.record('agent', agentId);
  });
  return { team: await getTeam(q, workspaceId, id), removed };
}
