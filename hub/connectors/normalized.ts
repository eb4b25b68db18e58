/**
 * The zod form of NormalizedPost (types.ts). Every connector checks its output against it before
 * anything is handed to the Ingestor, so a payload that parses but normalizes into nonsense is
 * refused as a whole.
 */
import { z } from 'zod';
import { ChannelSchema, LIMITS, VisibilitySchema } from '../../shared/domain';
import { PostRejected, type NormalizedPost } from './types';

// PostgreSQL text cannot hold NUL characters: a post carrying one would fail at the database.
const noNul = (s: string) => !s.includes('\u0000');
const str = () => z.string().refine(noNul, 'contains a NUL character');
const id = str().pipe(z.string().min(1).max(256));

export const NormalizedPostSchema = z.object({
  channel: ChannelSchema,
  account: id,
  platform_id: id,
  author: z.object({
    platform_user_id: id.nullable(),
    handle: str().pipe(z.string().min(1).max(256)),
    name: str().pipe(z.string().max(512)),
    followers: z.number().int().nonnegative().nullable(),
    verified: z.boolean(),
    location: str().pipe(z.string().max(512)).nullable().optional(),
  }),
  text: str().pipe(z.string().max(LIMITS.messageText)),
  visibility: VisibilitySchema,
  in_reply_to: id.nullable(),
  created_at: z.iso.datetime(),
  permalink: str().pipe(z.string().max(2048)).nullable(),
  from_brand: z.boolean(),
  thread_key: id.nullable().optional(),
});

/** Cut text to the hub's limit, marking the cut (long Reddit posts, reviews); NULs dropped. */
export function clampText(raw: string): string {
  const text = raw.includes('\u0000') ? raw.replaceAll('\u0000', '') : raw;
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
 * Whether an error thrown by Ingestor.ingest means "this post will never be stored" (PostRejected:
 * a business rule, e.g. the hub's IngestError 'orphan_brand_post' for a brand reply whose customer
 * post is unknown) rather than a failure worth retrying (database down). Rejected posts are reported
 * and skipped; other errors propagate (a webhook answers 500 and the platform redelivers; dedupe
 * keeps that safe).
 */
export function isPostRejection(e: unknown): e is PostRejected {
  return e instanceof PostRejected;
}
