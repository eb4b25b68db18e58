/**
 * Ingest throughput and latency: N posts through the hub's Ingestor (new conversations and
 * replies in chains), one after another. Prints JSON lines.
 *   npx tsx bench/hub-ingest.ts [--posts 2000]   (DATABASE_URL for a PostgreSQL server)
 */
import { parseArgs } from 'node:util';
import { startHub } from '../hub/hub';
import { createTeam, createWorkspace } from '../hub/accounts/admin';
import type { NormalizedPost } from '../hub/connectors/types';
import { benchDatabase } from './support/database';

const { values } = parseArgs({ options: { posts: { type: 'string', default: '2000' } } });
const N = Number(values.posts);
const hub = await startHub({ database: await benchDatabase('bench_ingest'), outbound: { dispatcher: false } });
const ws = await createWorkspace(hub.db, 'Bench');
await createTeam(hub.db, ws, 'Care');
const ingestor = hub.ingestor(ws);
const lat: number[] = [];
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const p: NormalizedPost = {
    channel: 'x', account: 'brand', platform_id: `b${i}`,
    author: { platform_user_id: `u${i % 500}`, handle: `user${i % 500}`, name: `User ${i % 500}`, followers: i, verified: false },
    text: `Post ${i}: my order has not arrived`, visibility: 'public', in_reply_to: i % 3 === 0 || i < 3 ? null : `b${i - 3}`,
    created_at: new Date(Date.now() - (N - i) * 1000).toISOString(), permalink: null, from_brand: false,
  };
  const t = performance.now();
  await ingestor.ingest(p);
  lat.push(performance.now() - t);
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
lat.sort((a, b) => a - b);
const q = (f: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] * 100) / 100;
console.log(JSON.stringify({ metric: 'ingest_posts_per_s', value: Math.round(N / (ms / 1000)), posts: N, p50_ms: q(0.5), p99_ms: q(0.99), cpu_ms_per_post: Math.round(((cpu.user + cpu.system) / 1000 / N) * 100) / 100, engine: hub.db.kind }));
await hub.close();
