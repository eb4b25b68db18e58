/**
 * The supervisor's floor (shared/contract/supervisor.ts FloorSchema), computed from the database,
 * with presence from routing when it runs. A few grouped queries over one workspace; the handle
 * time comes from the metrics report (the one definition of it) and is cached for 30 s.
 */
import type { Floor, Roster } from '../../shared/contract/supervisor';
import type { Queryable } from '../db/db';
import { reportFromDb } from '../metrics/store';

export interface PresenceSource {
  agentState(workspaceId: string, agentId: string): { activity_id: string; routable: boolean } | null;
}

export interface FloorOptions {
  presence?: PresenceSource | null;
  now?: () => number;
  /** minutes before a due time that count as "at risk"; default 15 */
  atRiskMinutes?: number;
  /** capacity of an agent whose record sets none (routing's default) */
  defaultCapacity?: number;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const handleCache = new WeakMap<Queryable, Map<string, { at: number; byAgent: Map<string, number | null> }>>();

async function handleTimes(db: Queryable, workspaceId: string, now: number): Promise<Map<string, number | null>> {
  let perDb = handleCache.get(db);
  if (!perDb) { perDb = new Map(); handleCache.set(db, perDb); }
  const hit = perDb.get(workspaceId);
  if (hit && now - hit.at < 30_000) return hit.byAgent;
  const dayStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const report = await reportFromDb(db, workspaceId, { from: dayStart, to: now + 1, by: 'agent', asOf: now });
  const byAgent = new Map<string, number | null>();
  for (const g of report.groups) byAgent.set(g.key, g.handle.count ? g.handle.mean_s : null);
  perDb.set(workspaceId, { at: now, byAgent });
  return byAgent;
}

export type RosterEntry = Roster['agents'][number];

/**
 * Every agent of the workspace with presence and load as the hub knows them: routing's live state
 * when it runs, else the stored presence. The floor's agent table and the assign pickers read it.
 */
export async function computeRoster(db: Queryable, workspaceId: string, o: FloorOptions = {}): Promise<RosterEntry[]> {
  const agents = await db.query<{ id: string; name: string; role: string; capacity: Record<string, number>; open: number; activity: string | null }>(
    `SELECT a.id, a.name, a.role, a.capacity,
            (SELECT count(*)::int FROM conversations c WHERE c.workspace_id = a.workspace_id AND c.assignee_id = a.id AND c.status <> 'resolved') AS open,
            p.activity_id AS activity
       FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id
      WHERE a.workspace_id = $1 ORDER BY a.name, a.id`, [workspaceId]);
  return agents.map((a) => {
    const live = o.presence?.agentState(workspaceId, a.id) ?? null;
    const activity = live?.activity_id ?? a.activity ?? 'offline';
    const caps = Object.values(a.capacity ?? {}).filter((n) => typeof n === 'number' && n > 0);
    return {
      id: a.id, name: a.name, role: a.role, presence: activity,
      routable: live ? live.routable : activity.toLowerCase() === 'available',
      open_conversations: a.open,
      capacity: caps.length ? caps.reduce((x, y) => x + y, 0) : (o.defaultCapacity ?? 3),
    };
  });
}

export async function computeFloor(db: Queryable, workspaceId: string, o: FloorOptions = {}): Promise<Floor> {
  const now = (o.now ?? Date.now)();
  const nowIso = new Date(now).toISOString();
  const riskMs = (o.atRiskMinutes ?? 15) * 60_000;
  const queues = await db.query<{ team_id: string | null; team_name: string; channel: string; depth: number; since: Date | null }>(
    `SELECT c.team_id, coalesce(t.name, '(no team)') AS team_name, c.channel, count(*)::int AS depth,
            min(coalesce(c.last_inbound_at, c.created_at)) AS since
       FROM conversations c LEFT JOIN teams t ON t.id = c.team_id
      WHERE c.workspace_id = $1 AND c.assignee_id IS NULL AND c.status = 'open'
      GROUP BY c.team_id, t.name, c.channel ORDER BY 2, 3`, [workspaceId]);
  const due = await db.query<{ id: string; subject: string; due: Date; assignee_id: string | null; team_id: string | null; priority: string }>(
    `SELECT id, subject, due, assignee_id, team_id, priority FROM (
       SELECT id, subject, assignee_id, team_id, priority,
              least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END, next_response_due_at, resolution_due_at) AS due
         FROM conversations WHERE workspace_id = $1 AND status <> 'resolved') x
      WHERE due IS NOT NULL AND due < $2::timestamptz ORDER BY due LIMIT 400`, [workspaceId, new Date(now + riskMs).toISOString()]);
  const agents = await computeRoster(db, workspaceId, o);
  const hours = await db.query<{ hour: Date; inbound: number; replies: number; resolved: number; average: number | null; count: number }>(
    `WITH h AS (SELECT generate_series(date_trunc('hour', $2::timestamptz) - interval '11 hours', date_trunc('hour', $2::timestamptz), interval '1 hour') AS hour),
          m AS (SELECT date_trunc('hour', created_at) AS hour,
                       count(*) FILTER (WHERE direction = 'inbound')::int AS inbound,
                       count(*) FILTER (WHERE direction = 'outbound' AND author_id IS NOT NULL AND delivery NOT IN ('awaiting_approval', 'rejected'))::int AS replies
                  FROM messages WHERE workspace_id = $1 AND created_at >= date_trunc('hour', $2::timestamptz) - interval '11 hours' GROUP BY 1),
          e AS (SELECT date_trunc('hour', at) AS hour,
                       count(*) FILTER (WHERE type = 'status' AND status = 'resolved')::int AS resolved,
                       avg(score) FILTER (WHERE type = 'sentiment') AS average,
                       count(score) FILTER (WHERE type = 'sentiment')::int AS count
                  FROM conversation_events WHERE workspace_id = $1 AND at >= date_trunc('hour', $2::timestamptz) - interval '11 hours' GROUP BY 1)
     SELECT h.hour, coalesce(m.inbound, 0) AS inbound, coalesce(m.replies, 0) AS replies, coalesce(e.resolved, 0) AS resolved,
            e.average, coalesce(e.count, 0) AS count
       FROM h LEFT JOIN m ON m.hour = h.hour LEFT JOIN e ON e.hour = h.hour ORDER BY h.hour`, [workspaceId, nowIso]);
  const handle = await handleTimes(db, workspaceId, now);
  // replies/hour: what each agent sent in the last 60 minutes (public replies and private messages, not notes)
  const recent = await db.query<{ author_id: string; n: number }>(
    `SELECT author_id, count(*)::int AS n FROM messages
      WHERE workspace_id = $1 AND direction = 'outbound' AND author_id IS NOT NULL AND created_at > $2::timestamptz
        -- a reply held for approval, or rejected, has not gone out (an approved one counts from its approval)
        AND delivery NOT IN ('awaiting_approval', 'rejected')
      GROUP BY author_id`, [workspaceId, new Date(now - 3_600_000).toISOString()]);
  const repliesLastHour = new Map(recent.map((r) => [r.author_id, r.n]));
  // replies held for approval (hub/approvals' table, read here like the others): pushed with the floor, so approvers hear of a new one at once
  const [pending] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM approvals WHERE workspace_id = $1 AND decision IS NULL', [workspaceId]);

  const item = (r: (typeof due)[number]) => ({
    conversation_id: r.id, subject: r.subject, due_at: iso(r.due)!, assignee_id: r.assignee_id, team_id: r.team_id, priority: r.priority,
  });
  return {
    generated_at: nowIso,
    // spike alerts are hub/spikes': the floor's publisher adds them (routes.ts)
    alerts: [],
    queues: queues.map((q) => ({ team_id: q.team_id, team_name: q.team_name, channel: q.channel, depth: q.depth, longest_waiting_since: iso(q.since) })),
    sla: {
      at_risk: due.filter((r) => new Date(r.due).getTime() >= now).slice(0, 200).map(item),
      breached: due.filter((r) => new Date(r.due).getTime() < now).slice(0, 200).map(item),
    },
    agents: agents.map((a) => ({ ...a, handle_time_s: handle.get(a.id) ?? null, replies_per_hour: repliesLastHour.get(a.id) ?? 0 })),
    throughput: hours.map((h) => ({ hour: iso(h.hour)!, inbound: h.inbound, replies: h.replies, resolved: h.resolved })),
    sentiment_trend: hours.map((h) => ({ hour: iso(h.hour)!, average: h.average === null ? null : Math.round(h.average * 1000) / 1000, count: h.count })),
    approvals_pending: pending?.n ?? 0,
  };
}
