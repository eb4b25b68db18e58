/**
 * Replies on Facebook Pages and Instagram through the Graph API:
 *   Facebook public  → POST {graphBase}/{version}/{comment-id}/comments {message}   → {id}
 *   Instagram public → POST {graphBase}/{version}/{comment-id}/replies  {message}   → {id}
 *   private (both)   → POST {graphBase}/{version}/me/messages
 *                        {recipient:{id}, messaging_type:'RESPONSE', message:{text}} → {recipient_id, message_id}
 *   private reply to a public comment (both; Meta's "private replies"; the customer may never have written in private)
 *                    → POST {graphBase}/{version}/me/messages {recipient:{comment_id}, message:{text}} → {recipient_id, message_id}
 *                      One per comment, within 7 days of it: Graph refuses a second with (#10900) "Activity already
 *                      replied to", a late one with (#10) "…outside of allowed window"; both are permanent and
 *                      explained (the hub checks the rules first: shared/private-replies.ts). The legacy edge
 *                      POST /{comment-id}/private_replies was removed after Graph API v3.2.
 * The page (or Instagram account) access token goes in the Authorization header.
 *
 * Reconciling a send whose outcome is unknown (the Graph API has no idempotency key), reading back:
 *   who am I        → GET /{v}/me?fields=id                                        → {id}
 *   Facebook public → GET /{v}/{comment-id}/comments?fields=id,message,from,created_time&order=reverse_chronological
 *   Instagram public→ GET /{v}/{comment-id}/replies?fields=id,text,from,timestamp
 *   private         → GET /{v}/me/conversations?platform=messenger|instagram&user_id={recipient}  → {data:[{id}]}
 *                     GET /{v}/{conversation-id}/messages?fields=id,message,from,created_time
 *   a reply from the Page (or the Instagram account) with the reply's text, made since the send started.
 */
import { DEFAULT_RETRY, getJson, joinUrl, sendWithRetry, type HttpDeps, type RetryPolicy } from '../delivery';
import { notBefore, oldestFirst, sameText } from '../reconcile';
import type { DeliveryOutcome, OutboundConnector, OutboundReply, PlatformMatch, ReconcileResult } from '../types';

export interface MetaConnectorConfig {
  /** default https://graph.facebook.com (TEND_META_GRAPH_BASE) */
  graphBase?: string;
  /** default v21.0 (TEND_META_GRAPH_VERSION) */
  graphVersion?: string;
  /** token used when the account has none of its own (TEND_META_PAGE_TOKEN) */
  accessToken: string;
  /** per page / Instagram account id (OutboundReply.account) */
  accountTokens?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  /** the channel this connector serves (hubs register one connector per channel); default facebook */
  channel?: 'facebook' | 'instagram';
}

function readId(json: unknown, field: 'id' | 'message_id'): string {
  const id = (json as Record<string, unknown> | null)?.[field];
  if (typeof id !== 'string' || !id) throw new Error(`no ${field}`);
  return id;
}

const NAMES = { facebook: 'Facebook', instagram: 'Instagram' } as const;

/** Graph's refusals of a private reply, in the words of the rule they enforce (the platform's own words kept). */
function explainPrivateReply(out: DeliveryOutcome, channel: 'facebook' | 'instagram'): DeliveryOutcome {
  if (out.ok || out.retryable) return out;
  if (/#10900\b|already replied/i.test(out.error)) {
    return { ...out, error: `${NAMES[channel]} allows one private reply per comment, and this comment already has one (${out.error})` };
  }
  if (/allowed window|#10903\b/i.test(out.error)) {
    return { ...out, error: `${NAMES[channel]} allows a private reply to a comment only within 7 days of it (${out.error})` };
  }
  return out;
}

