/**
 * Meta Graph API webhook deliveries (object 'page' and 'instagram'): the zod shape of what we
 * read, and its normalization. Page feed comments/posts (verb 'add'), Instagram comments and
 * messaging events become posts; edits, removals, reactions, reads and deliveries are ignored.
 */
import { z } from 'zod';
import { epochToIso } from '../dates';
import { checkPosts, clampText, describeZodError, PayloadError } from '../normalized';
import type { NormalizedPost } from '../types';

const graphId = z.string().regex(/^[\w.:-]{1,128}$/, 'expected a Graph API id');
const epoch = z.union([z.number().nonnegative(), z.string().regex(/^\d{1,16}$/)]);

const FeedValueSchema = z.object({
  item: z.string(),
  verb: z.string(),
  from: z.object({ id: graphId, name: z.string().max(512).optional() }).optional(),
  post_id: graphId.optional(),
  comment_id: graphId.optional(),
  parent_id: graphId.optional(),
  message: z.string().optional(),
  created_time: z.union([epoch, z.iso.datetime({ offset: true })]).optional(),
});

const IgCommentValueSchema = z.object({
  id: graphId,
  text: z.string(),
  from: z.object({ id: graphId, username: z.string().min(1).max(64) }),
  media: z.object({ id: graphId }).optional(),
  parent_id: graphId.optional(),
});

const ChangeSchema = z.object({ field: z.string(), value: z.unknown() });

const MessagingSchema = z.object({
  sender: z.object({ id: graphId }),
  recipient: z.object({ id: graphId }),
  timestamp: epoch,
  message: z.object({
    mid: z.string().min(1).max(512),
    text: z.string().optional(),
    is_echo: z.boolean().optional(),
    attachments: z.array(z.object({ type: z.string() })).optional(),
  }).optional(),
});

const EntrySchema = z.object({
  id: graphId,
  time: epoch,
  changes: z.array(ChangeSchema).max(1000).optional(),
  messaging: z.array(MessagingSchema).max(1000).optional(),
});

export const MetaDeliverySchema = z.object({
  object: z.string(),
  entry: z.array(EntrySchema).max(1000),
});
export type MetaDelivery = z.infer<typeof MetaDeliverySchema>;

const FEED_ITEMS_WITH_WORDS = new Set(['comment', 'post', 'status', 'photo', 'video']);

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new PayloadError(what);
  return v;
}

function iso(v: string | number, what: string): string {
  const s = typeof v === 'string' && !/^\d+$/.test(v) ? new Date(v).toISOString() : epochToIso(v);
  if (!s) throw new PayloadError(`${what}: time out of range`);
  return s;
}

/** Parses a whole delivery and normalizes every post in it, or throws PayloadError (nothing half-done). */
export function normalizeMetaDelivery(body: unknown): NormalizedPost[] {
  const r = MetaDeliverySchema.safeParse(body);
  if (!r.success) throw new PayloadError(describeZodError(r.error));
  const d = r.data;
  if (d.object !== 'page' && d.object !== 'instagram') return [];
  const channel = d.object === 'page' ? 'facebook' : 'instagram';
  const posts: NormalizedPost[] = [];

  d.entry.forEach((entry, ei) => {
    const account = entry.id;
    entry.changes?.forEach((change, ci) => {
      const at = `entry.${ei}.changes.${ci}.value`;
      if (channel === 'facebook' && change.field === 'feed') {
        const v = FeedValueSchema.safeParse(change.value);
        if (!v.success) throw new PayloadError(`${at}: ${describeZodError(v.error)}`);
        const f = v.data;
        if (f.verb !== 'add' || !FEED_ITEMS_WITH_WORDS.has(f.item)) return;
        // Meta leaves `from` out when the commenter has not allowed the app to see them
        const from = f.from ?? { id: null, name: 'Facebook user' };
        const isComment = f.item === 'comment';
        const platformId = need(isComment ? f.comment_id : f.post_id, `${at}.${isComment ? 'comment_id' : 'post_id'}: required`);
        posts.push({
          channel,
          account,
          platform_id: platformId,
          author: { platform_user_id: from.id, handle: from.id ?? 'facebook-user', name: from.name ?? from.id ?? 'Facebook user', followers: null, verified: false, location: null },
          text: clampText(f.message ?? (f.item === 'photo' || f.item === 'video' ? `[${f.item}]` : '')),
          visibility: 'public',
          // a top-level comment's parent is the post; a reply's parent is the comment it answers
          in_reply_to: isComment ? (f.parent_id ?? f.post_id ?? null) : null,
          created_at: iso(f.created_time ?? entry.time, at),
          permalink: `https://www.facebook.com/${encodeURIComponent(platformId)}`,
          from_brand: from.id === account,
          thread_key: null,
        });
      } else if (channel === 'instagram' && (change.field === 'comments' || change.field === 'live_comments')) {
        const v = IgCommentValueSchema.safeParse(change.value);
        if (!v.success) throw new PayloadError(`${at}: ${describeZodError(v.error)}`);
        const c = v.data;
        posts.push({
          channel,
          account,
          platform_id: c.id,
          author: { platform_user_id: c.from.id, handle: c.from.username, name: c.from.username, followers: null, verified: false, location: null },
          text: clampText(c.text),
          visibility: 'public',
          in_reply_to: c.parent_id ?? c.media?.id ?? null,
          created_at: iso(entry.time, at),
          permalink: null,
          from_brand: c.from.id === account,
          thread_key: null,
        });
      }
    });

    entry.messaging?.forEach((m, mi) => {
      if (!m.message) return; // deliveries, reads, reactions, postbacks
      const echo = m.message.is_echo === true;
      const customer = echo ? m.recipient.id : m.sender.id;
      const attachments = m.message.attachments?.map((a) => `[${a.type}]`).join(' ') ?? '';
      posts.push({
        channel,
        account,
        platform_id: m.message.mid,
        author: { platform_user_id: m.sender.id, handle: m.sender.id, name: m.sender.id, followers: null, verified: false, location: null },
        text: clampText(m.message.text ?? attachments),
        visibility: 'private',
        in_reply_to: null,
        created_at: iso(m.timestamp, `entry.${ei}.messaging.${mi}.timestamp`),
        permalink: null,
        from_brand: echo,
        thread_key: customer,
      });
    });
  });
  return checkPosts(posts);
}
