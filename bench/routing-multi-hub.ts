/**
 * Figures for routing with two hubs on one PostgreSQL schema (prints JSON lines):
 * - a routing request on the leader vs the same request forwarded by a follower (p50/p95 ms);
 * - post ingested through the follower → offer on the agent's (forwarded) stream (p50/p95 ms);
 * - failover: leader closed → follower leads (ms), for the given retry interval.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/routing-multi-hub.ts [--retry-ms 3000] [--n 200]
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { openDb } from '../hub/db/db';
import { startHub, type StartHubOptions } from '../hub/hub';
import { post, seedWorld } from '../testing/hub/fixtures';
import { call, login, streamUrl } from '../testing/hub/client';

const { values } = parseArgs({ options: { 'retry-ms': { type: 'string', default: '3000' }, n: { type: 'string', default: '200' } } });
const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a PostgreSQL server (several hubs need one)');
const n = Number(values.n);
const retryMs = Number(values['retry-ms']);
const schema = `bench_routing_multihub_${process.pid}`;
const opts: StartHubOptions = {
  database: { url, schema }, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0, supervisor: false,
  routing: { leaderRetryMs: retryMs },
};

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2); };

const one = await startHub(opts);
const two = await startHub(opts);
try {
  const w = await seedWorld(one.log);
  const tok = await login(two.url, w.emails.a);
  for (const [name, base] of [['leader', one.url], ['forwarded by follower', two.url]] as const) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await call(base, 'GET', '/v1/routing/presence', { token: tok });
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${r.text}`);
      ms.push(performance.now() - t);
    }
    console.log(JSON.stringify({ bench: 'routing GET /v1/routing/presence', via: name, n, p50_ms: pct(ms, 0.5), p95_ms: pct(ms, 0.95) }));
  }

  await call(two.url, 'PUT', '/v1/routing/presence', { token: tok, body: { activity_id: 'available' } });
  const ws = new WebSocket(await streamUrl(two.url, '/v1/routing/stream', tok));
  await new Promise((r, j) => { ws.on('open', r); ws.on('error', j); });
  // the offer may arrive before ingest() returns
  const offeredAt = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.type !== 'offer') return;
    offeredAt.set(m.offer.conversation_id, performance.now());
    waiting.get(m.offer.conversation_id)?.(performance.now());
  });
  const ingest = two.ingestor(w.ws);
  const ms: number[] = [];
  for (let i = 0; i < Math.min(n, 100); i++) {
    const t = performance.now();
    const got = await ingest.ingest(post({ handle: `bench${i}`, text: `order ${i} is late` }));
    const at = offeredAt.get(got.conversation_id) ?? await new Promise<number>((r) => waiting.set(got.conversation_id, r));
    ms.push(at - t);
    // reject so the next post finds the agent free (one offer at a time per agent)
    await call(two.url, 'POST', `/v1/routing/offers/${got.conversation_id}/reject`, { token: tok, body: {} });
  }
  console.log(JSON.stringify({ bench: 'post ingested through follower → offer on forwarded stream', n: ms.length, p50_ms: pct(ms, 0.5), p95_ms: pct(ms, 0.95) }));
  ws.close();

  const t = performance.now();
  await one.close();
  const closed = performance.now();
  while (!two.routing!.isLeader) await new Promise((r) => setTimeout(r, 5));
  console.log(JSON.stringify({ bench: 'failover', retry_ms: retryMs, close_ms: +(closed - t).toFixed(1), leader_closed_to_follower_leads_ms: +(performance.now() - closed).toFixed(1) }));
} finally {
  await one.close();
  await two.close();
  const admin = await openDb({ url, poolSize: 1 });
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
}
