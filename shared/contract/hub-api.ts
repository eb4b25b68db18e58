/**
 * The wire contract between the desktop (main/core) and the hub: accounts, sync and mutations.
 * Both sides parse with these schemas; neither imports the other's code. Which route takes which
 * schema is the route table, hub-routes.ts: login, me, bootstrap (paged snapshot of the agent's
 * scope), changes (paged delta), hydrate (whole history of customers entering the scope),
 * mutations (idempotent by mutation id), and the sync stream (opened with a single-use ticket, never the
 * session token; sessions, tickets and /v1/admin/* access schemas are in ./accounts.ts). Errors: HTTP 4xx/5xx with an ApiError body.
 */
import { z } from 'zod';
import {
  AgentSchema, ConversationSchema, CustomerSchema, LIMITS, MessageSchema, NoteSchema,
  ConversationStatusSchema, PrioritySchema, TeamSchema, VisibilitySchema,
} from '../domain';
import { FeedbackActionSchema, SuggestionKeySchema } from './assist';

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const LoginRequestSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});
export const LoginResponseSchema = z.object({ token: z.string(), agent: AgentSchema });
export const MeResponseSchema = z.object({ agent: AgentSchema, teams: z.array(TeamSchema), agents: z.array(z.object({ id: z.string(), name: z.string() })) });

