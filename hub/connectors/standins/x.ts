/**
 * A local stand-in for the X API (v2 posting endpoints) and for X's webhook sender, for tests and
 * the demo. It checks the auth header and the request shapes as X does, answers in X's shapes,
 * and signs Account Activity deliveries with the consumer secret.
 */
import { xCrcResponseToken, xSignature } from '../signatures';
import { percentEncode, oauth1Signature, type OAuth1Credentials } from '../x/oauth1';
import { postDelivery, startStandinServer, type Answer, type StandinServer } from './server';

export interface XStandinOptions {
  consumerSecret: string;
  /** accepted OAuth 2.0 user token; or give `oauth1` to verify OAuth 1.0a signatures */
  bearerToken?: string;
  oauth1?: OAuth1Credentials;
}

export interface XStandin extends StandinServer {
  /** sends a signed delivery to the hub's X webhook (a wrong `secret` makes a mis-signed one) */
  deliver(hubWebhookUrl: string, payload: unknown, opts?: { secret?: string; unsigned?: boolean }): Promise<{ status: number; body: unknown }>;
  /** runs the CRC check against the hub as X does when registering a webhook; true if the answer is right */
  crcCheck(hubWebhookUrl: string): Promise<boolean>;
}

const problem = (status: number, title: string, detail: string): Answer => ({
  status, body: { title, detail, type: 'about:blank', status, errors: [{ message: detail }] },
});

function verifyOAuth1(header: string, method: string, url: string, creds: OAuth1Credentials): boolean {
  if (!header.startsWith('OAuth ')) return false;
  const fields: Record<string, string> = {};
  for (const part of header.slice(6).split(/,\s*/)) {
    const m = /^([^=]+)="([^"]*)"$/.exec(part);
    if (!m) return false;
    fields[decodeURIComponent(m[1])] = decodeURIComponent(m[2]);
  }
  const { oauth_signature: sig, ...params } = fields;
  if (params.oauth_consumer_key !== creds.consumerKey || params.oauth_token !== creds.token) return false;
  return sig === oauth1Signature(method, url, params, creds.consumerSecret, creds.tokenSecret);
}

let nextId = 1_900_000_000_000_000_000n;

export async function startXStandin(opts: XStandinOptions): Promise<XStandin> {
  let selfUrl = '';
  const server = await startStandinServer((call) => {
    const auth = typeof call.headers.authorization === 'string' ? call.headers.authorization : '';
    const authorized = opts.oauth1
      ? verifyOAuth1(auth, call.method, selfUrl + call.path, opts.oauth1)
      : auth === `Bearer ${opts.bearerToken ?? ''}` && !!opts.bearerToken;
    if (!authorized) return problem(401, 'Unauthorized', 'Unauthorized');
    if (call.method !== 'POST') return problem(405, 'Method Not Allowed', `${call.method} not supported`);
    const body = call.body as Record<string, any> | null;

    if (call.path === '/2/tweets') {
      if (!body || typeof body.text !== 'string' || body.text.length === 0) return problem(400, 'Invalid Request', 'text must be a non-empty string');
      if (body.reply !== undefined && (typeof body.reply?.in_reply_to_tweet_id !== 'string' || !/^\d+$/.test(body.reply.in_reply_to_tweet_id))) {
        return problem(400, 'Invalid Request', 'reply.in_reply_to_tweet_id must be a tweet id');
      }
      const id = String(nextId++);
      return { status: 201, body: { data: { id, text: body.text, edit_history_tweet_ids: [id] } } };
    }
    const dm = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(call.path);
    if (dm) {
      if (!/^\d+$/.test(dm[1])) return problem(400, 'Invalid Request', 'participant_id must be a user id');
      if (!body || typeof body.text !== 'string' || body.text.length === 0) return problem(400, 'Invalid Request', 'text must be a non-empty string');
      const id = String(nextId++);
      return { status: 201, body: { data: { dm_conversation_id: `${dm[1]}-1`, dm_event_id: id } } };
    }
    return problem(404, 'Not Found Error', `no route ${call.path}`);
  });
  selfUrl = server.url;

  return {
    ...server,
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
