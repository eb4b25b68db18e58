/**
 * People of a workspace: list (with presence and load), create or invite, change role, teams,
 * skills, capacity and languages, and reset access (a temporary password that must be changed,
 * or a new one-time sign-up link; either ends the person's sessions).
 *
 * Languages are routing skills (`language:<code>`), so the router matches them without knowing
 * about this screen; the screen shows them apart from the other skills.
 *
 * Every change to an agent goes through the change log (the agent's own record syncs: their
 * desktop sees a new team at once, and routing reads the change).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AdminAgent, Invite } from '../../shared/contract/admin';
import type { Role } from '../../shared/domain';
import { hashPassword } from '../accounts/auth';
import { HttpError } from '../api/errors';
import type { Queryable } from '../db/db';
import type { ChangeLog, Writer } from '../sync/changelog';

const LANGUAGE = 'language:';
const INVITE_DAYS = 7;

export interface PresenceSource {
  agentState(workspaceId: string, agentId: string): { activity_id: string; routable: boolean } | null;
}

const DEFAULT_LABELS: Record<string, string> = { available: 'Available', busy: 'Busy', break: 'Break', offline: 'Offline' };

interface Row {
  id: string; email: string; name: string; role: Role; team_ids: string[]; skills: Record<string, number>; capacity: Record<string, number>;
  disabled: boolean; must_change_password: boolean; invite_pending: boolean; activity_id: string | null; since: string | null; open: number; created_at: string;
}

const SELECT = `SELECT a.id, a.email, a.name, a.role, a.skills, a.capacity, a.must_change_password, a.disabled_at IS NOT NULL AS disabled,
    coalesce(array(SELECT team_id FROM agent_teams WHERE agent_id = a.id ORDER BY team_id), '{}') AS team_ids,
    EXISTS (SELECT 1 FROM agent_invites i WHERE i.agent_id = a.id AND i.used_at IS NULL AND i.expires_at > now()) AS invite_pending,
    p.activity_id, to_char(p.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since,
    (SELECT count(*)::int FROM conversations c WHERE c.workspace_id = a.workspace_id AND c.assignee_id = a.id AND c.status <> 'resolved') AS open,
    to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
  FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id`;

/** Splits a stored skills record into languages and other skills. */
export function splitSkills(skills: Record<string, number>): { skills: Record<string, number>; languages: Record<string, number> } {
  const out = { skills: {} as Record<string, number>, languages: {} as Record<string, number> };
  for (const [k, v] of Object.entries(skills ?? {})) {
    if (typeof v !== 'number') continue;
    if (k.startsWith(LANGUAGE)) out.languages[k.slice(LANGUAGE.length)] = v;
    else out.skills[k] = v;
  }
  return out;
}

export function joinSkills(skills: Record<string, number>, languages: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(skills)) {
    if (k.startsWith(LANGUAGE)) throw new HttpError(400, 'invalid', `skill "${k}": give languages as languages, not as skills`);
    out[k] = v;
  }
  for (const [k, v] of Object.entries(languages)) out[`${LANGUAGE}${k.toLowerCase()}`] = v;
  return out;
}

async function activityLabels(q: Queryable, workspaceId: string): Promise<Map<string, { label: string; routable: boolean }>> {
  const labels = new Map(Object.entries(DEFAULT_LABELS).map(([id, label]) => [id, { label, routable: id === 'available' }]));
  const [cfg] = await q.query<{ activities: Array<{ id: string; label: string; routable: boolean }> | null }>(
    `SELECT config->'activities' AS activities FROM routing_config WHERE workspace_id = $1`, [workspaceId]).catch(() => []);
  for (const a of cfg?.activities ?? []) labels.set(a.id, { label: a.label, routable: a.routable });
  return labels;
}

function view(r: Row, labels: Map<string, { label: string; routable: boolean }>, presence: PresenceSource | null, workspaceId: string): AdminAgent {
  const live = presence?.agentState(workspaceId, r.id) ?? null;
  const activity = live?.activity_id ?? r.activity_id;
  const known = activity ? labels.get(activity) : undefined;
  const caps = Object.values(r.capacity ?? {}).filter((n): n is number => typeof n === 'number');
  const { skills, languages } = splitSkills(r.skills);
  return {
    id: r.id, email: r.email, name: r.name, role: r.role, team_ids: r.team_ids, skills, capacity: r.capacity ?? {}, languages,
    disabled: r.disabled ?? false, must_change_password: r.must_change_password, invite_pending: r.invite_pending,
    presence: activity ? { activity_id: activity, label: known?.label ?? activity, routable: live?.routable ?? known?.routable ?? false, since: r.since } : null,
    load: { open: r.open, capacity: caps.length ? caps.reduce((a, b) => a + b, 0) : null },
    created_at: r.created_at,
  };
}

