/**
 * Metrics over HTTP (the /v1/metrics rows of shared/contract/hub-routes.ts):
 *   metricsReport   ?from&to[&by=agent|team|channel|account][&agent&team&channel][&format=json|csv]
 *                   supervisors and admins: the workspace; agents: their own conversations only
 *   metricsMe       ?from&to[&format]: an agent's own figures (for their panel)
 *   metricsSettings ROI costs, how surveys are asked, business-hours calendar, SLA targets
 *   setMetricsSettings  admins: {roi?, surveys?, calendar?, sla?}, validated whole before writing
 * Refusals are HttpErrors (the hub's one error envelope, api/errors.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HUB_ROUTES } from '../../shared/contract/hub-routes';
import { HttpError } from '../api/errors';
import { agentOf } from '../api/module';
import { serve } from '../api/route';
import type { Queryable } from '../db/db';
import type { AgentContext } from '../sync/scope';
import { reportToCsv, type CsvSections } from './csv';
import { MetricsInputError, parseReportParams } from './params';
import { getMetricsSettings, reportFromDb, updateMetricsSettings } from './store';

/** Sections other modules add to a workspace's report (JSON; not to an agent's own figures). */
export type ReportSections = (workspaceId: string, range: { from: number; to: number; asOf: number }) => Promise<Record<string, unknown>>;

export interface MetricsRouteDeps {
  sections?: ReportSections;
  db: Queryable;
  /**
   * A read replica of the database (DATABASE_REPLICA_URL): reports read from it, without the flush of
   * marked facts (a write; marked conversations are computed on the spot there too), and say its lag.
   */
  replica?: Queryable;
  /** "Now" for reports (tests pin it). */
  now?: () => number;
  /** this hub sends survey questions after a resolve (the settings say how) */
  surveysSent?: boolean;
}

/**
 * How far a replica is behind: 0 when it has replayed all it received (or is not in recovery: a
 * primary given as the replica), else the time since the last transaction it replayed.
 */
export async function replicaLagSeconds(replica: Queryable): Promise<number> {
  const [r] = await replica.query<{ lag: number | null }>(`
    SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch from now() - pg_last_xact_replay_timestamp()) END::float8 AS lag`);
  return Math.max(0, Math.round((r?.lag ?? 0) * 10) / 10);
}

function queryOf(query: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) throw new MetricsInputError(`${k}: given more than once`);
    out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

/** The metrics' own reasons for a bad request become a 400 `invalid`. */
async function refusingBadInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MetricsInputError) throw new HttpError(400, 'invalid', e.message);
    if (e instanceof Error && /^invalid (ROI settings|business calendar|SLA targets|survey settings)/.test(e.message)) throw new HttpError(400, 'invalid', e.message);
    throw e;
  }
}

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps): void {
  const now = deps.now ?? Date.now;

  const sendReport = async (reply: FastifyReply, caller: AgentContext, q: Record<string, string | undefined>, ownOnly: boolean) => {
    const p = parseReportParams(q);
    if (ownOnly) {
      if (p.filter.agent_id !== undefined && p.filter.agent_id !== caller.id) {
        throw new HttpError(403, 'forbidden', "an agent sees their own figures only: leave out 'agent' or use your own id");
      }
      if (p.by === 'agent') p.by = null;
      p.filter.agent_id = caller.id;
    }
    const asOf = now();
    const source = deps.replica ?? deps.db;
    const report = await reportFromDb(source, caller.workspace_id, { from: p.from, to: p.to, by: p.by, filter: p.filter, asOf, flush: !deps.replica });
    const more = !ownOnly && deps.sections ? await deps.sections(caller.workspace_id, { from: p.from, to: p.to, asOf }) : {};
    if (p.format === 'csv') {
      const name = `tend-report-${new Date(p.from).toISOString().slice(0, 10)}-${new Date(p.to - 1).toISOString().slice(0, 10)}.csv`;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(reportToCsv(report, more as CsvSections));
    }
    return reply.send({ ...report, ...more, ...(deps.replica ? { replica: { lag_s: await replicaLagSeconds(deps.replica) } } : {}) });
  };

  serve(app, HUB_ROUTES.metricsReport, (req, { query }, reply) => refusingBadInput(async () => {
    const caller = agentOf(req);
    return sendReport(reply, caller, queryOf(query), caller.role === 'agent');
  }));
  serve(app, HUB_ROUTES.metricsMe, (req, { query }, reply) => refusingBadInput(async () => {
    const q = queryOf(query);
    if (q.agent !== undefined || q.by !== undefined) throw new MetricsInputError('your own figures take from, to, team, channel and format only');
    return sendReport(reply, agentOf(req), q, true);
  }));
  serve(app, HUB_ROUTES.metricsSettings, async (req) => {
    const caller = agentOf(req);
    if (caller.role === 'agent') throw new HttpError(403, 'forbidden', 'metrics settings are for supervisors and admins');
    return { ...(await getMetricsSettings(deps.db, caller.workspace_id)), surveys_sent: deps.surveysSent ?? false };
  });
  serve(app, HUB_ROUTES.setMetricsSettings, (req, { body }) => refusingBadInput(async () => {
    const caller = agentOf(req);
    if (caller.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin changes metrics settings');
    return { ...(await updateMetricsSettings(deps.db, caller.workspace_id, body)), surveys_sent: deps.surveysSent ?? false };
  }), { audit: { action: 'metrics.settings_changed', body: true } });
}
