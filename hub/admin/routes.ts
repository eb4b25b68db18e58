/**
 * The admin endpoints (shared/contract/admin.ts ADMIN_ROUTES): teams and departments, people, and
 * the caller's own account (the temporary password they must change, a sign-up link's password).
 * Every row is served by the hub's one `serve` (hub/api/route.ts), as every other module's: the request
 * parsed with the row's schemas, once; refusals are HttpErrors and change nothing.
 * Each change an admin or supervisor makes is written to the audit log (`audit`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import type { Role } from '../../shared/domain';
import { verifyPassword, hashPassword } from '../accounts/auth';
import { HttpError } from '../api/errors';
import { agentOf, type AuditRecord } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog, Writer } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';
import { acceptInvite, createPerson, getAgent, listAgents, resetAccess, updatePerson, type PresenceSource } from './people';
import { agentSettings, cannedUsed, createCanned, deleteCanned, listCanned, saveAgentSetting, updateCanned } from './canned';
import { createMacro, deleteMacro, listMacros, macroUsed, updateMacro } from './macros';
import { eraseCustomer, exportCustomer, findCustomers } from './customers';
import { checklist } from './checklist';
import { firstRun, setupNeeded } from './setup';
import { createTeam, getTeam, listTeams, renameTeam, setArchived } from './teams';
import type { AdminChannel, ChannelsResponseSchema, ChannelInputSchema } from '../../shared/contract/admin';

/** The channels connected in the app (hub/connectors/channels.ts), as this module uses them. */
export interface ChannelAdmin {
  list(workspaceId: string): Promise<z.output<typeof ChannelsResponseSchema>>;
  create(workspaceId: string, input: z.output<typeof ChannelInputSchema>, by: string | null): Promise<AdminChannel>;
  update(workspaceId: string, id: string, input: z.output<typeof ChannelInputSchema>): Promise<{ channel: AdminChannel; secrets_changed: string[] }>;
  remove(workspaceId: string, id: string): Promise<{ kind: string; name: string }>;
  test(workspaceId: string, id: string): Promise<{ ok: boolean; detail: string }>;
}


export interface AdminRouteDeps {
  log: ChangeLog;
  presence?: PresenceSource | null;
  /** records an admin change in the audit log */
  audit(entry: AuditRecord): Promise<void>;
  /** ends every session of an agent, inside the write that took their access away */
  endSessions(w: Writer, agentId: string): Promise<void>;
  /** after the commit: close the agent's open streams (their sessions ended) */
  afterSessionsEnded?(agentId: string): void;
  /** teams of a workspace changed (routing reloads its queues) */
  teamsChanged?(workspaceId: string): void;
  /** the channels screen; null on a hub without channels */
  channels?: ChannelAdmin | null;
}

const ROLE_RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };
function atLeast(req: FastifyRequest, role: Role, what: string): AgentContext {
  const a = agentOf(req);
  if (ROLE_RANK[a.role] < ROLE_RANK[role]) throw new HttpError(403, 'forbidden', `${what} is for ${role === 'admin' ? 'admins' : 'supervisors and admins'}`);
  return a;
}

/** Routes a person who must change their temporary password may still call. */
const WHILE_PASSWORD_CHANGE = new Set<string>([ADMIN_ROUTES.account.path, ADMIN_ROUTES.changePassword.path, HUB_ROUTES.me.path, HUB_ROUTES.logout.path]);

