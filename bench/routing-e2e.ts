/**
 * End to end: inbound post → routing → offer pushed to an agent's desktop over WebSocket.
 * A real hub (startHub, PGlite in memory unless DATABASE_URL is set) with the routing module,
 * 200 desktops connected to /v1/routing/stream on loopback, all Available; posts ingested at
 * 200 per second; each desktop accepts its offers over HTTP as an agent would.
 * Prints JSON lines (target: p99 < 500 ms).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startHub } from '../hub/hub';
import { openDb } from '../hub/db/db';
import { createAgent, createTeam, createWorkspace } from '../hub/accounts/admin';
import { createSession } from '../hub/accounts/sessions';
import { post } from '../testing/hub/fixtures';

export async function runRoutingE2E(opts: { desktops?: number; rate?: number; seconds?: number; accept?: boolean; routing?: boolean } = {}): Promise<void> {
  const DESKTOPS = opts.desktops ?? 200, RATE = opts.rate ?? 200, SECONDS = opts.seconds ?? 15;
  const withRouting = opts.routing !== false;
  const url = process.env.DATABASE_URL;
  if (url) {
    // a schema of our own on the server, fresh each run
    const admin = await openDb({ url, poolSize: 1 });
    await admin.exec('DROP SCHEMA IF EXISTS bench_routing CASCADE');
    await admin.close();
  }
  // a Db handed in: routing runs in this hub alone (no leader election), as one hub does
  const db = await openDb({ url, schema: url ? 'bench_routing' : undefined });
  const hub = await startHub({ database: db, outbound: { dispatcher: false }, snoozeCheckMs: 0, routing: withRouting });
  const routing = { service: hub.routing };
  try {
    const ws = await createWorkspace(hub.db, 'Bench');
    const team = await createTeam(hub.db, ws, 'Care');
    const tokens: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < DESKTOPS; i++) {
      const id = await createAgent(hub.log, { workspaceId: ws, email: `agent${i}@bench.tend`, name: `Agent ${i}`, password: 'x', teamIds: [team], capacity: { '*': 1000 } });
      tokens.push({ id, token: (await createSession(hub.db, id)).token });
    }
    if (!withRouting) {
      // baseline: the hub's ingest alone at this rate (no routing module)
      const ingestor = hub.ingestor(ws);
      const t0 = performance.now();
      const lat: number[] = [];
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < RATE * SECONDS; i++) {
        const wait = t0 + (i * 1000) / RATE - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        pending.push(ingestor.ingest(post({ handle: `c${i}`, text: `order ${i}` })).then(() => { lat.push(performance.now() - s); }));
      }
      await Promise.all(pending);
      lat.sort((a, b) => a - b);
      console.log(JSON.stringify({ bench: 'routing', metric: 'baseline_ingest_without_routing', db: hub.db.kind, target_rate_per_s: RATE, achieved_rate_per_s: +(lat.length / ((performance.now() - t0) / 1000)).toFixed(1), p50_ms: +lat[Math.floor(lat.length / 2)].toFixed(1), p99_ms: +lat[Math.floor(lat.length * 0.99)].toFixed(1) }));
      return;
    }
    await routing.service!.workspace(ws);
    await routing.service!.settled();

    // The desktops run in a worker thread: on a real floor they are other machines, so their
    // WebSocket parsing and accept requests must not share the hub's event loop.
    const offeredAt = new Map<string, number>();
    let offers = 0;
    const desktops = new Worker(new URL('./routing-e2e-desktops.mjs', import.meta.url), {
      workerData: { url: hub.url, tokens: tokens.map((t) => t.token), accept: opts.accept !== false }
    });
    desktops.on('message', (m: { type: string; conversation_id?: string; at?: number }) => {
      if (m.type === 'offer') { offeredAt.set(m.conversation_id!, m.at!); offers++; }
    });
    await new Promise<void>((resolve, reject) => {
      desktops.once('error', reject);
      desktops.on('message', (m: { type: string }) => { if (m.type === 'ready') resolve(); });
    });
    await routing.service!.settled();

    const ingestor = hub.ingestor(ws);
    const startedAt = new Map<string, number>();
    const N = RATE * SECONDS;
    const t0 = performance.now();
    const pending: Array<Promise<void>> = [];
    let late = 0;
    for (let i = 0; i < N; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else if (wait < -100) late++;
      const start = performance.timeOrigin + performance.now();
      pending.push(ingestor.ingest(post({ handle: `c${i}`, text: `order ${i} has not arrived`, created_at: new Date().toISOString() }))
        .then((r) => { startedAt.set(r.conversation_id, start); }));
    }
    await Promise.all(pending);
    const sentSeconds = (performance.now() - t0) / 1000;
    // wait for the last offers (bounded)
    for (let k = 0; k < 100 && offeredAt.size < startedAt.size; k++) await new Promise((r) => setTimeout(r, 50));
    await routing.service!.settled();
    const lat = [...startedAt].filter(([id]) => offeredAt.has(id)).map(([id, s]) => offeredAt.get(id)! - s).sort((a, b) => a - b);
    const q = (p: number) => +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
    console.log(JSON.stringify({
      bench: 'routing', metric: 'inbound_post_to_offer_on_desktop', db: hub.db.kind, accepting: opts.accept !== false, desktops: DESKTOPS, target_rate_per_s: RATE,
      achieved_rate_per_s: +(N / sentSeconds).toFixed(1), posts: N, offers_received: offers, measured: lat.length, late_posts: late,
      p50_ms: q(0.5), p95_ms: q(0.95), p99_ms: q(0.99), max_ms: +lat[lat.length - 1].toFixed(1), target_p99_ms: 500,
    }));
    await desktops.terminate();
  } finally {
    await hub.close();
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : undefined; };
  runRoutingE2E({ rate: arg('rate'), desktops: arg('desktops'), seconds: arg('seconds'), accept: !process.argv.includes('--no-accept'), routing: !process.argv.includes('--no-routing') })
    .catch((err) => { console.error(err); process.exit(1); });
}
