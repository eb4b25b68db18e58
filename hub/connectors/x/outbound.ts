/**
 * Replies on X through the v2 API:
 *   public  → POST {apiBase}/2/tweets {text, reply:{in_reply_to_tweet_id}}          → {data:{id,text}}
 *   private → POST {apiBase}/2/dm_conversations/with/{participant_id}/messages {text} → {data:{dm_conversation_id, dm_event_id}}
 * Authenticated as the brand's user: OAuth 2.0 user access token (Bearer) or OAuth 1.0a.
 *
 * Reconciling a send whose outcome is unknown (X has no idempotency key), reading back as the brand:
 *   who am I   → GET /2/users/me                                                   → {data:{id, username}}
 *   public     → GET /2/users/{me}/tweets?start_time&tweet.fields=created_at,referenced_tweets&max_results=100
 *                a tweet replying to the target (referenced_tweets replied_to) with the reply's text
 *   private    → GET /2/dm_conversations/with/{participant_id}/dm_events?dm_event.fields=id,text,sender_id,created_at,event_type
 *                a MessageCreate sent by the brand with the reply's text
 */
import { DEFAULT_RETRY, getJson, joinUrl, sendWithRetry, type HttpDeps, type RetryPolicy } from '../delivery';
import { notBefore, oldestFirst, sameText } from '../reconcile';
import type { DeliveryOutcome, OutboundConnector, OutboundReply, PlatformMatch, ReconcileResult } from '../types';
import { oauth1Header, type OAuth1Credentials } from './oauth1';

export type XAuth =
  | { kind: 'bearer'; token: string }
  | ({ kind: 'oauth1' } & OAuth1Credentials);

export interface XConnectorConfig {
  /** default https://api.x.com (TEND_X_API_BASE) */
  apiBase?: string;
  auth: XAuth;
  retry?: Partial<RetryPolicy>;
}

function readData(json: unknown): Record<string, unknown> {
  const data = (json as { data?: unknown } | null)?.data;
  if (!data || typeof data !== 'object') throw new Error('no data object');
  return data as Record<string, unknown>;
}

