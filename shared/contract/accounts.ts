/**
 * Hub ↔ client wire schemas of sessions, stream tickets and administration (issue 11):
 *   POST /v1/auth/logout                      → LogoutResponse      (the caller's session ends, its streams close)
 *   POST /v1/auth/ticket                      → StreamTicket        (one WebSocket upgrade: `?ticket=`, within ttl)
 *   GET  /v1/admin/agents/:id/sessions        → SessionList         (admin)
 *   DELETE /v1/admin/sessions/:id             → RevokeResponse      (admin)
 *   POST /v1/admin/agents/:id/sessions/revoke → RevokeResponse      (admin: all of the agent's)
 *   POST /v1/admin/agents/:id/disable|enable  → AgentStatusResponse (admin; disable ends every session at once)
 *   GET  /v1/admin/lockouts                   → LockoutList         (admin)
 *   POST /v1/admin/lockouts/lift {email|ip}   → LiftLockoutResponse (admin)
 *   GET  /v1/admin/audit?…                    → AuditPage           (admin; filters: AuditQuery)
 *   GET  /v1/admin/audit/export?format=csv|json&…                   (admin; a file)
 * REST calls carry the session token only in `Authorization: Bearer …`; WebSocket upgrades only a ticket.
 */
import { z } from 'zod';

export const LogoutResponseSchema = z.object({ ok: z.literal(true) });

export const StreamTicketSchema = z.object({ ticket: z.string().min(1), expires_at: z.string() });
export type StreamTicket = z.infer<typeof StreamTicketSchema>;

export const SessionInfoSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  created_at: z.string(),
  last_seen_at: z.string(),
  /** when it ends unless used again (idle limit) */
  idle_expires_at: z.string(),
  /** when it ends whatever happens (maximum life) */
  expires_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  /** WebSocket streams open under it on the hub that answered */
  streams: z.number().int(),
  /** the session of the request that asked */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export const SessionListSchema = z.object({ sessions: z.array(SessionInfoSchema) });

export const RevokeResponseSchema = z.object({ revoked: z.number().int(), streams_closed: z.number().int() });

export const AgentStatusResponseSchema = z.object({
  agent_id: z.string(),
  disabled: z.boolean(),
  revoked: z.number().int(),
  streams_closed: z.number().int(),
});

export const LockoutSchema = z.object({
  kind: z.enum(['account', 'ip']),
  /** the e-mail (lower case, known or not) or the source address */
  subject: z.string(),
  failures: z.number().int(),
  last_failure_at: z.string(),
  /** next attempt accepted from then (exponential delay) */
  blocked_until: z.string().nullable(),
  /** locked until then, or until an admin lifts it */
  locked_until: z.string().nullable(),
});
export const LockoutListSchema = z.object({ lockouts: z.array(LockoutSchema) });
export const LiftLockoutRequestSchema = z.union([
  z.object({ email: z.string().min(1).max(320) }).strict(),
  z.object({ ip: z.string().min(1).max(100) }).strict(),
]);
export const LiftLockoutResponseSchema = z.object({ lifted: z.boolean() });

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  workspace_id: z.string().nullable(),
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  /** the target's name as it is now (a person, team, channel, customer, canned shortcode); null when gone or unnamed */
  target_name: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
export const AuditQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** an action, or a prefix ending in '.' (e.g. `auth.`) */
  action: z.string().min(1).max(100).optional(),
  actor_id: z.string().min(1).max(200).optional(),
  target_id: z.string().min(1).max(320).optional(),
  /** entries older than this id (the previous page's next_before) */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export const AuditPageSchema = z.object({ entries: z.array(AuditEntrySchema), next_before: z.number().int().nullable() });

/** The actions the hub records. */
export const AUDIT_ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.lockout', 'auth.lockout_lifted', 'auth.logout',
  'session.revoked', 'agent.created', 'agent.teams_changed', 'agent.disabled', 'agent.enabled',
  'channel_account.created', 'routing.config_changed', 'routing.rules_changed', 'routing.rules_applied', 'metrics.settings_changed',
  // hub/admin (issue 12)
  'team.created', 'team.renamed', 'team.archived', 'team.restored', 'agent.updated', 'agent.role_changed', 'agent.access_reset',
  'account.password_changed', 'account.invite_accepted', 'workspace.created', 'customer.exported', 'customer.erased',
  'canned.created', 'canned.updated', 'canned.deleted', 'channel.connected', 'channel.changed', 'channel.disconnected',
  // macros (issue 15): a team's
  'macro.created', 'macro.updated', 'macro.deleted',
] as const;
