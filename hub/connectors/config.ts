/**
 * Connector configuration from the environment. A connector whose secrets are absent is simply
 * off (its webhook route is not mounted, no outbound connector is made); a value that is present
 * but wrong (bad JSON, bad URL) is an error naming the variable.
 *
 *   TEND_X_CONSUMER_SECRET        X app consumer secret: webhook CRC + delivery signatures (and OAuth 1.0a)
 *   TEND_X_BEARER_TOKEN           OAuth 2.0 user access token of the brand account, for posting
 *   TEND_X_CONSUMER_KEY, TEND_X_ACCESS_TOKEN, TEND_X_ACCESS_TOKEN_SECRET   or OAuth 1.0a user context
 *   TEND_X_API_BASE               default https://api.x.com (point at the stand-in for tests/demo)
 *   TEND_META_APP_SECRET          Meta app secret: X-Hub-Signature-256
 *   TEND_META_VERIFY_TOKEN        the token typed into the Meta app's webhook settings
 *   TEND_META_ACCESS_TOKEN        page access token used to post
 *   TEND_META_ACCOUNT_TOKENS      JSON {"<page or IG account id>": "<token>"} when there are several
 *   TEND_META_GRAPH_BASE          default https://graph.facebook.com
 *   TEND_META_GRAPH_VERSION       default v21.0
 *   TEND_FEEDS                    JSON list of feeds [{id,url,channel,account,intervalMs}]
 *   TEND_FEEDS_FILE               or a path to a JSON file holding that list
 *   TEND_WEBHOOK_PREFIX           default /webhooks
 *   TEND_ACCOUNT_NAMES            JSON {"<X user id | Page id | IG account id>": "<account name>"}: how posts
 *                                 name the brand account (default: the platform id)
 *   TEND_BRAND_ACCOUNTS           JSON {"<channel>": [{"id": "<platform user id>", "handle": "<handle>"}]}: the
 *                                 brand's own accounts, whose posts are the brand's and never a customer's
 *                                 (X API v2 deliveries also take their brand account from here)
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ChannelSchema, type Channel } from '../../shared/domain';
import type { HttpDeps } from './delivery';
import { FeedConfigSchema, type FeedConfig } from './feeds/poller';
import { createMetaConnectors, type MetaConnectorConfig } from './meta/outbound';
import { describeZodError } from './normalized';
import type { BrandAccount, OutboundConnector } from './types';
import type { WebhookConfig } from './webhooks';
import { createXConnector, type XConnectorConfig } from './x/outbound';

export interface ConnectorConfig {
  webhooks: WebhookConfig;
  x: XConnectorConfig | null;
  meta: MetaConnectorConfig | null;
  feeds: FeedConfig[];
  /** configured brand accounts (TEND_BRAND_ACCOUNTS); the hub also learns them from the brand's own posts */
  brands: BrandAccount[];
}

const BrandAccountsSchema = z.record(ChannelSchema, z.array(z.object({
  id: z.string().min(1).max(256).optional(),
  handle: z.string().min(1).max(256).optional(),
}).refine((a) => a.id || a.handle, 'give an id, a handle or both')));

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const get = (env: Env, name: string) => {
  const v = env[name]?.trim();
  return v ? v : null;
};

function baseUrl(env: Env, name: string, fallback: string): string {
  const v = get(env, name) ?? fallback;
  if (!/^https?:\/\/[^\s/]+/.test(v)) throw new ConfigError(`${name} must be an http(s) URL, got "${v}"`);
  return v.replace(/\/+$/, '');
}

