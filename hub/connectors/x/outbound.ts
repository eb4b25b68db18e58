/**
 * Replies on X through the v2 API:
 *   public  → POST {apiBase}/2/tweets {text, reply:{in_reply_to_tweet_id}}          → {data:{id,text}}
 *   private → POST {apiBase}/2/dm_conversations/with/{participant_id}/messages {text} → {data:{dm_conversation_id, dm_event_id}}
 * Authenticated as the brand's user: OAuth 2.0 user access token (Bearer) or OAuth 1.0a.
 */
import { DEFAULT_RETRY, joinUrl, sendWithRetry, type HttpDeps, type RetryPolicy } from '../delivery';
import type { DeliveryOutcome, OutboundConnector, OutboundReply } from '../types';
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
  const authHeader = (url: string): string =>
    config.auth.kind === 'bearer' ? `Bearer ${config.auth.token}` : oauth1Header('POST', url, config.auth);

  return {
    channel: 'x',
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
