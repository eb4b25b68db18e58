/**
 * X webhook deliveries: the zod shape of what we read, and its normalization.
 * Account Activity API (v1.1 objects): only tweet_create_events and direct_message_events carry
 * customer words; other event kinds (favorites, follows, deletes, typing indicators) are accepted and
 * ignored. X API v2 tweet objects ({data, includes, matching_rules}: filtered stream): x/v2.ts.
 */
import { z } from 'zod';
import { parseTwitterDate } from '../dates';
import { checkPosts, clampText, describeZodError, PayloadError } from '../normalized';
import type { NormalizedAuthor, NormalizedPost } from '../types';
import { isV2Delivery, normalizeXV2Delivery, unescapeTweetText } from './v2';

const numericId = z.string().regex(/^\d{1,25}$/, 'expected a numeric id string');

const XUserSchema = z.object({
  id_str: numericId,
  screen_name: z.string().min(1).max(64),
  name: z.string().max(512),
  followers_count: z.number().int().nonnegative().optional(),
  verified: z.boolean().optional(),
  location: z.string().max(512).nullable().optional(),
});

/** t.co links with what they stand for; a malformed list is ignored (links just stay short). */
const UrlEntitiesSchema = z.object({
  urls: z.array(z.object({ url: z.string().min(1).max(64), expanded_url: z.string().max(2048).nullable().optional() })).max(100).optional(),
}).optional().catch(undefined);

const XTweetSchema = z.object({
  id_str: numericId,
  created_at: z.string().refine((s) => parseTwitterDate(s) !== null, 'expected a date like "Wed Oct 10 20:19:24 +0000 2018"'),
  text: z.string().optional(),
  full_text: z.string().optional(),
  extended_tweet: z.object({ full_text: z.string(), entities: UrlEntitiesSchema }).optional(),
  entities: UrlEntitiesSchema,
  in_reply_to_status_id_str: numericId.nullable().optional(),
  user: XUserSchema,
  retweeted_status: z.unknown().optional(),
}).refine((t) => t.extended_tweet?.full_text ?? t.full_text ?? t.text, { message: 'tweet has no text', path: ['text'] });

const XDmUserSchema = z.object({
  id: numericId,
  screen_name: z.string().min(1).max(64),
  name: z.string().max(512),
  followers_count: z.number().int().nonnegative().optional(),
  verified: z.boolean().optional(),
  location: z.string().max(512).nullable().optional(),
});

const XDmEventSchema = z.object({
  type: z.string(),
  id: numericId,
  created_timestamp: z.string().regex(/^\d{1,16}$/, 'expected milliseconds since epoch'),
  message_create: z.object({
    target: z.object({ recipient_id: numericId }),
    sender_id: numericId,
    message_data: z.object({
      text: z.string(),
      entities: UrlEntitiesSchema,
      attachment: z.object({ type: z.string() }).optional(),
    }),
  }).optional(),
}).refine((e) => e.type !== 'message_create' || e.message_create, { message: 'message_create event without message_create', path: ['message_create'] });

export const XDeliverySchema = z.object({
  for_user_id: numericId,
  tweet_create_events: z.array(XTweetSchema).max(1000).optional(),
  direct_message_events: z.array(XDmEventSchema).max(1000).optional(),
  users: z.record(z.string(), XDmUserSchema).optional(),
});
export type XDelivery = z.infer<typeof XDeliverySchema>;

/** Replaces t.co links by their targets, so agents (and the analysis) see where a link goes. */
export function expandUrls(text: string, entities: z.infer<typeof UrlEntitiesSchema>): string {
  let out = text;
  for (const u of entities?.urls ?? []) {
    if (u.expanded_url && /^https?:\/\//.test(u.expanded_url)) out = out.split(u.url).join(u.expanded_url);
  }
  return out;
}

function tweetAuthor(u: z.infer<typeof XUserSchema>): NormalizedAuthor {
  return {
    platform_user_id: u.id_str,
    handle: u.screen_name,
    name: u.name || u.screen_name,
    followers: u.followers_count ?? null,
    verified: u.verified ?? false,
    location: u.location ?? null,
  };
}

function dmAuthor(userId: string, users: XDelivery['users']): NormalizedAuthor {
  const u = users?.[userId];
  if (!u) return { platform_user_id: userId, handle: userId, name: userId, followers: null, verified: false, location: null };
  return {
    platform_user_id: u.id,
    handle: u.screen_name,
    name: u.name || u.screen_name,
    followers: u.followers_count ?? null,
    verified: u.verified ?? false,
    location: u.location ?? null,
  };
}

/**
 * Parses a whole delivery (Account Activity v1.1 or X API v2) and normalizes every post in it, or
 * throws PayloadError (nothing half-done). `brandIds`: the brand's X accounts (TEND_BRAND_ACCOUNTS).
 */
export function normalizeXDelivery(body: unknown, opts: { brandIds?: string[] } = {}): NormalizedPost[] {
  if (isV2Delivery(body)) return normalizeXV2Delivery(body, opts.brandIds ?? []);
  const r = XDeliverySchema.safeParse(body);
  if (!r.success) throw new PayloadError(describeZodError(r.error));
  const d = r.data;
  const brand = d.for_user_id;
  const brands = new Set([brand, ...(opts.brandIds ?? [])]);
  const posts: NormalizedPost[] = [];

  for (const t of d.tweet_create_events ?? []) {
    // A retweet repeats someone else's words; it is reach, not a customer speaking.
    if (t.retweeted_status !== undefined) continue;
    posts.push({
      channel: 'x',
      account: brand,
      platform_id: t.id_str,
      author: tweetAuthor(t.user),
      text: clampText(unescapeTweetText(t.extended_tweet
        ? expandUrls(t.extended_tweet.full_text, t.extended_tweet.entities)
        : expandUrls(t.full_text ?? t.text ?? '', t.entities))),
      visibility: 'public',
      in_reply_to: t.in_reply_to_status_id_str ?? null,
      created_at: parseTwitterDate(t.created_at)!,
      permalink: `https://x.com/${encodeURIComponent(t.user.screen_name)}/status/${t.id_str}`,
      from_brand: brands.has(t.user.id_str),
      thread_key: null,
    });
  }

  for (const e of d.direct_message_events ?? []) {
    if (e.type !== 'message_create' || !e.message_create) continue;
    const mc = e.message_create;
    const fromBrand = brands.has(mc.sender_id);
    const created = new Date(Number(e.created_timestamp));
    if (Number.isNaN(created.getTime())) throw new PayloadError(`direct message ${e.id}: created_timestamp out of range`);
    const attachment = mc.message_data.attachment ? `[${mc.message_data.attachment.type}]` : '';
    posts.push({
      channel: 'x',
      account: brand,
      platform_id: e.id,
      author: dmAuthor(mc.sender_id, d.users),
      text: clampText(expandUrls(mc.message_data.text, mc.message_data.entities) || attachment),
      visibility: 'private',
      in_reply_to: null,
      created_at: created.toISOString(),
      permalink: null,
      from_brand: fromBrand,
      // the customer is the other side, whichever way the message went
      thread_key: fromBrand ? mc.target.recipient_id : mc.sender_id,
    });
  }
  return checkPosts(posts);
}