function json(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadConnectorConfig(env: Env = process.env): ConnectorConfig {
  const xSecret = get(env, 'TEND_X_CONSUMER_SECRET');
  const xBearer = get(env, 'TEND_X_BEARER_TOKEN');
  const [ck, at, ats] = ['TEND_X_CONSUMER_KEY', 'TEND_X_ACCESS_TOKEN', 'TEND_X_ACCESS_TOKEN_SECRET'].map((n) => get(env, n));
  let x: XConnectorConfig | null = null;
  const apiBase = baseUrl(env, 'TEND_X_API_BASE', 'https://api.x.com');
  if (xBearer) x = { apiBase, auth: { kind: 'bearer', token: xBearer } };
  else if (ck && at && ats && xSecret) x = { apiBase, auth: { kind: 'oauth1', consumerKey: ck, consumerSecret: xSecret, token: at, tokenSecret: ats } };
  else if (ck || at || ats) throw new ConfigError('OAuth 1.0a for X needs all of TEND_X_CONSUMER_KEY, TEND_X_CONSUMER_SECRET, TEND_X_ACCESS_TOKEN, TEND_X_ACCESS_TOKEN_SECRET');

  const metaToken = get(env, 'TEND_META_ACCESS_TOKEN');
  const accountTokensRaw = get(env, 'TEND_META_ACCOUNT_TOKENS');
  let accountTokens: Record<string, string> | undefined;
  if (accountTokensRaw) {
    const r = z.record(z.string(), z.string().min(1)).safeParse(json('TEND_META_ACCOUNT_TOKENS', accountTokensRaw));
    if (!r.success) throw new ConfigError(`TEND_META_ACCOUNT_TOKENS must map account ids to tokens: ${describeZodError(r.error)}`);
    accountTokens = r.data;
  }
  const graphVersion = get(env, 'TEND_META_GRAPH_VERSION') ?? 'v21.0';
  if (!/^v\d+\.\d+$/.test(graphVersion)) throw new ConfigError(`TEND_META_GRAPH_VERSION must look like v21.0, got "${graphVersion}"`);
  const meta: MetaConnectorConfig | null = metaToken || accountTokens
    ? { graphBase: baseUrl(env, 'TEND_META_GRAPH_BASE', 'https://graph.facebook.com'), graphVersion, accessToken: metaToken ?? '', accountTokens }
    : null;

  const metaSecret = get(env, 'TEND_META_APP_SECRET');
  const verifyToken = get(env, 'TEND_META_VERIFY_TOKEN');
  if (metaSecret && !verifyToken) throw new ConfigError('TEND_META_APP_SECRET is set but TEND_META_VERIFY_TOKEN is not: Meta cannot verify the webhook without it');

  let feedsRaw: unknown = [];
  const feedsEnv = get(env, 'TEND_FEEDS');
  const feedsFile = get(env, 'TEND_FEEDS_FILE');
  if (feedsEnv) feedsRaw = json('TEND_FEEDS', feedsEnv);
  else if (feedsFile) {
    let text: string;
    try { text = readFileSync(feedsFile, 'utf8'); } catch (e) { throw new ConfigError(`TEND_FEEDS_FILE ${feedsFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    feedsRaw = json('TEND_FEEDS_FILE', text);
  }
  const feeds = z.array(FeedConfigSchema).safeParse(feedsRaw);
  if (!feeds.success) throw new ConfigError(`feed list is invalid: ${describeZodError(feeds.error)}`);

  let accountNames: Record<string, string> | undefined;
  const namesRaw = get(env, 'TEND_ACCOUNT_NAMES');
  if (namesRaw) {
    const r = z.record(z.string(), z.string().min(1).max(256)).safeParse(json('TEND_ACCOUNT_NAMES', namesRaw));
    if (!r.success) throw new ConfigError(`TEND_ACCOUNT_NAMES must map platform account ids to names: ${describeZodError(r.error)}`);
    accountNames = r.data;
  }

  const brands: BrandAccount[] = [];
  const brandsRaw = get(env, 'TEND_BRAND_ACCOUNTS');
  if (brandsRaw) {
    const r = BrandAccountsSchema.safeParse(json('TEND_BRAND_ACCOUNTS', brandsRaw));
    if (!r.success) throw new ConfigError(`TEND_BRAND_ACCOUNTS must map channels to [{id, handle}]: ${describeZodError(r.error)}`);
    for (const [channel, list] of Object.entries(r.data)) for (const a of list ?? []) brands.push({ channel: channel as Channel, ...a });
  }

  return {
    webhooks: {
      accountNames, xConsumerSecret: xSecret, metaAppSecret: metaSecret, metaVerifyToken: verifyToken, prefix: get(env, 'TEND_WEBHOOK_PREFIX') ?? '/webhooks',
      brandAccounts: brands,
      // Messenger / Instagram senders are looked up by name with the page token (meta/profiles.ts)
      metaGraph: meta ? { graphBase: meta.graphBase, graphVersion: meta.graphVersion, accessToken: meta.accessToken, accountTokens: meta.accountTokens } : null,
    },
    x,
    meta,
    feeds: feeds.data,
    brands,
  };
}

/** The outbound connectors the configuration turns on, one per channel, to register with the hub. */
export function createOutboundConnectors(config: ConnectorConfig, deps: HttpDeps = {}): OutboundConnector[] {
  const list: OutboundConnector[] = [];
  if (config.x) list.push(createXConnector(config.x, deps));
  if (config.meta) list.push(...createMetaConnectors(config.meta, deps));
  return list;
}
