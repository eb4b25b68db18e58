/**
 * Metrics over HTTP:
 *   GET /v1/metrics/report?from&to[&by=agent|team|channel|account][&agent&team&channel][&format=json|csv]
 *       supervisors and admins: the workspace; agents: their own conversations only
 *   GET /v1/metrics/me?from&to[&format]      an agent's own figures (for their panel)
 *   GET /v1/metrics/settings                  ROI costs, business-hours calendar, SLA targets
 *   PUT /v1/metrics/settings                  admins: {roi?, calendar?, sla?}, validated whole before writing
 * Errors use the hub's body shape {error: {code, message}}.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/db';
import { reportToCsv } from './csv';
import { MetricsInputError, parseReportParams } from './params';
import { getMetricsSettings, reportFromDb, updateMetricsSettings } from './store';

export interface MetricsCaller { id: string; workspace_id: string; role: 'agent' | 'supervisor' | 'admin' }

export interface MetricsRouteDeps {
  db: Queryable;
  /** The authenticated caller of a request, or null (→ 401). In the hub: `async (req) => req.agent`. */
  authenticate(req: FastifyRequest): Promise<MetricsCaller | null> | MetricsCaller | null;
  /** "Now" for reports (tests pin it). */
  now?: () => number;
}

const fail = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ error: { code, message } });

function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(v)) throw new MetricsInputError(`${k}: given more than once`);
    out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps): void {
  const now = deps.now ?? Date.now;

  const handle = (fn: (req: FastifyRequest, reply: FastifyReply, caller: MetricsCaller) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = await deps.authenticate(req);
      if (!caller) return fail(reply, 401, 'unauthorized', 'missing or unknown bearer token');
      try {
        return await fn(req, reply, caller);
      } catch (e) {
        if (e instanceof MetricsInputError) return fail(reply, 400, 'invalid', e.message);
        if (e instanceof Error && /^invalid (ROI settings|business calendar|SLA targets)|unknown time zone/.test(e.message)) return fail(reply, 400, 'invalid', e.message);
        throw e;
      }
    };

  const sendReport = async (reply: FastifyReply, caller: MetricsCaller, q: Record<string, string | undefined>, ownOnly: boolean) => {
    const p = parseReportParams(q);
    if (ownOnly) {
      if (p.filter.agent_id !== undefined && p.filter.agent_id !== caller.id) {
        return fail(reply, 403, 'forbidden', "an agent sees their own figures only: leave out 'agent' or use your own id");
      }
      if (p.by === 'agent') p.by = null;
      p.filter.agent_id = caller.id;
    }
    const report = await reportFromDb(deps.db, caller.workspace_id, { from: p.from, to: p.to, by: p.by, filter: p.filter, asOf: now() });
    if (p.format === 'csv') {
      const name = `tend-report-${new Date(p.from).toISOString().slice(0, 10)}-${new Date(p.to - 1).toISOString().slice(0, 10)}.csv`;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(reportToCsv(report));
    }
    return reply.send(report);
  };

  app.get('/v1/metrics/report', handle(async (req, reply, caller) => sendReport(reply, caller, queryOf(req), caller.role === 'agent')));
  app.get('/v1/metrics/me', handle(async (req, reply, caller) => {
    const q = queryOf(req);
    if (q.agent !== undefined || q.by !== undefined) throw new MetricsInputError("/v1/metrics/me takes from, to, team, channel and format only");
    return sendReport(reply, caller, q, true);
  }));
  app.get('/v1/metrics/settings', handle(async (_req, reply, caller) => {
    if (caller.role === 'agent') return fail(reply, 403, 'forbidden', 'metrics settings are for supervisors and admins');
    return reply.send(await getMetricsSettings(deps.db, caller.workspace_id));
  }));
  app.put('/v1/metrics/settings', handle(async (req, reply, caller) => {
    if (caller.role !== 'admin') return fail(reply, 403, 'forbidden', 'only an admin changes metrics settings');
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MetricsInputError('expected a JSON object {roi?, calendar?, sla?}');
    const extra = Object.keys(body).filter((k) => !['roi', 'calendar', 'sla'].includes(k));
    if (extra.length) throw new MetricsInputError(`unknown settings: ${extra.join(', ')}`);
    const b = body as { roi?: unknown; calendar?: unknown; sla?: unknown };
    return reply.send(await updateMetricsSettings(deps.db, caller.workspace_id, b));
  }));
}
