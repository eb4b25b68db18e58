/**
 * The outside world of `npm run bench:floor`, in its own process (bench/realistic-floor.ts forks it
 * with `--import tsx`) so the hub's CPU and RSS are the hub's alone:
 * - X: the local X stand-in (hub/connectors/standins/x.ts), which the hubs post replies to; it
 *   records when each reply's POST arrives;
 * - the platform: signed X deliveries (one new public tweet each, real customer wording), open loop
 *   at a fixed rate, spread round-robin over the hubs; send → 200 is send → stored (committed);
 * - the desktops: each a sync stream (subscribed at the hub's watermark) and a routing stream,
 *   opened with tickets, Available; an offer is accepted over HTTP as the desktop core does, and
 *   after a think time (seeded random, 2–5 s) the agent replies and resolves in one POST /v1/mutations
 *   (the core's 'reply' and 'set_status' mutations), so agents keep capacity.
 * How latencies are matched exactly: a delivery's tweet id is TWEET_BASE + its index (its send time is
 * kept by index); an offer names its conversation, and after the run the hub's database says which
 * tweet opened which conversation (bench/realistic-floor.ts); a reply's text carries a unique
 * "(ref r<n>)" that the stand-in sees in the POST. Offers not matched are counted, never guessed.
 * Times are epoch ms (performance.timeOrigin + now), comparable across processes.
 *
 * Driven over IPC: {type:'init', secret, bearerToken} → {type:'standin', url};
 * {type:'desktops', hubs, tokens, watermark} → {type:'ready'}; {type:'run', rate, seconds} → {type:'sent'};
 * {type:'counters'} → {type:'counters', …}; {type:'drain', timeoutMs} → {type:'result', …}; {type:'stop'}.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { xSignature } from '../../hub/connectors/signatures';
import { startXStandin, xTweetCreatePayload, type XStandin } from '../../hub/connectors/standins/x';
import { parseIbmCare } from '../../hub/connectors/import/ibm';
import { TWEET_BASE } from './floor-protocol';

const now = () => performance.timeOrigin + performance.now();

let x: XStandin;
let secret = '';
let hubs: string[] = [];
const sockets: WebSocket[] = [];
// real customer wording (IBM care set, Apache-2.0, shipped with the demo)
const ibm = parseIbmCare(JSON.parse(readFileSync(new URL('../../hub/demo/data/ibm_twitter_care.json', import.meta.url), 'utf8')));
const texts = ibm.threads.flatMap((th) => th.posts.filter((p) => !p.from_brand).map((p) => p.text)).filter((t) => t.length > 0);

// what happened, by the outside world's clock
const sentAt: number[] = []; // by delivery index
const okMs: number[] = []; // send → 200
const idsOk: string[] = [];
const c = { sent: 0, ok: 0, refused: 0, errors: 0, offers: 0, accepted: 0, accept_failed: 0, replies: 0, reply_failed: 0, standin_posts: 0, standin_duplicates: 0 };
let firstError: string | null = null;
const offeredAt = new Map<string, number>(); // conversation id → first offer on a desktop
const replySentAt = new Map<number, number>(); // reply ref → mutation sent
const replyOnX = new Map<number, number>(); // reply ref → its POST arrived on the stand-in
let replyRef = 0;
const pendingReplies = new Set<Promise<void>>();

const error = (what: string) => { c.errors++; firstError ??= what; };

/** mulberry32: the think times are the same from run to run */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function call(hub: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${hub}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  try { return { status: r.status, json: text ? JSON.parse(text) as unknown : null }; } catch { return { status: r.status, json: text }; }
}

async function open(hub: string, path: string, token: string): Promise<WebSocket> {
  const t = await call(hub, token, 'POST', '/v1/auth/ticket');
  if (t.status !== 200) throw new Error(`ticket: ${t.status} ${JSON.stringify(t.json)}`);
  const ws = new WebSocket(`${hub.replace(/^http/, 'ws')}${path}?ticket=${encodeURIComponent((t.json as { ticket: string }).ticket)}`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  sockets.push(ws);
  return ws;
}

async function reply(hub: string, token: string, conversationId: string) {
  const ref = ++replyRef;
  const mutations = [
    { id: randomUUID(), type: 'reply', args: { conversation_id: conversationId, message_id: randomUUID(), text: `Thanks for telling us, we are on it now (ref r${ref})`, visibility: 'public' } },
    { id: randomUUID(), type: 'set_status', args: { conversation_id: conversationId, status: 'resolved', snoozed_until: null } },
  ];
  replySentAt.set(ref, now());
  const r = await call(hub, token, 'POST', '/v1/mutations', { mutations });
  const results = (r.json as { results?: Array<{ ok: boolean; error?: unknown }> } | null)?.results;
  if (r.status === 200 && results?.every((x) => x.ok)) c.replies++;
  else { c.reply_failed++; replySentAt.delete(ref); firstError ??= `reply: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`; }
}

async function desktops(tokens: string[], watermark: number, thinkMs: [number, number]) {
  await Promise.all(tokens.map(async (token, i) => {
    const hub = hubs[i % hubs.length];
    const think = random(1000 + i);
    const sync = await open(hub, '/v1/sync/stream', token);
    sync.on('message', () => {}); // a desktop applies pages; here they are only read off the wire
    sync.send(JSON.stringify({ type: 'subscribe', since: watermark }));
    const routing = await open(hub, '/v1/routing/stream', token);
    routing.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { type: string; offer?: { id: string; conversation_id: string } };
      if (m.type !== 'offer') return;
      const conv = m.offer!.conversation_id;
      c.offers++;
      if (!offeredAt.has(conv)) offeredAt.set(conv, now());
      const work = (async () => {
        const a = await call(hub, token, 'POST', `/v1/routing/offers/${encodeURIComponent(conv)}/accept`, { offer_id: m.offer!.id });
        if (a.status !== 200) { c.accept_failed++; return; }
        c.accepted++;
        await new Promise((r) => setTimeout(r, thinkMs[0] + think() * (thinkMs[1] - thinkMs[0])));
        await reply(hub, token, conv);
      })().catch((err) => error(String(err)));
      pendingReplies.add(work);
      void work.finally(() => pendingReplies.delete(work));
    });
    const p = await call(hub, token, 'PUT', '/v1/routing/presence', { activity_id: 'available' });
    if (p.status !== 200) throw new Error(`presence: ${p.status} ${JSON.stringify(p.json)}`);
  }));
}

