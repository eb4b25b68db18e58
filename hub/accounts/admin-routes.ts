/**
 * /v1/admin/*: what an admin of a workspace does about access (shared/contract/accounts.ts lists
 * them): an agent's sessions (list, revoke one or all), disable and enable an agent, sign-in
 * lockouts (list, lift), and the audit log (read with filters, export as CSV or JSON). Admins only,
 * and only within their own workspace: anything else is 403 or 404 and changes nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HttpError } from '../api/errors';
import { agentOf, type RecordAudit } from '../api/module';
import { serve } from '../api/route';
import type { ChangeLog } from '../sync/changelog';
import type { AgentContext } from '../sync/scope';
import { actorFrom, setAgentDisabled } from './admin';
import { auditEntries, csvHeader, csvLine, listAudit } from './audit';
import type { Sessions } from './sessions';
import type { LoginThrottle } from './throttle';

export interface AdminRouteDeps {
  log: ChangeLog;
  sessions: Sessions;
  throttle: LoginThrottle;
  audit: RecordAudit;
  /** after an agent is disabled (routing takes them off the floor) */
  onAgentDisabled?(workspaceId: string, agentId: string): void;
}

function adminOf(req: FastifyRequest): AgentContext {
  const a = agentOf(req);
  if (a.role !== 'admin') throw new HttpError(403, 'forbidden', 'only admins may do this');
  return a;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { log, sessions, throttle, audit } = deps;
  const db = log.db;

  const agentInWorkspace = async (a: AgentContext, id: string) => {
    const [row] = await db.query<{ id: string; name: string }>('SELECT id, name FROM agents WHERE id = $1 AND workspace_id = $2', [id, a.workspace_id]);
    if (!row) throw new HttpError(404, 'not_found', `agent ${id} not found`);
    return row;
  };

  serve(app, ADMIN_ROUTES.adminAgentSessions, async (req, { params }) => {
    const a = adminOf(req);
    await agentInWorkspace(a, params.id);
    return { sessions: await sessions.list(params.id, req.session?.id ?? null) };
  });

  serve(app, ADMIN_ROUTES.adminRevokeSession, async (req, { params }) => {
    const a = adminOf(req);
    const [s] = await db.query<{ agent_id: string }>(
      'SELECT s.agent_id FROM sessions s JOIN agents g ON g.id = s.agent_id WHERE s.id = $1 AND g.workspace_id = $2', [params.id, a.workspace_id]);
    if (!s) throw new HttpError(404, 'not_found', `session ${params.id} not found`);
    const r = await sessions.revoke(db, { sessionId: params.id }, `revoked by ${a.name}`);
    await audit({
      workspace_id: a.workspace_id, actor_id: a.id, actor_name: a.name, action: 'session.revoked', target_type: 'agent', target_id: s.agent_id,
      ip: req.ip ?? null, details: { session_ids: r.ids },
    });
    return { revoked: r.ids.length, streams_closed: r.streamsClosed };
  });

  serve(app, ADMIN_ROUTES.adminRevokeAgentSessions, async (req, { params }) => {
    const a = adminOf(req);
    await agentInWorkspace(a, params.id);
    const r = await sessions.revoke(db, { agentId: params.id }, `revoked by ${a.name}`);
    await audit({
      workspace_id: a.workspace_id, actor_id: a.id, actor_name: a.name, action: 'session.revoked', target_type: 'agent', target_id: params.id,
      ip: req.ip ?? null, details: { session_ids: r.ids, all: true },
    });
    return { revoked: r.ids.length, streams_closed: r.streamsClosed };
  });

  for (const disabled of [true, false]) {
    serve(app, disabled ? ADMIN_ROUTES.adminDisableAgent : ADMIN_ROUTES.adminEnableAgent, async (req, { params }) => {
      const a = adminOf(req);
      if (disabled && params.id === a.id) throw new HttpError(409, 'cannot_disable_self', 'you cannot disable your own account: ask another admin');
      const r = await setAgentDisabled(log, sessions, a.workspace_id, params.id, disabled, actorFrom(a, req.ip));
      if (!r) throw new HttpError(404, 'not_found', `agent ${params.id} not found`);
      if (disabled) deps.onAgentDisabled?.(a.workspace_id, params.id);
      return { agent_id: params.id, disabled, revoked: r.revoked, streams_closed: r.streamsClosed };
    });
  }

  serve(app, ADMIN_ROUTES.adminLockouts, async (req) => {
    adminOf(req);
    return { lockouts: await throttle.list() };
  });

  serve(app, ADMIN_ROUTES.adminLiftLockout, async (req, { body }) => {
    const a = adminOf(req);
    const lifted = await throttle.lift(body);
    if (lifted) {
      await audit({
        workspace_id: a.workspace_id, actor_id: a.id, actor_name: a.name, action: 'auth.lockout_lifted',
        target_type: 'email' in body ? 'email' : 'ip', target_id: 'email' in body ? body.email.trim().toLowerCase() : body.ip, ip: req.ip ?? null,
      });
    }
    return { lifted };
  });

  serve(app, ADMIN_ROUTES.adminAudit, async (req, { query }) => {
    const a = adminOf(req);
    return listAudit(db, a.workspace_id, query);
  });

  serve(app, ADMIN_ROUTES.adminAuditExport, async (req, { query }, reply) => {
    const a = adminOf(req);
    const { format, ...q } = query;
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="tend-audit-${stamp}.${format}"`);
    let out = format === 'csv' ? csvHeader() : '[';
    let first = true;
    for await (const e of auditEntries(db, a.workspace_id, q)) {
      if (format === 'csv') out += csvLine(e);
      else { out += (first ? '\n' : ',\n') + JSON.stringify(e); first = false; }
    }
    if (format === 'json') out += first ? ']' : '\n]';
    return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8').send(out);
  });
}
