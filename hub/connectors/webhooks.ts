/**
 * The webhook endpoints as one encapsulated Fastify plugin:
 *   GET  {prefix}/x      X CRC challenge            POST {prefix}/x      X Account Activity deliveries
 *   GET  {prefix}/meta   Meta subscription check    POST {prefix}/meta   Facebook Page / Instagram deliveries
 * Bodies are read raw (Buffer) so the signature is checked over the exact bytes sent. The order is
 * fixed: signature (401) → JSON + whole-delivery validation (400) → ingest. Nothing is ingested
 * unless the whole delivery is valid; redeliveries are deduplicated by the Ingestor.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeMetaDelivery } from './meta/payload';
import { isPostRejection, PayloadError } from './normalized';
import { headerValue, metaSignature, timingSafeEqualStrings, xCrcResponseToken, xSignature } from './signatures';
import type { Ingestor, NormalizedPost } from './types';
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
  /** route prefix, default '/webhooks' */
  prefix?: string;
  /** largest delivery accepted, default 1 MiB */
  bodyLimit?: number;
}

export interface WebhookDeps {
  ingestor: Ingestor;
  config: WebhookConfig;
  /** told about every accepted delivery (for logs and metrics) */
  onDelivery?: (info: { source: 'x' | 'meta'; stored: number; duplicates: number }) => void;
}

export interface DeliveryResult {
  received: number;
  stored: number;
  duplicates: number;
  /** posts the Ingestor refused by rule (e.g. a brand tweet answering nothing known), with why */
  rejected: Array<{ platform_id: string; reason: string }>;
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

async function ingestAll(ingestor: Ingestor, posts: NormalizedPost[]): Promise<DeliveryResult> {
  const result: DeliveryResult = { received: posts.length, stored: 0, duplicates: 0, rejected: [] };
  for (const p of posts) {
    try {
      const r = await ingestor.ingest(p);
      if (r.status === 'stored') result.stored++;
      else result.duplicates++;
    } catch (e) {
      // a rule says never: answer 200 so the platform does not redeliver it forever
      if (!isPostRejection(e)) throw e;
      result.rejected.push({ platform_id: p.platform_id, reason: e.message });
    }
  }
  return result;
}

function parseJson(raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: false, message: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch (e) {
    return { ok: false, message: `malformed JSON: ${(e as Error).message}` };
  }
}

export async function registerWebhooks(app: FastifyInstance, deps: WebhookDeps): Promise<void> {
  const { ingestor, config } = deps;
  const prefix = config.prefix ?? '/webhooks';
  const bodyLimit = config.bodyLimit ?? 1024 * 1024;

  await app.register(async (scope) => {
    // Inside this scope only: every body arrives as the raw bytes, whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    const names = config.accountNames ?? {};
    const named = (normalize: (body: unknown) => NormalizedPost[]) => (body: unknown) =>
      normalize(body).map((p) => (names[p.account] ? { ...p, account: names[p.account] } : p));

    const handle = async (
      source: 'x' | 'meta', req: FastifyRequest, reply: FastifyReply,
      verify: (raw: Buffer) => boolean, normalize: (body: unknown) => NormalizedPost[],
    ) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verify(raw)) return fail(reply, 401, 'bad_signature', 'missing or invalid webhook signature');
      const json = parseJson(raw);
      if (!json.ok) return fail(reply, 400, 'malformed_payload', json.message);
      let posts: NormalizedPost[];
      try {
        posts = normalize(json.value);
      } catch (e) {
        if (e instanceof PayloadError) return fail(reply, 400, 'invalid_payload', e.message);
        throw e;
      }
      const result = await ingestAll(ingestor, posts);
      deps.onDelivery?.({ source, stored: result.stored, duplicates: result.duplicates });
      return reply.code(200).send(result);
    };

    const xSecret = config.xConsumerSecret;
    if (xSecret) {
      scope.get(`${prefix}/x`, PUBLIC, async (req, reply) => {
        const crc = (req.query as Record<string, unknown>).crc_token;
        if (typeof crc !== 'string' || crc.length === 0 || crc.length > 1024) return fail(reply, 400, 'missing_crc_token', 'crc_token query parameter is required');
        return reply.send({ response_token: xCrcResponseToken(crc, xSecret) });
      });
      scope.post(`${prefix}/x`, { ...PUBLIC, bodyLimit }, (req, reply) => handle('x', req, reply, (raw) => {
        const got = headerValue(req.headers['x-twitter-webhooks-signature']);
        return got !== null && timingSafeEqualStrings(got, xSignature(raw, xSecret));
      }, named(normalizeXDelivery)));
    }

    const metaSecret = config.metaAppSecret;
    if (metaSecret) {
      const verifyToken = config.metaVerifyToken;
      scope.get(`${prefix}/meta`, PUBLIC, async (req, reply) => {
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
      scope.post(`${prefix}/meta`, { ...PUBLIC, bodyLimit }, (req, reply) => handle('meta', req, reply, (raw) => {
        const got = headerValue(req.headers['x-hub-signature-256']);
        return got !== null && timingSafeEqualStrings(got, metaSignature(raw, metaSecret));
      }, named(normalizeMetaDelivery)));
    }
  });
}
