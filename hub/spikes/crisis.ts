/**
 * Crisis mode for a topic (issue 15): a supervisor turns it on (from a spike alert or for any topic)
 * with a holding statement and, optionally, a team the topic goes to. While it is on:
 * - every agent's desk shows a banner, and the holding statement is the first canned response on the
 *   topic's conversations (the desks read GET /v1/crisis; a routing push tells them it changed);
 * - new conversations of the topic go to the chosen team: a routing rule `crisis-<id>` put first in
 *   the workspace's rules (a rule version like any other, with who and when), taken out when it ends,
 *   so the topic routes as before. Conversations already placed stay where they are.
 * Turning it on and off is kept with who and when (crisis_modes, migration 1041; and the audit log).
 */
import { randomUUID } from 'node:crypto';
import type { Crisis } from '../../shared/contract/spikes';
import { HttpError } from '../api/errors';
import type { Db, Queryable } from '../db/db';

/** What crisis mode asks of routing (hub/routing, handed in by modules.ts). */
export interface CrisisRouting {
  /** puts the rule first in the workspace's rules (or takes rule `id` out with `rule: null`), as `by` */
  setRule(workspaceId: string, id: string, rule: { name: string; topic: string; team_id: string } | null, by: string): Promise<void>;
  /** tells every agent's desk of the workspace */
  announce(workspaceId: string, push: { type: 'crisis'; event: 'started' | 'ended'; crisis_id: string; topic: string }): void;
}

/**
 * "Approval required for public replies on the topic" while a crisis is on: hub/approvals' holds
 * (requireApproval / releaseApproval), handed in by modules.ts (null: crisis mode holds no reply).
 */
export interface CrisisApprovals {
  require(q: Queryable, workspaceId: string, hold: { key: string; topic: string | null; reason: string }): Promise<void>;
  release(q: Queryable, workspaceId: string, key: string): Promise<boolean>;
}

interface Row {
  id: string; topic: string; holding_statement: string; team_id: string | null; team_name: string | null; alert_id: string | null;
  started_at: Date | string; started_by: string | null; started_by_name: string; ended_at: Date | string | null; ended_by: string | null; ended_by_name: string | null;
}
const iso = (d: Date | string) => new Date(d).toISOString();
const view = (r: Row): Crisis => ({
  id: r.id, topic: r.topic, holding_statement: r.holding_statement, team_id: r.team_id, team_name: r.team_name, alert_id: r.alert_id,
  started_at: iso(r.started_at), started_by: { id: r.started_by, name: r.started_by_name },
  ended_at: r.ended_at === null ? null : iso(r.ended_at), ended_by: r.ended_at === null ? null : { id: r.ended_by, name: r.ended_by_name ?? '' },
});
const SELECT = `SELECT c.id, c.topic, c.holding_statement, c.team_id, t.name AS team_name, c.alert_id, c.started_at, c.started_by, c.started_by_name,
                       c.ended_at, c.ended_by, c.ended_by_name
                  FROM crisis_modes c LEFT JOIN teams t ON t.id = c.team_id`;
/** One crisis in the metrics report (`crisis_periods`). */
export interface CrisisPeriod {
  crisis_id: string; topic: string; started_at: string; ended_at: string | null; started_by: string; ended_by: string | null; team_name: string | null;
  /** the topic's conversations that arrived while it was on, how many got a first response, how many are resolved */
  conversations: number; answered: number; resolved: number;
  first_response_s: { mean: number | null; median: number | null };
  /** mean sentiment of the topic's posts before (as long as the crisis, before it), during, and after it (as long again; null while on) */
  sentiment: { before: number | null; during: number | null; after: number | null };
}

export const crisisRuleId = (id: string) => `crisis-${id}`;

export class CrisisService {
  constructor(private readonly db: Db, private readonly routing: () => CrisisRouting | null, private readonly approvals: CrisisApprovals | null = null) {}

