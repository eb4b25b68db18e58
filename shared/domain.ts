/**
 * Domain types shared by the hub, the desktop core and the renderer.
 * Pure data: no Node, DOM or Electron imports (enforced by lint).
 */
import { z } from 'zod';

export const ChannelSchema = z.enum(['x', 'facebook', 'instagram', 'rss', 'reddit', 'youtube', 'review', 'forum', 'email', 'sandbox']);
export type Channel = z.infer<typeof ChannelSchema>;

export const ConversationStatusSchema = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>;

export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof PrioritySchema>;
/** The order of priorities (higher is more urgent): queues, inbox sorting and priority filters use this one. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, urgent: 3 };

export const RoleSchema = z.enum(['agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

/** 'unknown': the platform may or may not have the reply (the hub died, a timeout, a reset after the request left); the hub reads back from the platform before anything is sent again. */
/** 'cancelled': never sent and never will be (a survey whose conversation was reopened before it was due). */
/**
 * 'awaiting_approval': a public reply the workspace's approval rules hold for a supervisor (nothing is sent
 * before an approval; then 'queued'); 'rejected': an approver rejected it with a note (`delivery_error`),
 * never sent, and its text went back to the agent's composer (shared/contract/approvals.ts).
 */
export const DeliveryStateSchema = z.enum(['received', 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'awaiting_approval', 'rejected']);
export type DeliveryState = z.infer<typeof DeliveryStateSchema>;

export const VisibilitySchema = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/** Analysis attached to a conversation (filled by hub/analysis; optional until then). */
export const AnalysisSchema = z.object({
  language: z.string().optional(),
  sentiment: z.object({ label: z.string(), score: z.number(), confidence: z.number().optional() }).passthrough().optional(),
  intent: z.string().optional(),
  topic: z.string().optional(),
  urgency: z.number().optional(),
  pii: z.array(z.string()).optional(),
  noise: z.boolean().optional(),
  influence: z.number().optional(),
  reason: z.string().optional(),
  /** the analysis' suggested priority (routing may override it) */
  priority: PrioritySchema.optional(),
  /** why the post is noise, when it is */
  noise_kind: z.enum(['spam', 'bot', 'off_topic']).nullable().optional(),
}).passthrough();
export type Analysis = z.infer<typeof AnalysisSchema>;

export const IdentitySchema = z.object({
  channel: ChannelSchema,
  handle: z.string(),
  platform_user_id: z.string().nullable(),
});
export type Identity = z.infer<typeof IdentitySchema>;

export const CustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  identities: z.array(IdentitySchema),
  location: z.string().nullable(),
  followers: z.number().int().nullable(),
  verified: z.boolean(),
  tier: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  /** merged into another profile of the same person (hub/customers); undone, null again */
  merged_into: z.string().nullable().optional(),
  created_at: z.string(),
  sync_id: z.number().int(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const ConversationSchema = z.object({
  id: z.string(),
  channel: ChannelSchema,
  channel_account_id: z.string().nullable(),
  customer_id: z.string(),
  subject: z.string(),
  status: ConversationStatusSchema,
  snoozed_until: z.string().nullable(),
  priority: PrioritySchema,
  assignee_id: z.string().nullable(),
  team_id: z.string().nullable(),
  tags: z.array(z.string()),
  analysis: AnalysisSchema,
  first_response_due_at: z.string().nullable(),
  next_response_due_at: z.string().nullable(),
  resolution_due_at: z.string().nullable(),
  first_response_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  last_message_at: z.string(),
  last_inbound_at: z.string().nullable(),
  snippet: z.string(),
  message_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  sync_id: z.number().int(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  visibility: VisibilitySchema,
  /** customer handle for inbound, agent id for outbound */
  author_id: z.string().nullable(),
  author_name: z.string(),
  text: z.string(),
  platform_id: z.string().nullable(),
  permalink: z.string().nullable(),
  delivery: DeliveryStateSchema,
  delivery_error: z.string().nullable(),
  created_at: z.string(),
  sync_id: z.number().int(),
});
export type Message = z.infer<typeof MessageSchema>;

export const NoteSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  author_id: z.string(),
  author_name: z.string(),
  text: z.string(),
  created_at: z.string(),
  sync_id: z.number().int(),
});
export type Note = z.infer<typeof NoteSchema>;

export const AgentSchema = z.object({
  id: z.string(),
  workspace_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  skills: z.record(z.string(), z.number()),
  capacity: z.record(z.string(), z.number()),
  team_ids: z.array(z.string()),
});
export type Agent = z.infer<typeof AgentSchema>;

export const TeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['support', 'department']),
});
export type Team = z.infer<typeof TeamSchema>;

/** Hard limits the hub enforces (and the client checks before queueing). */
export const LIMITS = {
  messageText: 10_000,
  noteText: 10_000,
  tag: 64,
  tagsPerConversation: 50,
  mutationsPerBatch: 100,
  syncPageMax: 5_000,
} as const;
