/**
 * The webhook endpoints as one encapsulated Fastify plugin:
 *   GET  {prefix}/x      X CRC challenge            POST {prefix}/x      X Account Activity deliveries
 *   GET  {prefix}/meta   Meta subscription check    POST {prefix}/meta   Facebook Page / Instagram deliveries
 * Bodies are read raw (Buffer) so the signature is checked over the exact bytes sent. The order is
 * fixed: signature (401) → JSON + whole-delivery validation (400) → ingest. Nothing is ingested
 * unless the whole delivery is valid; redeliveries are deduplicated by the Ingestor.
 * Every refusal (401/400/413) and every post the Ingestor rejects by rule is logged with its
 * reason and counted (`stats`, and `GET {prefix}/stats` behind the hub's agent auth): nothing is
 * dropped silently.
 *
 * Backpressure (intake.ts): a signed delivery goes through a bounded intake queue and is answered
 * 200 once all its posts are committed; when the hub is behind, it is answered 503 with Retry-After
 * at once (X and Meta redeliver) and nothing of it is stored. Overload refusals are counted, and
 * logged at most once a second.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError } from '../api/errors';
import type { BrandAccount } from './types';
import { normalizeMetaDelivery } from './meta/payload';
import { createProfileLookup, type MetaGraphConfig, type ProfileLookup } from './meta/profiles';
import { decodeUtf8Strict, parseJsonExact } from './json';
import { IngestIntake, type IntakeOptions } from './intake';
import { isPostRejection, PayloadError } from './normalized';
import { headerValue, metaSignature, timingSafeEqualStrings, xCrcResponseToken, xSignature } from './signatures';
import type { IngestResult, Ingestor, NormalizedPost } from './types';
import { normalizeXDelivery } from './x/payload';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route authenticates by its own means (webhook signatures), not by an agent's bearer token */
    public?: boolean;
  }
}

/** Route options of every webhook route: the hub's agent-auth hook must let `config.public` routes pass. */
const PUBLIC = { config: { public: true } } as const;

export interface WebhookConfig {
  /** X app consumer secret (TEND_X_CONSUMER_SECRET); without it the X routes are not mounted */
  xConsumerSecret?: string | null;
  /** Meta app secret (TEND_META_APP_SECRET) */
  metaAppSecret?: string | null;
  /** token Meta echoes back when subscribing (TEND_META_VERIFY_TOKEN) */
  metaVerifyToken?: string | null;
  /**
   * Names for the brand's platform accounts (X user id, Page id, Instagram account id → name), so
   * posts name the account as imports and the hub's channel accounts do (TEND_ACCOUNT_NAMES).
   * Unlisted accounts keep their platform id. Outbound tokens (accountTokens) use the same names.
   */
  accountNames?: Record<string, string>;
  /** the brand's own accounts (TEND_BRAND_ACCOUNTS): their posts are the brand's; X v2 deliveries are for the first X one */
  brandAccounts?: BrandAccount[];
  /** Graph API access for looking up Messenger / Instagram senders' names (set when Meta posting is configured) */
  metaGraph?: MetaGraphConfig | null;
  /** route prefix, default '/webhooks' */
  prefix?: string;
  /** largest delivery accepted, default 1 MiB */
  bodyLimit?: number;
  /** the bounds of the intake queue (intake.ts; default 1,000 posts waiting, 2 s of expected wait, batches of 100) */
  intake?: IntakeOptions;
}

