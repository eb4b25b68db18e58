/**
 * Customers: one person's profiles merged into one (with undo), and suggestions of profiles that
 * may be the same person. Editing a customer's tags and notes is the `update_customer` mutation
 * (hub-api.ts), queued offline like any change to a conversation.
 *
 * HTTP (bearer token, any agent of the workspace):
 *   GET  /v1/customers/:id/related              -> CustomerRelated (suggestions and merges into this customer)
 *   POST /v1/customers/merge { into_id, from_id } -> { merge: Merge }   (from's handles and conversations move to into)
 *   POST /v1/customers/merges/:id/undo          -> { merge: Merge }   (they move back)
 */
import { z } from 'zod';
import { CustomerSchema, IdentitySchema } from '../domain';

/** The name an erased customer keeps (hub/admin/customers.ts); such a profile is never suggested as the same person. */
export const ERASED_CUSTOMER_NAME = 'Erased customer';

export const MergeSchema = z.object({
  id: z.string(),
  into_id: z.string(),
  from_id: z.string(),
  from_name: z.string(),
  /** the handles and how many conversations came over with the merge */
  identities: z.array(IdentitySchema),
  conversations: z.number().int(),
  merged_by_name: z.string(),
  merged_at: z.string(),
  undone_at: z.string().nullable(),
});
export type Merge = z.infer<typeof MergeSchema>;

export const MergeSuggestionSchema = z.object({
  customer: CustomerSchema,
  conversations: z.number().int(),
  /** why they may be one person: "same name", "same e-mail ana@example.com", "mentions @ana_k", … */
  reasons: z.array(z.string()).min(1),
});
export type MergeSuggestion = z.infer<typeof MergeSuggestionSchema>;

export const CustomerRelatedSchema = z.object({
  suggestions: z.array(MergeSuggestionSchema),
  /** merges into this customer, newest first, undone ones included */
  merges: z.array(MergeSchema),
});
export type CustomerRelated = z.infer<typeof CustomerRelatedSchema>;

export const MergeRequestSchema = z.object({ into_id: z.string().min(1).max(200), from_id: z.string().min(1).max(200) })
  .refine((r) => r.into_id !== r.from_id, { message: 'a customer cannot be merged into itself' });
export const MergeResponseSchema = z.object({ merge: MergeSchema });
