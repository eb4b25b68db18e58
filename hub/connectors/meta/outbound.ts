/**
 * Replies on Facebook Pages and Instagram through the Graph API:
 *   Facebook public  → POST {graphBase}/{version}/{comment-id}/comments {message}   → {id}
 *   Instagram public → POST {graphBase}/{version}/{comment-id}/replies  {message}   → {id}
 *   private (both)   → POST {graphBase}/{version}/me/messages
 *                        {recipient:{id}, messaging_type:'RESPONSE', message:{text}} → {recipient_id, message_id}
 * The page (or Instagram account) access token goes in the Authorization header.
 */
import { DEFAULT_RETRY, joinUrl, sendWithRetry, type HttpDeps, type RetryPolicy } from '../delivery';
import type { DeliveryOutcome, OutboundConnector, OutboundReply } from '../types';

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

/** The connector for one Meta channel (config.channel, default facebook). */
export function createMetaConnector(config: MetaConnectorConfig, deps: HttpDeps = {}): OutboundConnector {
  const channel = config.channel ?? 'facebook';
  const base = joinUrl(config.graphBase ?? 'https://graph.facebook.com', config.graphVersion ?? 'v21.0');
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...config.retry };
  const tokenFor = (account: string | null) => (account && config.accountTokens?.[account]) || config.accessToken;

  return {
    channel,
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