export interface WebhookDeps {
  ingestor: Ingestor;
  /**
   * the configuration, or a function giving the current one (the hub's: channels connected in the app
   * apply without a restart). With a function, both platforms' routes are mounted and a platform
   * without its secret answers 404 `channel_off`; with an object, such routes are not mounted.
   */
  config: WebhookConfig | (() => WebhookConfig);
  /** told about every accepted delivery (for logs and metrics) */
  onDelivery?: (info: { source: 'x' | 'meta'; stored: number; duplicates: number }) => void;
  /** told about every refusal ("401 bad_signature") and post rejected by rule (its code), with the reason (a channel's health) */
  onRefusal?: (info: { source: 'x' | 'meta'; key: string; message: string }) => void;
  /** where refusals and rejected posts are logged, one line each (default: the server's log, as warnings) */
  log?: (line: string) => void;
  /** counters to add to (default: a fresh set, readable at GET {prefix}/stats) */
  stats?: WebhookStats;
  /** sender names for Messenger / Instagram ids (default: through the Graph API when config.metaGraph is set) */
  profiles?: ProfileLookup | null;
  /** the bounded intake queue in front of the Ingestor (default: one over `ingestor` with `config.intake`) */
  intake?: IngestIntake;
}

/** What the webhooks did since start: deliveries stored, refused (by HTTP code and reason) and posts rejected by rule. */
export interface WebhookStats {
  deliveries: number;
  stored: number;
  duplicates: number;
  /** "401 bad_signature", "400 invalid_encoding", "400 invalid_payload", "413 payload_too_large" … → count */
  refused: Record<string, number>;
  /** posts the Ingestor refused by rule, by the rule's code (e.g. orphan_brand_post) */
  rejected: Record<string, number>;
}

export function createWebhookStats(): WebhookStats {
  return { deliveries: 0, stored: 0, duplicates: 0, refused: {}, rejected: {} };
}

export interface DeliveryResult {
  received: number;
  stored: number;
  duplicates: number;
  /** posts the Ingestor refused by rule (e.g. a brand tweet answering nothing known), with why */
  rejected: Array<{ platform_id: string; reason: string }>;
}

type Rejection = { platform_id: string; reason: string; code: string };

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send(apiError(code, message));
}

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** A delivery's answers, in order: stored, duplicate, or refused by rule. Any other error fails the delivery (500: redelivered). */
function tally(posts: NormalizedPost[], answers: Array<IngestResult | Error>): Omit<DeliveryResult, 'rejected'> & { rejected: Rejection[] } {
  const result = { received: posts.length, stored: 0, duplicates: 0, rejected: [] as Rejection[] };
  answers.forEach((r, i) => {
    if (r instanceof Error) {
      // a rule says never: answer 200 so the platform does not redeliver it forever
      if (!isPostRejection(r)) throw r;
      result.rejected.push({ platform_id: posts[i].platform_id, reason: r.message, code: rejectionCode(r) });
    } else if (r.status === 'stored') result.stored++;
    else result.duplicates++;
  });
  return result;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.length === 0) return { ok: false, message: 'empty body' };
  try {
    // big numeric ids (Meta sends some as JSON numbers) are kept digit for digit
    return { ok: true, value: parseJsonExact(text) };
  } catch (e) {
    return { ok: false, message: `malformed JSON: ${(e as Error).message}` };
  }
}

function rejectionCode(e: Error): string {
  const code = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code ? code : 'rejected';
}

