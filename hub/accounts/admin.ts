/**
 * Workspace administration used by the demo, tests, the CLI and the admin endpoints: workspaces,
 * teams, agents, channel accounts. Agent changes go through the change log (their own record
 * syncs). Changes to agents and channel accounts are written to the audit log in the same
 * transaction (`by`: the admin who made it; none for the CLI, the demo and the hub itself).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';
import { recordAudit } from './audit';
import { hashPassword } from './auth';
import type { Sessions } from './sessions';
import type { Channel, Role } from '../../shared/domain';
import { DEFAULT_CANNED } from '../../shared/text/canned';

/** Who made an admin change, for the audit log. */
export interface Actor { id: string; name: string; ip?: string | null }
const actorOf = (by: Actor | null | undefined) => ({ actor_id: by?.id ?? null, actor_name: by?.name ?? null, ip: by?.ip ?? null });

/** A workspace, with the starter set of team canned responses. */
export async function createWorkspace(q: Queryable, name: string, id: string = randomUUID()): Promise<string> {
  await q.query('INSERT INTO workspaces (id, name) VALUES ($1, $2)', [id, name]);
  for (const c of DEFAULT_CANNED) {
    await q.query('INSERT INTO canned_responses (id, workspace_id, owner_id, shortcode, title, text) VALUES ($1, $2, NULL, $3, $4, $5)',
      [randomUUID(), id, c.shortcode, c.title, c.text]);
  }
  return id;
}

/** The support team and the four departments the care cycle routes insights to (all renameable in the app). */
export const DEFAULT_TEAMS: Array<{ name: string; kind: 'support' | 'department' }> = [
  { name: 'Support', kind: 'support' },
  { name: 'Product quality', kind: 'department' },
  { name: 'Store operations', kind: 'department' },
  { name: 'Product management', kind: 'department' },
  { name: 'Loyalty', kind: 'department' },
];

/** A new workspace as a care team starts it: a support team and the five destinations of the care cycle (`DEFAULT_TEAMS`). */
export async function createWorkspaceWithDefaults(q: Queryable, name: string, id: string = randomUUID()): Promise<string> {
  await createWorkspace(q, name, id);
  for (const t of DEFAULT_TEAMS) await createTeam(q, id, t.name, t.kind);
  return id;
}

export async function createTeam(q: Queryable, workspaceId: string, name: string, kind: 'support' | 'department' = 'support',
  id: string = randomUUID()): Promise<string> {
  await q.query('INSERT INTO teams (id, workspace_id, name, kind) VALUES ($1, $2, $3, $4)', [id, workspaceId, name, kind]);
  return id;
}

export interface NewAgent {
  id?: string;
  workspaceId: string;
  email: string;
  name: string;
  password: string;
  role?: Role;
  teamIds?: string[];
  skills?: Record<string, number>;
  capacity?: Record<string, number>;
}

