/**
 * npm run bench:sync — the desktop sync core at scale. Prints JSON lines:
 *   cache_build       100,000 conversations / 1,000,000 messages applied through the same
 *                     bootstrap apply code the client uses (pages of 1,000 conversations)
 *   delta_apply       a 1,000-conversation change page (1,000 conversation upserts + 1,000 new
 *                     messages, 5% reassigned away and pruned with their history, whose messages
 *                     are deleted when sync is idle): p50/p95 ms
 *   cold_open         open the cache file in a fresh process to the first inbox page: ms
 *   search            FTS prefix search over the 1M messages, newest 50 hits with snippets: p50/p95 ms
 *   search_with_backlog  the same with nearly FTS_PENDING_BOUND change-page messages waiting for the index
 *   bootstrap_http    a hub (PGlite) fed with set-based SQL; a client logs in and bootstraps over
 *                     HTTP into its cache: messages/s (over --hub-messages, default 100,000)
 *   peak_rss          of this process
 * Options: --conversations N (100000) --messages-per-conversation N (10) --hub-messages N (100000)
 *          --skip-hub   --keep DIR (build or reuse the cache in DIR)
 *          --only build|delta|hub (stop after building the cache / after the delta phase; or only the hub bootstrap)
 *          --delta-runs N (40)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Conversation, Customer, Message } from '../shared/domain';
import type { Change } from '../shared/contract/hub-api';
import { checkpointWhenIdle, openCache, CACHE_FILE } from '../main/core/db/open';
import { FTS_PENDING_BOUND, pendingCount } from '../main/core/db/fts';
import { SyncApplier } from '../main/core/sync/apply';
import { inboxList } from '../main/core/queries';
import { searchMessages } from '../main/core/search';
import { prng } from '../testing/desktop/compare';
import { request } from '../main/core/service';

const { values: opt } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    'messages-per-conversation': { type: 'string', default: '10' },
    'hub-messages': { type: 'string', default: '100000' },
    'skip-hub': { type: 'boolean', default: false },
    keep: { type: 'string' },
    'cold-open': { type: 'string' },
    only: { type: 'string' },
    'delta-runs': { type: 'string', default: '40' },
  },
});

// Child mode: one cold open, measured from before the file is opened to the first page in hand.
if (opt['cold-open']) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const db = openCache(opt['cold-open']);
  const page = inboxList(db, { tab: 'mine', sort: 'sla', offset: 0, limit: 50 });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  db.close();
  process.stdout.write(JSON.stringify({ ms, cpu_ms: (c.user + c.system) / 1000, items: page.items.length, total: page.total }));
  process.exit(0);
}

if (opt.only !== undefined && !['build', 'delta', 'hub'].includes(opt.only)) throw new Error(`--only must be build, delta or hub, got ${opt.only}`);
const hubOnly = opt.only === 'hub';
const N_CONV = Number(opt.conversations);
const PER_CONV = Number(opt['messages-per-conversation']);
const emit = (o: object) => console.log(JSON.stringify(o));
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2); };
const rnd = prng(42);
/** CPU time of this process (user + system), ms: on a loaded machine wall time also counts waiting for a core. */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ME = 'ag-me';
const TEAM = 'team-a';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

// A vocabulary with a Zipf-like frequency: a few care words everywhere, a long tail of rare ones.
const CARE = 'order parcel delivery refund payment card account password login app update broken delayed missing charge cancel subscription store manager flight seat bag lost damaged wrong size exchange invoice help thanks please urgent still waiting week days support agent reply'.split(' ');
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'bro', 'den', 'fal', 'gor', 'hin', 'jus', 'ler', 'mon', 'tar'];
const TAIL = Array.from({ length: 20_000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => SYL[Math.floor(rnd() * SYL.length)]).join(''));
const word = () => (rnd() < 0.35 ? CARE[Math.floor(rnd() ** 2 * CARE.length)] : TAIL[Math.floor(rnd() ** 3 * TAIL.length)]);
const sentence = () => Array.from({ length: 8 + Math.floor(rnd() * 18) }, word).join(' ');

