/**
 * staffing (issue 15): schedules (schedules.ts, schedule-csv.ts: shifts per agent, imported from CSV or
 * edited one by one; the ADMIN_ROUTES rows shifts, createShift, updateShift, deleteShift, importShifts,
 * staffingSettings, setStaffingSettings), what the Floor shows of staffing (live.ts: forecast vs actual,
 * required and scheduled agents, adherence; hub/supervisor gets `floor` from modules.ts) and the
 * report's `adherence` section (report.ts, through hub/report-sections.ts). Supervisors and admins read and change
 * schedules; admins change the settings; agents get 403. Every change is in the audit log.
 */
import { ZodError } from 'zod';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HttpError } from '../api/errors';
import { agentOf, type HubModule } from '../api/module';
import { serve } from '../api/route';
import type { Db } from '../db/db';
import { StaffingFloor } from './live';
import { deleteShift, importShifts, listShifts, saveShift, ScheduleError, workspaceTimeZone } from './schedules';
import { getStaffingSettings, measuredHandleTime, setStaffingSettings } from './settings';

export type StaffingModule = HubModule & { floor: StaffingFloor };

export function staffingModule(db: Db, opts: { now?: () => number } = {}): StaffingModule {
  const now = opts.now ?? Date.now;
  const floor = new StaffingFloor(db, now);
  const supervisorOf = (req: Parameters<typeof agentOf>[0]) => {
    const a = agentOf(req);
    if (a.role === 'agent') throw new HttpError(403, 'forbidden', 'schedules are for supervisors and admins');
    return a;
  };
  /** a schedule's refusal as the hub's error envelope: an import's bad rows in `details.rows` */
  const refusing = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ScheduleError) throw new HttpError(e.status, e.status === 400 ? 'invalid' : e.status === 404 ? 'not_found' : 'conflict', e.message, e.rows ? { rows: e.rows } : undefined);
      if (e instanceof ZodError) throw new HttpError(400, 'invalid', e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      throw e;
    }
  };
  const settingsView = async (ws: string) => ({ settings: await getStaffingSettings(db, ws), measured_handle_time_sec: await measuredHandleTime(db, ws, now()) });
  return {
    name: 'staffing',
    floor,
    routes(app) {
      serve(app, ADMIN_ROUTES.shifts, async (req, { query }) => {
        const a = supervisorOf(req);
        const shifts = await listShifts(db, a.workspace_id, {
          from: query.from ? Date.parse(query.from) : undefined, to: query.to ? Date.parse(query.to) : undefined, agent_id: query.agent_id,
        }, now());
        return { shifts, time_zone: await workspaceTimeZone(db, a.workspace_id) };
      });
      serve(app, ADMIN_ROUTES.createShift, (req, { body }) => refusing(async () => {
        const a = supervisorOf(req);
        const shift = await saveShift(db, a.workspace_id, null, body, a.id);
        floor.changed(a.workspace_id);
        return { shift };
      }), { audit: { action: 'staffing.shift_created', target_type: 'shift', body: true } });
      serve(app, ADMIN_ROUTES.updateShift, (req, { params, body }) => refusing(async () => {
        const a = supervisorOf(req);
        const shift = await saveShift(db, a.workspace_id, params.id, body, a.id);
        floor.changed(a.workspace_id);
        return { shift };
      }), { audit: { action: 'staffing.shift_changed', target_type: 'shift', body: true } });
      serve(app, ADMIN_ROUTES.deleteShift, (req, { params }) => refusing(async () => {
        const a = supervisorOf(req);
        await deleteShift(db, a.workspace_id, params.id);
        floor.changed(a.workspace_id);
        return { ok: true as const };
      }), { audit: { action: 'staffing.shift_deleted', target_type: 'shift' } });
      serve(app, ADMIN_ROUTES.importShifts, (req, { body }) => refusing(async () => {
        const a = supervisorOf(req);
        const result = await importShifts(db, a.workspace_id, body.csv, body.replace, a.id);
        floor.changed(a.workspace_id);
        return result;
      }), { audit: { action: 'staffing.shifts_imported', target_type: 'schedule' } });
      serve(app, ADMIN_ROUTES.staffingSettings, async (req) => settingsView(supervisorOf(req).workspace_id));
      serve(app, ADMIN_ROUTES.setStaffingSettings, (req, { body }) => refusing(async () => {
        const a = agentOf(req);
        if (a.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin changes the staffing settings');
        await setStaffingSettings(db, a.workspace_id, body, a.id);
        floor.changed(a.workspace_id);
        return settingsView(a.workspace_id);
      }), { audit: { action: 'staffing.settings_changed', body: true } });
    },
  };
}
