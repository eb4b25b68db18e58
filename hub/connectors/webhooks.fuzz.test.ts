/**
 * Fuzz: at least 10,000 random and mutated deliveries per webhook, through Fastify's inject (no
 * network). Invariants: never a 5xx, never a crash; a request answered with anything but 200
 * stores nothing; whatever a 200 stores is a well-formed NormalizedPost.
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NormalizedPostSchema } from './normalized';
import { fbCommentPayload, igCommentPayload, messagingPayload } from './standins/meta';
import { xDirectMessagePayload, xTweetCreatePayload } from './standins/x';
import { createMemoryIngestor } from './memory-ingestor';
import type { NormalizedPost } from './types';
import { registerWebhooks } from './webhooks';
import type { Loose } from '../../testing/json';

const X_SECRET = 'fuzz-x';
const META_SECRET = 'fuzz-meta';
const RUNS = 10_000;

const customer = { id: '6253282', screen_name: 'janedoe', name: 'Jane', followers_count: 10, verified: false, location: 'Oslo' };
const brand = { id: '3001969357', screen_name: 'AcmeCare', name: 'Acme' };
const X_SEEDS: unknown[] = [
  xTweetCreatePayload(brand.id, [{ id: '1050118621198921728', text: '@AcmeCare where is my order?', user: customer }]),
  xTweetCreatePayload(brand.id, [{ id: '1050118621198921800', text: '@janedoe sorry', user: brand, in_reply_to: '1050118621198921728' }, { id: '1050118621198921801', text: 'thanks', user: customer, in_reply_to: '1050118621198921800' }]),
  xDirectMessagePayload(brand.id, [{ id: '954491830116155396', text: 'charged twice', sender: customer, recipient: brand }]),
];
const META_SEEDS: unknown[] = [
  fbCommentPayload('1234567890123', { postId: '1234567890123_99', commentId: '99_1001', from: { id: '1519483394741836', name: 'Ana' }, message: 'refund?' }),
  igCommentPayload('17841400000000001', { id: '17865799348089039', mediaId: '18000000000000001', from: { id: '232323232', username: 'kasia' }, text: 'parcel?' }),
  messagingPayload('page', '1234567890123', { mid: 'm_1', senderId: '6789012345', text: 'hello' }),
  messagingPayload('instagram', '17841400000000001', { mid: 'ig_m_1', senderId: '5555', text: 'hi', echo: true }),
];

type Path = (string | number)[];
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

type Mutation = { pick: number; op: 'delete' | 'replace' | 'stringify' | 'empty' | 'huge' | 'negate' | 'duplicate'; value: unknown };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'stringify', 'empty', 'huge', 'negate', 'duplicate'),
  value: fc.jsonValue({ maxDepth: 2 }),
});

function mutate(seed: unknown, muts: Mutation[]): unknown {
  let root: Loose = structuredClone(seed);
  for (const m of muts) {
    const all = paths(root);
    const path = all[m.pick % all.length];
    if (path.length === 0) { root = m.op === 'replace' ? m.value : root; continue; }
    const parent = path.slice(0, -1).reduce((o: Loose, k) => o[k], root);
    const key = path[path.length - 1] as Loose;
    const cur = parent[key];
    switch (m.op) {
      case 'delete': if (Array.isArray(parent)) parent.splice(key, 1); else delete parent[key]; break;
      case 'replace': parent[key] = m.value; break;
      case 'stringify': parent[key] = typeof cur === 'string' ? Number(cur) : JSON.stringify(cur); break;
      case 'empty': parent[key] = typeof cur === 'string' ? '' : Array.isArray(cur) ? [] : {}; break;
      case 'huge': parent[key] = typeof cur === 'number' ? 1e308 : 'x'.repeat(20_000); break;
      case 'negate': parent[key] = typeof cur === 'number' ? -cur : typeof cur === 'boolean' ? !cur : null; break;
      case 'duplicate': if (Array.isArray(cur) && cur.length) cur.push(structuredClone(cur[0])); break;
    }
  }
  return root;
}

type Case = { kind: 'unsigned' | 'missigned' | 'random' | 'mutated' | 'truncated' | 'bitflip'; raw: string; signed: boolean; tamper?: boolean };

function caseArb(seeds: unknown[]): fc.Arbitrary<Case> {
  const seedArb = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((raw): Case => ({ kind: 'unsigned', raw, signed: false })) },
    { weight: 1, arbitrary: seedArb.map((s): Case => ({ kind: 'missigned', raw: JSON.stringify(s), signed: false, tamper: true })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v): Case => ({ kind: 'random', raw: JSON.stringify(v) ?? 'null', signed: true })) },
    { weight: 5, arbitrary: fc.tuple(seedArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([s, m]): Case => ({ kind: 'mutated', raw: JSON.stringify(mutate(s, m)) ?? 'null', signed: true })) },
    { weight: 1, arbitrary: fc.tuple(seedArb, fc.nat()).map(([s, n]): Case => { const r = JSON.stringify(s); return { kind: 'truncated', raw: r.slice(0, n % r.length), signed: true }; }) },
    { weight: 1, arbitrary: fc.tuple(seedArb, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([s, n, x]): Case => ({ kind: 'bitflip', raw: JSON.stringify(s), signed: true, tamper: true, ...{ flip: [n, x] } } as Case)) },
  );
}

function fuzzWebhook(name: string, url: string, seeds: unknown[], sign: (raw: Buffer) => Record<string, string>) {
  describe(`fuzz ${name}`, () => {
    let app: FastifyInstance;
    const ing = createMemoryIngestor();
    const stored: NormalizedPost[] = ing.posts;
    beforeAll(async () => {
      app = Fastify({ logger: false });
      await app.register(registerWebhooks, { ingestor: ing, log: () => {}, config: { xConsumerSecret: X_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'v' } });
      await app.ready();
    });
    afterAll(() => app.close());

    it(`survives ${RUNS} random and mutated deliveries`, async () => {
      const statuses = new Map<string, number>();
      await fc.assert(fc.asyncProperty(caseArb(seeds), async (c) => {
        let body = Buffer.from(c.raw, 'utf8');
        let headers: Record<string, string> = { 'content-type': 'application/json' };
        if (c.signed) headers = { ...headers, ...sign(body) };
        if (c.kind === 'missigned') headers = { ...headers, ...sign(Buffer.concat([body, Buffer.from(' ')])) };
        const flip = (c as Case & { flip?: [number, number] }).flip;
        if (flip && body.length) { body = Buffer.from(body); body[flip[0] % body.length] ^= flip[1]; }
        const before = ing.calls, storedBefore = stored.length;
        const res = await app.inject({ method: 'POST', url, payload: body, headers });
        statuses.set(`${c.kind}:${res.statusCode}`, (statuses.get(`${c.kind}:${res.statusCode}`) ?? 0) + 1);
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode !== 200) expect(ing.calls).toBe(before);
        if (c.kind === 'unsigned' || c.kind === 'missigned' || c.kind === 'bitflip') expect(res.statusCode).toBe(401);
        if (c.kind === 'truncated') expect(res.statusCode).toBe(400);
        for (const p of stored.slice(storedBefore)) expect(NormalizedPostSchema.safeParse(p).success).toBe(true);
      }), { numRuns: RUNS, seed: 20261127 });
      if (process.env.FUZZ_VERBOSE) console.log(name, Object.fromEntries(statuses));
      // the mix must actually reach every outcome, or the fuzz proves little
      const kinds = [...statuses.keys()];
      expect(kinds.some((k) => k.startsWith('mutated:200'))).toBe(true);
      expect(kinds.some((k) => k.startsWith('mutated:400'))).toBe(true);
      expect(kinds.some((k) => k.startsWith('random:400'))).toBe(true);
      expect(stored.length).toBeGreaterThan(0);
    });
  });
}

fuzzWebhook('X webhook', '/webhooks/x', X_SEEDS, (raw) => ({ 'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', X_SECRET).update(raw).digest('base64') }));
fuzzWebhook('Meta webhook', '/webhooks/meta', META_SEEDS, (raw) => ({ 'x-hub-signature-256': 'sha256=' + createHmac('sha256', META_SECRET).update(raw).digest('hex') }));

describe('fuzz the GET handshakes', () => {
  it('CRC and subscription checks: never a 5xx; the challenge is echoed only for the right token', async () => {
    const app = Fastify({ logger: false });
    await app.register(registerWebhooks, { ingestor: createMemoryIngestor(), log: () => {}, config: { xConsumerSecret: X_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'the-token' } });
    await app.ready();
    const param = fc.oneof(fc.string({ maxLength: 40 }), fc.constant('subscribe'), fc.constant('the-token'));
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom('crc_token', 'hub.mode', 'hub.verify_token', 'hub.challenge', 'x'), param), fc.boolean(), async (q, x) => {
      const res = await app.inject({ url: `/webhooks/${x ? 'x' : 'meta'}?${new URLSearchParams(q)}` });
      expect(res.statusCode).toBeLessThan(500);
      if (!x && res.statusCode === 200) {
        expect(q['hub.verify_token']).toBe('the-token');
        expect(q['hub.mode']).toBe('subscribe');
        expect(res.body).toBe(q['hub.challenge']);
      }
      if (x && res.statusCode === 200) expect(res.json().response_token).toBe('sha256=' + createHmac('sha256', X_SECRET).update(q.crc_token).digest('base64'));
    }), { numRuns: 2000, seed: 11 });
    await app.close();
  });
});