export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { log } = deps;
  const db = log.db;
  const presence = deps.presence ?? null;
  const audit = (req: FastifyRequest, a: AgentContext, action: string, target: { type: string; id: string } | null, details: Record<string, unknown> = {}) =>
    deps.audit({ workspace_id: a.workspace_id, actor_id: a.id, actor_name: a.name, action, target_type: target?.type ?? null, target_id: target?.id ?? null, ip: req.ip ?? null, details });

  // A temporary password opens nothing but the form that replaces it.
  app.addHook('preHandler', async (req) => {
    if (req.agent?.must_change_password && !WHILE_PASSWORD_CHANGE.has(req.routeOptions.url ?? '')) {
      throw new HttpError(403, 'password_change_required', 'choose your own password first (you signed in with a temporary one)');
    }
  });

  // ---- teams and departments
  serve(app, ADMIN_ROUTES.adminTeams, async (req) => ({ teams: await listTeams(db, atLeast(req, 'supervisor', 'Teams').workspace_id) }));
  serve(app, ADMIN_ROUTES.adminCreateTeam, async (req, { body }) => {
    const a = atLeast(req, 'admin', 'Creating a team');
    const team = await createTeam(db, a.workspace_id, body.name, body.kind);
    deps.teamsChanged?.(a.workspace_id);
    await audit(req, a, 'team.created', { type: 'team', id: team.id }, { name: team.name, kind: team.kind });
    return { team };
  });
  serve(app, ADMIN_ROUTES.adminRenameTeam, async (req, { params, body }) => {
    const a = atLeast(req, 'admin', 'Renaming a team');
    const { team, from } = await renameTeam(db, a.workspace_id, params.id, body.name);
    deps.teamsChanged?.(a.workspace_id);
    if (from !== team.name) await audit(req, a, 'team.renamed', { type: 'team', id: team.id }, { from, to: team.name });
    return { team };
  });
  for (const archived of [true, false]) {
    serve(app, archived ? ADMIN_ROUTES.adminArchiveTeam : ADMIN_ROUTES.adminRestoreTeam, async (req, { params }) => {
      const a = atLeast(req, 'admin', archived ? 'Archiving a team' : 'Restoring a team');
      const before = await getTeam(db, a.workspace_id, params.id);
      const { team, removed } = await setArchived(log, a.workspace_id, params.id, archived);
      if (before.archived !== archived) {
        deps.teamsChanged?.(a.workspace_id);
        await audit(req, a, archived ? 'team.archived' : 'team.restored', { type: 'team', id: team.id }, { name: team.name, ...(archived ? { members_removed: removed } : {}) });
      }
      return { team };
    });
  }

  // ---- people
  serve(app, ADMIN_ROUTES.adminAgents, async (req) => ({ agents: await listAgents(db, atLeast(req, 'supervisor', 'People').workspace_id, presence) }));
  serve(app, ADMIN_ROUTES.adminCreateAgent, async (req, { body }) => {
    const a = atLeast(req, 'admin', 'Adding people');
    const { id, invite } = await createPerson(log, a.workspace_id, body, a.id);
    await audit(req, a, 'agent.created', { type: 'agent', id }, { email: body.email, name: body.name, role: body.role, team_ids: body.team_ids, access: body.access.kind });
    return { agent: await getAgent(db, a.workspace_id, id, presence), invite };
  });
  serve(app, ADMIN_ROUTES.adminUpdateAgent, async (req, { params, body }) => {
    const a = atLeast(req, 'supervisor', "Changing a person's teams and skills");
    const changes = await updatePerson(log, a.workspace_id, params.id, body, a);
    if (Object.keys(changes).length) {
      await audit(req, a, changes.role ? 'agent.role_changed' : changes.team_ids ? 'agent.teams_changed' : 'agent.updated', { type: 'agent', id: params.id },
        Object.fromEntries(Object.entries(changes).map(([k, [from, to]]) => [k, { from, to }])));
    }
    return { agent: await getAgent(db, a.workspace_id, params.id, presence), invite: null };
  });
  serve(app, ADMIN_ROUTES.adminResetAgent, async (req, { params, body }) => {
    const a = atLeast(req, 'admin', 'Resetting access');
    const invite = await resetAccess(log, a.workspace_id, params.id, body, a.id, deps.endSessions);
    deps.afterSessionsEnded?.(params.id);
    await audit(req, a, 'agent.access_reset', { type: 'agent', id: params.id }, { access: body.kind });
    return { agent: await getAgent(db, a.workspace_id, params.id, presence), invite };
  });

  // ---- first run (public while nobody is on the hub) and the admin's checklist
  serve(app, ADMIN_ROUTES.setupStatus, async () => ({ needed: await setupNeeded(db) }));
  serve(app, ADMIN_ROUTES.setup, async (req, { body }) => {
    const done = await firstRun(log, body);
    await deps.audit({ workspace_id: done.workspace_id, actor_id: done.agent_id, actor_name: body.email, action: 'workspace.created', target_type: 'workspace', target_id: done.workspace_id, ip: req.ip ?? null, details: { name: body.workspace_name, time_zone: body.time_zone } });
    return { ok: true as const, email: body.email };
  });
  serve(app, ADMIN_ROUTES.adminChecklist, async (req) => ({ items: await checklist(db, atLeast(req, 'admin', 'The checklist').workspace_id) }));

  // ---- channels: accounts and feeds connected in the app (secrets never answered, never audited)
  const channels = () => {
    if (!deps.channels) throw new HttpError(409, 'channels_off', 'this hub runs without channels (started with channels off)');
    return deps.channels;
  };
  serve(app, ADMIN_ROUTES.adminChannels, async (req) => channels().list(atLeast(req, 'admin', 'Channels').workspace_id));
  serve(app, ADMIN_ROUTES.adminCreateChannel, async (req, { body }) => {
    const a = atLeast(req, 'admin', 'Connecting a channel');
    const channel = await channels().create(a.workspace_id, body, a.id);
    await audit(req, a, 'channel.connected', { type: 'channel', id: channel.id }, { kind: channel.kind, name: channel.name, secrets_set: Object.keys(channel.secrets).filter((k) => channel.secrets[k]!.set) });
    return { channel };
  });
  serve(app, ADMIN_ROUTES.adminUpdateChannel, async (req, { params, body }) => {
    const a = atLeast(req, 'admin', 'Changing a channel');
    const { channel, secrets_changed } = await channels().update(a.workspace_id, params.id, body);
    await audit(req, a, 'channel.changed', { type: 'channel', id: channel.id }, { kind: channel.kind, name: channel.name, secrets_changed });
    return { channel };
  });
  serve(app, ADMIN_ROUTES.adminDeleteChannel, async (req, { params }) => {
    const a = atLeast(req, 'admin', 'Disconnecting a channel');
    const gone = await channels().remove(a.workspace_id, params.id);
    await audit(req, a, 'channel.disconnected', { type: 'channel', id: params.id }, { kind: gone.kind, name: gone.name });
    return { ok: true as const };
  });
  serve(app, ADMIN_ROUTES.adminTestChannel, async (req, { params }) => channels().test(atLeast(req, 'admin', 'Testing a channel').workspace_id, params.id));

  // ---- a customer's data (admins): find, export, erase
  serve(app, ADMIN_ROUTES.adminCustomers, async (req, { query }) => ({ customers: await findCustomers(db, atLeast(req, 'admin', "A customer's data").workspace_id, query.q) }));
  serve(app, ADMIN_ROUTES.adminExportCustomer, async (req, { params }) => {
    const a = atLeast(req, 'admin', "Exporting a customer's data");
    const data = await exportCustomer(db, a.workspace_id, params.id);
    await audit(req, a, 'customer.exported', { type: 'customer', id: params.id });
    return data;
  });
  serve(app, ADMIN_ROUTES.adminEraseCustomer, async (req, { params }) => {
    const a = atLeast(req, 'admin', 'Erasing a customer');
    const counts = await eraseCustomer(log, a.workspace_id, params.id);
    await audit(req, a, 'customer.erased', { type: 'customer', id: params.id }, counts);
    return { ok: true as const, ...counts };
  });

  // ---- canned responses (the team's and the caller's own) and the caller's own settings
  serve(app, ADMIN_ROUTES.canned, async (req) => ({ canned: await listCanned(db, agentOf(req)) }));
  serve(app, ADMIN_ROUTES.createCanned, async (req, { body }) => {
    const a = agentOf(req);
    const canned = await createCanned(db, a, body);
    if (canned.scope === 'team') await audit(req, a, 'canned.created', { type: 'canned', id: canned.id }, { shortcode: canned.shortcode });
    return { canned };
  });
  serve(app, ADMIN_ROUTES.updateCanned, async (req, { params, body }) => {
    const a = agentOf(req);
    const canned = await updateCanned(db, a, params.id, body);
    if (canned.scope === 'team') await audit(req, a, 'canned.updated', { type: 'canned', id: canned.id }, { shortcode: canned.shortcode });
    return { canned };
  });
  serve(app, ADMIN_ROUTES.deleteCanned, async (req, { params }) => {
    const a = agentOf(req);
    const gone = await deleteCanned(db, a, params.id);
    if (gone.team) await audit(req, a, 'canned.deleted', { type: 'canned', id: params.id }, { shortcode: gone.shortcode });
    return { ok: true as const };
  });
  serve(app, ADMIN_ROUTES.cannedUsed, async (req, { params }) => { await cannedUsed(db, agentOf(req), params.id); return { ok: true as const }; });
  // ---- macros (the caller's own and their teams'); a team's changes go to the audit log
  serve(app, ADMIN_ROUTES.macros, async (req) => ({ macros: await listMacros(db, agentOf(req)) }));
  serve(app, ADMIN_ROUTES.createMacro, async (req, { body }) => {
    const a = agentOf(req);
    const macro = await createMacro(db, a, body);
    if (macro.team_id) await audit(req, a, 'macro.created', { type: 'macro', id: macro.id }, { name: macro.name, team_id: macro.team_id });
    return { macro };
  });
  serve(app, ADMIN_ROUTES.updateMacro, async (req, { params, body }) => {
    const a = agentOf(req);
    const macro = await updateMacro(db, a, params.id, body);
    if (macro.team_id) await audit(req, a, 'macro.updated', { type: 'macro', id: macro.id }, { name: macro.name, team_id: macro.team_id });
    return { macro };
  });
  serve(app, ADMIN_ROUTES.deleteMacro, async (req, { params }) => {
    const a = agentOf(req);
    const gone = await deleteMacro(db, a, params.id);
    if (gone.team_id) await audit(req, a, 'macro.deleted', { type: 'macro', id: params.id }, gone);
    return { ok: true as const };
  });
  serve(app, ADMIN_ROUTES.macroUsed, async (req, { params }) => { await macroUsed(db, agentOf(req), params.id); return { ok: true as const }; });
  serve(app, ADMIN_ROUTES.agentSettings, async (req) => ({ settings: await agentSettings(db, agentOf(req).id) }));
  serve(app, ADMIN_ROUTES.saveAgentSetting, async (req, { params, body }) => { await saveAgentSetting(db, agentOf(req).id, params.key, body.value); return { ok: true as const }; });

  // ---- the caller's own account
  serve(app, ADMIN_ROUTES.account, async (req) => ({ must_change_password: agentOf(req).must_change_password === true }));
  serve(app, ADMIN_ROUTES.changePassword, async (req, { body }) => {
    const a = agentOf(req);
    const [row] = await db.query<{ password_hash: string }>('SELECT password_hash FROM agents WHERE id = $1', [a.id]);
    if (!row || !(await verifyPassword(body.current_password, row.password_hash))) throw new HttpError(403, 'wrong_password', 'the current password is not right');
    if (body.new_password === body.current_password) throw new HttpError(400, 'invalid', 'choose a password other than the one you have');
    await db.query('UPDATE agents SET password_hash = $2, must_change_password = false WHERE id = $1', [a.id, await hashPassword(body.new_password)]);
    await audit(req, a, 'account.password_changed', { type: 'agent', id: a.id });
    return { ok: true as const };
  });
  // where a sign-up link points: the code stays in the address's # part, which a browser never sends
  app.get('/join', { config: { public: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').header('x-content-type-options', 'nosniff').send(JOIN_PAGE));
  serve(app, ADMIN_ROUTES.acceptInvite, async (req, { body }) => {
    const who = await acceptInvite(log, body.token, body.password);
    await deps.audit({ workspace_id: who.workspace_id, actor_id: who.agent_id, actor_name: who.email, action: 'account.invite_accepted', target_type: 'agent', target_id: who.agent_id, ip: req.ip ?? null });
    return { email: who.email };
  });
}

const JOIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Join Tend</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">
<h1>You are invited to Tend</h1>
<p>Open the Tend app, choose <strong>I have a sign-up link</strong> on the sign-in screen, and paste this page's whole address
(with the part after <code>#</code>). Then choose your password.</p>
<p>The link works once. If it has expired, ask your admin for a new one.</p>
</body></html>`;
