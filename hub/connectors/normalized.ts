/**
 * The zod form of NormalizedPost (types.ts). Every connector checks its output against it before
 * anything is handed to the Ingestor, so a payload that parses but normalizes into nonsense is
 * refused as a whole.
 */
import { z } from 'zod';
import { ChannelSchema, LIMITS, VisibilitySchema } from '../../shared/domain';
import type { NormalizedPost } from './types';

const id = z.string().min(1).max(256);

export const NormalizedPostSchema = z.object({
  channel: ChannelSchema,
  account: z.string().min(1).max(256),
  platform_id: id,
  author: z.object({
    platform_user_id: id.nullable(),
    handle: z.string().min(1).max(256),
    name: z.string().max(512),
    followers: z.number().int().nonnegative().nullable(),
    verified: z.boolean(),
    location: z.string().max(512).nullable().optional(),
  }),
  text: z.string().max(LIMITS.messageText),
  visibility: VisibilitySchema,
  in_reply_to: id.nullable(),
  created_at: z.iso.datetime(),
  permalink: z.string().max(2048).nullable(),
  from_brand: z.boolean(),
  thread_key: id.nullable().optional(),
});

/** Cut text to the hub's limit, marking the cut (long Reddit posts, reviews). */
export function clampText(text: string): string {
  if (text.length <= LIMITS.messageText) return text;
  return text.slice(0, LIMITS.messageText - 1) + '…';
}

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** zod issues → one readable line: "entry.0.changes.1.value.comment_id: expected string". */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Checks normalized posts; throws PayloadError naming the first bad one. */
export function checkPosts(posts: NormalizedPost[]): NormalizedPost[] {
  for (const p of posts) {
    const r = NormalizedPostSchema.safeParse(p);
    if (!r.success) throw new PayloadError(`post ${p.platform_id || '(no id)'} is not usable: ${describeZodError(r.error)}`);
  }
  return posts;
}

/**
 * Whether an error thrown by Ingestor.ingest means "this post will never be stored" (a business
 * rule, e.g. the hub's IngestError 'orphan_brand_post' for a brand reply whose customer post is
 * unknown) rather than a failure worth retrying (database down). Rejected posts are reported and
 * skipped; other errors propagate (a webhook answers 500 and the platform redelivers; dedupe keeps
 * that safe).
 */
export function isPostRejection(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  const x = e as Error & { rejected?: unknown; code?: unknown };
  return x.rejected === true || x.constructor.name === 'IngestError' || x.code === 'orphan_brand_post' || x.code === 'invalid';
}