  async list(workspaceId: string): Promise<{ active: Crisis[]; recent: Crisis[] }> {
    const rows = await this.db.query<Row>(
      `${SELECT} WHERE c.workspace_id = $1 AND (c.ended_at IS NULL OR c.ended_at > now() - interval '7 days') ORDER BY c.started_at DESC, c.id`, [workspaceId]);
    return { active: rows.filter((r) => r.ended_at === null).map(view), recent: rows.filter((r) => r.ended_at !== null).map(view) };
  }

  async start(workspaceId: string, by: { id: string; name: string }, input: { topic: string; holding_statement: string; team_id: string | null; alert_id: string | null }): Promise<Crisis> {
    const topic = input.topic.trim().toLowerCase();
    const routing = this.routing();
    if (input.team_id) {
      const [team] = await this.db.query<{ kind: string; archived: boolean }>(
        `SELECT kind, archived_at IS NOT NULL AS archived FROM teams WHERE id = $1 AND workspace_id = $2`, [input.team_id, workspaceId]);
      if (!team) throw new HttpError(404, 'not_found', `team ${input.team_id} not found`);
      if (team.kind !== 'support' || team.archived) throw new HttpError(400, 'invalid', 'crisis routing goes to a support team that is not archived');
      if (!routing) throw new HttpError(503, 'unavailable', 'routing is off on this hub: the topic cannot be routed to a team (turn crisis mode on without a team)');
    }
    if (input.alert_id) {
      const [alert] = await this.db.query('SELECT 1 FROM spike_alerts WHERE id = $1 AND workspace_id = $2', [input.alert_id, workspaceId]);
      if (!alert) throw new HttpError(404, 'not_found', `spike alert ${input.alert_id} not found`);
    }
    const id = randomUUID();
    // the crisis and its approval hold in one commit
    const on = await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO crisis_modes (id, workspace_id, topic, holding_statement, team_id, alert_id, started_by, started_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, topic) WHERE ended_at IS NULL DO NOTHING RETURNING id`,
        [id, workspaceId, topic, input.holding_statement.trim(), input.team_id, input.alert_id, by.id, by.name]);
      if (rows.length) await this.approvals?.require(tx, workspaceId, { key: crisisRuleId(id), topic, reason: `crisis mode: ${topic}` });
      return rows.length > 0;
    });
    if (!on) throw new HttpError(409, 'conflict', `crisis mode is already on for topic ${topic}`);
    if (input.team_id && routing) {
      try {
        await routing.setRule(workspaceId, crisisRuleId(id), { name: `Crisis: ${topic}`, topic, team_id: input.team_id }, by.id);
      } catch (err) {
        // not routed: not on either (nothing half-done is left)
        await this.db.transaction(async (tx) => {
          await tx.query('DELETE FROM crisis_modes WHERE id = $1', [id]);
          await this.approvals?.release(tx, workspaceId, crisisRuleId(id));
        });
        throw err;
      }
    }
    routing?.announce(workspaceId, { type: 'crisis', event: 'started', crisis_id: id, topic });
    return this.one(workspaceId, id);
  }

  async end(workspaceId: string, id: string, by: { id: string; name: string }): Promise<Crisis> {
    const [c] = await this.db.query<{ team_id: string | null; ended_at: Date | null; topic: string }>(
      'SELECT team_id, ended_at, topic FROM crisis_modes WHERE id = $1 AND workspace_id = $2', [id, workspaceId]);
    if (!c) throw new HttpError(404, 'not_found', `crisis ${id} not found`);
    if (c.ended_at) throw new HttpError(409, 'conflict', 'crisis mode is already off for this topic');
    const routing = this.routing();
    // routing first: a crisis still marked on whose rule is gone is safe to end again; the other way round is not
    if (c.team_id && routing) await routing.setRule(workspaceId, crisisRuleId(id), null, by.id);
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE crisis_modes SET ended_at = now(), ended_by = $3, ended_by_name = $4 WHERE id = $1 AND workspace_id = $2 AND ended_at IS NULL',
        [id, workspaceId, by.id, by.name]);
      await this.approvals?.release(tx, workspaceId, crisisRuleId(id));
    });
    routing?.announce(workspaceId, { type: 'crisis', event: 'ended', crisis_id: id, topic: c.topic });
    return this.one(workspaceId, id);
  }

  /**
   * Crisis periods for the metrics report: each crisis that overlaps [from, to), with what it handled
   * (the topic's conversations that arrived while it was on: how many, answered, resolved, first
   * response times) and the topic's sentiment before it (a window as long as the crisis, before it
   * started), during it, and after it (as long again, once it ended).
   */
  async periods(workspaceId: string, range: { from: number; to: number; asOf: number }): Promise<CrisisPeriod[]> {
    const rows = await this.db.query<Row>(
      `${SELECT} WHERE c.workspace_id = $1 AND c.started_at < $3::timestamptz AND coalesce(c.ended_at, 'infinity') >= $2::timestamptz ORDER BY c.started_at, c.id`,
      [workspaceId, new Date(range.from).toISOString(), new Date(range.to).toISOString()]);
    const out: CrisisPeriod[] = [];
    for (const r of rows) {
      const start = new Date(r.started_at).getTime();
      const end = r.ended_at === null ? range.asOf : new Date(r.ended_at).getTime();
      const len = Math.max(60_000, end - start);
      const t = (ms: number) => new Date(ms).toISOString();
      const [v] = await this.db.query<{ n: number; answered: number; resolved: number; frt_mean: number | null; frt_median: number | null }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE first_response_at IS NOT NULL)::int AS answered,
                count(*) FILTER (WHERE status = 'resolved')::int AS resolved,
                avg(extract(epoch FROM first_response_at - created_at)) FILTER (WHERE first_response_at IS NOT NULL)::float8 AS frt_mean,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)) FILTER (WHERE first_response_at IS NOT NULL))::float8 AS frt_median
           FROM conversations WHERE workspace_id = $1 AND analysis->>'topic' = $2 AND created_at >= $3::timestamptz AND created_at < $4::timestamptz`,
        [workspaceId, r.topic, t(start), t(end)]);
      const [sent] = await this.db.query<{ before: number | null; during: number | null; after: number | null }>(
        `SELECT avg(e.score) FILTER (WHERE e.at < $3::timestamptz)::float8 AS before,
                avg(e.score) FILTER (WHERE e.at >= $3::timestamptz AND e.at < $4::timestamptz)::float8 AS during,
                avg(e.score) FILTER (WHERE e.at >= $4::timestamptz)::float8 AS after
           FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
          WHERE e.workspace_id = $1 AND e.type = 'sentiment' AND c.analysis->>'topic' = $2 AND e.at >= $5::timestamptz AND e.at < $6::timestamptz`,
        [workspaceId, r.topic, t(start), t(end), t(start - len), t(r.ended_at === null ? end : Math.min(range.asOf, end + len))]);
      const round = (x: number | null, d = 3) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
      out.push({
        crisis_id: r.id, topic: r.topic, started_at: t(start), ended_at: r.ended_at === null ? null : t(end),
        started_by: r.started_by_name, ended_by: r.ended_by_name, team_name: r.team_name,
        conversations: v.n, answered: v.answered, resolved: v.resolved,
        first_response_s: { mean: round(v.frt_mean, 0), median: round(v.frt_median, 0) },
        sentiment: { before: round(sent.before), during: round(sent.during), after: r.ended_at === null ? null : round(sent.after) },
      });
    }
    return out;
  }

  private async one(workspaceId: string, id: string): Promise<Crisis> {
    const [r] = await this.db.query<Row>(`${SELECT} WHERE c.workspace_id = $1 AND c.id = $2`, [workspaceId, id]);
    return view(r);
  }
}
