/**
 * POST /v1/auth/login {email, password} → {token, agent}; GET /v1/me → {agent, teams, agents}.
 * Agent rows are assembled as JSON text in SQL (hub/sync/rows.ts) and sent as they are.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { Queryable } from '../db/db';
import { agentJson } from '../sync/rows';
import { burnPasswordCheck, createSession, verifyPassword } from './auth';

const sendJson = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

export function registerAccountRoutes(app: FastifyInstance, db: Queryable): void {
  serve(app, HUB_ROUTES.login, async (_req, { body }, reply) => {
    const [row] = await db.query<{ id: string; password_hash: string }>(
      'SELECT id, password_hash FROM agents WHERE lower(email) = lower($1)', [body.email]);
    if (!row) {
      await burnPasswordCheck(body.password);
      throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
    }
    if (!(await verifyPassword(body.password, row.password_hash))) throw new HttpError(401, 'invalid_credentials', 'wrong e-mail or password');
    const token = await createSession(db, row.id);
    const [a] = await db.query<{ j: string }>(`SELECT ${agentJson('a')}::text AS j FROM agents a WHERE a.id = $1`, [row.id]);
    return sendJson(reply, `{"token":${JSON.stringify(token)},"agent":${a.j}}`);
  });

  serve(app, HUB_ROUTES.me, async (req, _input, reply) => {
    const agent = agentOf(req);
    const [r] = await db.query<{ me: string; teams: string; agents: string }>(
      `SELECT (SELECT ${agentJson('a')}::text FROM agents a WHERE a.id = $2) AS me,
              (SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind) ORDER BY t.name), '[]')::text
                 FROM teams t WHERE t.workspace_id = $1) AS teams,
              (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name), '[]')::text
                 FROM agents g WHERE g.workspace_id = $1) AS agents`, [agent.workspace_id, agent.id]);
    return sendJson(reply, `{"agent":${r.me},"teams":${r.teams},"agents":${r.agents}}`);
  });
}
