/**
 * `npm run bench:floor`: a realistic floor (issue 17). A hub holding `--messages` stored messages
 * (seeded in bulk SQL, in batches), `--desktops` agents connected (a sync and a routing stream each,
 * offers accepted), signed X deliveries at `--rate` posts/s for `--seconds`, open loop, and the agents
 * replying and resolving after a think time; their replies leave through the hub's real outbound
 * dispatcher to the X stand-in. Measured:
 *   webhook → stored   send → 200 of each delivery (the X webhook answers 200 once the post committed)
 *   post → offer       delivery sent → the offer for its new conversation arrives on a desktop
 *   reply → sent       the reply mutation sent → its POST /2/tweets arrives on the X stand-in
 *   the hub's RSS (start, end, max, slope over the last 4 minutes: flat ≈ 0) and CPU per stored post
 * Every delivery answered 200 is checked to be stored exactly once, and every reply to be on X once.
 *
 * Processes: a hub seeds the database and closes; then each measured hub runs in its own process
 * (bench/support/floor-hub.ts: its RSS and CPU are the hub's alone, as a hub restarted on a full database),
 * the platform, X and the desktops in another (bench/support/floor-world.ts), this one coordinates
 * and prints a JSON line every 5 s (rates, hub RSS and CPU %, load average) and a summary line.
 *
 *   npm run bench:floor -- [--messages 1000000] [--desktops 200] [--rate 200] [--seconds 300] [--think-ms 2000,5000]
 *   DATABASE_URL=postgres://… npm run bench:floor -- --hubs 3 [--rate 300]
 * Without DATABASE_URL the hub runs on PGlite in a temporary data directory (removed afterwards);
 * with it, on that server in schema bench_floor (dropped first). `--hubs N` starts N hubs on that
 * one database: every hub takes webhooks and writes, the routing leader (elected among them)
 * consumes the log; deliveries and desktops are spread round-robin over the hubs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDatabase } from './support/database';
import { AGENT_CAPACITY, TWEET_BASE, type FloorHubStart } from './support/floor-protocol';
import { cpuModel, loadAverage, percentile, slopePerMinute } from './support/stats';

const { values } = parseArgs({ options: {
  messages: { type: 'string', default: '1000000' }, desktops: { type: 'string', default: '200' },
  rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '300' },
  hubs: { type: 'string', default: '1' }, 'think-ms': { type: 'string', default: '2000,5000' },
} });
const int = (name: string, v: string, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) { console.error(`--${name} must be a whole number ≥ ${min}, got "${v}"`); process.exit(2); }
  return n;
};
const o = {
  messages: int('messages', values.messages, 2), desktops: int('desktops', values.desktops, 1), rate: int('rate', values.rate, 1),
  seconds: int('seconds', values.seconds, 1), hubs: int('hubs', values.hubs, 1),
};
const think = values['think-ms'].split(',').map(Number);
if (think.length !== 2 || !think.every((t) => Number.isFinite(t) && t >= 0) || think[0] > think[1]) {
  console.error(`--think-ms must be "min,max" milliseconds, got "${values['think-ms']}"`); process.exit(2);
}
if (o.hubs > 1 && !process.env.DATABASE_URL) {
  console.error('--hubs N > 1 needs DATABASE_URL: several hubs share one PostgreSQL server (PGlite is one process\'s database)'); process.exit(2);
}

const SECRET = 'bench-floor-consumer-secret';
const X_TOKEN = 'bench-floor-x-token';
const TICK_MS = 5000;
const TARGETS = { webhook_to_stored_p99_ms: 250, post_to_offer_p99_ms: 500, reply_to_sent_p99_ms: 500, hub_rss_max_mb: 800, multi_hub_p99_ms: 1000 };
const line = (x: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'floor', ...x }));
const r1 = (x: number) => Math.round(x * 10) / 10;

/** A child process answering typed IPC requests (one outstanding request per answer type). */
function child(script: string, name: string) {
  const p: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  let ending = false;
  p.once('exit', (code) => { exited = true; if (!ending && !stopping) { console.error(`${name} exited (${code})`); process.exit(1); } });
  return {
    pid: p.pid,
    on: (type: string, fn: (m: Record<string, unknown>) => void) => p.on('message', (m: { type: string }) => { if (m.type === type) fn(m); }),
    ask<T = Record<string, unknown>>(m: Record<string, unknown>, answer: string): Promise<T> {
      return new Promise((resolve) => {
        const on = (r: { type: string }) => { if (r.type === answer) { p.off('message', on); resolve(r as T); } };
        p.on('message', on);
        p.send(m);
      });
    },
    stop: () => new Promise<void>((resolve) => { ending = true; if (exited) return resolve(); p.once('exit', () => resolve()); p.send({ type: 'stop' }); }),
  };
}
let stopping = false;