let syncId = 1;
function conv(i: number, over: Partial<Conversation> = {}): Conversation {
  const customer = Math.floor(i / 2);
  const core = i % 2 === 0;
  const created = T0 + i * 60_000;
  const r = rnd();
  return {
    id: `c${i}`, channel: 'x', channel_account_id: null, customer_id: `cu${customer}`, subject: '',
    status: core ? (r < 0.7 ? 'open' : r < 0.8 ? 'pending' : r < 0.9 ? 'snoozed' : 'resolved') : 'resolved',
    snoozed_until: null, priority: (['low', 'normal', 'normal', 'high', 'urgent'] as const)[Math.floor(rnd() * 5)],
    assignee_id: core ? (rnd() < 0.5 ? ME : null) : 'ag-other', team_id: TEAM, tags: [], analysis: {},
    first_response_due_at: rnd() < 0.8 ? iso(created + rnd() * 86_400_000) : null, next_response_due_at: null, resolution_due_at: null,
    first_response_at: null, resolved_at: null, last_message_at: iso(created), last_inbound_at: iso(created), snippet: '',
    message_count: PER_CONV, created_at: iso(created), updated_at: iso(created), sync_id: syncId++, ...over,
  };
}
function msg(convId: string, j: number, at: number): Message {
  return {
    id: `${convId}-m${j}`, conversation_id: convId, direction: j % 3 === 2 ? 'outbound' : 'inbound', visibility: 'public',
    author_id: '@someone', author_name: 'Someone', text: sentence(), platform_id: null, permalink: null,
    delivery: j % 3 === 2 ? 'sent' : 'received', delivery_error: null, created_at: iso(at), sync_id: syncId++,
  };
}
function cust(k: number): Customer {
  return { id: `cu${k}`, name: `Customer ${k}`, identities: [{ channel: 'x', handle: `@cu${k}`, platform_user_id: null }], location: null,
    followers: null, verified: false, tier: null, tags: [], notes: '', created_at: iso(T0), sync_id: syncId++ };
}

