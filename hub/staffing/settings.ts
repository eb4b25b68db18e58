/**
 * Each workspace's staffing settings (shared/contract/staffing.ts StaffingSettings): stored over the
 * defaults, changed by admins. The handle time is measured unless set: the mean handle time per
 * conversation over the last 7 days, from the spans desktops record (handle_time, migration 0870).
 */
import { DEFAULT_STAFFING_SETTINGS, StaffingSettingsSchema, type StaffingSettings } from '../../shared/contract/staffing';
import type { Queryable } from '../db/db';

export async function getStaffingSettings(db: Queryable, workspaceId: string): Promise<StaffingSettings> {
  const [row] = await db.query<{ settings: Partial<StaffingSettings> }>('SELECT settings FROM staffing_settings WHERE workspace_id = $1', [workspaceId]);
  const merged = StaffingSettingsSchema.safeParse({ ...DEFAULT_STAFFING_SETTINGS, ...(row?.settings ?? {}) });
  return merged.success ? merged.data : DEFAULT_STAFFING_SETTINGS;
}

/** Checked whole (the schema's bounds) before writing; returns what is stored now. */
export async function setStaffingSettings(db: Queryable, workspaceId: string, change: Partial<StaffingSettings>, by: string): Promise<StaffingSettings> {
  const next = StaffingSettingsSchema.parse({ ...(await getStaffingSettings(db, workspaceId)), ...change });
  await db.query(`INSERT INTO staffing_settings (workspace_id, settings, updated_by) VALUES ($1, $2::jsonb, $3)
    ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by, updated_at = now()`,
  [workspaceId, JSON.stringify(next), by]);
  return next;
}

/** Mean handle time per conversation over the 7 days before `now`, seconds; null when nothing was recorded. */
export async function measuredHandleTime(db: Queryable, workspaceId: string, now: number): Promise<number | null> {
  const [r] = await db.query<{ mean: number | null }>(
    `SELECT avg(s)::float8 / 1000 AS mean FROM (SELECT sum(active_ms) AS s FROM handle_time
       WHERE workspace_id = $1 AND started_at > $2 AND started_at <= $3 GROUP BY conversation_id) x WHERE s > 0`,
    [workspaceId, new Date(now - 7 * 86_400_000).toISOString(), new Date(now).toISOString()]);
  return r?.mean === null || r?.mean === undefined ? null : Math.round(Number(r.mean));
}