const database = await benchDatabase('bench_floor');
const dataDir = database.url ? null : mkdtempSync(join(tmpdir(), 'tend-bench-floor-'));
const world = child('./support/floor-world.ts', 'the world process (platform, X, desktops)');
const hubs: Array<ReturnType<typeof child>> = [];
try {
  const { url: xUrl } = await world.ask<{ url: string }>({ type: 'init', secret: SECRET, bearerToken: X_TOKEN }, 'standin');
  const x = { consumerSecret: SECRET, bearerToken: X_TOKEN, apiBase: xUrl };
  const db = dataDir ? { dataDir } : database;
  // each agent holds up to AGENT_CAPACITY conversations (seeded), each for its think time and a little more:
  // with fewer slots than that, offers wait for a free agent and post → offer measures the queue, not the hub
  const slotsNeeded = Math.ceil(o.rate * ((think[0] + think[1]) / 2000 + 1));
  line({
    phase: 'start', ...o, think_ms: think, engine: database.url ? 'postgres' : 'pglite', cpu: cpuModel(), load_average: loadAverage(),
    agent_slots: o.desktops * AGENT_CAPACITY, agent_slots_needed_about: slotsNeeded,
    ...(slotsNeeded > o.desktops * AGENT_CAPACITY ? { warning: 'fewer agent slots than the rate needs: offers will wait for a free agent (lower --rate or --think-ms, or add --desktops)' } : {}),
  });

  // a hub process seeds the history, the agents and their sessions, and closes: the measured hubs then start
  // on that database as a hub restarted on a full one does, so their RSS is not the bulk load's high-water mark
  const seeder = child('./support/floor-hub.ts', 'the seeding hub');
  seeder.on('seeding', (m) => line({ phase: 'seeding', conversations: m.conversations, of: m.of, ms: m.ms }));
  const seeded = await seeder.ask<{ tokens: string[]; watermark: number; seeded: Record<string, number>; seed_ms: number }>(
    { type: 'start', database: db, x, seed: { messages: o.messages, desktops: o.desktops } } satisfies FloorHubStart, 'started');
  await seeder.stop();
  line({ phase: 'seeded', ...seeded.seeded, seed_ms: seeded.seed_ms });
  const urls: string[] = [];
  let engine = '';
  for (let i = 0; i < o.hubs; i++) {
    const h = child('./support/floor-hub.ts', `hub ${i}`);
    hubs.push(h);
    const s = await h.ask<{ url: string; engine: string }>({ type: 'start', database: db, x } satisfies FloorHubStart, 'started');
    urls.push(s.url);
    engine = s.engine;
  }
  const first = hubs[0];
  const started = { ...seeded, engine };
  await world.ask({ type: 'desktops', hubs: urls, tokens: started.tokens, watermark: started.watermark, thinkMs: think }, 'ready');
  await Promise.all(hubs.map((h) => h.ask({ type: 'settle' }, 'settled')));
  line({ phase: 'desktops_connected', hubs: urls.length, desktops: started.tokens.length, streams: started.tokens.length * 2 });

  type Usage = { rss_mb: number; cpu_ms: number };
  const usage = () => Promise.all(hubs.map((h) => h.ask<Usage>({ type: 'usage' }, 'usage')));
  type Counters = Record<'sent' | 'ok' | 'refused' | 'errors' | 'offers' | 'accepted' | 'replies' | 'standin_posts', number>;
  const inbound0 = (await first.ask<{ inbound: number }>({ type: 'count' }, 'count')).inbound;
  const u0 = await usage();
  const t0 = performance.now();
  const rss: Array<{ t_s: number; v: number }> = [{ t_s: 0, v: Math.max(...u0.map((u) => u.rss_mb)) }];
  const rssEach: number[][] = u0.map((u) => [u.rss_mb]);
  let last = { t: t0, u: u0, c: { sent: 0, ok: 0, refused: 0, errors: 0, offers: 0, accepted: 0, replies: 0, standin_posts: 0 } as Counters };
  let sending = true;
  let ticking: Promise<void> | null = null;
  const tick = async () => {
    const [u, c] = await Promise.all([usage(), world.ask<Counters>({ type: 'counters' }, 'counters')]);
    const t = performance.now();
    const dt = (t - last.t) / 1000;
    const rate = (k: keyof Counters) => r1((c[k] - last.c[k]) / dt);
    const elapsed = r1((t - t0) / 1000);
    const rssMax = Math.max(...u.map((x) => x.rss_mb));
    if (sending) rss.push({ t_s: elapsed, v: rssMax });
    u.forEach((x, i) => rssEach[i].push(x.rss_mb));
    line({
      elapsed_s: elapsed, sending, sent_per_s: rate('sent'), stored_200_per_s: rate('ok'), refused_503_per_s: rate('refused'), errors: c.errors,
      offers_per_s: rate('offers'), replies_per_s: rate('replies'), sent_to_x_per_s: rate('standin_posts'),
      hub_rss_mb: rssMax, ...(u.length > 1 ? { hub_rss_mb_each: u.map((x) => x.rss_mb) } : {}),
      hub_cpu_pct: Math.round(u.reduce((a, x, i) => a + x.cpu_ms - last.u[i].cpu_ms, 0) / (dt * 10)),
      load_average: loadAverage(),
    });
    last = { t, u, c };
  };
  const timer = setInterval(() => { ticking ??= tick().finally(() => { ticking = null; }); }, TICK_MS);

  await world.ask({ type: 'run', rate: o.rate, seconds: o.seconds }, 'sent');
  const sendS = (performance.now() - t0) / 1000;
  sending = false;
  const r = await world.ask<{
    counters: Counters & { reply_failed: number; accept_failed: number; standin_duplicates: number }; first_error: string | null; ok_ms: number[]; ids_ok: string[];
    sent_at: number[]; offered_at: Array<[string, number]>; reply_to_sent_ms: number[]; replies_not_on_x: number;
  }>({ type: 'drain', timeoutMs: 30_000 }, 'result');
  await Promise.all(hubs.map((h) => h.ask({ type: 'settle' }, 'settled')));
  clearInterval(timer);
  await ticking;
  const u1 = await usage();
  const stored = (await first.ask<{ inbound: number }>({ type: 'count' }, 'count')).inbound - inbound0;
  // where each accepted delivery's tweet is stored: exactly once each, and which conversation it opened
  const { rows } = await first.ask<{ rows: Array<[string, string]> }>({ type: 'check', ids: r.ids_ok }, 'check');
  const storedOnce = rows.length === r.ids_ok.length && new Set(rows.map(([t]) => t)).size === r.ids_ok.length;
  const tweetOf = new Map(rows.map(([t, conv]) => [conv, t]));
  const postToOffer: number[] = [];
  let unmatched = 0;
  for (const [conv, at] of r.offered_at) {
    const tweet = tweetOf.get(conv);
    if (tweet === undefined) { unmatched++; continue; }
    postToOffer.push(at - r.sent_at[Number(BigInt(tweet) - TWEET_BASE)]);
  }
  const cpuMs = u1.reduce((a, x, i) => a + x.cpu_ms - u0[i].cpu_ms, 0);
  const c = r.counters;
  const p = (xs: number[]) => ({ p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), max: percentile(xs, 1), n: xs.length });
  const webhook = p(r.ok_ms);
  const rssAll = rssEach.flat();
  const slope = slopePerMinute(rss, 240);
  line({
    summary: true, engine: started.engine, hubs: urls.length, stored_messages_at_start: started.seeded.messages, desktops: started.tokens.length,
    rate_target_per_s: o.rate, seconds: o.seconds, achieved_send_per_s: r1(c.sent / sendS), stored_200_per_s: r1(c.ok / sendS),
    webhook_to_stored_ms: { ...webhook, target_p99: TARGETS.webhook_to_stored_p99_ms },
    post_to_offer_ms: { ...p(postToOffer), target_p99: TARGETS.post_to_offer_p99_ms },
    reply_to_sent_ms: { ...p(r.reply_to_sent_ms), target_p99: TARGETS.reply_to_sent_p99_ms },
    ...(urls.length > 1 ? { sustained_posts_per_s: webhook.p99 !== null && webhook.p99 < TARGETS.multi_hub_p99_ms && c.refused === 0 ? r1(c.ok / sendS) : null, sustained_means: `answered 200 per second with p99 < ${TARGETS.multi_hub_p99_ms} ms and no 503` } : {}),
    counts: {
      sent: c.sent, answered_200: c.ok, answered_503: c.refused, errors: c.errors, first_error: r.first_error,
      stored, accepted_stored_once: storedOnce,
      offers: c.offers, offers_accepted: c.accepted, accepts_refused: c.accept_failed, offers_not_matched_to_a_delivery: unmatched, stored_posts_never_offered: rows.length - postToOffer.length,
      replies: c.replies, replies_refused: c.reply_failed, sent_on_x: c.standin_posts, replies_not_on_x_after_30s: r.replies_not_on_x,
      duplicates_on_x: c.standin_duplicates, duplicates_on_x_target: 0,
    },
    hub_rss_mb: {
      start: rss[0].v, end: rss[rss.length - 1].v, max: Math.max(...rssAll), slope_mb_per_min_last_4_min: slope,
      target: `flat (slope ≈ 0) and max < ${TARGETS.hub_rss_max_mb}${started.engine === 'pglite' ? '' : ' (the target is for PGlite)'}`,
      ...(urls.length > 1 ? { end_each: u1.map((x) => x.rss_mb) } : {}),
    },
    hub_cpu_ms_per_stored_post: stored ? Math.round((cpuMs / stored) * 100) / 100 : null,
    load_average: loadAverage(), cpu: cpuModel(),
    note: 'hub CPU = every hub process (all threads) from the first send until the last reply was sent and routing settled, per post stored: ingest, analysis, routing, sync and offer streams, replies and their sends; the platform, X and the desktops run in another process',
  });
} finally {
  stopping = true;
  await Promise.all([...hubs.map((h) => h.stop()), world.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
