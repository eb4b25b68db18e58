/**
 * npm run bench:webhook — webhook-to-stored latency: signed X Account Activity deliveries (one
 * tweet each; a third answer an earlier tweet) sent at a fixed rate over loopback HTTP to a real
 * hub (analysis and routing on, metrics triggers in place). The X webhook answers 200 only after
 * the post's transaction committed, so send → 200 is send → row committed.
 * Open loop: sends are scheduled at rate r whatever the answers do, so queueing shows up in the figures.
 * The sender runs in another process (as a platform sends from elsewhere), so `hub_cpu_ms_per_post` is the
 * hub's alone (issue 17: main thread + PGlite thread, analysis and routing on, sender excluded).
 *
 *   npx tsx bench/webhook.ts [--rate 200] [--seconds 15] [--warmup 2] [--sql-profile] [--timeline]   (DATABASE_URL for a PostgreSQL server)
 *   npx tsx bench/webhook.ts --in-flight 4 [--rate 50 --seconds 20]   closed loop: rate × seconds deliveries, at most 4 unanswered
 *     (no schedule, so none is refused for being late: the CPU per post to compare on a busy machine)
 *   npx tsx bench/webhook.ts --ceiling [--rates 50,100,200,400,800] [--step-seconds 20] [--conversations 100000] [--desktops 50]
 *     steps the rate on a realistic hub with backpressure (bench/webhook-ceiling.ts)
 * --sql-profile also prints the statements that took the most database time (ms per post);
 * --timeline the worst half-second windows (by send time) and their slowest answer.
 * Prints JSON lines.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHub } from '../hub/hub';
import { createAgent, createTeam, createWorkspace } from '../hub/accounts/admin';
import { loadConnectorConfig } from '../hub/connectors';
import { xSignature } from '../hub/connectors/signatures';
import { xTweetCreatePayload } from '../hub/connectors/standins/x';
import { parseIbmCare } from '../hub/connectors/import/ibm';
import type { Loose } from '../testing/json';
import { benchDatabase } from './support/database';

const { values } = parseArgs({ options: {
  rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '15' }, warmup: { type: 'string', default: '2' },
  'in-flight': { type: 'string', default: '0' }, 'sql-profile': { type: 'boolean', default: false }, timeline: { type: 'boolean', default: false },
  ceiling: { type: 'boolean', default: false }, rates: { type: 'string', default: '50,100,200,400,800' },
  'step-seconds': { type: 'string', default: '20' }, conversations: { type: 'string', default: '100000' }, desktops: { type: 'string', default: '50' },
} });
if (values.ceiling) {
  const { runCeiling } = await import('./webhook-ceiling');
  await runCeiling({
    rates: values.rates.split(',').map(Number), stepSeconds: Number(values['step-seconds']),
    conversations: Number(values.conversations), desktops: Number(values.desktops),
  });
  process.exit(0);
}
const rate = Number(values.rate);

/** CPU ms of this process's threads by name (Linux /proc; null elsewhere), minus an earlier reading. */
function threadCpu(since?: Record<string, number> | null): Record<string, number> | null {
  try {
    const out: Record<string, number> = {};
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(process.pid) ? 'main' : name;
      out[key] = (out[key] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, clock ticks of 10 ms
    }
    if (since) for (const k of Object.keys(out)) out[k] -= since[k] ?? 0;
    return out;
  } catch { return null; }
}
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const SECRET = 'bench-consumer-secret';

// real customer wording (IBM care set, Apache-2.0, shipped with the demo)
const ibm = parseIbmCare(JSON.parse(readFileSync(new URL('../hub/demo/data/ibm_twitter_care.json', import.meta.url), 'utf8')));
const texts = ibm.threads.flatMap((t) => t.posts.filter((p) => !p.from_brand).map((p) => p.text)).filter((t) => t.length > 0);

const hub = await startHub({
  database: await benchDatabase('bench_webhook'), routing: true, analysis: true, outbound: { sandbox: true },
  channels: loadConnectorConfig({ TEND_X_CONSUMER_SECRET: SECRET }),
});
const ws = await createWorkspace(hub.db, 'Bench', 'bench');
const team = await createTeam(hub.db, ws, 'Care');
const agents: string[] = [];
for (let i = 0; i < 20; i++) {
  agents.push(await createAgent(hub.log, { workspaceId: ws, email: `a${i}@bench.tend`, name: `Agent ${i}`, password: 'bench-password', teamIds: [team], capacity: { x: 5 } }));
}
// agents are available: routing makes offers as posts arrive (on a server, routing reads the new
// agents from the change log first)
await hub.routing!.settled();
const routingWs = await hub.routing!.workspace(ws);
for (const a of agents) routingWs.engine.setPresence(a, 'available');