const dir = opt.keep ?? mkdtempSync(path.join(os.tmpdir(), 'tend-bench-sync-'));
const reuse = opt.keep !== undefined && existsSync(path.join(dir, CACHE_FILE));
emit({ machine: { load_avg_1m: +os.loadavg()[0].toFixed(1), cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` } });

// ---- build the cache through the apply code ----------------------------------------------
const db = openCache(dir);
const applier = new SyncApplier(db);
applier.meta.set('agent', { id: ME, workspace_id: 'w', email: 'me@x', name: 'Me', role: 'agent', skills: {}, capacity: {}, team_ids: [TEAM] });
if (!reuse && !hubOnly) {
  const c0 = cpuMs();
  const t0 = performance.now();
  applier.beginBootstrap();
  const PAGE = 1000;
  for (let start = 0; start < N_CONV; start += PAGE) {
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    const customers: Customer[] = [];
    for (let i = start; i < Math.min(N_CONV, start + PAGE); i++) {
      const c = conv(i);
      conversations.push(c);
      if (i % 2 === 0) customers.push(cust(i / 2));
      for (let j = 0; j < PER_CONV; j++) messages.push(msg(c.id, j, T0 + i * 60_000 + j * 1000));
    }
    applier.applyBootstrapPage({ conversations, messages, notes: [], customers });
  }
  applier.finishBootstrap(syncId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
  const s = (performance.now() - t0) / 1000;
  emit({ metric: 'cache_build', conversations: N_CONV, messages: N_CONV * PER_CONV, seconds: +s.toFixed(1), messages_per_s: Math.round((N_CONV * PER_CONV) / s), cpu_seconds: +((cpuMs() - c0) / 1000).toFixed(1), via: 'SyncApplier.applyBootstrapPage, pages of 1,000 conversations' });
} else {
  syncId = applier.meta.get('last_sync_id') + 1;
}
const counts = db.prepare('SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages').get() as { conversations: number; messages: number };

// ---- delta apply -------------------------------------------------------------------------------
if (opt.only !== 'build' && !hubOnly) {
  const times: number[] = [];
  const checkpoints: number[] = [];
  const cpu: number[] = [];
  const ids = db.prepare("SELECT id FROM conversations WHERE tab <> 'history'").pluck().all() as string[];
  const rows = db.prepare('SELECT data FROM conversations WHERE id = ?').pluck();
  let pruned = 0;
  for (let run = 0; run < Number(opt['delta-runs']); run++) {
    const changes: Change[] = [];
    for (let k = 0; k < 1000; k++) {
      const id = ids[Math.floor(rnd() * ids.length)];
      const raw = rows.get(id) as string | undefined;
      if (!raw) continue;
      const c = JSON.parse(raw) as Conversation;
      const away = rnd() < 0.05;
      const next: Conversation = { ...c, sync_id: syncId++, priority: rnd() < 0.5 ? 'high' : c.priority, status: rnd() < 0.2 ? 'pending' : c.status,
        assignee_id: away ? 'ag-other' : c.assignee_id, updated_at: iso(Date.now()), last_inbound_at: iso(Date.now()) };
      changes.push({ sync_id: next.sync_id, entity: 'conversation', op: 'upsert', data: next });
      changes.push({ sync_id: syncId, entity: 'message', op: 'upsert', data: msg(c.id, 100 + run * 1000 + k, Date.now()) });
    }
    const since = applier.meta.get('last_sync_id');
    const c0 = cpuMs();
    const t0 = performance.now();
    applier.applyChangesPage({ since, to: syncId, has_more: false, reset: false, changes });
    times.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    // what the core does when sync goes idle, measured apart
    const t1 = performance.now();
    checkpointWhenIdle(db);
    checkpoints.push(performance.now() - t1);
    pruned = counts.conversations - (db.prepare('SELECT count(*) FROM conversations').pluck().get() as number);
  }
  emit({ metric: 'delta_apply', conversations_per_page: 1000, messages_per_page: 1000, runs: times.length, p50_ms: pct(times, 50), p95_ms: pct(times, 95), max_ms: pct(times, 100), cpu_p50_ms: pct(cpu, 50), cpu_p95_ms: pct(cpu, 95), conversations_pruned_total: pruned, target_p95_ms: 60,
    idle_checkpoint_p50_ms: pct(checkpoints, 50), idle_checkpoint_p95_ms: pct(checkpoints, 95), note: 'apply = one transaction incl. pruning customers that left the scope; deleting their messages (migration 0140), full-text indexing and the WAL checkpoint run after, when sync is idle (idle_checkpoint)' });
}

const rest = opt.only === undefined;
// ---- search -------------------------------------------------------------------------------------
/** 300 prefix searches of one or two words, newest 50 hits with snippets. */
function searchRuns() {
  const times: number[] = [];
  const cpu: number[] = [];
  let hits = 0;
  for (let q = 0; q < 300; q++) {
    const words = Array.from({ length: 1 + Math.floor(rnd() * 2) }, word);
    const last = words[words.length - 1];
    words[words.length - 1] = last.slice(0, Math.max(2, Math.min(last.length, 2 + Math.floor(rnd() * 5))));
    const c0 = cpuMs();
    const t0 = performance.now();
    hits += searchMessages(db, words.join(' '), 50).length;
    times.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { queries: times.length, p50_ms: pct(times, 50), p95_ms: pct(times, 95), max_ms: pct(times, 100), cpu_p50_ms: pct(cpu, 50), cpu_p95_ms: pct(cpu, 95), mean_hits: +(hits / times.length).toFixed(1), target_p95_ms: 50 };
}
if (rest) {
  emit({ metric: 'search', messages: counts.messages, ...searchRuns() });
  // the worst case for search: change pages have left nearly FTS_PENDING_BOUND messages waiting for the index
  const ids = db.prepare("SELECT id FROM conversations WHERE tab <> 'history' LIMIT 1000").pluck().all() as string[];
  for (let run = 0; pendingCount(db) + 1000 <= FTS_PENDING_BOUND; run++) {
    const changes: Change[] = ids.map((id, k) => ({ sync_id: syncId, entity: 'message' as const, op: 'upsert' as const, data: msg(id, 900_000 + run * 1000 + k, Date.now()) }));
    applier.applyChangesPage({ since: applier.meta.get('last_sync_id'), to: syncId, has_more: false, reset: false, changes });
  }
  emit({ metric: 'search_with_backlog', messages: db.prepare('SELECT count(*) FROM messages').pluck().get(), waiting_for_index: pendingCount(db), ...searchRuns() });
  checkpointWhenIdle(db);
}
db.close();

// ---- cold open -----------------------------------------------------------------------------------
if (rest) {
  const runs: number[] = [];
  const cpu: number[] = [];
  let items = 0;
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'sync.ts'), '--cold-open', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold open child failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { ms: number; cpu_ms: number; items: number };
    runs.push(out.ms);
    cpu.push(out.cpu_ms);
    items = out.items;
  }
  emit({ metric: 'cold_open', conversations: counts.conversations, first_page_items: items, runs_ms: runs.map((x) => +x.toFixed(1)), median_ms: pct(runs, 50), max_ms: pct(runs, 100), cpu_median_ms: pct(cpu, 50), target_ms: 50, note: 'fresh process each run: open + migrate check + first inbox page (OS file cache warm)' });
}
emit({ metric: 'peak_rss', phase: 'cache', mb: Math.round(process.resourceUsage().maxRSS / 1024) });

// ---- bootstrap over HTTP from the hub -------------------------------------------------------------
if ((rest || opt.only === 'hub') && !opt['skip-hub']) {
  const { startWorld } = await import('../testing/desktop/hub-harness');
  const { seedOpenScope } = await import('./support/seed');
  const { LocalDesktopService } = await import('../main/core/core');
  const { HubClient } = await import('../main/core/sync/hub-client');
  const HUB_MSGS = Number(opt['hub-messages']);
  const convs = Math.ceil(HUB_MSGS / PER_CONV);
  const world = await startWorld();
  const t = await world.tenant();
  const q = world.hub.db;
  const tf = performance.now();
  await seedOpenScope(q, { workspaceId: t.workspaceId, agentId: t.agents.me, teamId: t.teams.a, prefix: 'b', conversations: convs, perConversation: PER_CONV });
  // Fresh planner statistics after a bulk load, as after any large import (PGlite has no autovacuum).
  await q.exec('ANALYZE');
  emit({ metric: 'hub_feed', conversations: convs, messages: convs * PER_CONV, seconds: +((performance.now() - tf) / 1000).toFixed(1), via: 'set-based INSERT … SELECT generate_series' });

  // HTTP + contract parsing only
  const client = new HubClient(world.hub.url);
  client.setToken((await client.login(t.emails.me, t.password)).token);
  let t0 = performance.now();
  let cursor: string | null = null;
  let got = 0;
  do {
    const page = await client.bootstrap(cursor);
    got += page.messages.length;
    cursor = page.next_cursor;
  } while (cursor !== null);
  const httpS = (performance.now() - t0) / 1000;
  emit({ metric: 'bootstrap_http', messages: got, seconds: +httpS.toFixed(2), messages_per_s: Math.round(got / httpS), scope: 'HTTP GET pages of 5,000 conversations + zod parse', target_per_s: 20_000 });

  // end to end: login, bootstrap over HTTP and apply into a fresh cache
  const clientDir = mkdtempSync(path.join(os.tmpdir(), 'tend-bench-client-'));
  const core = new LocalDesktopService({ dataDir: clientDir, sync: { live: false } });
  t0 = performance.now();
  await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.idle();
  const e2eS = (performance.now() - t0) / 1000;
  const cached = core.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  await core.close();
  rmSync(clientDir, { recursive: true, force: true });
  emit({ metric: 'bootstrap_e2e', messages: cached, seconds: +e2eS.toFixed(2), messages_per_s: Math.round(cached / e2eS), scope: 'login + HTTP bootstrap + apply into the SQLite cache (same process as the hub)', target_per_s: 20_000 });
  await world.close();
}
emit({ load_avg_1m_at_end: +os.loadavg()[0].toFixed(1) });
emit({ metric: 'peak_rss', phase: 'all', mb: Math.round(process.resourceUsage().maxRSS / 1024) });
if (!opt.keep) rmSync(dir, { recursive: true, force: true });
