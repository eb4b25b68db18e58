/**
 * POST /v1/auth/login {email, password} → {token, agent}; POST /v1/auth/logout; POST /v1/auth/ticket
 * → a stream ticket; GET /v1/me → {agent, teams, agents}. Agent rows are assembled as JSON text in
 * SQL (hub/sync/rows.ts) and sent as they are.
 *
 * Sign-in: throttled by e-mail and source address (throttle.ts; 429 with Retry-After), the same
 * answer and the same password-hashing cost whether or not the e-mail exists, and every outcome in
 * the audit log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { apiError, HttpError } from '../api/errors';
import { agentOf, type RecordAudit } from '../api/module';
import { serve } from '../api/route';
import type { Queryable } from '../db/db';
import { agentJson } from '../sync/rows';
import { burnPasswordCheck, verifyPassword } from './auth';
import type { Sessions } from './sessions';
import type { LoginThrottle } from './throttle';

export interface AccountRouteDeps {
  db: Queryable;
  sessions: Sessions;
  throttle: LoginThrottle;
  audit: RecordAudit;
}

const sendJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

/** The session of a request behind the auth hook. */
export const sessionIdOf = (req: FastifyRequest): string => {
  if (!req.session) throw new HttpError(401, 'unauthorized', 'no session');
  return req.session.id;
};

export function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): void {
  const { db, sessions, throttle, audit } = deps;

  serve(app, HUB_ROUTES.login, async (req, { body }, reply) => {
    const ip = req.ip ?? null;
    return throttle.serialize(body.email, async () => {
      const refused = await throttle.check(body.email, ip);
      if (refused) {
        return reply.code(429).header('retry-after', String(refused.retryAfterS))
          .send(apiError(refused.code, refused.message, { retry_after_s: refused.retryAfterS }));
      }
      const [row] = await db.query<{ id: string; workspace_id: string; name: string; password_hash: string; disabled: boolean }>(
        'SELECT id, workspace_id, name, password_hash, disabled_at IS NOT NULL AS disabled FROM agents WHERE lower(email) = lower($1)', [body.email]);
      // an unknown e-mail costs the same hashing as a known one
      const ok = row ? await verifyPassword(body.password, row.password_hash) : (await burnPasswordCheck(body.password), false);
      const who = { workspace_id: row?.workspace_id ?? null, actor_id: row?.id ?? null, actor_name: row?.name ?? null, target_type: 'agent', target_id: row?.id ?? null, ip };
      if (!ok) {
        const { failures, locked } = await throttle.failed(body.email, ip);
        await audit({ ...who, action: 'auth.login_failed', details: { email: body.email, reason: row ? 'wrong_password' : 'unknown_email', failures } });
        if (locked) await audit({ ...who, action: 'auth.lockout', details: { email: body.email, failures } });
        throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
      }
      await throttle.succeeded(body.email);
      if (row.disabled) {
        await audit({ ...who, action: 'auth.login_failed', details: { email: body.email, reason: 'disabled' } });
        throw new HttpError(403, 'account_disabled', 'This account is disabled: ask an admin of your workspace.');
      }
      const session = await sessions.create(db, row.id, { ip, userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null });
      await audit({ ...who, action: 'auth.login', details: { session_id: session.id } });
      const [a] = await db.query<{ j: string }>(`SELECT ${agentJson('a')}::text AS j FROM agents a WHERE a.id = $1`, [row.id]);
      return sendJson(reply, `{"token":${JSON.stringify(session.token)},"agent":${a.j}}`);
    });
  });

  // the caller's own session ends now, and with it every stream opened under it
  serve(app, HUB_ROUTES.logout, async (req) => {
    const agent = agentOf(req);
    const id = sessionIdOf(req);
    const { ids } = await sessions.revoke(db, { sessionId: id }, 'logout');
    await audit({
      workspace_id: agent.workspace_id, actor_id: agent.id, actor_name: agent.name, action: 'auth.logout',
      target_type: 'session', target_id: id, ip: req.ip ?? null, details: { revoked: ids.length },
    });
    return { ok: true as const };
  });

  // a WebSocket upgrade authenticates with this, once, within seconds: the token never goes into a URL
  serve(app, HUB_ROUTES.streamTicket, async (req) => sessions.issueTicket(sessionIdOf(req)));

  serve(app, HUB_ROUTES.me, async (req, _input, reply) => {
    const agent = agentOf(req);
    const [r] = await db.query<{ me: string; teams: string; agents: string }>(
      `SELECT (SELECT ${agentJson('a')}::text FROM agents a WHERE a.id = $2) AS me,
              (SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind) ORDER BY t.name), '[]')::text
                 FROM teams t WHERE t.workspace_id = $1) AS teams,
              (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name), '[]')::text
                 FROM agents g WHERE g.workspace_id = $1 AND g.disabled_at IS NULL) AS agents`, [agent.workspace_id, agent.id]);
    return sendJson(reply, `{"agent":${r.me},"teams":${r.teams},"agents":${r.agents}}`);
  });
}
