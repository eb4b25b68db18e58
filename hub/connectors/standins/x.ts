/**
 * A local stand-in for the X API v2 (posting, and the reads that reconcile an unknown send) and for
 * X's webhook sender, for tests, the demo and the soak suite. It checks the auth header and the
 * request shapes as X does, answers in X's shapes, keeps what was posted, and signs Account Activity
 * deliveries with the consumer secret.
 *   POST /2/tweets, POST /2/dm_conversations/with/:participant_id/messages
 *   GET  /2/users/me, GET /2/users/:id/tweets, GET /2/dm_conversations/with/:participant_id/dm_events
 * Faults and the control routes (/_standin/…): server.ts.
 */
import { xCrcResponseToken, xSignature } from '../signatures';
import { percentEncode, oauth1Signature, type OAuth1Credentials } from '../x/oauth1';
import { postDelivery, startStandinServer, type Answer, type StandinServer } from './server';

export interface XStandinOptions {
  consumerSecret: string;
  /** accepted OAuth 2.0 user token; or give `oauth1` to verify OAuth 1.0a signatures */
  bearerToken?: string;
  oauth1?: OAuth1Credentials;
  /** the brand account the token belongs to (default 1000000000000000001 / TendDemoCare) */
  brand?: { id: string; username: string; name?: string };
  port?: number;
}

export interface XTweet { id: string; text: string; author_id: string; created_at: string; in_reply_to: string | null }
export interface XDmEvent { id: string; text: string; sender_id: string; participant_id: string; created_at: string }

export interface XStandin extends StandinServer {
  /** what X holds: tweets and DM events posted through the API, oldest first */
  tweets: XTweet[];
  dms: XDmEvent[];
  /** sends a signed delivery to the hub's X webhook (a wrong `secret` makes a mis-signed one) */
  deliver(hubWebhookUrl: string, payload: unknown, opts?: { secret?: string; unsigned?: boolean }): Promise<{ status: number; body: unknown }>;
  /** runs the CRC check against the hub as X does when registering a webhook; true if the answer is right */
  crcCheck(hubWebhookUrl: string): Promise<boolean>;
}

const problem = (status: number, title: string, detail: string): Answer => ({
  status, body: { title, detail, type: 'about:blank', status, errors: [{ message: detail }] },
});

function verifyOAuth1(header: string, method: string, url: string, query: Record<string, string>, creds: OAuth1Credentials): boolean {
  if (!header.startsWith('OAuth ')) return false;
  const fields: Record<string, string> = {};
  for (const part of header.slice(6).split(/,\s*/)) {
    const m = /^([^=]+)="([^"]*)"$/.exec(part);
    if (!m) return false;
    fields[decodeURIComponent(m[1])] = decodeURIComponent(m[2]);
  }
  const { oauth_signature: sig, ...params } = fields;
  if (params.oauth_consumer_key !== creds.consumerKey || params.oauth_token !== creds.token) return false;
  return sig === oauth1Signature(method, url, { ...params, ...query }, creds.consumerSecret, creds.tokenSecret);
}