/** The connector for one Meta channel (config.channel, default facebook). */
export function createMetaConnector(config: MetaConnectorConfig, deps: HttpDeps = {}): OutboundConnector {
  const channel = config.channel ?? 'facebook';
  const base = joinUrl(config.graphBase ?? 'https://graph.facebook.com', config.graphVersion ?? 'v21.0');
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...config.retry };
  const tokenFor = (account: string | null) => (account && config.accountTokens?.[account]) || config.accessToken;
  const get = (path: string, query: Record<string, string>, token: string) => {
    const q = new URLSearchParams(query).toString();
    return getJson(joinUrl(base, path) + (q ? `?${q}` : ''), { authorization: `Bearer ${token}` }, deps);
  };
  const owners = new Map<string, Promise<string | null>>();
  /** the Page (or Instagram account) a token speaks for (cached per token) */
  const ownerId = async (token: string): Promise<string | null> => {
    let p = owners.get(token);
    if (!p) {
      p = get('/me', { fields: 'id' }, token).then((r) => {
        const id = r.ok ? (r.json as { id?: unknown } | null)?.id : null;
        return typeof id === 'string' && id ? id : null;
      });
      owners.set(token, p);
    }
    const id = await p;
    if (!id) owners.delete(token);
    return id;
  };
  type Item = { id?: unknown; message?: unknown; text?: unknown; from?: { id?: unknown }; created_time?: unknown; timestamp?: unknown };
  const pick = (items: Item[], owner: string, reply: OutboundReply, since: Date, permalink: (id: string) => string | null): PlatformMatch[] => {
    const out: PlatformMatch[] = [];
    for (const it of items) {
      const text = typeof it.message === 'string' ? it.message : typeof it.text === 'string' ? it.text : null;
      const at = typeof it.created_time === 'string' ? it.created_time : typeof it.timestamp === 'string' ? it.timestamp : null;
      if (typeof it.id !== 'string' || text === null) continue;
      // `from` is left out when the app may not see the author; when it is there it must be the brand. On
      // Instagram the brand writes as its Instagram account, whose id is not the Page's (the token's owner):
      // there, anyone but the customer answered counts.
      const from = it.from && typeof it.from.id === 'string' ? it.from.id : null;
      if (from && (channel === 'instagram' ? from === reply.recipient : from !== owner)) continue;
      if (!sameText(text, reply.text) || !notBefore(at, since)) continue;
      out.push({ platform_id: it.id, permalink: permalink(it.id), created_at: at });
    }
    return oldestFirst(out);
  };

  async function reconcile(reply: OutboundReply, since: Date): Promise<ReconcileResult> {
    const token = tokenFor(reply.account);
    const owner = await ownerId(token);
    if (!owner) return { ok: false, error: 'could not read the Page the access token belongs to (GET /me)' };
    if (reply.visibility === 'public') {
      if (!reply.in_reply_to) return { ok: true, matches: [] };
      const fb = channel === 'facebook';
      const r = await get(`/${encodeURIComponent(reply.in_reply_to)}/${fb ? 'comments' : 'replies'}`,
        fb ? { fields: 'id,message,from,created_time', order: 'reverse_chronological', limit: '100' } : { fields: 'id,text,from,timestamp', limit: '100' }, token);
      if (!r.ok) return { ok: false, error: `reading the replies to ${reply.in_reply_to}: ${r.error}` };
      const data = ((r.json as { data?: Item[] } | null)?.data ?? []);
      return { ok: true, matches: pick(data, owner, reply, since, (id) => (fb ? `https://www.facebook.com/${id}` : null)) };
    }
    if (!reply.recipient) return { ok: true, matches: [] };
    const conv = await get('/me/conversations', { platform: channel === 'facebook' ? 'messenger' : 'instagram', user_id: reply.recipient, fields: 'id' }, token);
    if (!conv.ok) return { ok: false, error: `finding the conversation with ${reply.recipient}: ${conv.error}` };
    const matches: PlatformMatch[] = [];
    for (const c of ((conv.json as { data?: Array<{ id?: unknown }> } | null)?.data ?? [])) {
      if (typeof c.id !== 'string') continue;
      const r = await get(`/${encodeURIComponent(c.id)}/messages`, { fields: 'id,message,from,created_time', limit: '50' }, token);
      if (!r.ok) return { ok: false, error: `reading the conversation's messages: ${r.error}` };
      matches.push(...pick(((r.json as { data?: Item[] } | null)?.data ?? []), owner, reply, since, () => null));
    }
    return { ok: true, matches: oldestFirst(matches) };
  }

  return {
    channel,
    reconcile,
    async send(reply: OutboundReply): Promise<DeliveryOutcome> {
      if (reply.channel !== channel) {
        return { ok: false, error: `the ${channel} connector cannot send on channel ${reply.channel}`, retryable: false };
      }
      const headers = { authorization: `Bearer ${tokenFor(reply.account)}` };
      if (reply.visibility === 'public') {
        if (!reply.in_reply_to) return { ok: false, error: 'a public reply needs the comment id it answers', retryable: false };
        const edge = reply.channel === 'facebook' ? 'comments' : 'replies';
        const url = joinUrl(base, `/${encodeURIComponent(reply.in_reply_to)}/${edge}`);
        return sendWithRetry({ method: 'POST', url, headers, body: { message: reply.text } }, (json) => {
          const id = readId(json, 'id');
          return { platform_id: id, permalink: reply.channel === 'facebook' ? `https://www.facebook.com/${id}` : null };
        }, policy, deps);
      }
      if (reply.comment_id) {
        const body = { recipient: { comment_id: reply.comment_id }, message: { text: reply.text } };
        const out = await sendWithRetry({ method: 'POST', url: joinUrl(base, '/me/messages'), headers, body }, (json) => ({ platform_id: readId(json, 'message_id') }), policy, deps);
        return explainPrivateReply(out, channel);
      }
      if (!reply.recipient) return { ok: false, error: 'a private message needs a recipient id', retryable: false };
      const url = joinUrl(base, '/me/messages');
      const body = { recipient: { id: reply.recipient }, messaging_type: 'RESPONSE', message: { text: reply.text } };
      return sendWithRetry({ method: 'POST', url, headers, body }, (json) => ({ platform_id: readId(json, 'message_id') }), policy, deps);
    },
  };
}

/** Both Meta channels, sharing one configuration: register each with the hub. */
export function createMetaConnectors(config: MetaConnectorConfig, deps: HttpDeps = {}): OutboundConnector[] {
  return [createMetaConnector({ ...config, channel: 'facebook' }, deps), createMetaConnector({ ...config, channel: 'instagram' }, deps)];
}
