/**
 * The supervisor's floor: what the hub computes for the live dashboard (GET /v1/supervisor/floor,
 * pushed as {type:'floor', floor} on WS /v1/supervisor/stream at most once a second after changes).
 */
import { z } from 'zod';
import { SpikeAlertSchema } from './spikes';
import { FloorStaffingSchema } from './staffing';

export const FloorSchema = z.object({
  generated_at: z.string(),
  queues: z.array(z.object({
    team_id: z.string().nullable(),
    team_name: z.string(),
    channel: z.string(),
    depth: z.number().int(),
    /** ISO time the longest-waiting open conversation has waited since, or null */
    longest_waiting_since: z.string().nullable(),
  })),
  sla: z.object({
    at_risk: z.array(z.object({ conversation_id: z.string(), subject: z.string(), due_at: z.string(), assignee_id: z.string().nullable(), team_id: z.string().nullable(), priority: z.string() })),
    breached: z.array(z.object({ conversation_id: z.string(), subject: z.string(), due_at: z.string(), assignee_id: z.string().nullable(), team_id: z.string().nullable(), priority: z.string() })),
  }),
  agents: z.array(z.object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    presence: z.string(),
    routable: z.boolean(),
    open_conversations: z.number().int(),
    capacity: z.number().int(),
    /** average handle time today, seconds; null when nothing handled */
    handle_time_s: z.number().nullable(),
    /** replies (public and private, not notes) the agent sent in the last 60 minutes */
    replies_per_hour: z.number().int(),
  })),
  /** last 12 hours, oldest first */
  throughput: z.array(z.object({ hour: z.string(), inbound: z.number().int(), replies: z.number().int(), resolved: z.number().int() })),
  sentiment_trend: z.array(z.object({ hour: z.string(), average: z.number().nullable(), count: z.number().int() })),
  /** public replies waiting for approval in the workspace (hub/approvals): the approvers' view re-reads its list when it moves */
  approvals_pending: z.number().int().optional(),
  /** spike alerts (hub/spikes): open ones, and those that ended in the last 24 hours; newest first */
  alerts: z.array(SpikeAlertSchema).default([]),
  /** staffing (hub/staffing): forecast vs actual, required and scheduled agents per 15 minutes, adherence; absent when that module is off */
  staffing: FloorStaffingSchema.optional(),
});
export type Floor = z.infer<typeof FloorSchema>;

/**
 * GET /v1/supervisor/roster, for every agent of the workspace (not only supervisors): who can take
 * a conversation, with presence and load as the hub knows them, so the assign pickers can warn
 * before giving work to someone offline or at capacity.
 */
export const RosterSchema = z.object({
  agents: z.array(FloorSchema.shape.agents.element.omit({ handle_time_s: true, replies_per_hour: true })),
});
export type Roster = z.infer<typeof RosterSchema>;

export const SupervisorMessageRequestSchema = z.object({ agent_id: z.string().min(1), text: z.string().trim().min(1).max(2000) });
export const SupervisorMessageResponseSchema = z.object({ delivered: z.number().int() });

/** What the hub pushes on WS /v1/supervisor/stream. */
export const SupervisorStreamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('floor'), floor: FloorSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