function delivery(i: number) {
  const user = i % 200_000; // known customers (seeded with ids 10000..) write again
  const id = String(TWEET_BASE + BigInt(i));
  const body = JSON.stringify(xTweetCreatePayload('999', [{
    id, text: texts[i % texts.length],
    user: { id: String(10_000 + user), screen_name: `customer${user}`, name: `Customer ${user}`, followers_count: (user * 977) % 50_000 },
  }]));
  return { id, body, signature: xSignature(body, secret) };
}

async function run(rate: number, seconds: number) {
  const n = Math.round(rate * seconds);
  const sends = new Set<Promise<void>>();
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const d = delivery(sentAt.length);
    const hub = hubs[i % hubs.length];
    const start = performance.now();
    sentAt.push(performance.timeOrigin + start);
    c.sent++;
    const s = fetch(`${hub}/webhooks/x`, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': d.signature } })
      .then(async (res) => {
        const text = await res.text();
        if (res.status === 200) { okMs.push(performance.now() - start); idsOk.push(d.id); c.ok++; } else if (res.status === 503) c.refused++;
        else error(`webhook: ${res.status} ${text.slice(0, 200)}`);
      }, (err) => error(String(err)));
    sends.add(s);
    void s.finally(() => sends.delete(s));
  }
  await Promise.all(sends);
}

function replyToSent(): number[] {
  const ms: number[] = [];
  for (const [ref, at] of replyOnX) { const s = replySentAt.get(ref); if (s !== undefined) ms.push(at - s); }
  return ms;
}

process.on('message', (m: { type: string } & Record<string, unknown>) => {
  void (async () => {
    if (m.type === 'init') {
      secret = m.secret as string;
      x = await startXStandin({ consumerSecret: secret, bearerToken: m.bearerToken as string });
      x.events.on('call', (call: { method: string; path: string; body: unknown }) => {
        if (call.method !== 'POST' || call.path !== '/2/tweets') return;
        c.standin_posts++;
        const ref = /\(ref r(\d+)\)/.exec(String((call.body as { text?: unknown } | null)?.text ?? ''));
        if (!ref) return;
        if (replyOnX.has(Number(ref[1]))) c.standin_duplicates++;
        else replyOnX.set(Number(ref[1]), now());
      });
      process.send!({ type: 'standin', url: x.url });
    } else if (m.type === 'desktops') {
      hubs = m.hubs as string[];
      await desktops(m.tokens as string[], m.watermark as number, (m.thinkMs as [number, number]) ?? [2000, 5000]);
      process.send!({ type: 'ready' });
    } else if (m.type === 'run') {
      await run(m.rate as number, m.seconds as number);
      process.send!({ type: 'sent' });
    } else if (m.type === 'counters') {
      // the stand-in keeps every call: forget them, the counters above hold what is measured
      x.calls.length = 0; // (its tweets stay: the hub reads them back to reconcile an unknown send)
      process.send!({ type: 'counters', ...c });
    } else if (m.type === 'drain') {
      // the last replies are still thinking: wait for them and for their POSTs on the stand-in (bounded)
      const until = Date.now() + (m.timeoutMs as number);
      while (pendingReplies.size > 0 && Date.now() < until) await Promise.race([...pendingReplies, new Promise((r) => setTimeout(r, 250))]);
      while (replyOnX.size < replySentAt.size && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      process.send!({
        type: 'result', counters: c, first_error: firstError, ok_ms: okMs, ids_ok: idsOk, sent_at: sentAt,
        offered_at: [...offeredAt], reply_to_sent_ms: replyToSent(),
        replies_not_on_x: [...replySentAt.keys()].filter((r) => !replyOnX.has(r)).length,
      });
    } else if (m.type === 'stop') {
      for (const s of sockets) s.terminate();
      await x?.close();
      process.exit(0);
    }
  })().catch((err) => { console.error(err); process.exit(1); });
});
