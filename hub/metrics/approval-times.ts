/**
 * Approval time (issue 15): how long public replies waited for a supervisor's approval, from the
 * reply reaching the hub to the decision, for the replies decided in the report's range; per
 * approver and per team (the conversation's team when the reply was held), and what waits now.
 * A report filtered to an agent counts that agent's replies; to a team, that team's.
 */
import type { Queryable } from '../db/db';

export interface WaitStats { decided: number; approved: number; edited: number; rejected: number; mean_s: number | null; median_s: number | null; p90_s: number | null; max_s: number | null }
export interface ApprovalTimes {
  total: WaitStats;
  by_approver: Array<{ agent_id: string; name: string } & WaitStats>;
  by_team: Array<{ team_id: string | null; name: string | null } & WaitStats>;
  /** waiting now (as of the report), and the longest wait so far */
  pending: { count: number; oldest_wait_s: number | null };
}

const STATS = `count(*)::int AS decided,
  (count(*) FILTER (WHERE a.decision = 'approved'))::int AS approved,
  (count(*) FILTER (WHERE a.decision = 'edited'))::int AS edited,
  (count(*) FILTER (WHERE a.decision = 'rejected'))::int AS rejected,
  round(avg(extract(epoch FROM a.decided_at - a.requested_at))::numeric, 1)::float8 AS mean_s,
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.requested_at)))::numeric, 1)::float8 AS median_s,
  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.requested_at)))::numeric, 1)::float8 AS p90_s,
  round(max(extract(epoch FROM a.decided_at - a.requested_at))::numeric, 1)::float8 AS max_s`;

export async function approvalTimes(db: Queryable, workspaceId: string, o: { from: number; to: number; filter?: { agent_id?: string; team_id?: string; channel?: string }; asOf?: number }): Promise<ApprovalTimes> {
  const f = o.filter ?? {};
  const params: unknown[] = [workspaceId, new Date(o.from).toISOString(), new Date(o.to).toISOString(), f.agent_id ?? null, f.team_id ?? null, f.channel ?? null];
  const scope = `a.workspace_id = $1 AND ($4::text IS NULL OR a.agent_id = $4) AND ($5::text IS NULL OR a.team_id = $5)
    AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM conversations c WHERE c.id = a.conversation_id AND c.channel = $6))`;
  const decided = `${scope} AND a.decided_at >= $2::timestamptz AND a.decided_at < $3::timestamptz`;
  const [total, byApprover, byTeam, [pending]] = await Promise.all([
    db.query<WaitStats>(`SELECT ${STATS} FROM approvals a WHERE ${decided}`, params),
    db.query<{ agent_id: string; name: string } & WaitStats>(
      `SELECT a.decided_by AS agent_id, coalesce(d.name, a.decided_by) AS name, ${STATS}
         FROM approvals a LEFT JOIN agents d ON d.id = a.decided_by WHERE ${decided} GROUP BY a.decided_by, d.name ORDER BY name, agent_id`, params),
    db.query<{ team_id: string | null; name: string | null } & WaitStats>(
      `SELECT a.team_id, t.name, ${STATS}
         FROM approvals a LEFT JOIN teams t ON t.id = a.team_id WHERE ${decided} GROUP BY a.team_id, t.name ORDER BY t.name NULLS LAST, a.team_id`, params),
    db.query<{ count: number; oldest_wait_s: number | null }>(
      // $2 is the report's "now" here
      `SELECT count(*)::int AS count, round(max(extract(epoch FROM $2::timestamptz - a.requested_at))::numeric, 1)::float8 AS oldest_wait_s
         FROM approvals a WHERE ${scope} AND a.decision IS NULL AND a.requested_at < $3::timestamptz`,
      [workspaceId, new Date(o.asOf ?? Date.now()).toISOString(), ...params.slice(2)]),
  ]);
  return { total: total[0], by_approver: byApprover, by_team: byTeam, pending: { count: pending.count, oldest_wait_s: pending.oldest_wait_s } };
}