export async function createAgent(log: ChangeLog, a: NewAgent, by?: Actor | null): Promise<string> {
  const id = a.id ?? randomUUID();
  const password_hash = await hashPassword(a.password);
  await log.write(async (w) => {
    await w.query(
      `INSERT INTO agents (id, workspace_id, email, name, role, skills, capacity, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, a.workspaceId, a.email, a.name, a.role ?? 'agent', JSON.stringify(a.skills ?? {}),
        JSON.stringify(a.capacity ?? {}), password_hash]);
    for (const t of a.teamIds ?? []) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [id, t]);
    await w.record('agent', id);
    await recordAudit(w, {
      workspace_id: a.workspaceId, ...actorOf(by), action: 'agent.created', target_type: 'agent', target_id: id,
      details: { email: a.email, name: a.name, role: a.role ?? 'agent', team_ids: a.teamIds ?? [] },
    });
  });
  return id;
}

/** Replaces an agent's teams; the agent's client sees an 'agent' change and re-bootstraps. */
export async function setAgentTeams(log: ChangeLog, agentId: string, teamIds: string[], by?: Actor | null): Promise<void> {
  await log.write(async (w) => {
    const [before] = await w.query<{ workspace_id: string; team_ids: string[] }>(
      `SELECT a.workspace_id, coalesce(array(SELECT team_id FROM agent_teams WHERE agent_id = a.id ORDER BY team_id), '{}') AS team_ids
       FROM agents a WHERE a.id = $1`, [agentId]);
    await w.query('DELETE FROM agent_teams WHERE agent_id = $1', [agentId]);
    for (const t of teamIds) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [agentId, t]);
    await w.record('agent', agentId);
    await recordAudit(w, {
      workspace_id: before?.workspace_id ?? null, ...actorOf(by), action: 'agent.teams_changed', target_type: 'agent', target_id: agentId,
      details: { from: before?.team_ids ?? [], to: teamIds },
    });
  });
}

/**
 * Disables an agent: no sign-in from now on, every session revoked and every stream closed at
 * once (`sessions.closeEnded` after the commit). Enabling lets them sign in again (old sessions stay revoked).
 * Returns how many sessions were revoked and streams closed, or null when the agent is not in the workspace.
 */
export async function setAgentDisabled(log: ChangeLog, sessions: Sessions, workspaceId: string, agentId: string, disabled: boolean,
  by?: Actor | null): Promise<{ revoked: number; streamsClosed: number } | null> {
  let ids: string[] | null = null;
  await log.write(async (w) => {
    const [found] = await w.query<{ id: string }>(
      `UPDATE agents SET disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END
       WHERE id = $1 AND workspace_id = $2 RETURNING id`, [agentId, workspaceId, disabled]);
    if (!found) return;
    await w.record('agent', agentId);
    ids = disabled ? await sessions.markRevoked(w, { agentId }, 'agent disabled') : [];
    await recordAudit(w, {
      workspace_id: workspaceId, ...actorOf(by), action: disabled ? 'agent.disabled' : 'agent.enabled', target_type: 'agent', target_id: agentId,
      details: disabled ? { sessions_revoked: (ids as string[]).length } : {},
    });
  });
  if (ids === null) return null;
  const revoked: string[] = ids;
  return { revoked: revoked.length, streamsClosed: disabled ? sessions.closeEnded(revoked, 'agent disabled', agentId) : 0 };
}

/** An admin acting in their workspace, as an audit actor. */
export const actorFrom = (a: AgentContext, ip: string | null | undefined): Actor => ({ id: a.id, name: a.name, ip: ip ?? null });

export async function ensureChannelAccount(q: Queryable, workspaceId: string, channel: Channel, handle: string, name = handle, by?: Actor | null): Promise<string> {
  const [found] = await q.query<{ id: string }>(
    'SELECT id FROM channel_accounts WHERE workspace_id = $1 AND channel = $2 AND (id = $3 OR handle = $3)', [workspaceId, channel, handle]);
  if (found) return found.id;
  const id = randomUUID();
  // the account and its audit entry in one statement
  const a = actorOf(by);
  await q.query(
    `WITH ins AS (
       INSERT INTO channel_accounts (id, workspace_id, channel, handle, name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, channel, handle) DO NOTHING RETURNING id)
     INSERT INTO audit_log (workspace_id, actor_id, actor_name, action, target_type, target_id, ip, details)
     SELECT $2, $6, $7, 'channel_account.created', 'channel_account', ins.id, $8,
            jsonb_build_object('channel', $3::text, 'handle', $4::text, 'name', $5::text) FROM ins`,
    [id, workspaceId, channel, handle, name, a.actor_id, a.actor_name, a.ip]);
  const [row] = await q.query<{ id: string }>(
    'SELECT id FROM channel_accounts WHERE workspace_id = $1 AND channel = $2 AND handle = $3', [workspaceId, channel, handle]);
  return row.id;
}
