/**
 * Approvals for public replies (issue 15): the workspace's rules that decide when a public reply
 * waits for a supervisor, the approvers' queue, and their decisions. The hub decides whether a reply
 * needs approval when the reply reaches it (hub/approvals); a reply that does is stored with delivery
 * 'awaiting_approval' and nothing is sent until an approver approves it (then it is 'queued' and goes
 * through the outbound dispatcher like any reply) or rejects it ('rejected': the agent's desktop puts
 * the text back in the composer with the approver's note).
 *
 * Who may: supervisors and admins approve and reject (never their own reply); admins change the
 * rules; supervisors read them.
 */
import { z } from 'zod';
import { ChannelSchema, ConversationSchema, MessageSchema, CustomerSchema } from '../domain';

const Id = z.string().min(1).max(200);
const Word = z.string().trim().min(1, 'an empty entry').max(100, 'at most 100 characters');

/**
 * The rules an admin edits (Administration → Approvals). A public reply needs approval when ANY
 * applies. Private replies (direct messages) are never gated.
 */
export const ApprovalRulesSchema = z.object({
  /** the workspace-wide switch: every public reply waits for approval (e.g. during a crisis) */
  all_public: z.boolean(),
  /** agents "in training": each of their public replies waits for approval */
  agents_in_training: z.array(Id).max(1000),
  /** customers with more followers than this (null: off) */
  followers_over: z.number().int().min(0).nullable(),
  /** verified customers (the platform's blue tick) */
  verified: z.boolean(),
  /** the conversation's analysed topic or intent is one of these (e.g. legal, safety) */
  topics: z.array(Word).max(200),
  /** any of these words or phrases in the reply or in the customer's messages (case-insensitive, whole words) */
  keywords: z.array(Word).max(500),
  /** the analysis was unsure: its sentiment or intent confidence below this (0–1; null: off) */
  confidence_below: z.number().min(0).max(1).nullable(),
}).strict();
export type ApprovalRules = z.infer<typeof ApprovalRulesSchema>;

export const DEFAULT_APPROVAL_RULES: ApprovalRules = {
  all_public: false, agents_in_training: [], followers_over: null, verified: false, topics: [], keywords: [], confidence_below: null,
};

/**
 * A requirement another feature adds on top of the admin's rules (crisis mode: "approval required for
 * public replies on topic T", or every public reply), kept apart so that turning crisis mode off
 * removes exactly what it added and never the admin's rules. hub/approvals/holds.ts `requireApproval`
 * and `releaseApproval` write them; the settings screen lists them.
 */
export const ApprovalHoldSchema = z.object({
  /** who owns it, e.g. `crisis:<id>`: the same key replaces, `releaseApproval(key)` removes */
  key: Id,
  /** the topic or intent it covers; null: every public reply of the workspace */
  topic: z.string().nullable(),
  /** shown to the agent and the approver, e.g. "crisis mode: outage" */
  reason: z.string(),
  created_at: z.string(),
});
export type ApprovalHold = z.infer<typeof ApprovalHoldSchema>;

export const ApprovalSettingsViewSchema = z.object({
  rules: ApprovalRulesSchema,
  holds: z.array(ApprovalHoldSchema),
  /** the workspace's people, for the "in training" picker */
  agents: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});
export type ApprovalSettingsView = z.infer<typeof ApprovalSettingsViewSchema>;

export const ApprovalDecisionSchema = z.enum(['approved', 'edited', 'rejected']);

/** One reply waiting for approval, with the conversation beside it. */
export const PendingApprovalSchema = z.object({
  /** the reply's message id (also the approval's id) */
  id: z.string(),
  conversation_id: z.string(),
  channel: ChannelSchema,
  agent_id: z.string(),
  agent_name: z.string(),
  team_id: z.string().nullable(),
  text: z.string(),
  /** why it waits, one reason a line ("customer has 120,000 followers", "agent in training") */
  reasons: z.array(z.string()),
  requested_at: z.string(),
  /** replies on the same conversation waiting too (this one included) */
  pending_on_conversation: z.number().int(),
  conversation: ConversationSchema,
  customer: CustomerSchema.nullable(),
  /** the last messages of the conversation, oldest first (replies waiting included) */
  messages: z.array(MessageSchema),
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;
export const ApprovalQueueSchema = z.object({ pending: z.array(PendingApprovalSchema) });
export type ApprovalQueue = z.infer<typeof ApprovalQueueSchema>;

/** Approve as written, or with the approver's edit (`text`: edit-and-approve). */
export const ApproveBodySchema = z.object({ text: z.string().trim().min(1, 'the reply is empty').max(10_000).optional() }).strict();
/** Reject with a note to the agent: the text goes back to their composer with it. */
export const RejectBodySchema = z.object({ note: z.string().trim().min(1, 'say why: the agent reads the note with their text').max(2000) }).strict();
export const ApprovalDecidedSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  decision: ApprovalDecisionSchema,
  /** the reply's delivery state now: 'queued' (on its way) or 'rejected' */
  delivery: z.string(),
  decided_by: z.string(),
  decided_at: z.string(),
});
export type ApprovalDecided = z.infer<typeof ApprovalDecidedSchema>;

export const ApprovalParams = z.object({ id: Id });