export async function listAgents(q: Queryable, workspaceId: string, presence: PresenceSource | null): Promise<AdminAgent[]> {
  const [rows, labels] = await Promise.all([
    q.query<Row>(`${SELECT} WHERE a.workspace_id = $1 ORDER BY lower(a.name), a.id`, [workspaceId]),
    activityLabels(q, workspaceId),
  ]);
  return rows.map((r) => view(r, labels, presence, workspaceId));
}

export async function getAgent(q: Queryable, workspaceId: string, id: string, presence: PresenceSource | null): Promise<AdminAgent> {
  const [r] = await q.query<Row>(`${SELECT} WHERE a.workspace_id = $1 AND a.id = $2`, [workspaceId, id]);
  if (!r) throw new HttpError(404, 'not_found', `person ${id} not found`);
  return view(r, await activityLabels(q, workspaceId), presence, workspaceId);
}

/** The workspace's teams among `ids`, or a 400 naming the unknown and archived ones. */
async function checkTeams(q: Queryable, workspaceId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const rows = await q.query<{ id: string; archived: boolean }>(
    'SELECT id, archived_at IS NOT NULL AS archived FROM teams WHERE workspace_id = $1 AND id = ANY($2)', [workspaceId, ids]);
  const found = new Map(rows.map((r) => [r.id, r.archived]));
  const unknown = ids.filter((id) => !found.has(id));
  if (unknown.length) throw new HttpError(400, 'invalid', `unknown team${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`);
  const archived = ids.filter((id) => found.get(id));
  if (archived.length) throw new HttpError(400, 'invalid', `archived team${archived.length === 1 ? '' : 's'} cannot take people: ${archived.join(', ')}`);
}

/** An unusable password hash: nobody signs in with it (verifyPassword refuses anything but scrypt). */
const NO_PASSWORD = 'none$invited';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

async function newInvite(w: Writer, agentId: string, by: string | null): Promise<Invite> {
  const token = randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + INVITE_DAYS * 86_400_000).toISOString();
  // one live link per person: a new one replaces the old
  await w.query('UPDATE agent_invites SET used_at = now() WHERE agent_id = $1 AND used_at IS NULL', [agentId]);
  await w.query('INSERT INTO agent_invites (token_hash, agent_id, created_by, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash(token), agentId, by, expires]);
  return { token, expires_at: expires };
}

export interface NewPerson {
  email: string; name: string; role: Role; team_ids: string[]; skills: Record<string, number>; capacity: Record<string, number>;
  languages: Record<string, number>; access: { kind: 'invite' } | { kind: 'password'; password: string };
}

