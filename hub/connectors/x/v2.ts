/**
 * X API v2 tweet objects, as the filtered stream, its webhook deliveries and tweet lookups send them:
 *   {data: tweet | tweet[], includes: {users: [...], tweets: [...]}, matching_rules?: [...]}
 * A tweet: {id, text, author_id, created_at, referenced_tweets: [{type: replied_to|quoted|retweeted, id}],
 * entities.urls, note_tweet.text (over 280 characters)}; its author is found in includes.users by id.
 * v2 deliveries do not say which brand account they are for (v1.1's for_user_id): that is the
 * configured brand X account (TEND_BRAND_ACCOUNTS), and a tweet by any brand account is the brand's.
 */
import { z } from 'zod';
import { checkPosts, clampText, describeZodError, PayloadError } from '../normalized';
import type { NormalizedAuthor, NormalizedPost } from '../types';

const numericId = z.string().regex(/^\d{1,25}$/, 'expected a numeric id string');

const V2UserSchema = z.object({
  id: numericId,
  username: z.string().min(1).max(64),
  name: z.string().max(512),
  verified: z.boolean().optional(),
  location: z.string().max(512).nullable().optional(),
  public_metrics: z.object({ followers_count: z.number().int().nonnegative().optional() }).optional(),
});

const UrlsSchema = z.object({
  urls: z.array(z.object({ url: z.string().min(1).max(64), expanded_url: z.string().max(2048).nullable().optional() })).max(100).optional(),
}).optional().catch(undefined);

const V2TweetSchema = z.object({
  id: numericId,
  text: z.string(),
  author_id: numericId,
  created_at: z.iso.datetime({ offset: true }),
  referenced_tweets: z.array(z.object({ type: z.string(), id: numericId })).max(10).optional(),
  entities: UrlsSchema,
  note_tweet: z.object({ text: z.string(), entities: UrlsSchema }).optional(),
});

export const XV2DeliverySchema = z.object({
  data: z.union([V2TweetSchema, z.array(V2TweetSchema).max(1000)]),
  includes: z.object({ users: z.array(V2UserSchema).max(1000).optional() }).passthrough().optional(),
  matching_rules: z.array(z.unknown()).optional(),
  for_user_id: numericId.optional(),
});

/** A v2 body: `data` holding tweet objects, and no Account Activity event arrays. */
export function isV2Delivery(body: unknown): boolean {
  return !!body && typeof body === 'object' && 'data' in body && !('tweet_create_events' in body) && !('direct_message_events' in body);
}

/** X escapes &, < and > in tweet text; agents and the analysis get the characters. */
export function unescapeTweetText(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function expand(text: string, entities: z.infer<typeof UrlsSchema>): string {
  let out = text;
  for (const u of entities?.urls ?? []) {
    if (u.expanded_url && /^https?:\/\//.test(u.expanded_url)) out = out.split(u.url).join(u.expanded_url);
  }
  return out;
}

export function normalizeXV2Delivery(body: unknown, brandIds: string[]): NormalizedPost[] {
  const r = XV2DeliverySchema.safeParse(body);
  if (!r.success) throw new PayloadError(describeZodError(r.error));
  const d = r.data;
  const account = d.for_user_id ?? brandIds[0];
  if (!account) throw new PayloadError('an X API v2 delivery does not name the brand account it is for: configure it in TEND_BRAND_ACCOUNTS ({"x": [{"id": "<user id>", "handle": "<username>"}]})');
  const brands = new Set([account, ...brandIds]);
  const users = new Map((d.includes?.users ?? []).map((u) => [u.id, u]));
  const tweets = Array.isArray(d.data) ? d.data : [d.data];
  const posts: NormalizedPost[] = [];
  for (const t of tweets) {
    // a retweet repeats someone else's words: reach, not a customer speaking
    if (t.referenced_tweets?.some((x) => x.type === 'retweeted')) continue;
    const u = users.get(t.author_id);
    const author: NormalizedAuthor = u
      ? { platform_user_id: u.id, handle: u.username, name: u.name || u.username, followers: u.public_metrics?.followers_count ?? null, verified: u.verified ?? false, location: u.location ?? null }
      : { platform_user_id: t.author_id, handle: t.author_id, name: t.author_id, followers: null, verified: false, location: null };
    const text = t.note_tweet ? expand(t.note_tweet.text, t.note_tweet.entities ?? t.entities) : expand(t.text, t.entities);
    posts.push({
      channel: 'x',
      account,
      platform_id: t.id,
      author,
      text: clampText(unescapeTweetText(text)),
      visibility: 'public',
      in_reply_to: t.referenced_tweets?.find((x) => x.type === 'replied_to')?.id ?? null,
      created_at: new Date(t.created_at).toISOString(),
      permalink: u ? `https://x.com/${encodeURIComponent(u.username)}/status/${t.id}` : `https://x.com/i/web/status/${t.id}`,
      from_brand: brands.has(t.author_id),
      thread_key: null,
    });
  }
  return checkPosts(posts);
}
