/**
 * Meta Graph API webhook deliveries (object 'page' and 'instagram'): the zod shape of what we
 * read, and its normalization. Page feed comments/posts (verb 'add'), Page ratings (reviews and
 * recommendations, with comments on them), Instagram comments and messaging events (with their
 * attachments as links) become posts; comment edits, removals, reactions, reads and deliveries are
 * ignored. Ids may come as JSON numbers as well as strings (the raw body is parsed exactly, json.ts).
 */
import { z } from 'zod';
import { epochToIso } from '../dates';
import { checkPosts, clampText, describeZodError, PayloadError } from '../normalized';
import type { NormalizedPost } from '../types';

// ids come as strings, or as JSON numbers (those beyond 2^53 already turned into exact digit strings)
const graphId = z.union([z.string(), z.number().int().nonnegative().transform(String)]).pipe(z.string().regex(/^[\w.:-]{1,128}$/, 'expected a Graph API id'));
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

/** field 'ratings': a review or recommendation of the Page (item 'rating'), or a comment on one (item 'comment') */
const RatingValueSchema = z.object({
  item: z.string().optional(),
  verb: z.string(),
  reviewer_id: graphId.optional(),
  reviewer_name: z.string().max(512).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  recommendation_type: z.string().max(32).optional(),
  review_text: z.string().optional(),
  open_graph_story_id: graphId.optional(),
  comment_id: graphId.optional(),
  parent_id: graphId.optional(),
  message: z.string().optional(),
  created_time: z.union([epoch, z.iso.datetime({ offset: true })]).optional(),
});

const ChangeSchema = z.object({ field: z.string(), value: z.unknown() });

const AttachmentSchema = z.object({
  type: z.string().max(64),
  payload: z.object({ url: z.string().max(4096).optional(), title: z.string().max(2000).optional() }).passthrough().nullable().optional(),
});

const MessagingSchema = z.object({
  sender: z.object({ id: graphId }),
  recipient: z.object({ id: graphId }),
  timestamp: epoch,
  message: z.object({
    mid: z.string().min(1).max(512),
    text: z.string().optional(),
    is_echo: z.boolean().optional(),
    is_deleted: z.boolean().optional(),
    attachments: z.array(AttachmentSchema).max(20).optional(),
    reply_to: z.object({ story: z.object({ url: z.string().max(4096).optional() }).partial().optional() }).passthrough().optional(),
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

const ATTACHMENT_LABEL: Record<string, string> = {
  image: 'image', video: 'video', audio: 'audio', file: 'file', share: 'shared post', ig_post: 'shared post', ig_reel: 'reel', reel: 'reel',
  story_mention: 'story mention', template: 'card', fallback: 'link', location: 'location', sticker: 'sticker', like_heart: 'heart',
};

/** An attachment as a line an agent can read and open: "[image] https://…", "[reel] Unboxing fail https://…". */
export function attachmentText(a: z.infer<typeof AttachmentSchema>): string {
  const label = ATTACHMENT_LABEL[a.type] ?? a.type;
  const url = a.payload?.url && /^https?:\/\//.test(a.payload.url) ? a.payload.url : null;
  const title = a.payload?.title?.trim();
  if (a.type === 'unsupported_type' || (!url && !title)) {
    return a.type === 'unsupported_type'
      ? '[attachment the platform does not pass to apps (unsupported_type): open the conversation in the app to see it]'
      : `[${label}]`;
  }
  return `[${label}]${title ? ` ${title}` : ''}${url ? ` ${url}` : ''}`;
}

/** A rating's words: the verdict, the stars when given, then the review text. */
function ratingText(v: z.infer<typeof RatingValueSchema>): string {
  const verdict = v.recommendation_type === 'positive' ? 'Recommends' : v.recommendation_type === 'negative' ? 'Does not recommend' : 'Rated';
  const stars = v.rating ? ` ${'★'.repeat(v.rating)}${'☆'.repeat(5 - v.rating)} ${v.rating}/5` : '';
  const text = v.review_text?.trim();
  return `${verdict}${stars}${text ? `: ${text}` : ' (no text)'}`;
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
      } else if (channel === 'facebook' && change.field === 'ratings') {
        const v = RatingValueSchema.safeParse(change.value);
        if (!v.success) throw new PayloadError(`${at}: ${describeZodError(v.error)}`);
        const r = v.data;
        if (r.verb !== 'add' && r.verb !== 'edit') return; // a removed review leaves nothing to answer
        const reviewer = { platform_user_id: r.reviewer_id ?? null, handle: r.reviewer_id ?? 'facebook-user', name: r.reviewer_name ?? r.reviewer_id ?? 'Facebook user', followers: null, verified: false, location: null };
        const created = iso(r.created_time ?? entry.time, at);
        if (r.item === 'comment') {
          // a comment on a review (the reviewer's, another person's, or the Page's own)
          const id = need(r.comment_id, `${at}.comment_id: required for a comment on a rating`);
          posts.push({
            channel, account, platform_id: id, author: reviewer, text: clampText(r.message ?? ''), visibility: 'public',
            in_reply_to: r.parent_id ?? r.open_graph_story_id ?? null, created_at: created,
            permalink: `https://www.facebook.com/${encodeURIComponent(id)}`, from_brand: r.reviewer_id === account, thread_key: null,
          });
          return;
        }
        const story = need(r.open_graph_story_id, `${at}.open_graph_story_id: required for a rating`);
        // an edited review is stored as the reviewer's next word in the same conversation
        const edited = r.verb === 'edit';
        posts.push({
          channel, account, platform_id: edited ? `${story}:edit:${created}` : story, author: reviewer,
          text: clampText(edited ? `Edited the review. ${ratingText(r)}` : ratingText(r)), visibility: 'public',
          in_reply_to: edited ? story : null, created_at: created,
          permalink: `https://www.facebook.com/${encodeURIComponent(story)}`, from_brand: false, thread_key: null,
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
      if (!m.message || m.message.is_deleted) return; // deliveries, reads, reactions, postbacks; an unsent message
      const echo = m.message.is_echo === true;
      const customer = echo ? m.recipient.id : m.sender.id;
      const lines = [
        m.message.text ?? '',
        ...(m.message.attachments ?? []).map(attachmentText),
        m.message.reply_to?.story?.url ? `[replying to a story] ${m.message.reply_to.story.url}` : '',
      ].filter((l) => l.trim());
      posts.push({
        channel,
        account,
        platform_id: m.message.mid,
        author: { platform_user_id: m.sender.id, handle: m.sender.id, name: m.sender.id, followers: null, verified: false, location: null },
        text: clampText(lines.join('\n')),
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
