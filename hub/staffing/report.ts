/**
 * The metrics report's `adherence` section (issue 15; shared/contract/staffing.ts AdherenceReport),
 * handed to hub/metrics through modules.ts like hub/spikes' crisis_periods. Over the report's range up
 * to now: per agent with a shift in it, minutes scheduled, minutes in adherence and the share, and
 * minutes working without a shift; per team (its members' sums) and for the workspace.
 *
 * Presence over time is routing's: each change is a `presence.changed` row in routing_events; the
 * presence at the range's start is the last change before it (else the stored presence if older,
 * else offline: a new agent starts offline).
 */
import type { AdherenceReport } from '../../shared/contract/staffing';
import type { Queryable } from '../db/db';
import { adherenceOver, type PlannedShift, type PresenceChange } from './adherence';

const iso = (t: number) => new Date(t).toISOString();
const minutes = (ms: number) => Math.round(ms / 6_000) / 10;
const pct = (inAdh: number, scheduled: number) => (scheduled > 0 ? Math.round((inAdh / scheduled) * 1000) / 10 : null);

export async function adherenceReport(db: Queryable, workspaceId: string, range: { from: number; to: number; asOf: number }): Promise<AdherenceReport> {
  const from = range.from;
  const to = Math.min(range.to, range.asOf);
  const empty: AdherenceReport = { scheduled_min: 0, in_adherence_min: 0, adherence_pct: null, agents: [], teams: [] };
  if (to <= from) return empty;
  const shiftRows = await db.query<{ agent_id: string; starts_at: Date; ends_at: Date; activity: string }>(
    'SELECT agent_id, starts_at, ends_at, activity FROM shifts WHERE workspace_id = $1 AND ends_at > $2 AND starts_at < $3',
    [workspaceId, iso(from), iso(to)]);
  const shifts = new Map<string, PlannedShift[]>();
  for (const s of shiftRows) {
    const list = shifts.get(s.agent_id) ?? shifts.set(s.agent_id, []).get(s.agent_id)!;
    list.push({ agent_id: s.agent_id, starts_at: new Date(s.starts_at).getTime(), ends_at: new Date(s.ends_at).getTime(), activity: s.activity });
  }
  const agents = await db.query<{ id: string; name: string; stored: string | null; stored_since: Date | null }>(
    `SELECT a.id, a.name, p.activity_id AS stored, p.since AS stored_since FROM agents a LEFT JOIN agent_presence p ON p.agent_id = a.id
      WHERE a.workspace_id = $1 ORDER BY a.name, a.id`, [workspaceId]);
  const before = new Map((await db.query<{ agent_id: string; activity: string }>(
    `SELECT DISTINCT ON (agent_id) agent_id, data->>'activity_id' AS activity FROM routing_events
      WHERE workspace_id = $1 AND type = 'presence.changed' AND at <= $2 AND agent_id IS NOT NULL ORDER BY agent_id, at DESC, id DESC`,
    [workspaceId, iso(from)])).map((r) => [r.agent_id, r.activity]));
  const changes = new Map<string, PresenceChange[]>();
  for (const r of await db.query<{ agent_id: string; at: Date; activity: string }>(
    `SELECT agent_id, at, data->>'activity_id' AS activity FROM routing_events
      WHERE workspace_id = $1 AND type = 'presence.changed' AND at > $2 AND at < $3 AND agent_id IS NOT NULL ORDER BY at, id`,
    [workspaceId, iso(from), iso(to)])) {
    (changes.get(r.agent_id) ?? changes.set(r.agent_id, []).get(r.agent_id)!).push({ at: new Date(r.at).getTime(), activity: r.activity });
  }

  const figures = new Map<string, { scheduled_ms: number; in_adherence_ms: number }>();
  const out = { ...empty, agents: [] as AdherenceReport['agents'] };
  let scheduled = 0;
  let inAdh = 0;
  for (const a of agents) {
    const initial = before.get(a.id) ?? (a.stored && a.stored_since && new Date(a.stored_since).getTime() <= from ? a.stored : 'offline');
    const f = adherenceOver(shifts.get(a.id) ?? [], initial, changes.get(a.id) ?? [], from, to);
    if (f.scheduled_ms === 0 && f.unscheduled_work_ms === 0) continue;
    figures.set(a.id, f);
    scheduled += f.scheduled_ms;
    inAdh += f.in_adherence_ms;
    out.agents.push({
      agent_id: a.id, name: a.name, scheduled_min: minutes(f.scheduled_ms), in_adherence_min: minutes(f.in_adherence_ms),
      adherence_pct: pct(f.in_adherence_ms, f.scheduled_ms), unscheduled_work_min: minutes(f.unscheduled_work_ms),
    });
  }
  const members = await db.query<{ team_id: string; name: string; agent_id: string }>(
    `SELECT t.id AS team_id, t.name, at.agent_id FROM teams t JOIN agent_teams at ON at.team_id = t.id
      WHERE t.workspace_id = $1 ORDER BY t.name, t.id`, [workspaceId]);
  const teams = new Map<string, { name: string; scheduled_ms: number; in_adherence_ms: number }>();
  for (const m of members) {
    const f = figures.get(m.agent_id);
    if (!f || f.scheduled_ms === 0) continue;
    const t = teams.get(m.team_id) ?? teams.set(m.team_id, { name: m.name, scheduled_ms: 0, in_adherence_ms: 0 }).get(m.team_id)!;
    t.scheduled_ms += f.scheduled_ms;
    t.in_adherence_ms += f.in_adherence_ms;
  }
  out.teams = [...teams].map(([team_id, t]) => ({
    team_id, name: t.name, scheduled_min: minutes(t.scheduled_ms), in_adherence_min: minutes(t.in_adherence_ms), adherence_pct: pct(t.in_adherence_ms, t.scheduled_ms),
  }));
  return { ...out, scheduled_min: minutes(scheduled), in_adherence_min: minutes(inAdh), adherence_pct: pct(inAdh, scheduled) };
}
