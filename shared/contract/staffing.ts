/**
 * Staffing the shift (issue 15, hub/staffing): agents' shifts (schedules), imported from CSV or edited
 * one by one by supervisors and admins; the workspace's staffing settings (SLA target, shrinkage,
 * occupancy, concurrency, handle time); and what the Floor shows of it (Floor.staffing): forecast vs
 * actual conversations per 15 minutes, the agents each interval needs and the agents scheduled, and
 * each scheduled agent's adherence (scheduled vs actual presence) live.
 */
import { z } from 'zod';

const Id = z.string().min(1).max(200);
/** an activity a shift plans: `work` (on the queue) or what the agent does instead (`break`, `training`, …) */
export const ShiftActivitySchema = z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'an activity is a word like work, break or training');
const Instant = z.string().datetime({ offset: true, message: 'a time like 2026-12-07T09:00:00Z' });

/** A shift is at most this long; longer ones are a typo in a date. */
export const SHIFT_MAX_HOURS = 16;

export const ShiftSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  agent_name: z.string(),
  agent_email: z.string(),
  starts_at: z.string(),
  ends_at: z.string(),
  activity: z.string(),
  updated_at: z.string(),
});
export type Shift = z.infer<typeof ShiftSchema>;

export const ShiftsQuerySchema = z.object({
  /** shifts that end after `from` and start before `to`; default: from the start of yesterday to 7 days ahead */
  from: Instant.optional(),
  to: Instant.optional(),
  agent_id: Id.optional(),
});
export const ShiftListSchema = z.object({ shifts: z.array(ShiftSchema), time_zone: z.string() });
export const ShiftInputSchema = z.object({
  agent_id: Id,
  starts_at: Instant,
  ends_at: Instant,
  activity: ShiftActivitySchema.default('work'),
}).strict();
export type ShiftInput = z.output<typeof ShiftInputSchema>;
export const ShiftOneSchema = z.object({ shift: ShiftSchema });

/**
 * A CSV with a header: `agent_email,start,end[,activity]`. Times are ISO 8601 (`2026-12-07T09:00:00Z`,
 * with an offset) or `2026-12-07 09:00` in the workspace's time zone. All or nothing: one bad row
 * and nothing is imported; the refusal (400 `invalid`) lists every bad row in `details.rows`.
 * `replace`: the imported agents' shifts within the file's span are replaced by the file's.
 */
export const ImportShiftsSchema = z.object({
  csv: z.string().min(1, 'the CSV is empty').max(1_000_000, 'the CSV is larger than 1 MB'),
  replace: z.boolean().default(false),
}).strict();
export const ImportShiftsResponseSchema = z.object({ imported: z.number().int(), replaced: z.number().int(), shifts: z.array(ShiftSchema) });
/** One bad row of an import (line: the file's line, the header is line 1). */
export const ShiftRowErrorSchema = z.object({ line: z.number().int(), message: z.string() });
export type ShiftRowError = z.infer<typeof ShiftRowErrorSchema>;

// ---- settings -----------------------------------------------------------------------------------

export const StaffingSettingsSchema = z.object({
  /** the SLA target: this share of conversations… */
  service_level: z.number().min(0.05).max(0.99),
  /** …answered within this many seconds */
  target_sec: z.number().int().min(10).max(7 * 86_400),
  /** share of scheduled time not on the queue (breaks, training, meetings) */
  shrinkage: z.number().min(0).max(0.9),
  /** the highest share of time agents should be busy */
  max_occupancy: z.number().min(0.1).max(1),
  /** conversations one agent handles at once */
  concurrency: z.number().int().min(1).max(20),
  /** handle time per conversation in seconds; null: measured (the last 7 days' mean; 600 s until anything is measured) */
  handle_time_sec: z.number().int().min(10).max(86_400).nullable(),
}).strict();
export type StaffingSettings = z.infer<typeof StaffingSettingsSchema>;
export const DEFAULT_STAFFING_SETTINGS: StaffingSettings = {
  service_level: 0.8, target_sec: 3600, shrinkage: 0.3, max_occupancy: 0.85, concurrency: 3, handle_time_sec: null,
};
export const StaffingSettingsBodySchema = StaffingSettingsSchema.partial().strict();
export const StaffingSettingsViewSchema = z.object({ settings: StaffingSettingsSchema, measured_handle_time_sec: z.number().nullable() });

// ---- the Floor ----------------------------------------------------------------------------------

export const StaffingIntervalSchema = z.object({
  /** start of the 15-minute interval */
  start: z.string(),
  /** conversations the forecast expects (all channels), and per channel */
  forecast: z.number(),
  forecast_by_channel: z.record(z.string(), z.number()),
  /** new conversations that arrived in it; null for intervals still ahead */
  actual: z.number().int().nullable(),
  /** agents the forecast needs on the queue (Erlang C), and to schedule (after shrinkage) */
  required: z.number().int(),
  required_scheduled: z.number().int(),
  /** agents with a work shift over the interval (all of it or part) */
  scheduled: z.number().int(),
  /** scheduled < required_scheduled */
  understaffed: z.boolean(),
});
export type StaffingInterval = z.infer<typeof StaffingIntervalSchema>;

export const AdherenceStateSchema = z.enum(['in', 'out', 'unscheduled']);
export const AgentAdherenceSchema = z.object({
  agent_id: z.string(),
  name: z.string(),
  /** in: presence as scheduled; out: not (since when); unscheduled: working with no shift now */
  state: AdherenceStateSchema,
  /** what the schedule says now: the shift's activity (`work`, `break`…), or null with no shift now */
  scheduled: z.string().nullable(),
  shift_starts_at: z.string().nullable(),
  shift_ends_at: z.string().nullable(),
  presence: z.string(),
  /** since when the agent has been in this state */
  since: z.string(),
});
export type AgentAdherence = z.infer<typeof AgentAdherenceSchema>;

export const FloorStaffingSchema = z.object({
  time_zone: z.string(),
  /** today's intervals (local day of the workspace) and the next hours, oldest first */
  intervals: z.array(StaffingIntervalSchema),
  /** the handle time used (seconds) and whether it was measured */
  handle_time_sec: z.number(),
  handle_time_measured: z.boolean(),
  settings: StaffingSettingsSchema,
  /** agents with a shift now, and agents working without one */
  adherence: z.array(AgentAdherenceSchema),
});
export type FloorStaffing = z.infer<typeof FloorStaffingSchema>;

// ---- the metrics report --------------------------------------------------------------------------

const AdherenceFigures = { scheduled_min: z.number(), in_adherence_min: z.number(), adherence_pct: z.number().nullable() };
/** The report's `adherence` section: scheduled minutes (of the range, up to now) and minutes in adherence. */
export const AdherenceReportSchema = z.object({
  ...AdherenceFigures,
  agents: z.array(z.object({ agent_id: z.string(), name: z.string(), ...AdherenceFigures, unscheduled_work_min: z.number() })),
  teams: z.array(z.object({ team_id: z.string(), name: z.string(), ...AdherenceFigures })),
});
export type AdherenceReport = z.infer<typeof AdherenceReportSchema>;