const total = Math.round(rate * seconds);
const sqlStats = new Map<string, { n: number; ms: number }>();
if (values['sql-profile']) {
  const wrapped = new WeakSet<object>(); // a transaction may hand out the same handle again: wrap it once
  const wrap = (q: { query: (s: string, p?: unknown[]) => Promise<unknown[]> }) => {
    if (wrapped.has(q)) return;
    wrapped.add(q);
    const orig = q.query.bind(q);
    q.query = async (text: string, params?: unknown[]) => {
      const t = performance.now();
      try { return await orig(text, params); } finally {
        const k = text.replace(/\s+/g, ' ').slice(0, 100);
        const e = sqlStats.get(k) ?? { n: 0, ms: 0 };
        e.n++; e.ms += performance.now() - t;
        sqlStats.set(k, e);
      }
    };
  };
  wrap(hub.db as Loose);
  const tx = hub.db.transaction.bind(hub.db);
  (hub.db as Loose).transaction = (fn: (q: Loose) => Promise<unknown>) => tx(async (q) => { wrap(q as Loose); return fn(q); });
}
const body = (i: number) => {
  const user = i % 400;
  const replyTo = i >= 3 && i % 3 === 0 ? String(1_900_000_000_000_000_000n + BigInt(i - 3)) : null;
  return JSON.stringify(xTweetCreatePayload('999', [{
    id: String(1_900_000_000_000_000_000n + BigInt(i)), text: texts[i % texts.length], in_reply_to: replyTo,
    user: { id: String(10_000 + user), screen_name: `customer_${user}`, name: `Customer ${user}`, followers_count: (user * 977) % 50_000 },
  }]));
};
const payloads = Array.from({ length: total }, (_, i) => body(i));
const target = `${hub.url}/webhooks/x`;

// the sender: another process (as a platform sends from elsewhere), so the hub's CPU is measured alone
const payloadsFile = join(mkdtempSync(join(tmpdir(), 'tend-webhook-')), 'payloads.json');
writeFileSync(payloadsFile, JSON.stringify({ payloads, signatures: payloads.map((p) => xSignature(p, SECRET)) }));
const sender = fork(fileURLToPath(new URL('./support/webhook-sender.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const threads0 = threadCpu();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// --timeline: the hub thread's event-loop stalls (a timer 20 ms apart that fires late), by time since start
const lags: Array<{ at_s: number; lag_ms: number }> = [];
let tick = performance.now();
const lagTimer = values.timeline ? setInterval(() => {
  const now = performance.now();
  if (now - tick - 20 > 30) lags.push({ at_s: Math.round((tick - t0) / 100) / 10, lag_ms: Math.round(now - tick - 20) });
  tick = now;
}, 20) : null;
const result = await new Promise<{ latencies: number[]; sentAt: number[]; errors: number; firstError: string | null; wall: number; cpu_ms: number }>((resolve, reject) => {
  sender.once('message', resolve);
  sender.once('exit', (code) => reject(new Error(`the sender exited (${code})`)));
  sender.send({ target, payloadsFile, rate, skip: warmup * rate, inFlight: Number(values['in-flight']) });
});
if (lagTimer) clearInterval(lagTimer);
const { latencies, errors, firstError } = result;
const wall = result.wall || (performance.now() - t0) / 1000;
// routing is part of the hub's work per post: its CPU counts once it has settled
await hub.routing!.settled();
const cpu = process.cpuUsage(cpu0);
const threads = threadCpu(threads0);
const [{ n }] = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE workspace_id = $1`, [ws]);
// --timeline: the worst half-second windows by send time (where the tail comes from)
const windows = new Map<number, number[]>();
result.sentAt.forEach((t, i) => { const k = Math.floor(t / 500); (windows.get(k) ?? windows.set(k, []).get(k)!).push(latencies[i]); });
latencies.sort((a, b) => a - b);
const q = (f: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] * 10) / 10;
console.log(JSON.stringify({
  bench: 'webhook_to_stored', engine: hub.db.kind, rate_target: Number(values['in-flight']) > 0 ? null : rate, in_flight: Number(values['in-flight']) || null, sent: total, stored: n, errors, first_error: firstError,
  achieved_per_s: Math.round(total / wall), measured: latencies.length, warmup_s: warmup,
  p50_ms: q(0.5), p95_ms: q(0.95), p99_ms: q(0.99), max_ms: q(1),
  hub_cpu_ms_per_post: n ? Math.round(((cpu.user + cpu.system) / 1000 / n) * 100) / 100 : null,
  hub_cpu_ms_by_thread_per_post: n && threads ? Object.fromEntries(Object.entries(threads).map(([k, v]) => [k, Math.round((v / n) * 100) / 100])) : null,
  sender_cpu_ms_per_post: Math.round((result.cpu_ms / total) * 100) / 100,
  load_average: loadavg().map((x) => Math.round(x * 100) / 100),
  note: 'hub CPU = the hub process (main thread, PGlite thread, GC and I/O threads) from the first send until routing settled, per post stored; the sender runs in another process; 200 = committed',
}));
if (values.timeline) {
  const worst = [...windows].map(([k, v]) => ({ at_s: k / 2, n: v.length, max_ms: Math.round(Math.max(...v)) })).sort((a, b) => b.max_ms - a.max_ms).slice(0, 8);
  console.log(JSON.stringify({ worst_windows: worst }));
  console.log(JSON.stringify({ hub_thread_stalls_over_30ms: lags.sort((a, b) => b.lag_ms - a.lag_ms).slice(0, 10) }));
}
if (values['sql-profile']) {
  for (const [k, v] of [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
    console.log(JSON.stringify({ sql: k, calls: v.n, ms_per_post: Math.round((v.ms / total) * 1000) / 1000 }));
  }
}
await hub.close();
