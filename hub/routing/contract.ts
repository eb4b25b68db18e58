/**
 * Wire messages of the routing API (hub/routing/api.ts). Kept here until the desktop uses them;
 * then they move, unchanged, to shared/contract/hub-api.ts.
 *
 * HTTP (bearer token as for the rest of the hub):
 *   GET  /v1/routing/config                          -> { config }
 *   PUT  /v1/routing/config         RoutingConfig    -> { config, rules_version }  (supervisor/admin; invalid → 400 with reasons)
 *   PUT  /v1/routing/rules          { rules }        -> { config, rules_version }  (supervisor/admin)
 *        Saving never moves live work: new rules route new arrivals. A change of the rules is stored as
 *        a new version (who, when); the first change also stores the rules it replaced as version 1.
 *   GET  /v1/routing/rules/versions                  -> { current, versions: [{ version, changed_by, changed_by_name, changed_at, rules }] } (newest first; rules = how many)
 *   GET  /v1/routing/rules/versions/:version         -> { version, rules, changed_by, changed_at }
 *   POST /v1/routing/rules/preview  { rules? }       -> { rules_version, moves: RuleMove[] }  (supervisor/admin)
 *        What "apply to open conversations" would move: conversations waiting in a queue (unassigned, not
 *        insights, not resolved) whose rules now lead elsewhere. `rules` (not saved) previews a proposal.
 *   POST /v1/routing/rules/apply    { rules_version, conversation_ids? } -> { rules_version, moved: RuleMove[], skipped: [{ conversation_id, reason }] }
 *        Routes those conversations again with the saved rules (default: every move of the preview);
 *        409 rules_changed when the rules changed since the preview's `rules_version`. Written before it answers.
 *        RuleMove = { conversation_id, from_queue_id, from_team_id, to_queue_id, to_team_id, rule_id, insight }
 *   GET  /v1/routing/presence                        -> { activities, agents: AgentView[] } (agents see themselves, supervisors all)
 *   PUT  /v1/routing/presence       { activity_id, agent_id? } -> { agent }
 *   POST /v1/routing/offers/:conversation_id/accept  { offer_id? } -> { conversation }
 *   POST /v1/routing/offers/:conversation_id/reject  { offer_id? } -> { conversation }
 *   POST /v1/routing/pull                            -> { conversation_id | null }
 *   GET  /v1/routing/queues                          -> { depths, order }  (supervisor/admin)
 *   GET  /v1/routing/insights?department_id=         -> { insights }  (as stored: open ones and those closed in the last 30 days)
 *   POST /v1/routing/insights/:id/close { resolution } -> { insight }  (stored before the answer; a closed insight stays closed: 409 insight_closed)
 *   POST /v1/routing/collision/heartbeat { conversation_id, activity: viewing|typing } -> { agents }
 *   POST /v1/routing/collision/claim  { conversation_id } -> { claim } | 409 { error: claim_held, details: { held_by } }
 *   DELETE /v1/routing/collision/claim/:conversation_id -> {}
 *   POST /v1/routing/collision/check-reply { conversation_id, seen_up_to, confirm_token? } -> ReplyCheck
 *   GET  /v1/routing/stream (WebSocket): hub -> RoutingPush; client -> { type: 'heartbeat', conversation_id, activity } | { type: 'leave', conversation_id }
 */
import { z } from 'zod';
import type { Claim, PresenceEntry } from './collision';
import type { Offer, SlaDues, SlaKind } from './engine';

export type RoutingPush =
  | { type: 'offer'; offer: Offer; conversation: { id: string; priority: string; team_id: string; queue_id: string; dues: SlaDues } }
  | { type: 'offer_closed'; offer_id: string; conversation_id: string; outcome: 'accepted' | 'rejected' | 'expired' | 'withdrawn' }
  | { type: 'presence'; agent_id: string; activity_id: string; routable: boolean; at: number }
  | { type: 'collision'; conversation_id: string; agents: PresenceEntry[] }
  | { type: 'claim'; conversation_id: string; claim: Claim | null }
  | { type: 'sla'; event: 'warning' | 'breach'; conversation_id: string; kind: SlaKind; due_at: number }
  | { type: 'supervisor_notify'; conversation_id: string; team_id: string; kind: SlaKind; due_at: number }
  | { type: 'agent_message'; from_agent_id: string; from_name: string; text: string; at: string }
  | { type: 'insight'; event: 'created' | 'closed'; insight_id: string; department_id: string; conversation_id: string | null }
  | { type: 'error'; code: string; message: string };

export const PresenceRequestSchema = z.object({ activity_id: z.string().min(1).max(100), agent_id: z.string().min(1).max(100).optional() }).strict();
export const OfferAnswerSchema = z.object({ offer_id: z.string().min(1).max(200).optional() }).strict();
export const PreviewRulesSchema = z.object({ rules: z.array(z.unknown()).max(500).optional() }).strict();
export const ApplyRulesSchema = z.object({
  rules_version: z.number().int().nonnegative(),
  conversation_ids: z.array(z.string().min(1).max(200)).max(20_000).optional(),
}).strict();
export const CloseInsightSchema = z.object({ resolution: z.string().max(10_000) }).strict();
export const HeartbeatSchema = z.object({ conversation_id: z.string().min(1).max(200), activity: z.enum(['viewing', 'typing']) }).strict();
export const ClaimRequestSchema = z.object({ conversation_id: z.string().min(1).max(200) }).strict();
export const CheckReplySchema = z.object({
  conversation_id: z.string().min(1).max(200),
  /** newest message time the agent had on screen (ISO or ms); null = none */
  seen_up_to: z.union([z.iso.datetime(), z.number().int().nonnegative()]).nullable(),
  confirm_token: z.string().max(2000).nullable().optional(),
}).strict();
export const StreamClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat'), conversation_id: z.string().min(1).max(200), activity: z.enum(['viewing', 'typing']) }),
  z.object({ type: z.literal('leave'), conversation_id: z.string().min(1).max(200) }),
]);
