/**
 * Workspace administration used by the demo, tests and the CLI: workspaces, teams, agents,
 * channel accounts. Agent changes go through the change log (their own record syncs).
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db';
import type { ChangeLog } from '../sync/changelog';
import { hashPassword } from './auth';
import type { Channel, Role } from '../../shared/domain';
import { DEFAULT_CANNED } from '../../shared/text/canned';

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

export async function createAgent(log: ChangeLog, a: NewAgent): Promise<string> {
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
  });
  return id;
}

/** Replaces an agent's teams; the agent's client sees an 'agent' change and re-bootstraps. */
export async function setAgentTeams(log: ChangeLog, agentId: string, teamIds: string[]): Promise<void> {
  await log.write(async (w) => {
    await w.query('DELETE FROM agent_teams WHERE agent_id = $1', [agentId]);
    for (const t of teamIds) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [agentId, t]);
    await w.record('agent', agentId);
  });
}

export async function ensureChannelAccount(q: Queryable, workspaceId: string, channel: Channel, handle: string, name = handle): Promise<string> {
  const [found] = await q.query<{ id: string }>(
    'SELECT id FROM channel_accounts WHERE workspace_id = $1 AND channel = $2 AND (id = $3 OR handle = $3)', [workspaceId, channel, handle]);
  if (found) return found.id;
  const id = randomUUID();
  await q.query(
    `INSERT INTO channel_accounts (id, workspace_id, channel, handle, name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, channel, handle) DO NOTHING`, [id, workspaceId, channel, handle, name]);
  const [row] = await q.query<{ id: string }>(
    'SELECT id FROM channel_accounts WHERE workspace_id = $1 AND channel = $2 AND handle = $3', [workspaceId, channel, handle]);
  return row.id;
}
