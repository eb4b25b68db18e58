/**
 * What assist answers (shared/assist): suggestions and handover summaries, the same shape whether
 * the desktop computed them from its cache or the hub from its database (conversations not cached).
 */
import { z } from 'zod';

/** One suggestion (shared/assist/suggest.ts), with where it came from. */
export const SuggestionSchema = z.object({
  kind: z.enum(['reply', 'canned', 'link']), text: z.string(), key: z.string(), why: z.string(), score: z.number(),
  changes: z.array(z.string()), sources: z.array(z.string()), sentFor: z.string().optional(),
});
export type AssistSuggestion = z.infer<typeof SuggestionSchema>;
/** `from`: how many answered conversations the ranking drew on; `computed_by`: the desktop's cache or the hub */
export const AssistSuggestionsSchema = z.object({
  replies: z.array(SuggestionSchema), canned: z.array(SuggestionSchema), links: z.array(SuggestionSchema), from: z.number().int(),
  computed_by: z.enum(['desktop', 'hub']).default('desktop'),
});

/** One line of a handover summary (shared/assist/summary.ts). */
export const SummaryLineSchema = z.object({
  kind: z.enum(['problem', 'done', 'open']), text: z.string(),
  source: z.object({ messageId: z.string(), author: z.string().nullable(), at: z.string() }).nullable(), due: z.string().nullable().optional(),
});
export type AssistSummaryLine = z.infer<typeof SummaryLineSchema>;
export const AssistSummarySchema = z.object({ lines: z.array(SummaryLineSchema), note: z.string() });

export const FeedbackActionSchema = z.enum(['accepted', 'edited', 'ignored']);
/** A suggestion's key (its answer, folded: shared/assist/suggest.ts answerKey) */
export const SuggestionKeySchema = z.string().min(1).max(20_000);