export function createXConnector(config: XConnectorConfig, deps: HttpDeps = {}): OutboundConnector {
  const apiBase = config.apiBase ?? 'https://api.x.com';
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...config.retry };
  const authHeader = (url: string, method: 'GET' | 'POST' = 'POST'): string =>
    config.auth.kind === 'bearer' ? `Bearer ${config.auth.token}` : oauth1Header(method, url, config.auth);
  const get = (path: string, query: Record<string, string>) => {
    const base = joinUrl(apiBase, path);
    const q = new URLSearchParams(query).toString();
    const url = q ? `${base}?${q}` : base;
    // OAuth 1.0a signs the query parameters too (oauth1Header reads them from the URL)
    return getJson(url, { authorization: authHeader(url, 'GET') }, deps);
  };
  let me: Promise<string | null> | null = null;
  /** the brand account's user id (cached; a failed lookup is tried again next time) */
  const brandUserId = async (): Promise<string | { error: string }> => {
    me ??= get('/2/users/me', {}).then((r) => {
      const id = r.ok ? (r.json as { data?: { id?: unknown } } | null)?.data?.id : null;
      return typeof id === 'string' && id ? id : null;
    });
    const id = await me;
    if (!id) { me = null; return { error: 'could not read the brand account (GET /2/users/me)' }; }
    return id;
  };

  async function reconcile(reply: OutboundReply, since: Date): Promise<ReconcileResult> {
    const brand = await brandUserId();
    if (typeof brand !== 'string') return { ok: false, error: brand.error };
    const matches: PlatformMatch[] = [];
    if (reply.visibility === 'public') {
      // X wants whole seconds; a page holds up to 100 tweets, newest first
      const query: Record<string, string> = {
        start_time: new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        max_results: '100', 'tweet.fields': 'created_at,referenced_tweets,in_reply_to_user_id',
      };
      for (let page = 0; page < 5; page++) {
        const r = await get(`/2/users/${encodeURIComponent(brand)}/tweets`, query);
        if (!r.ok) return { ok: false, error: `reading the brand's tweets: ${r.error}` };
        const body = (r.json ?? {}) as { data?: Array<{ id?: string; text?: string; created_at?: string; referenced_tweets?: Array<{ type?: string; id?: string }> }>; meta?: { next_token?: string } };
        for (const t of body.data ?? []) {
          if (typeof t.id !== 'string' || typeof t.text !== 'string') continue;
          const repliedTo = t.referenced_tweets?.find((x) => x.type === 'replied_to')?.id ?? null;
          if (repliedTo !== (reply.in_reply_to ?? null) || !sameText(t.text, reply.text) || !notBefore(t.created_at, since)) continue;
          matches.push({ platform_id: t.id, permalink: `https://x.com/i/web/status/${t.id}`, created_at: t.created_at ?? null });
        }
        if (!body.meta?.next_token) break;
        query.pagination_token = body.meta.next_token;
      }
      return { ok: true, matches: oldestFirst(matches) };
    }
    if (!reply.recipient) return { ok: true, matches: [] };
    const query: Record<string, string> = { 'dm_event.fields': 'id,text,sender_id,created_at,event_type', max_results: '100' };
    for (let page = 0; page < 5; page++) {
      const r = await get(`/2/dm_conversations/with/${encodeURIComponent(reply.recipient)}/dm_events`, query);
      if (!r.ok) return { ok: false, error: `reading the DM conversation: ${r.error}` };
      const body = (r.json ?? {}) as { data?: Array<{ id?: string; text?: string; sender_id?: string; created_at?: string; event_type?: string }>; meta?: { next_token?: string } };
      let older = false;
      for (const e of body.data ?? []) {
        if (typeof e.id !== 'string' || e.event_type !== 'MessageCreate') continue;
        if (!notBefore(e.created_at, since)) { older = true; continue; }
        if (e.sender_id === brand && typeof e.text === 'string' && sameText(e.text, reply.text)) matches.push({ platform_id: e.id, permalink: null, created_at: e.created_at ?? null });
      }
      // events come newest first: once they are older than the send, there is nothing more to find
      if (older || !body.meta?.next_token) break;
      query.pagination_token = body.meta.next_token;
    }
    return { ok: true, matches: oldestFirst(matches) };
  }

  return {
    channel: 'x',
    reconcile,
    async send(reply: OutboundReply): Promise<DeliveryOutcome> {
      if (reply.channel !== 'x') return { ok: false, error: `X connector cannot send on channel ${reply.channel}`, retryable: false };
      if (reply.visibility === 'public') {
        const url = joinUrl(apiBase, '/2/tweets');
        const body: Record<string, unknown> = { text: reply.text };
        if (reply.in_reply_to) body.reply = { in_reply_to_tweet_id: reply.in_reply_to };
        return sendWithRetry({ method: 'POST', url, headers: { authorization: authHeader(url) }, body }, (json) => {
          const id = readData(json).id;
          if (typeof id !== 'string' || !id) throw new Error('no tweet id');
          return { platform_id: id, permalink: `https://x.com/i/web/status/${id}` };
        }, policy, deps);
      }
      if (!reply.recipient) return { ok: false, error: 'a direct message needs a recipient user id', retryable: false };
      const url = joinUrl(apiBase, `/2/dm_conversations/with/${encodeURIComponent(reply.recipient)}/messages`);
      return sendWithRetry({ method: 'POST', url, headers: { authorization: authHeader(url) }, body: { text: reply.text } }, (json) => {
        const id = readData(json).dm_event_id;
        if (typeof id !== 'string' || !id) throw new Error('no dm_event_id');
        return { platform_id: id, permalink: null };
      }, policy, deps);
    },
  };
}
