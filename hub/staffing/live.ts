/**
 * Staffing on the Floor (issue 15): what hub/supervisor adds to each floor it pushes (Floor.staffing).
 *
 * Per 15-minute interval of the workspace's local day (and the next 4 hours past it): the forecast
 * (forecast.ts, fitted on the 8 weeks before today, so today is forecast, not fitted), the conversations
 * that actually arrived (counted at each push), the agents needed (erlang.ts, with the workspace's
 * settings and measured handle time), the agents with a work shift, and whether that is too few. Then
 * each agent's adherence now (adherence.ts) from the schedule and the presence the floor already has.
 * The fitted forecast and the measured handle time are kept per workspace for 15 minutes (and refitted
 * when the local day changes); the rest is read at each push.
 */
import { EventEmitter } from 'node:events';
import type { FloorStaffing, StaffingInterval } from '../../shared/contract/staffing';
import type { Queryable } from '../db/db';
import { liveAdherence, type PlannedShift } from './adherence';
import { requiredAgents } from './erlang';
import { INTERVAL_MS, SeasonalForecast } from './forecast';
import { localDayStart } from './schedule-csv';
import { workspaceTimeZone } from './schedules';
import { getStaffingSettings, measuredHandleTime } from './settings';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const REFIT_MS = 15 * 60_000;
/** handle time until anything is measured */
export const DEFAULT_HANDLE_TIME_SEC = 600;
const iso = (t: number) => new Date(t).toISOString();

/** An agent on the floor as hub/supervisor computed it (presence from routing's live state). */
export interface FloorAgentPresence { id: string; name: string; presence: string }

export class StaffingFloor {
  /** 'changed' (workspaceId): a schedule or setting changed; the floor is pushed again */
  readonly events = new EventEmitter();
  private readonly fits = new Map<string, { dayStart: number; at: number; forecast: SeasonalForecast; handle: number | null }>();

  constructor(private readonly db: Queryable, private readonly now: () => number = Date.now) {}

  changed(workspaceId: string): void {
    this.events.emit('changed', workspaceId);
  }

  private async fit(workspaceId: string, dayStart: number, now: number) {
    const hit = this.fits.get(workspaceId);
    if (hit && hit.dayStart === dayStart && now - hit.at < REFIT_MS) return hit;
    // counted per hour and channel in SQL: at most 8 × 168 rows a channel, however busy the workspace
    // (the hour as epoch seconds: date_trunc would cut at the session time zone's hours, not UTC's)
    const history = await this.db.query<{ hour: number; channel: string; n: number }>(
      `SELECT floor(extract(epoch FROM created_at) / 3600)::float8 AS hour, channel, count(*)::int AS n FROM conversations
        WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1, 2`,
      [workspaceId, iso(dayStart - 8 * WEEK), iso(dayStart)]);
    const forecast = new SeasonalForecast(history.map((h) => ({ at: Number(h.hour) * HOUR, channel: h.channel, count: h.n })), dayStart);
    const fitted = { dayStart, at: now, forecast, handle: await measuredHandleTime(this.db, workspaceId, now) };
    this.fits.set(workspaceId, fitted);
    return fitted;
  }

  async section(workspaceId: string, agents: FloorAgentPresence[]): Promise<FloorStaffing> {
    const now = this.now();
    const timeZone = await workspaceTimeZone(this.db, workspaceId);
    const dayStart = localDayStart(now, timeZone);
    const until = Math.max(dayStart + DAY, Math.ceil((now + 4 * HOUR) / INTERVAL_MS) * INTERVAL_MS);
    const [settings, fitted] = await Promise.all([getStaffingSettings(this.db, workspaceId), this.fit(workspaceId, dayStart, now)]);
    const handle = settings.handle_time_sec ?? fitted.handle ?? DEFAULT_HANDLE_TIME_SEC;

    const arrived = await this.db.query<{ slot: number; n: number }>(
      `SELECT floor(extract(epoch FROM created_at) * 1000 / $4)::float8 AS slot, count(*)::int AS n FROM conversations
        WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1`, [workspaceId, iso(dayStart), iso(until), INTERVAL_MS]);
    const actual = new Map(arrived.map((r) => [Number(r.slot) * INTERVAL_MS, r.n]));
    const shiftRows = await this.db.query<{ agent_id: string; starts_at: Date; ends_at: Date; activity: string }>(
      `SELECT agent_id, starts_at, ends_at, activity FROM shifts WHERE workspace_id = $1 AND ends_at > $2 AND starts_at < $3`,
      [workspaceId, iso(dayStart - DAY), iso(until)]);
    const shifts: PlannedShift[] = shiftRows.map((s) => ({ agent_id: s.agent_id, starts_at: new Date(s.starts_at).getTime(), ends_at: new Date(s.ends_at).getTime(), activity: s.activity }));

    const intervals: StaffingInterval[] = [];
    const channels = fitted.forecast.channels();
    for (let t = Math.floor(dayStart / INTERVAL_MS) * INTERVAL_MS; t < until; t += INTERVAL_MS) {
      const byChannel: Record<string, number> = {};
      let forecast = 0;
      for (const c of channels) {
        const e = fitted.forecast.expected(c, t);
        byChannel[c] = Math.round(e * 100) / 100;
        forecast += e;
      }
      const need = requiredAgents({
        volume: forecast, intervalSec: INTERVAL_MS / 1000, ahtSec: handle, targetSec: settings.target_sec, serviceLevel: settings.service_level,
        maxOccupancy: settings.max_occupancy, shrinkage: settings.shrinkage, concurrency: settings.concurrency,
      });
      const mid = t + INTERVAL_MS / 2;
      const scheduled = new Set(shifts.filter((s) => s.activity === 'work' && s.starts_at <= mid && s.ends_at > mid).map((s) => s.agent_id)).size;
      intervals.push({
        start: iso(t), forecast: Math.round(forecast * 100) / 100, forecast_by_channel: byChannel,
        actual: t <= now ? actual.get(t) ?? 0 : null,
        required: need.agents, required_scheduled: need.scheduled, scheduled, understaffed: scheduled < need.scheduled,
      });
    }

    // presence since when: the stored row when it is the presence routing has now; else it just changed
    const since = new Map((await this.db.query<{ agent_id: string; activity_id: string; since: Date }>(
      'SELECT agent_id, activity_id, since FROM agent_presence WHERE workspace_id = $1', [workspaceId])).map((r) => [r.agent_id, r]));
    const adherence: FloorStaffing['adherence'] = [];
    for (const a of agents) {
      const stored = since.get(a.id);
      const presenceSince = stored && stored.activity_id === a.presence ? new Date(stored.since).getTime() : now;
      const mine = shifts.filter((s) => s.agent_id === a.id);
      const live = liveAdherence(mine, a.presence, presenceSince, now);
      if (!live) continue;
      adherence.push({
        agent_id: a.id, name: a.name, state: live.state, scheduled: live.shift?.activity ?? null,
        shift_starts_at: live.shift ? iso(live.shift.starts_at) : null, shift_ends_at: live.shift ? iso(live.shift.ends_at) : null,
        presence: a.presence, since: iso(live.since),
      });
    }
    // out of adherence first (longest first), then working unscheduled, then in adherence
    const rank = { out: 0, unscheduled: 1, in: 2 } as const;
    adherence.sort((x, y) => rank[x.state] - rank[y.state] || x.since.localeCompare(y.since) || x.name.localeCompare(y.name));
    return { time_zone: timeZone, intervals, handle_time_sec: handle, handle_time_measured: settings.handle_time_sec === null && fitted.handle !== null, settings, adherence };
  }
}
