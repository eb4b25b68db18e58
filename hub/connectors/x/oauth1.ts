/**
 * OAuth 1.0a request signing (HMAC-SHA1), as X requires for user-context calls made with an app's
 * consumer key and a user's access token. JSON bodies are not part of the signature base string;
 * only the query string and the oauth_* parameters are.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function oauth1Signature(method: string, baseUrl: string, params: Record<string, string>, consumerSecret: string, tokenSecret: string): string {
  const paramString = Object.entries(params)
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [method.toUpperCase(), percentEncode(baseUrl), percentEncode(paramString)].join('&');
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(base).digest('base64');
}

/** The Authorization header for one request. `extraParams` are form/query parameters that are signed too. */
export function oauth1Header(
  method: string, url: string, creds: OAuth1Credentials,
  opts: { nonce?: string; timestamp?: string; extraParams?: Record<string, string> } = {},
): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: creds.consumerKey,
    oauth_nonce: opts.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: opts.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_token: creds.token,
    oauth_version: '1.0',
  };
  const params: Record<string, string> = { ...oauth, ...(opts.extraParams ?? {}) };
  u.searchParams.forEach((v, k) => { params[k] = v; });
  const signature = oauth1Signature(method, `${u.protocol}//${u.host}${u.pathname}`, params, creds.consumerSecret, creds.tokenSecret);
  const fields = { ...oauth, oauth_signature: signature };
  return 'OAuth ' + Object.entries(fields).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ');
}