export async function registerWebhooks(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  const { ingestor } = deps;
  const live = typeof deps.config === 'function';
  const current = typeof deps.config === 'function' ? deps.config : ((c: WebhookConfig) => () => c)(deps.config);
  // where and how much: fixed at start (the routes are mounted once)
  const config = current();
  const prefix = config.prefix ?? '/webhooks';
  const bodyLimit = config.bodyLimit ?? 1024 * 1024;
  const stats = deps.stats ?? createWebhookStats();
  const log = deps.log ?? ((line: string) => app.log.warn(line));
  const intake = deps.intake ?? new IngestIntake(ingestor, config.intake);
  const refuse = (reply: FastifyReply, source: string, status: number, code: string, message: string) => {
    const key = `${status} ${code}`;
    stats.refused[key] = (stats.refused[key] ?? 0) + 1;
    log(`webhooks: ${source} delivery refused, ${key}: ${message}`);
    deps.onRefusal?.({ source: source as 'x' | 'meta', key, message });
    return fail(reply, status, code, message);
  };
  // overload refusals come by the hundred a second: counted each, logged once a second
  let overloadLoggedAt = 0;
  let overloadUnlogged = 0;
  const overloaded = (reply: FastifyReply, source: string, busy: { retryAfterS: number; reason: string }) => {
    const key = '503 overloaded';
    stats.refused[key] = (stats.refused[key] ?? 0) + 1;
    deps.onRefusal?.({ source: source as 'x' | 'meta', key, message: busy.reason });
    overloadUnlogged++;
    const now = Date.now();
    if (now - overloadLoggedAt >= 1000) {
      log(`webhooks: overloaded, ${overloadUnlogged} ${source} deliveries refused with 503 since the last line (${busy.reason}); the platform redelivers`);
      overloadLoggedAt = now;
      overloadUnlogged = 0;
    }
    return reply.code(503).header('retry-after', String(busy.retryAfterS))
      .send(apiError('overloaded', `the hub is behind (${busy.reason}): deliver again in ${busy.retryAfterS} s`));
  };

  await app.register(async (scope) => {
    // Inside this scope only: every body arrives as the raw bytes, whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    // Whatever a webhook answers (the Meta challenge echo included) is never to be sniffed as HTML.
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('x-content-type-options', 'nosniff');
      return payload;
    });
    // A body over the webhook's own limit names that limit, not the server-wide one.
    scope.setErrorHandler((err: Error & { code?: string }, req, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const source = req.url.includes('/meta') ? 'meta' : 'x';
        return refuse(reply, source, 413, 'payload_too_large', `webhook delivery is larger than ${bodyLimit} bytes (${formatBytes(bodyLimit)})`);
      }
      throw err;
    });
    scope.get(`${prefix}/stats`, async () => ({ ...stats, in_flight: intake.inFlight }));

    const named = (posts: NormalizedPost[]) => {
      const names = current().accountNames ?? {};
      return posts.map((p) => (names[p.account] ? { ...p, account: names[p.account] } : p));
    };
    const brandIds = (channel: string) => (current().brandAccounts ?? []).filter((b) => b.channel === channel && b.id).map((b) => b.id!);
    // the profile lookup (and its cache) lives as long as the Graph settings it was made with
    let lookup: { graph: MetaGraphConfig | null | undefined; profiles: ProfileLookup | null } | null = null;
    const profilesNow = (): ProfileLookup | null => {
      if (deps.profiles !== undefined) return deps.profiles;
      const graph = current().metaGraph;
      if (!lookup || lookup.graph !== graph) lookup = { graph, profiles: graph ? createProfileLookup(graph, { log }) : null };
      return lookup.profiles;
    };
    /** Messenger / Instagram senders known only by their id get their name (and Instagram username) */
    const withNames = async (posts: NormalizedPost[]): Promise<NormalizedPost[]> => {
      const profiles = profilesNow();
      if (!profiles) return posts;
      return Promise.all(posts.map(async (p) => {
        const id = p.author.platform_user_id;
        if (p.visibility !== 'private' || p.from_brand || !id || p.author.name !== id || (p.channel !== 'facebook' && p.channel !== 'instagram')) return p;
        const found = await profiles(p.channel, p.account, id);
        return found ? { ...p, author: { ...p.author, name: found.name, handle: found.handle ?? p.author.handle } } : p;
      }));
    };

    const handle = async (
      source: 'x' | 'meta', req: FastifyRequest, reply: FastifyReply,
      verify: (raw: Buffer) => boolean, normalize: (body: unknown) => NormalizedPost[] | Promise<NormalizedPost[]>,
    ) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verify(raw)) return refuse(reply, source, 401, 'bad_signature', 'missing or invalid webhook signature');
      // full already: refused before the body is even parsed
      const busy = intake.full();
      if (busy) return overloaded(reply, source, busy);
      const text = decodeUtf8Strict(raw);
      if (text === null) return refuse(reply, source, 400, 'invalid_encoding', 'the body is not valid UTF-8');
      const json = parseJson(text);
      if (!json.ok) return refuse(reply, source, 400, 'malformed_payload', json.message);
      let posts: NormalizedPost[];
      try {
        posts = await normalize(json.value);
      } catch (e) {
        if (e instanceof PayloadError) return refuse(reply, source, 400, 'invalid_payload', e.message);
        throw e;
      }
      const admitted = intake.submit(posts);
      if (!admitted.ok) return overloaded(reply, source, admitted);
      const result = tally(posts, await admitted.results);
      stats.deliveries++;
      stats.stored += result.stored;
      stats.duplicates += result.duplicates;
      for (const r of result.rejected) {
        stats.rejected[r.code] = (stats.rejected[r.code] ?? 0) + 1;
        log(`webhooks: ${source} post ${r.platform_id} rejected (${r.code}): ${r.reason}`);
        deps.onRefusal?.({ source, key: r.code, message: r.reason });
      }
      deps.onDelivery?.({ source, stored: result.stored, duplicates: result.duplicates });
      return reply.code(200).send({ ...result, rejected: result.rejected.map(({ platform_id, reason }) => ({ platform_id, reason })) });
    };

    const off = (reply: FastifyReply, what: string) => fail(reply, 404, 'channel_off', `${what} is not connected on this hub`);
    if (live || config.xConsumerSecret) {
      scope.get(`${prefix}/x`, PUBLIC, async (req, reply) => {
        const xSecret = current().xConsumerSecret;
        if (!xSecret) return off(reply, 'X');
        const crc = (req.query as Record<string, unknown>).crc_token;
        if (typeof crc !== 'string' || crc.length === 0 || crc.length > 1024) return fail(reply, 400, 'missing_crc_token', 'crc_token query parameter is required');
        return reply.send({ response_token: xCrcResponseToken(crc, xSecret) });
      });
      scope.post(`${prefix}/x`, { ...PUBLIC, bodyLimit }, (req, reply) => {
        const xSecret = current().xConsumerSecret;
        if (!xSecret) return off(reply, 'X');
        return handle('x', req, reply, (raw) => {
          const got = headerValue(req.headers['x-twitter-webhooks-signature']);
          return got !== null && timingSafeEqualStrings(got, xSignature(raw, xSecret));
        }, (body) => named(normalizeXDelivery(body, { brandIds: brandIds('x') })));
      });
    }

    if (live || config.metaAppSecret) {
      scope.get(`${prefix}/meta`, PUBLIC, async (req, reply) => {
        const { metaAppSecret, metaVerifyToken: verifyToken } = current();
        if (!metaAppSecret) return off(reply, 'Facebook / Instagram');
        const q = req.query as Record<string, unknown>;
        const challenge = q['hub.challenge'];
        if (q['hub.mode'] !== 'subscribe' || typeof challenge !== 'string' || challenge.length === 0 || challenge.length > 1024) {
          return fail(reply, 400, 'bad_verification', 'expected hub.mode=subscribe with hub.challenge and hub.verify_token');
        }
        const token = q['hub.verify_token'];
        if (!verifyToken || typeof token !== 'string' || !timingSafeEqualStrings(token, verifyToken)) {
          return fail(reply, 403, 'bad_verify_token', 'hub.verify_token does not match');
        }
        return reply.type('text/plain').send(challenge);
      });
      scope.post(`${prefix}/meta`, { ...PUBLIC, bodyLimit }, (req, reply) => {
        const metaSecret = current().metaAppSecret;
        if (!metaSecret) return off(reply, 'Facebook / Instagram');
        return handle('meta', req, reply, (raw) => {
          const got = headerValue(req.headers['x-hub-signature-256']);
          return got !== null && timingSafeEqualStrings(got, metaSignature(raw, metaSecret));
        }, async (body) => named(await withNames(normalizeMetaDelivery(body))));
      });
    }
  });
}