/** One entry of the change log, as the client applies it: full row snapshot, newest wins by sync_id. */
export const ChangeSchema = z.discriminatedUnion('entity', [
  z.object({ sync_id: z.number().int(), entity: z.literal('conversation'), op: z.literal('upsert'), data: ConversationSchema }),
  z.object({ sync_id: z.number().int(), entity: z.literal('message'), op: z.literal('upsert'), data: MessageSchema }),
  z.object({ sync_id: z.number().int(), entity: z.literal('note'), op: z.literal('upsert'), data: NoteSchema }),
  z.object({ sync_id: z.number().int(), entity: z.literal('customer'), op: z.literal('upsert'), data: CustomerSchema }),
  /** The agent's own record changed (teams, skills): the client re-bootstraps if its teams changed. */
  z.object({ sync_id: z.number().int(), entity: z.literal('agent'), op: z.literal('upsert'), data: AgentSchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;

export const EntitiesSchema = z.object({
  conversations: z.array(ConversationSchema),
  messages: z.array(MessageSchema),
  notes: z.array(NoteSchema),
  customers: z.array(CustomerSchema),
});
export type Entities = z.infer<typeof EntitiesSchema>;

export const BootstrapPageSchema = EntitiesSchema.extend({
  /** sync_id the whole bootstrap is consistent from: after the last page, pull changes since this. */
  watermark: z.number().int(),
  /** pass back to get the next page; null when done */
  next_cursor: z.string().nullable(),
});
export type BootstrapPage = z.infer<typeof BootstrapPageSchema>;

export const ChangesPageSchema = z.object({
  since: z.number().int(),
  /** the client's checkpoint after applying this page */
  to: z.number().int(),
  has_more: z.boolean(),
  /** true when `since` is older than the retained log: the client must bootstrap again */
  reset: z.boolean(),
  changes: z.array(ChangeSchema),
});
export type ChangesPage = z.infer<typeof ChangesPageSchema>;

export const HydrateRequestSchema = z.object({ customer_ids: z.array(z.string()).max(1000) });
export const HydrateResponseSchema = EntitiesSchema;

export const StreamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changes'), page: ChangesPageSchema }),
  z.object({ type: z.literal('hello'), agent_id: z.string(), watermark: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type StreamMessage = z.infer<typeof StreamMessageSchema>;

// ---- Mutations -------------------------------------------------------------

const text = (max: number) => z.string().trim().min(1, 'text is empty').max(max, `text is longer than ${max} characters`);
const tag = z.string().trim().min(1).max(LIMITS.tag);

export const MutationArgsSchemas = {
  reply: z.object({
    conversation_id: z.string().min(1),
    /** client-generated message id: the message keeps it on the hub */
    message_id: z.uuid(),
    text: text(LIMITS.messageText),
    visibility: VisibilitySchema,
    /** created_at of the newest message the agent had on screen: lets the hub warn of a collision */
    seen_up_to: z.iso.datetime().nullable().optional(),
    /** token from a 'collision' rejection: the agent saw the warning and sends anyway */
    confirm_collision: z.string().max(2000).nullable().optional(),
  }),
  note: z.object({ conversation_id: z.string().min(1), note_id: z.uuid(), text: text(LIMITS.noteText) }),
  set_status: z.object({
    conversation_id: z.string().min(1),
    status: ConversationStatusSchema,
    snoozed_until: z.iso.datetime().nullable().optional(),
  }),
  assign: z.object({
    conversation_id: z.string().min(1),
    assignee_id: z.string().min(1).nullable(),
    team_id: z.string().min(1).nullable().optional(),
  }),
  tag: z.object({
    conversation_id: z.string().min(1),
    add: z.array(tag).max(LIMITS.tagsPerConversation).default([]),
    remove: z.array(tag).max(LIMITS.tagsPerConversation).default([]),
  }),
  set_priority: z.object({ conversation_id: z.string().min(1), priority: PrioritySchema }),
  /**
   * The tags and notes of a conversation's customer (allowed where the conversation is). `notes`
   * replaces them; `notes_base` is what the agent started from: when someone changed them meanwhile,
   * both texts are kept (nothing typed is lost).
   */
  update_customer: z.object({
    conversation_id: z.string().min(1),
    add_tags: z.array(tag).max(LIMITS.tagsPerConversation).default([]),
    remove_tags: z.array(tag).max(LIMITS.tagsPerConversation).default([]),
    notes: z.string().max(LIMITS.noteText, `notes are longer than ${LIMITS.noteText} characters`).optional(),
    notes_base: z.string().max(LIMITS.noteText).nullable().optional(),
  }),
  /**
   * Handle time: one span of time the agent had the conversation open and active on a desktop
   * (main/core/handle-time.ts). `span_id` names the span: sent twice, it counts once.
   */
  record_handle_time: z.object({
    conversation_id: z.string().min(1),
    span_id: z.uuid(),
    started_at: z.iso.datetime(),
    ended_at: z.iso.datetime(),
    active_ms: z.number().int().min(0),
  }),
  /** An agent corrects an automated label; the workspace's model learns from it. */
  correct_label: z.object({
    conversation_id: z.string().min(1),
    task: z.enum(['sentiment', 'intent', 'topic', 'priority']),
    label: z.string().trim().min(1).max(64),
  }),
  /**
   * An agent accepted, edited or ignored a suggested reply (shared/assist) in this conversation;
   * `key` is the suggestion's key. The workspace's suggestion ranking learns from it.
   */
  assist_feedback: z.object({
    conversation_id: z.string().min(1),
    key: SuggestionKeySchema,
    action: FeedbackActionSchema,
  }),
  /**
   * The author's desktop takes back the text of a reply an approver rejected (hub/approvals), to put it
   * in the composer with the note. Once per author: the first desktop gets the text, note and visibility
   * in the result; another is refused (`not_found`) and puts nothing back. Refused too once the
   * conversation is no longer the author's, or resolved.
   */
  take_back_rejected: z.object({ conversation_id: z.string().min(1), message_id: z.string().min(1).max(200) }),
} as const;
export type MutationType = keyof typeof MutationArgsSchemas;
export type MutationArgs<T extends MutationType> = z.infer<(typeof MutationArgsSchemas)[T]>;
export const MUTATION_TYPES = Object.keys(MutationArgsSchemas) as MutationType[];
/**
 * Records a desktop keeps about the agent's work rather than changes the agent made (handle time,
 * suggestion feedback): sent through the outbox like the rest, but not counted as unsent changes,
 * never asked about at sign-out, and dropped (not held) when the hub refuses one.
 */
export const RECORD_MUTATIONS: readonly MutationType[] = ['record_handle_time', 'assist_feedback', 'take_back_rejected'];

export const MutationSchema = z.object({
  id: z.uuid(),
  type: z.enum(MUTATION_TYPES as [MutationType, ...MutationType[]]),
  args: z.unknown(),
});
export type Mutation = { id: string; type: MutationType; args: unknown };

export const MutationBatchSchema = z.object({ mutations: z.array(MutationSchema).min(1).max(LIMITS.mutationsPerBatch) });

/** Machine-readable reasons a mutation is refused. The client turns a refused reply back into a draft. */
export const RejectionCodeSchema = z.enum([
  'invalid',               // args failed validation
  'not_found',             // conversation (or agent/team) unknown in this workspace
  'forbidden',             // outside the agent's scope or role
  'conversation_reassigned', // assigned to someone else meanwhile
  'conversation_resolved', // resolved meanwhile
  'too_long',              // over the channel's limit
  'collision',             // someone else replied or is replying: confirm with details.confirm_token to send anyway
  'id_reused',             // the mutation id was already used for a different payload (409 for the batch): send under a new id
  'approval_rejected',     // (never a mutation result) a supervisor rejected the reply waiting for approval: the draft carries their note
]);
export type RejectionCode = z.infer<typeof RejectionCodeSchema>;

export const MutationResultSchema = z.discriminatedUnion('ok', [
  z.object({ id: z.string(), ok: z.literal(true), value: z.record(z.string(), z.unknown()) }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: RejectionCodeSchema, message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) }),
]);
export type MutationResult = z.infer<typeof MutationResultSchema>;
export const MutationResultsSchema = z.object({ results: z.array(MutationResultSchema) });
