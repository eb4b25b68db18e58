/**
 * Webhook edges shared by X and Meta: what the answer says and carries (nosniff, the webhook's own
 * size limit), bodies that are not UTF-8, big numeric ids, and that every refusal is logged and counted.
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonExact } from './json';
import { createMemoryIngestor, PostRejected, type MemoryIngestor } from './memory-ingestor';
import { createWebhookStats, registerWebhooks, type WebhookStats } from './webhooks';

const X_SECRET = 'x-secret';
const META_SECRET = 'meta-secret';
const xSign = (raw: Buffer | string) => 'sha256=' + createHmac('sha256', X_SECRET).update(raw).digest('base64');
const metaSign = (raw: Buffer | string) => 'sha256=' + createHmac('sha256', META_SECRET).update(raw).digest('hex');

let app: FastifyInstance;
let ing: MemoryIngestor;
let stats: WebhookStats;
const logged: string[] = [];

beforeAll(async () => {
  // the hub's server: a 5 MB server-wide limit and an error handler that names it
  app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
  app.setErrorHandler((err: Error & { code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: { code: 'payload_too_large', message: `request body is larger than ${app.initialConfig.bodyLimit} bytes` } });
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  stats = createWebhookStats();
  await app.register(registerWebhooks, {
    ingestor: { ingest: (p) => ing.ingest(p) }, stats, log: (l) => logged.push(l),
    config: { xConsumerSecret: X_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'tok' },
  });
  await app.ready();
});
afterAll(() => app.close());
beforeEach(() => { ing = createMemoryIngestor({ rejectOrphanBrandPosts: true }); logged.length = 0; });

const postMeta = (raw: Buffer | string) => app.inject({ method: 'POST', url: '/webhooks/meta', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSign(raw) } });
const postX = (raw: Buffer | string) => app.inject({ method: 'POST', url: '/webhooks/x', payload: raw, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(raw) } });

describe('webhook answers', () => {
  it('the Meta verify challenge is echoed as text/plain with X-Content-Type-Options: nosniff', async () => {
    const res = await app.inject({ url: '/webhooks/meta?hub.mode=subscribe&hub.verify_token=tok&hub.challenge=%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('<script>alert(1)</script>');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('an oversized delivery gets 413 naming the webhook limit (1 MiB), not the server-wide 5 MB; it is counted', async () => {
    const raw = JSON.stringify({ object: 'page', entry: [], pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await postMeta(raw);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('1048576 bytes (1 MiB)');
    expect(res.json().error.message).not.toContain('5242880');
    expect(stats.refused['413 payload_too_large']).toBeGreaterThanOrEqual(1);
    expect(logged.some((l) => l.includes('413 payload_too_large'))).toBe(true);
  });
});

describe('bodies that are not UTF-8', () => {
  it('get 400 invalid_encoding (signed correctly), and nothing is stored', async () => {
    // "Zaż" in ISO-8859-2 bytes inside an otherwise valid delivery: 0xBF is not UTF-8 on its own
    const raw = Buffer.concat([
      Buffer.from('{"object":"page","entry":[{"id":"1","time":1520383571,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1520383571000,"message":{"mid":"m1","text":"Za'),
      Buffer.from([0xbf]),
      Buffer.from('"}}]}]}'),
    ]);
    const res = await postMeta(raw);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_encoding');
    expect(ing.calls).toBe(0);
    const x = await postX(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(x.statusCode).toBe(400);
    expect(x.json().error.code).toBe('invalid_encoding');
    expect(stats.refused['400 invalid_encoding']).toBeGreaterThanOrEqual(2);
  });
});

describe('refusals and rejections are logged and counted', () => {
  it('a bad signature, an invalid payload and a brand post answering nothing known each leave a log line and a count', async () => {
    const before = structuredClone(stats);
    await app.inject({ method: 'POST', url: '/webhooks/x', payload: '{}', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': 'sha256=nope' } });
    await postX('{"for_user_id":"1","tweet_create_events":{}}');
    const orphan = JSON.stringify({ for_user_id: '42', tweet_create_events: [{ id_str: '9', created_at: 'Wed Oct 10 20:19:24 +0000 2018', text: 'hi', in_reply_to_status_id_str: '8', user: { id_str: '42', screen_name: 'Acme', name: 'Acme' } }] });
    const res = await postX(orphan);
    expect(res.json()).toMatchObject({ stored: 0, rejected: [{ platform_id: '9' }] });
    expect(stats.refused['401 bad_signature']).toBe((before.refused['401 bad_signature'] ?? 0) + 1);
    expect(stats.refused['400 invalid_payload']).toBe((before.refused['400 invalid_payload'] ?? 0) + 1);
    expect(stats.rejected.orphan_brand_post).toBe((before.rejected.orphan_brand_post ?? 0) + 1);
    expect(logged).toHaveLength(3);
    expect(logged[2]).toMatch(/post 9 rejected \(orphan_brand_post\)/);
    expect((await app.inject({ url: '/webhooks/stats' })).json()).toMatchObject({ rejected: { orphan_brand_post: stats.rejected.orphan_brand_post } });
  });
  it('PostRejected carries its code', () => {
    expect(new PostRejected('orphan_brand_post', 'x').code).toBe('orphan_brand_post');
  });
});

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 digit for digit, in values only', () => {
    expect(parseJsonExact('{"id":1050118621198921728,"n":[17841400000000001,-90071992547409931],"small":12,"f":1.5e3,"s":"1050118621198921728"}'))
      .toEqual({ id: '1050118621198921728', n: ['17841400000000001', '-90071992547409931'], small: 12, f: 1500, s: '1050118621198921728' });
    expect(JSON.parse('{"id":1050118621198921728}').id).not.toBe(1050118621198921728n.toString()); // what it guards against
    expect(parseJsonExact('{"a":"x\\"1234567890123456789","b":9007199254740991}')).toEqual({ a: 'x"1234567890123456789', b: 9007199254740991 });
  });
  it('invalid JSON stays invalid: leading zeros and key positions are never quoted into validity', () => {
    for (const bad of ['[01234567890123456789]', '{12345678901234567890:1}', '{"a":1,12345678901234567890:2}', '[12345678901234567890 1]', '12345678901234567890x']) {
      expect(() => parseJsonExact(bad), bad).toThrow();
    }
  });
  it('agrees with JSON.parse on validity, and on every value a double holds exactly (property)', () => {
    const piece = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"\\""', ' ', '0', '7', '-', '.5', 'e3', 'true', 'null', '12345678901234567890', '9007199254740993', '"1234567890123456789"');
    fc.assert(fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
      const text = parts.join('');
      let want: unknown; let wantErr = false;
      try { want = JSON.parse(text); } catch { wantErr = true; }
      let got: unknown; let gotErr = false;
      try { got = parseJsonExact(text); } catch { gotErr = true; }
      expect(gotErr).toBe(wantErr);
      if (!wantErr) {
        const norm = (v: unknown): unknown => typeof v === 'string' && /^-?\d{16,}$/.test(v) ? Number(v) : Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)])) : v;
        expect(norm(got)).toEqual(norm(want));
      }
    }), { numRuns: 3000 });
  });
});
