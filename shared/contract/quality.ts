/**
 * Quality review (issue 15). The hub scores every resolved conversation with shared/quality/score.ts
 * (the automatic score, kept as it was computed) and keeps reviewers' reviews beside it, never over it.
 *
 * Who may: supervisors and admins read the review sample and any score, and review (never a score of
 * their own conversation); an agent reads their own scores and the reviews of them, nobody else's.
 */
import { z } from 'zod';
import { ChannelSchema } from '../domain';
import { QUALITY_ITEMS } from '../quality/score';

export const QualityItemIdSchema = z.enum(QUALITY_ITEMS);
export const QualityResultSchema = z.enum(['pass', 'fail', 'na']);
export const QualityItemSchema = z.object({ id: QualityItemIdSchema, result: QualityResultSchema, reason: z.string() });

const Tally = {
  passed: z.number().int(),
  applicable: z.number().int(),
  /** passed / applicable in %, null when no item applies */
  score: z.number().int().nullable(),
};

/** A reviewer's change to one item, with the note that says why. */
export const QualityOverrideSchema = z.object({
  id: QualityItemIdSchema,
  result: QualityResultSchema,
  note: z.string().trim().min(1, 'say why in a note: the agent reads it').max(1000, 'a note has at most 1,000 characters'),
}).strict();
export type QualityOverride = z.infer<typeof QualityOverrideSchema>;

export const QualityReviewSchema = z.object({
  id: z.string(),
  reviewer_id: z.string(),
  reviewer_name: z.string(),
  reviewed_at: z.string(),
  overrides: z.array(QualityOverrideSchema),
  /** the automatic items with the overrides laid over them */
  items: z.array(QualityItemSchema),
  ...Tally,
});
export type QualityReview = z.infer<typeof QualityReviewSchema>;

const QualityMessageViewSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  visibility: z.enum(['public', 'private']),
  author_name: z.string(),
  text: z.string(),
  delivery: z.string(),
  created_at: z.string(),
});

export const QualityScoreViewSchema = z.object({
  /** the score's id (a conversation resolved again after a reopen has a new one) */
  id: z.string(),
  conversation_id: z.string(),
  channel: ChannelSchema,
  customer_name: z.string(),
  agent_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  team_id: z.string().nullable(),
  resolved_at: z.string(),
  scored_at: z.string(),
  /** the automatic score, as the hub computed it at the resolve */
  auto: z.object({ items: z.array(QualityItemSchema), ...Tally }),
  /** the latest review, or null */
  review: QualityReviewSchema.nullable(),
  /** earlier reviews of this score, newest first */
  earlier_reviews: z.number().int(),
  /** the conversation's messages, oldest first (the reviewer reads them beside the score) */
  messages: z.array(QualityMessageViewSchema),
});
export type QualityScoreView = z.infer<typeof QualityScoreViewSchema>;

export const QualityScoresSchema = z.object({ scores: z.array(QualityScoreViewSchema) });
export type QualityScores = z.infer<typeof QualityScoresSchema>;

/**
 * The review sample: for each agent, the week's scored conversations picked by a stable hash of the
 * conversation (every reviewer sees the same ones; reviewed ones stay in), newest first. `all` lists
 * every scored conversation of the week instead.
 */
export const QualitySampleQuerySchema = z.object({
  /** any day of the week (YYYY-MM-DD, weeks start on Monday, UTC); default this week */
  week: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'week: a date like 2026-12-07').optional(),
  per_agent: z.coerce.number().int().min(1, 'per_agent: 1 to 50').max(50, 'per_agent: 1 to 50').default(5),
  all: z.enum(['true', 'false']).optional(),
}).strict();
export const QualitySampleSchema = z.object({ week_start: z.string(), week_end: z.string(), per_agent: z.number().int(), scores: z.array(QualityScoreViewSchema) });
export type QualitySample = z.infer<typeof QualitySampleSchema>;

export const QualityParams = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a score id is a number') });
export const QualityReviewBodySchema = z.object({
  overrides: z.array(QualityOverrideSchema).min(1, 'override at least one item').max(QUALITY_ITEMS.length)
    .refine((o) => new Set(o.map((x) => x.id)).size === o.length, 'each item at most once'),
}).strict();
export type QualityReviewBody = z.infer<typeof QualityReviewBodySchema>;