let nextId = 1_900_000_000_000_000_000n;
// X shows tweet text HTML-escaped
const xText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startXStandin(opts: XStandinOptions): Promise<XStandin> {
  let selfUrl = '';
  const brand = { name: 'Tend Demo Care', ...(opts.brand ?? { id: '1000000000000000001', username: 'TendDemoCare' }) };
  const tweets: XTweet[] = [];
  const dms: XDmEvent[] = [];
  const server = await startStandinServer({
    deliver: (url, payload) => {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      return postDelivery(url, raw, { 'x-twitter-webhooks-signature': xSignature(raw, opts.consumerSecret) });
    },
    posts: () => ({ tweets, dms }),
    clear: () => { tweets.length = 0; dms.length = 0; },
    route(call) {
      const auth = typeof call.headers.authorization === 'string' ? call.headers.authorization : '';
      const authorized = opts.oauth1
        ? verifyOAuth1(auth, call.method, selfUrl + call.path, call.query, opts.oauth1)
        : auth === `Bearer ${opts.bearerToken ?? ''}` && !!opts.bearerToken;
      if (!authorized) return problem(401, 'Unauthorized', 'Unauthorized');
      if (call.method === 'GET') return read(call.path, call.query);
      if (call.method !== 'POST') return problem(405, 'Method Not Allowed', `${call.method} not supported`);
      // the fields X reads, not checked yet
      const body = call.body as { text?: unknown; reply?: { in_reply_to_tweet_id?: string } } | null;

      if (call.path === '/2/tweets') {
        if (!body || typeof body.text !== 'string' || body.text.length === 0) return problem(400, 'Invalid Request', 'text must be a non-empty string');
        if (body.reply !== undefined && (typeof body.reply?.in_reply_to_tweet_id !== 'string' || !/^\d+$/.test(body.reply.in_reply_to_tweet_id))) {
          return problem(400, 'Invalid Request', 'reply.in_reply_to_tweet_id must be a tweet id');
        }
        const id = String(nextId++);
        tweets.push({ id, text: body.text, author_id: brand.id, created_at: new Date().toISOString(), in_reply_to: body.reply?.in_reply_to_tweet_id ?? null });
        return { status: 201, body: { data: { id, text: body.text, edit_history_tweet_ids: [id] } } };
      }
      const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(call.path);
      if (dm) {
        if (!/^\d+$/.test(dm[1])) return problem(400, 'Invalid Request', 'participant_id must be a user id');
        if (!body || typeof body.text !== 'string' || body.text.length === 0) return problem(400, 'Invalid Request', 'text must be a non-empty string');
        const id = String(nextId++);
        dms.push({ id, text: body.text, sender_id: brand.id, participant_id: dm[1], created_at: new Date().toISOString() });
        return { status: 201, body: { data: { dm_conversation_id: `${dm[1]}-${brand.id}`, dm_event_id: id } } };
      }
      return problem(404, 'Not Found Error', `no route ${call.path}`);
    },
  }, { port: opts.port });
  selfUrl = server.url;

  /** X's read endpoints: newest first, `max_results` a page, `pagination_token` = offset */
  function read(path: string, q: Record<string, string>): Answer {
    const page = <T>(all: T[]) => {
      const max = Math.min(100, Math.max(1, Number(q.max_results ?? '10') || 10));
      const from = Number(q.pagination_token ?? '0') || 0;
      const data = all.slice(from, from + max);
      return { data, meta: { result_count: data.length, ...(from + max < all.length ? { next_token: String(from + max) } : {}) } };
    };
    if (path === '/2/users/me') return { status: 200, body: { data: { id: brand.id, name: brand.name, username: brand.username } } };
    const timeline = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
    if (timeline) {
      const since = q.start_time ? Date.parse(q.start_time) : -Infinity;
      if (Number.isNaN(since)) return problem(400, 'Invalid Request', 'start_time must be an RFC 3339 time');
      const mine = tweets.filter((t) => t.author_id === timeline[1] && Date.parse(t.created_at) >= since).reverse()
        .map((t) => ({ id: t.id, text: xText(t.text), created_at: t.created_at, edit_history_tweet_ids: [t.id], ...(t.in_reply_to ? { referenced_tweets: [{ type: 'replied_to', id: t.in_reply_to }] } : {}) }));
      const { data, meta } = page(mine);
      return { status: 200, body: data.length ? { data, meta: { ...meta, newest_id: data[0].id, oldest_id: data.at(-1)!.id } } : { meta } };
    }
    const events = /^\/2\/dm_conversations\/with\/(\d+)\/dm_events$/.exec(path);
    if (events) {
      const conv = dms.filter((e) => e.participant_id === events[1]).reverse()
        .map((e) => ({ id: e.id, event_type: 'MessageCreate', text: e.text, sender_id: e.sender_id, created_at: e.created_at, dm_conversation_id: `${e.participant_id}-${brand.id}` }));
      const { data, meta } = page(conv);
      return { status: 200, body: data.length ? { data, meta } : { meta } };
    }
    return problem(404, 'Not Found Error', `no route ${path}`);
  }

  return {
    ...server,
    tweets,
    dms,
    deliver(hubWebhookUrl, payload, o = {}) {
      const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const headers: Record<string, string> = o.unsigned ? {} : { 'x-twitter-webhooks-signature': xSignature(raw, o.secret ?? opts.consumerSecret) };
      return postDelivery(hubWebhookUrl, raw, headers);
    },
    async crcCheck(hubWebhookUrl) {
      const token = `crc-${Date.now()}`;
      const res = await fetch(`${hubWebhookUrl}?crc_token=${percentEncode(token)}`);
      if (!res.ok) return false;
      const body = await res.json() as { response_token?: string };
      return body.response_token === xCrcResponseToken(token, opts.consumerSecret);
    },
  };
}

// ---- payload builders in the Account Activity API format ------------------------------------

export interface XUserFixture { id: string; screen_name: string; name: string; followers_count?: number; verified?: boolean; location?: string | null }

const TWITTER_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const TWITTER_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Date → 'Wed Oct 10 20:19:24 +0000 2018' */
export function twitterDate(d: Date): string {
  return `${TWITTER_DAYS[d.getUTCDay()]} ${TWITTER_MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export function xTweetCreatePayload(forUserId: string, tweets: Array<{ id: string; text: string; user: XUserFixture; in_reply_to?: string | null; at?: Date }>) {
  return {
    for_user_id: forUserId,
    tweet_create_events: tweets.map((t) => ({
      created_at: twitterDate(t.at ?? new Date()),
      id: Number(t.id),
      id_str: t.id,
      text: t.text,
      truncated: false,
      in_reply_to_status_id: t.in_reply_to ? Number(t.in_reply_to) : null,
      in_reply_to_status_id_str: t.in_reply_to ?? null,
      in_reply_to_user_id_str: t.in_reply_to ? forUserId : null,
      user: {
        id: Number(t.user.id), id_str: t.user.id, name: t.user.name, screen_name: t.user.screen_name,
        location: t.user.location ?? null, followers_count: t.user.followers_count ?? 0, verified: t.user.verified ?? false,
      },
      entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
      lang: 'en',
    })),
  };
}

export function xDirectMessagePayload(forUserId: string, events: Array<{ id: string; text: string; sender: XUserFixture; recipient: XUserFixture; at?: Date }>) {
  const users: Record<string, unknown> = {};
  for (const e of events) {
    for (const u of [e.sender, e.recipient]) {
      users[u.id] = { id: u.id, created_timestamp: '1422556069340', name: u.name, screen_name: u.screen_name, location: u.location ?? null, protected: false, verified: u.verified ?? false, followers_count: u.followers_count ?? 0, friends_count: 0, statuses_count: 1 };
    }
  }
  return {
    for_user_id: forUserId,
    direct_message_events: events.map((e) => ({
      type: 'message_create',
      id: e.id,
      created_timestamp: String((e.at ?? new Date()).getTime()),
      message_create: {
        target: { recipient_id: e.recipient.id },
        sender_id: e.sender.id,
        source_app_id: '268278',
        message_data: { text: e.text, entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
      },
    })),
    users,
  };
}