export async function createPerson(log: ChangeLog, workspaceId: string, p: NewPerson, by: string | null): Promise<{ id: string; invite: Invite | null }> {
  const skills = joinSkills(p.skills, p.languages);
  await checkTeams(log.db, workspaceId, p.team_ids);
  const [taken] = await log.db.query('SELECT 1 FROM agents WHERE lower(email) = lower($1)', [p.email]);
  if (taken) throw new HttpError(409, 'email_taken', `${p.email} already has an account`);
  const id = randomUUID();
  const hash = p.access.kind === 'password' ? await hashPassword(p.access.password) : NO_PASSWORD;
  let invite: Invite | null = null;
  await log.write(async (w) => {
    await w.query(
      `INSERT INTO agents (id, workspace_id, email, name, role, skills, capacity, password_hash, must_change_password)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, workspaceId, p.email, p.name, p.role, JSON.stringify(skills), JSON.stringify(p.capacity), hash, p.access.kind === 'password']);
    for (const t of new Set(p.team_ids)) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [id, t]);
    await w.record('agent', id);
    if (p.access.kind === 'invite') invite = await newInvite(w, id, by);
  });
  return { id, invite };
}

export interface PersonPatch {
  name?: string; role?: Role; team_ids?: string[]; skills?: Record<string, number>; capacity?: Record<string, number>; languages?: Record<string, number>;
}

/** Applies a patch; returns what changed (field → [before, after]) for the audit log. */
export async function updatePerson(log: ChangeLog, workspaceId: string, id: string, patch: PersonPatch, actor: { id: string; role: Role }): Promise<Record<string, [unknown, unknown]>> {
  const [row] = await log.db.query<{ name: string; role: Role; skills: Record<string, number>; capacity: Record<string, number>; team_ids: string[] }>(
    `SELECT name, role, skills, capacity, coalesce(array(SELECT team_id FROM agent_teams WHERE agent_id = a.id ORDER BY team_id), '{}') AS team_ids
       FROM agents a WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  if (!row) throw new HttpError(404, 'not_found', `person ${id} not found`);
  // supervisors shape the floor (teams, skills, capacity, languages); names and roles are for admins
  if (actor.role !== 'admin' && (patch.name !== undefined || patch.role !== undefined)) {
    throw new HttpError(403, 'forbidden', "only admins change a person's name or role");
  }
  if (patch.role !== undefined && patch.role !== 'admin' && row.role === 'admin') {
    const [{ n }] = await log.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM agents WHERE workspace_id = $1 AND role = 'admin' AND id <> $2`, [workspaceId, id]);
    if (n === 0) throw new HttpError(409, 'last_admin', 'this is the last admin of the workspace: make someone else admin first');
  }
  if (patch.team_ids) await checkTeams(log.db, workspaceId, patch.team_ids);
  const current = splitSkills(row.skills);
  const skills = patch.skills !== undefined || patch.languages !== undefined
    ? joinSkills(patch.skills ?? current.skills, patch.languages ?? current.languages) : undefined;
  const changes: Record<string, [unknown, unknown]> = {};
  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  if (patch.name !== undefined && patch.name !== row.name) changes.name = [row.name, patch.name];
  if (patch.role !== undefined && patch.role !== row.role) changes.role = [row.role, patch.role];
  if (patch.skills !== undefined && differs(sorted(current.skills), sorted(patch.skills))) changes.skills = [current.skills, patch.skills];
  if (patch.languages !== undefined && differs(sorted(current.languages), sorted(patch.languages))) changes.languages = [current.languages, patch.languages];
  if (patch.capacity !== undefined && differs(sorted(row.capacity), sorted(patch.capacity))) changes.capacity = [row.capacity, patch.capacity];
  const teams = patch.team_ids ? [...new Set(patch.team_ids)].sort() : undefined;
  if (teams && differs(row.team_ids, teams)) changes.team_ids = [row.team_ids, teams];
  if (!Object.keys(changes).length) return changes;
  await log.write(async (w) => {
    await w.query(
      `UPDATE agents SET name = coalesce($3, name), role = coalesce($4, role), skills = coalesce($5::jsonb, skills), capacity = coalesce($6::jsonb, capacity)
        WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, changes.name ? patch.name : null, changes.role ? patch.role : null,
        skills && (changes.skills || changes.languages) ? JSON.stringify(skills) : null, changes.capacity ? JSON.stringify(patch.capacity) : null]);
    if (changes.team_ids) {
      await w.query('DELETE FROM agent_teams WHERE agent_id = $1', [id]);
      for (const t of teams!) await w.query('INSERT INTO agent_teams (agent_id, team_id) VALUES ($1, $2)', [id, t]);
    }
    await w.record('agent', id);
  });
  return changes;
}

/**
 * New access for a person: a temporary password they must change, or a new sign-up link. The
 * old password stops working and every session ends (`endSessions`, the accounts module's).
 */
export async function resetAccess(log: ChangeLog, workspaceId: string, id: string, access: NewPerson['access'], by: string | null,
  endSessions: (w: Writer, agentId: string) => Promise<void>): Promise<Invite | null> {
  const [row] = await log.db.query('SELECT 1 FROM agents WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  if (!row) throw new HttpError(404, 'not_found', `person ${id} not found`);
  const hash = access.kind === 'password' ? await hashPassword(access.password) : NO_PASSWORD;
  let invite: Invite | null = null;
  await log.write(async (w) => {
    await w.query('UPDATE agents SET password_hash = $2, must_change_password = $3 WHERE id = $1', [id, hash, access.kind === 'password']);
    if (access.kind === 'invite') invite = await newInvite(w, id, by);
    else await w.query('UPDATE agent_invites SET used_at = now() WHERE agent_id = $1 AND used_at IS NULL', [id]);
    await endSessions(w, id);
  });
  return invite;
}

/** A sign-up link's password: the person chooses it; the link then stops working. */
export async function acceptInvite(log: ChangeLog, token: string, password: string): Promise<{ agent_id: string; email: string; workspace_id: string }> {
  const hash = await hashPassword(password);
  let found: { agent_id: string; email: string; workspace_id: string } | null = null;
  await log.write(async (w) => {
    const [inv] = await w.query<{ agent_id: string; email: string; workspace_id: string }>(
      `UPDATE agent_invites i SET used_at = now() FROM agents a
        WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > now() AND a.id = i.agent_id
        RETURNING i.agent_id, a.email, a.workspace_id`, [tokenHash(token)]);
    if (!inv) return;
    await w.query('UPDATE agents SET password_hash = $2, must_change_password = false WHERE id = $1', [inv.agent_id, hash]);
    found = inv;
  });
  if (found === null) throw new HttpError(404, 'invite_invalid', 'this sign-up link is unknown, was used already or has expired: ask your admin for a new one');
  return found;
}

function sorted(r: Record<string, number>): Array<[string, number]> {
  return Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b));
}
