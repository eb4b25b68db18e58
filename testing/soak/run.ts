/**
 * One soak run: a small floor — a hub process on a database of its own, 2–3 desktop core processes
 * (each behind a TCP proxy that can be cut), the X and Meta stand-ins — driven by a seeded random
 * sequence of work and faults, then settled and checked (check.ts).
 *
 * Work: customers post through the signed webhooks (X mentions and DMs, Facebook comments, Messenger),
 * follow up, and the platform redelivers; agents reply (some with resolve), note, resolve, assign,
 * pull from the queue and type drafts through the desktop core's API, online or offline; a supervisor
 * closes insights. Faults: SIGKILL of the hub (at any time, while a stand-in holds a reply's POST, or
 * right after a post that routing must place), hub restarts after a routing rule change, SIGKILL of a
 * desktop (also right after it queued a reply), network cuts between a desktop and the hub, platform
 * faults (5xx after posting, resets, delays, 429), and sign-out / sign-in with unsent work (send first,
 * keep, discard; the same agent back or another one).
 *
 * The driver remembers what it asked for (the ledger) to tell the checker what must be true. Every
 * choice comes from the seed, so `--seed S` replays the same operations and faults in the same order;
 * what the processes do meanwhile (timers, the order of concurrent requests) can still differ.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { KeptWorkStore } from '../../main/core/kept-work';
import { DEMO_PAGE_ID, DEMO_SECRETS, DEMO_X_BRAND_ID } from '../../hub/connectors/standins/channel-demo';
import { MAX_SYNC_ID_SQL } from '../../hub/sync/changelog';
import { fbCommentPayload, messagingPayload, startMetaStandin, type MetaStandin } from '../../hub/connectors/standins/meta';
import { startXStandin, xDirectMessagePayload, xTweetCreatePayload, type XStandin } from '../../hub/connectors/standins/x';
import type { SoakBuild } from './build';
import { checkRun, MARKER_ONE as MARKER, type Ledger, type Post, type PostKind, type Violation } from './check';
import { CutProxy } from './cut-proxy';
import { AGENTS, admin, dbUrl, PASSWORD, RULE_SETS, runDbName, TOPICS, type SoakAgent } from './floor';
import { CoreCallError, CpuMeter, DeskDied, DeskProc, HubProc, PROFILING } from './procs';
import { Rng } from './rng';

export interface SoakEnv {
  build: SoakBuild;
  /** the PostgreSQL server (any database on it: runs create their own) */
  serverUrl: string;
  template: string;
  /** operations per run (default 30) */
  ops?: number;
  log?: (line: string) => void;
  /** keep the run's database and folders (to look at a failing seed) */
  keep?: boolean;
}

/** Run databases being dropped (teardown does not wait for them; the CLI does, before it exits). */
export const pendingDrops = new Set<Promise<void>>();


export interface RunResult {
  seed: number;
  ops: number;
  faults: Record<string, number>;
  violations: Violation[];
  wallMs: number;
  /** wall time of each phase: setup, workload, settle, check, teardown */
  phaseMs: Record<string, number>;
  /** CPU of the run's hub and desktop processes (not the driver's, not PostgreSQL's) */
  cpuMs: number;
  /** the same by kind of process */
  cpuBy: Record<string, number>;
  processes: number;
}


interface Desk {
  idx: number;
  proc: DeskProc;
  proxy: CutProxy;
  dir: string;
  agent: SoakAgent | null;
  /** agents with work kept on this desktop (kept-work.ts), as far as the driver knows */
  kept: Set<string>;
  restartIn: number;
}

const X_BRAND = { id: DEMO_X_BRAND_ID, screen_name: 'TendDemoCare', name: 'Tend Demo Care' };
const CUSTOMERS = ['ann', 'bob', 'cyd', 'dee', 'eve'];
const WEIGHTS: Array<[string, number]> = [
  ['post', 22], ['follow-up', 8], ['redeliver', 3], ['reply', 16], ['reply-resolve', 4], ['note', 4], ['resolve', 4],
  ['assign', 5], ['draft', 9], ['pull', 2], ['close-insight', 2],
  ['kill-hub', 3], ['kill-hub-mid-send', 3], ['kill-hub-mid-routing', 2], ['rules-restart', 3],
  ['kill-desk', 3], ['kill-desk-after-send', 3], ['cut', 5], ['restore', 4], ['sign-out', 5], ['sign-in', 4], ['platform-fault', 3],
];

/**
 * SOAK_WEIGHTS="kill-hub-mid-send=30,cut=0" changes operation weights (to hammer at one fault while
 * hunting a violation; the seeds then name other runs than with the default weights).
 */
function weights(): Array<[string, number]> {
  const over = process.env.SOAK_WEIGHTS;
  if (!over) return WEIGHTS;
  const w = new Map(WEIGHTS);
  for (const part of over.split(',')) {
    const [k, v] = part.split('=');
    if (!w.has(k) || !Number.isFinite(Number(v))) throw new Error(`SOAK_WEIGHTS: no operation ${k} or no number ${v}`);
    w.set(k, Number(v));
  }
  return [...w];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runOnce(seed: number, env: SoakEnv): Promise<RunResult> {
  const run = new Run(seed, env);
  const started = Date.now();
  const phaseMs: Record<string, number> = {};
  const phase = async (name: string, f: () => Promise<void>) => { const t = Date.now(); try { await f(); } finally { phaseMs[name] = Date.now() - t; } };
  try {
    await phase('setup', () => run.setup());
    await phase('workload', () => run.workload());
    await phase('settle', () => run.settle());
    await phase('check', () => checkRun(run.ledger, run.checkContext()));
  } catch (err) {
    run.violation('harness', `${(err as Error).stack ?? err}`.slice(0, 2000));
  } finally {
    await phase('teardown', () => run.teardown());
  }
  return {
    seed, ops: run.opsDone, faults: run.faults, violations: run.ledger.violations,
    wallMs: Date.now() - started, phaseMs: { ...phaseMs, ...(process.env.SOAK_OP_MS ? { ...run.setupMs, ...run.opMs } : {}) }, cpuMs: run.cpu.ms, cpuBy: run.cpu.by, processes: run.cpu.starts,
  };
}

export class Run {
  readonly rng: Rng;
  readonly cpu = new CpuMeter();
  readonly faults: Record<string, number> = {};
  readonly ledger: Ledger;
  opsDone = 0;
  /** wall time spent in each kind of operation (where a run's seconds go) */
  readonly opMs: Record<string, number> = {};
  /** the setup's parts: database, processes, sign_in */
  readonly setupMs: Record<string, number> = {};
  private dbName: string;
  private db: pg.Client | null = null;
  private x!: XStandin;
  private meta!: MetaStandin;
  private hub!: HubProc;
  private desks: Desk[] = [];
  private hubRestartIn = -1;
  private supToken: string | null = null;
  private ruleSet = 0;
  private readonly runStart = Date.now();
  private readonly log: (line: string) => void;
  /** SOAK_TRACE_DIR: the run's processes' logs and the driver's trace go to <dir>/<seed>/ */
  private readonly traceDir: string | null;

  constructor(readonly seed: number, private readonly env: SoakEnv) {
    this.rng = new Rng(seed);
    this.dbName = runDbName(seed);
    this.log = env.log ?? (() => {});
    this.ledger = { seed, posts: [], replies: [], notes: [], drafts: new Map(), insights: new Map(), violations: [] };
    this.traceDir = process.env.SOAK_TRACE_DIR ? path.join(process.env.SOAK_TRACE_DIR, String(seed)) : null;
    if (this.traceDir) { rmSync(this.traceDir, { recursive: true, force: true }); mkdirSync(this.traceDir, { recursive: true }); }
  }

  /** One line of the driver's trace (SOAK_TRACE_DIR): what it did, when. */
  trace(line: string): void {
    if (this.traceDir) appendFileSync(path.join(this.traceDir, 'driver.log'), `${new Date().toISOString()} ${line}\n`);
  }

  private traceFile(name: string): string | null {
    return this.traceDir ? path.join(this.traceDir, name) : null;
  }

  violation(kind: string, detail: string): void {
    this.trace(`VIOLATION ${kind}: ${detail}`);
    this.ledger.violations.push({ seed: this.seed, kind, detail });
  }

  private fault(name: string): void { this.faults[name] = (this.faults[name] ?? 0) + 1; this.trace(`fault ${name}`); }

  // ---- setup and teardown ---------------------------------------------------------------------

  async setup(): Promise<void> {
    let t = Date.now();
    const lap = (name: string) => { const now = Date.now(); this.setupMs[name] = now - t; t = now; };
    await admin(this.env.serverUrl, `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    await admin(this.env.serverUrl, `CREATE DATABASE ${this.dbName} TEMPLATE ${this.env.template}`);
    this.db = new pg.Client({ connectionString: dbUrl(this.env.serverUrl, this.dbName) });
    await this.db.connect();
    lap('database');
    [this.x, this.meta] = await Promise.all([
      startXStandin({ consumerSecret: DEMO_SECRETS.xConsumerSecret, bearerToken: DEMO_SECRETS.xUserToken, brand: { id: X_BRAND.id, username: X_BRAND.screen_name } }),
      startMetaStandin({ appSecret: DEMO_SECRETS.metaAppSecret, accessTokens: [DEMO_SECRETS.metaPageToken], page: { id: DEMO_PAGE_ID, name: 'Tend Demo Page' } }),
    ]);
    const hubEnv = {
      TEND_X_CONSUMER_SECRET: DEMO_SECRETS.xConsumerSecret, TEND_X_BEARER_TOKEN: DEMO_SECRETS.xUserToken, TEND_X_API_BASE: this.x.url,
      TEND_META_APP_SECRET: DEMO_SECRETS.metaAppSecret, TEND_META_VERIFY_TOKEN: DEMO_SECRETS.metaVerifyToken,
      TEND_META_ACCESS_TOKEN: DEMO_SECRETS.metaPageToken, TEND_META_GRAPH_BASE: this.meta.url,
      TEND_ACCOUNT_NAMES: JSON.stringify({ [DEMO_X_BRAND_ID]: 'TendDemoCare', [DEMO_PAGE_ID]: 'Tend Demo Page' }),
    };
    // a fixed port for the run: proxies and webhooks keep pointing at it across restarts
    const port = await freePort();
    this.hub = new HubProc([this.env.build.loader, this.env.build.hub], dbUrl(this.env.serverUrl, this.dbName), port, hubEnv, this.cpu, this.traceFile('hub.log'));
    const n = 2 + this.rng.int(2);
    for (let i = 0; i < n; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), `${runDbName(this.seed)}_d${i}-`));
      const desk: Desk = { idx: i, proc: new DeskProc([this.env.build.loader, this.env.build.desk], dir, this.cpu, this.traceFile(`desk${i}.log`)), proxy: await CutProxy.start(port, 0, this.traceDir ? (line) => this.trace(`desk ${i} ${line}`) : null), dir, agent: null, kept: new Set(), restartIn: -1 };
      this.desks.push(desk);
    }
    // the hub and the desktops start side by side (a desktop needs the hub only to sign in)
    await Promise.all([this.hub.start(), ...this.desks.map((d) => d.proc.start())]);
    lap('processes');
    // the supervisor signs in on a desktop only when there are three
    const who = n === 3 ? ['a1', 'a2', 'sup'] : this.rng.pick([['a1', 'a2'], ['a1', 'a3'], ['a2', 'a3']]);
    await Promise.all(who.map((id, i) => this.signIn(this.desks[i], AGENTS.find((a) => a.id === id)!)));
    lap('sign_in');
  }

  async teardown(): Promise<void> {
    this.x?.release();
    this.meta?.release();
    await Promise.all(this.desks.map(async (d) => { await d.proc.stop(); await d.proxy.close(); }));
    await this.hub?.kill(PROFILING ? 'SIGTERM' : 'SIGKILL');
    await Promise.all([this.x?.close(), this.meta?.close()]);
    await this.db?.end().catch(() => {});
    // with SOAK_TRACE_DIR, a run with a violation keeps its database and folders next to its trace
    if (!this.env.keep && !(this.traceDir && this.ledger.violations.length)) {
      // in the background: PostgreSQL checkpoints on every DROP DATABASE (seconds on a busy server); the CLI waits for them at the end
      const drop = admin(this.env.serverUrl, `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`).then(() => {}, (e: Error) => this.log(`soak: could not drop ${this.dbName}: ${e.message}`));
      pendingDrops.add(drop);
      void drop.finally(() => pendingDrops.delete(drop));
      for (const d of this.desks) rmSync(d.dir, { recursive: true, force: true });
    } else {
      this.log(`soak: kept database ${this.dbName} and folders ${this.desks.map((d) => d.dir).join(' ')}`);
    }
  }

  checkContext() {
    return {
      db: this.db!, x: this.x, meta: this.meta, hub: this.hub,
      desks: this.desks.map((d) => ({ idx: d.idx, proc: d.proc, agent: d.agent, kept: d.kept, store: new KeptWorkStore(d.dir), hubUrl: d.proxy.url })),
      violation: (kind: string, detail: string) => this.violation(kind, detail),
    };
  }

  // ---- the workload -----------------------------------------------------------------------------

  async workload(): Promise<void> {
    const ops = this.env.ops ?? 30;
    const table = weights();
    for (let i = 0; i < ops; i++) {
      await this.tick();
      const op = this.rng.weighted(table);
      const t = Date.now();
      this.trace(`op ${i} ${op}`);
      try {
        await this.step(op);
      } catch (err) {
        if (!(err instanceof DeskDied) && !(err instanceof CoreCallError) && !isNetwork(err)) throw err;
      } finally {
        this.opMs[op] = (this.opMs[op] ?? 0) + Date.now() - t;
      }
      this.opsDone++;
      await this.snapshotInsights();
    }
  }

  /** Scheduled restarts come due. */
  private async tick(): Promise<void> {
    if (this.hubRestartIn >= 0 && this.hubRestartIn-- === 0) await this.hub.start();
    for (const d of this.desks) if (d.restartIn >= 0 && d.restartIn-- === 0) await d.proc.start();
  }

  private async step(op: string): Promise<void> {
    switch (op) {
      case 'post': return this.post(this.rng.pick(['x', 'x', 'x-dm', 'fb', 'messenger'] as PostKind[]));
      case 'follow-up': return this.followUp();
      case 'redeliver': {
        const p = this.ledger.posts.filter((q) => q.delivered);
        if (p.length) { this.fault('redelivery'); await this.deliver(this.rng.pick(p)); }
        return;
      }
      case 'reply': await this.reply(false); return;
      case 'reply-resolve': await this.reply(true); return;
      case 'note': return this.note();
      case 'resolve': return this.act('resolve');
      case 'assign': return this.act('assign');
      case 'draft': return this.draft();
      case 'pull': {
        const d = this.deskWithAgent();
        if (d) await d.proc.handle('queue.pull', {}).catch(() => {});
        return;
      }
      case 'close-insight': return this.closeInsight();
      case 'kill-hub': {
        if (!this.hub.up) return;
        this.fault('hub_sigkill');
        await this.hub.kill('SIGKILL');
        this.scheduleHubRestart();
        return;
      }
      case 'kill-hub-mid-send': return this.killHubMidSend();
      case 'kill-hub-mid-routing': return this.killHubMidRouting();
      case 'rules-restart': return this.rulesRestart();
      case 'kill-desk': {
        const d = this.rng.pick(this.desks);
        if (!d.proc.up) return;
        this.fault('desk_sigkill');
        await d.proc.kill();
        d.restartIn = this.rng.int(3);
        return;
      }
      case 'kill-desk-after-send': {
        const d = this.deskWithAgent();
        if (!d) return;
        if (await this.reply(false, d)) {
          this.fault('desk_sigkill_after_send');
          await d.proc.kill();
          d.restartIn = this.rng.int(2);
        }
        return;
      }
      case 'cut': {
        const d = this.rng.pick(this.desks);
        if (d.proxy.isCut) return;
        this.fault('network_cut');
        d.proxy.cut();
        return;
      }
      case 'restore': {
        const cut = this.desks.filter((d) => d.proxy.isCut);
        if (cut.length) this.rng.pick(cut).proxy.restore();
        return;
      }
      case 'sign-out': {
        const d = this.deskWithAgent();
        if (d) await this.signOut(d, null);
        return;
      }
      case 'sign-in': {
        const free = this.desks.filter((d) => d.proc.up && !d.agent);
        if (!free.length) return;
        const d = this.rng.pick(free);
        const busy = new Set(this.desks.map((x) => x.agent?.id));
        const candidates = AGENTS.filter((a) => !busy.has(a.id));
        const kept = candidates.filter((a) => d.kept.has(a.id));
        const agent = kept.length && this.rng.chance(0.6) ? this.rng.pick(kept) : this.rng.pick(candidates);
        if (agent) await this.signIn(d, agent);
        return;
      }
      case 'platform-fault': {
        this.fault('platform_fault');
        const fault = this.rng.pick([
          { kind: 'status-after' as const, status: 500 }, { kind: 'reset' as const }, { kind: 'reset-before' as const },
          { kind: 'delay' as const, ms: 300 }, { kind: 'status' as const, status: 429 }, { kind: 'status' as const, status: 503 },
        ]);
        this.rng.pick([this.x, this.meta]).addFault({ method: 'POST', times: 1, fault });
        return;
      }
    }
  }

  private scheduleHubRestart(): void {
    if (this.rng.chance(0.5)) this.hubRestartIn = 0;
    else this.hubRestartIn = 1 + this.rng.int(3);
  }

  // ---- customers --------------------------------------------------------------------------------

  private makePost(kind: PostKind, customer: number, parent: Post | null): Post {
    const k = this.ledger.posts.length;
    const marker = `[s${this.seed}p${k}]`;
    const text = `${this.rng.pick(TOPICS)} ${marker}`;
    const at = new Date(this.runStart - 600_000 + k * 1000);
    const c = CUSTOMERS[customer];
    const xUser = { id: String(2_000_000_000 + customer), screen_name: c, name: c.toUpperCase(), followers_count: 10 };
    const fbUser = { id: String(3_000_000_000_000 + customer), name: c.toUpperCase() };
    let platformId: string;
    let threadId = '';
    let payload: unknown;
    switch (kind) {
      case 'x':
        platformId = String(1_850_000_000_000_000_000n + BigInt(this.seed % 1_000_000) * 1000n + BigInt(k));
        payload = xTweetCreatePayload(X_BRAND.id, [{ id: platformId, text: `@${X_BRAND.screen_name} ${text}`, user: xUser, in_reply_to: parent?.platformId ?? null, at }]);
        break;
      case 'x-dm':
        platformId = String(1_860_000_000_000_000_000n + BigInt(this.seed % 1_000_000) * 1000n + BigInt(k));
        payload = xDirectMessagePayload(X_BRAND.id, [{ id: platformId, text, sender: xUser, recipient: X_BRAND, at }]);
        break;
      case 'fb':
        threadId = parent?.threadId ?? `${DEMO_PAGE_ID}_${9000 + k}`;
        platformId = `${threadId.split('_')[1]}_${k}`;
        payload = fbCommentPayload(DEMO_PAGE_ID, { postId: threadId, commentId: platformId, parentId: parent?.platformId, from: fbUser, message: text, at });
        break;
      case 'messenger':
        platformId = `m_${this.seed}_${k}`;
        payload = messagingPayload('page', DEMO_PAGE_ID, { mid: platformId, senderId: fbUser.id, text, at });
        break;
    }
    return { k, marker, kind, customer, platformId, threadId, payload, delivered: false };
  }

  private async post(kind: PostKind): Promise<void> {
    const p = this.makePost(kind, this.rng.int(CUSTOMERS.length), null);
    this.ledger.posts.push(p);
    await this.deliver(p);
  }

  private async followUp(): Promise<void> {
    if (!this.ledger.posts.length) return this.post('x');
    const parent = this.rng.pick(this.ledger.posts);
    const p = this.makePost(parent.kind, parent.customer, parent.kind === 'x' || parent.kind === 'fb' ? parent : null);
    this.ledger.posts.push(p);
    await this.deliver(p);
  }

  /** The platform sends a delivery; it sends it again later when the hub did not answer 200. */
  private async deliver(p: Post): Promise<boolean> {
    if (!this.hub.up) return false;
    const platform = p.kind === 'x' || p.kind === 'x-dm' ? this.x : this.meta;
    const url = `http://127.0.0.1:${this.hub.port}/webhooks/${platform === this.x ? 'x' : 'meta'}`;
    try {
      const res = await platform.deliver(url, p.payload);
      if (res.status === 200) p.delivered = true;
      else if (res.status < 500) this.violation('webhook_refused', `${p.kind} ${p.marker}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    } catch { /* the hub is down or died mid-request: delivered again later */ }
    return p.delivered;
  }

  // ---- agents -----------------------------------------------------------------------------------

  private deskWithAgent(): Desk | null {
    const ds = this.desks.filter((d) => d.proc.up && d.agent);
    return ds.length ? this.rng.pick(ds) : null;
  }

  /** A conversation the desk's agent has in Mine or the team queue, chosen by the seed (oldest first, by the posts' times). */
  private async pickConversation(d: Desk): Promise<{ id: string; status: string; channel: string } | null> {
    const tabs = await Promise.all((['mine', 'team'] as const).map((tab) => d.proc.handle<{ items: Array<{ id: string; status: string; channel: string; created_at: string }> }>('inbox.list', { tab, sort: 'age', limit: 200 })));
    const items = tabs.flatMap((t) => t.items).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    return items.length ? this.rng.pick(items) : null;
  }

  private async visibilityOf(d: Desk, conversationId: string): Promise<'public' | 'private'> {
    const c = await d.proc.handle<{ messages: Array<{ direction: string; visibility: 'public' | 'private' }> }>('conversation.get', { id: conversationId });
    return c.messages.filter((m) => m.direction === 'inbound').at(-1)?.visibility ?? 'public';
  }

  /** Returns whether a reply was queued. */
  private async reply(resolve: boolean, desk?: Desk): Promise<boolean> {
    const d = desk ?? this.deskWithAgent();
    if (!d || !d.agent) return false;
    const c = await this.pickConversation(d);
    if (!c) return false;
    const visibility = await this.visibilityOf(d, c.id);
    const draftKey = `${d.idx}|${d.agent.id}|${c.id}`;
    // The agent sends what the composer shows: their draft, or a reply the hub refused and gave back
    // (the composer restores it, with the reason), as it is half the time, else with more typed after it.
    const { text: composer, refusalSeen } = await this.composer(d, c.id);
    this.trace(`reply desk ${d.idx} ${d.agent.id} ${c.id} composer had: ${composer ? JSON.stringify(composer) : 'none'}`);
    const typed = `Thanks, we are on it [s${this.seed}r${this.ledger.replies.length}]`;
    const text = composer === null ? typed : this.rng.chance(0.5) ? composer : `${composer} ${typed}`;
    const marker = MARKER.exec(text)![0];
    const entry = { marker, text, desk: d.idx, agent: d.agent.id, conversation: c.id, discarded: false, uncertain: false };
    this.ledger.replies.push(entry);
    try {
      await d.proc.handle('reply.send', { conversation_id: c.id, text, visibility, resolve, refusal_seen: refusalSeen });
    } catch (err) {
      if (err instanceof DeskDied) { entry.uncertain = true; this.trace(`reply ${marker} desk ${d.idx} ${d.agent.id} ${c.id}: desktop died`); return false; }
      this.ledger.replies.pop();
      this.trace(`reply ${marker} desk ${d.idx} ${d.agent.id} ${c.id}: refused ${(err as Error).message}`);
      throw err;
    }
    this.trace(`reply ${marker} desk ${d.idx} ${d.agent.id} ${c.id}: queued${resolve ? ' with resolve' : ''}`);
    // the draft of that conversation is gone: sent, or replaced by the reply it became
    this.ledger.drafts.delete(draftKey);
    return true;
  }

  /** The composer's text for a conversation: its draft (with a refused reply the hub gave back), or null. */
  /** What the composer shows, and the refusal it shows (a save or send names it, as the desk's composer does). */
  private async composer(d: Desk, conversationId: string): Promise<{ text: string | null; refusalSeen: string | null }> {
    const draft = await d.proc.handle<{ text: string; rejected: { code: string; id?: string } | null } | null>('draft.get', { conversation_id: conversationId });
    if (draft?.rejected) this.trace(`composer of ${conversationId} on desk ${d.idx} holds a refused reply (${draft.rejected.code}): ${JSON.stringify(draft.text)}`);
    return { text: draft && draft.text.trim() !== '' ? draft.text : null, refusalSeen: draft?.rejected?.id ?? null };
  }

  private async note(): Promise<void> {
    const d = this.deskWithAgent();
    if (!d || !d.agent) return;
    const c = await this.pickConversation(d);
    if (!c) return;
    const marker = `[s${this.seed}n${this.ledger.notes.length}]`;
    this.trace(`note ${marker} desk ${d.idx} ${d.agent.id} ${c.id}`);
    const entry = { marker, text: `internal: checked the order ${marker}`, desk: d.idx, agent: d.agent.id, conversation: c.id, discarded: false, uncertain: false };
    this.ledger.notes.push(entry);
    try {
      await d.proc.handle('note.add', { conversation_id: c.id, text: entry.text });
    } catch (err) {
      if (err instanceof DeskDied) { entry.uncertain = true; return; }
      this.ledger.notes.pop();
      throw err;
    }
  }

  private async draft(): Promise<void> {
    const d = this.deskWithAgent();
    if (!d || !d.agent) return;
    const c = await this.pickConversation(d);
    if (!c) return;
    const key = `${d.idx}|${d.agent.id}|${c.id}`;
    // the agent types on in the composer: after what it shows (a draft, or a refused reply given back)
    const { text: before, refusalSeen } = await this.composer(d, c.id);
    const typed = `half a thought [s${this.seed}d${this.opsDone}]`;
    const text = before ? `${before} ${typed}` : typed;
    try {
      await d.proc.handle('draft.save', { conversation_id: c.id, text, visibility: 'public', refusal_seen: refusalSeen });
      this.ledger.drafts.set(key, { desk: d.idx, agent: d.agent.id, conversation: c.id, text });
      this.trace(`draft desk ${d.idx} ${d.agent.id} ${c.id}: ${text}`);
    } catch (err) {
      // killed mid-save: the old draft or the new one is there; the checker accepts either
      if (err instanceof DeskDied) { this.ledger.drafts.set(key, { desk: d.idx, agent: d.agent.id, conversation: c.id, text, or: before ?? this.ledger.drafts.get(key)?.text }); return; }
      throw err;
    }
  }

  private async act(kind: 'resolve' | 'assign'): Promise<void> {
    const d = this.deskWithAgent();
    if (!d) return;
    const c = await this.pickConversation(d);
    if (!c) return;
    this.trace(`${kind} desk ${d.idx} ${d.agent?.id} ${c.id}`);
    if (kind === 'resolve') {
      await d.proc.handle('conversation.setStatus', { conversation_id: c.id, status: 'resolved' });
    } else {
      const to = this.rng.pick([...AGENTS.map((a) => a.id), null]);
      await d.proc.handle('conversation.assign', { conversation_id: c.id, assignee_id: to });
    }
  }

  private async supervisor(): Promise<string | null> {
    if (this.supToken) return this.supToken;
    const res = await hubFetch(this.hub, 'POST', '/v1/auth/login', null, { email: 'sup@soak.tend', password: PASSWORD });
    this.supToken = res?.ok ? ((await res.json()) as { token: string }).token : null;
    return this.supToken;
  }

  private async closeInsight(): Promise<void> {
    if (!this.hub.up) return;
    const open = (await this.db!.query<{ id: string }>("SELECT id FROM insights WHERE status = 'open' ORDER BY opened_at, id")).rows;
    if (!open.length) return;
    const token = await this.supervisor();
    if (!token) return;
    const id = this.rng.pick(open).id;
    await hubFetch(this.hub, 'POST', `/v1/routing/insights/${encodeURIComponent(id)}/close`, token, { resolution: `handled [s${this.seed}]` });
  }

  private async signIn(d: Desk, agent: SoakAgent): Promise<boolean> {
    try {
      const s = await d.proc.handle<{ restored?: { outbox: number; drafts: number } }>('session.login', { hub_url: d.proxy.url, email: agent.email, password: PASSWORD });
      d.agent = agent;
      this.trace(`signed in ${agent.id} on desk ${d.idx}${s.restored ? ` restored ${JSON.stringify(s.restored)}` : ''}`);
      if (!existsSync(new KeptWorkStore(d.dir).fileFor(d.proxy.url, agent.id))) d.kept.delete(agent.id);
      if (s.restored && s.restored.outbox + s.restored.drafts > 0) this.fault('kept_work_restored');
      return true;
    } catch (err) {
      if (err instanceof CoreCallError || err instanceof DeskDied) return false; // offline, hub down
      throw err;
    }
  }

  /**
   * Sign-out as the agent would do it: asked what to do with unsent work, the driver answers with the
   * seed's choice (or `choice`); "send first" refused offline falls back to keep.
   */
  async signOut(d: Desk, choice: 'send' | 'keep' | 'discard' | null): Promise<void> {
    const agent = d.agent!;
    const unsent = await d.proc.handle<{ total: number }>('session.unsent', {});
    const pick = unsent.total === 0 ? undefined : choice ?? this.rng.pick(['keep', 'keep', 'send', 'discard'] as const);
    if (pick) this.fault(`sign_out_${pick}`);
    if (pick === 'discard') {
      // what is thrown away now may still reach the customer if it had left before (at most once)
      const rows = await d.proc.call<Array<{ args: string }>>('unsent');
      const drafts = await d.proc.call<Array<{ conversation_id: string; text: string }>>('drafts');
      const gone = [...rows.map((r) => r.args), ...drafts.map((x) => x.text)].join('\n');
      for (const r of [...this.ledger.replies, ...this.ledger.notes]) if (r.desk === d.idx && r.agent === agent.id && gone.includes(r.marker)) r.discarded = true;
      for (const [key, dr] of this.ledger.drafts) if (dr.desk === d.idx && dr.agent === agent.id) this.ledger.drafts.delete(key);
    }
    try {
      await d.proc.handle('session.logout', pick ? { unsent: pick } : {});
    } catch (err) {
      if (!(err instanceof CoreCallError) || pick !== 'send') throw err;
      // "send first" needs the hub: refused offline, the agent keeps it instead
      this.fault('sign_out_send_refused');
      await d.proc.handle('session.logout', { unsent: 'keep' });
    }
    d.agent = null;
    this.trace(`signed out ${agent.id} on desk ${d.idx} (${pick ?? 'nothing unsent'})`);
    if (existsSync(new KeptWorkStore(d.dir).fileFor(d.proxy.url, agent.id))) d.kept.add(agent.id);
  }

  // ---- faults that need a moment ----------------------------------------------------------------

  /** SIGKILL the hub while the platform holds a reply's POST (the platform applied it; the hub never hears). */
  private async killHubMidSend(): Promise<void> {
    const d = this.deskWithAgent();
    if (!d || !this.hub.up || d.proxy.isCut) return;
    const before = { x: this.x.calls.length, meta: this.meta.calls.length };
    for (const s of [this.x, this.meta]) s.addFault({ method: 'POST', times: 1, fault: { kind: 'hang' } });
    const queued = await this.reply(false, d).catch(() => false);
    const held = queued && await Promise.race([
      new Promise<boolean>((resolve) => {
        const onCall = (c: { method: string; raw?: string }) => { if (c.method === 'POST') { this.trace(`held POST ${c.raw?.slice(0, 200)}`); this.x.events.off('call', onCall); this.meta.events.off('call', onCall); resolve(true); } };
        this.x.events.on('call', onCall);
        this.meta.events.on('call', onCall);
        if (this.x.calls.slice(before.x).some((c) => c.method === 'POST') || this.meta.calls.slice(before.meta).some((c) => c.method === 'POST')) resolve(true);
      }),
      sleep(4000).then(() => false),
    ]);
    if (held) {
      this.fault('hub_sigkill_mid_send');
      await this.hub.kill('SIGKILL');
      this.scheduleHubRestart();
    }
    // the fault was for this send only; what is held is answered now (to a dead hub: nobody listens)
    for (const s of [this.x, this.meta]) { s.clearFaults(); s.release(); }
  }

  /** SIGKILL the hub within a few ms of a post that routing must place (before, while or after it is routed). */
  private async killHubMidRouting(): Promise<void> {
    if (!this.hub.up) return;
    const p = this.makePost(this.rng.pick(['x', 'fb', 'messenger'] as PostKind[]), this.rng.int(CUSTOMERS.length), null);
    this.ledger.posts.push(p);
    const sending = this.deliver(p);
    await sleep(this.rng.int(40));
    this.fault('hub_sigkill_mid_routing');
    await this.hub.kill('SIGKILL');
    await sending;
    this.scheduleHubRestart();
  }

  /** A supervisor changes the routing rules, then the hub restarts (gracefully or killed). */
  private async rulesRestart(): Promise<void> {
    if (!this.hub.up) return;
    const token = await this.supervisor();
    if (!token) return;
    this.ruleSet = (this.ruleSet + 1 + this.rng.int(RULE_SETS.length - 1)) % RULE_SETS.length;
    const res = await hubFetch(this.hub, 'PUT', '/v1/routing/rules', token, { rules: RULE_SETS[this.ruleSet] });
    if (res && !res.ok) this.violation('rules_refused', `PUT /v1/routing/rules: ${res.status} ${(await res.text()).slice(0, 300)}`);
    this.fault('rules_changed_restart');
    await this.hub.kill(this.rng.chance(0.5) ? 'SIGTERM' : 'SIGKILL');
    await this.hub.start();
  }

  private async snapshotInsights(): Promise<void> {
    if (!this.db) return;
    const rows = (await this.db.query<{ id: string; status: string; opened_at: Date; closed_at: Date | null; resolution: string | null; conversation_id: string | null }>(
      'SELECT id, status, opened_at, closed_at, resolution, conversation_id FROM insights')).rows;
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.id);
      const now = { status: r.status, opened_at: r.opened_at.toISOString(), closed_at: r.closed_at?.toISOString() ?? null, resolution: r.resolution };
      const before = this.ledger.insights.get(r.id);
      if (before) {
        if (before.status === 'closed' && now.status !== 'closed') this.violation('insight_reopened', `insight ${r.id} (conversation ${r.conversation_id}) was closed (${before.closed_at}, "${before.resolution}") and is ${now.status} again`);
        else if (before.opened_at !== now.opened_at) this.violation('insight_opened_at_moved', `insight ${r.id}: opened_at ${before.opened_at} → ${now.opened_at}`);
        else if (before.status === 'closed' && (before.closed_at !== now.closed_at || before.resolution !== now.resolution)) this.violation('insight_closure_changed', `insight ${r.id}: ${JSON.stringify(before)} → ${JSON.stringify(now)}`);
      }
      this.ledger.insights.set(r.id, now);
    }
    for (const id of this.ledger.insights.keys()) if (!seen.has(id)) this.violation('insight_vanished', `insight ${id} is gone`);
  }

  // ---- settle ------------------------------------------------------------------------------------

  /** Every fault healed, every agent's kept outbox sent, every delivery made, every queue drained. */
  async settle(): Promise<void> {
    for (const s of [this.x, this.meta]) { s.clearFaults(); s.release(); }
    for (const d of this.desks) d.proxy.restore();
    await this.hub.start();
    this.hubRestartIn = -1;
    for (const d of this.desks) { d.restartIn = -1; await d.proc.start(); }
    // the platforms redeliver what the hub never took
    for (let round = 0; round < 50 && this.ledger.posts.some((p) => !p.delivered); round++) {
      for (const p of this.ledger.posts.filter((q) => !q.delivered)) await this.deliver(p);
      if (this.ledger.posts.some((p) => !p.delivered)) await sleep(200);
    }
    for (const p of this.ledger.posts.filter((q) => !q.delivered)) this.violation('post_not_taken', `${p.kind} ${p.marker}: the hub never answered 200`);
    await this.visitKeptOutboxes();
    await this.quiesce();
    await this.snapshotInsights();
  }

  /** Agents whose kept work holds unsent changes sign in where it is kept, so it goes out. */
  private async visitKeptOutboxes(): Promise<void> {
    for (const d of this.desks) {
      for (const agentId of [...d.kept]) {
        const work = new KeptWorkStore(d.dir).load(d.proxy.url, agentId);
        if (!work || work.outbox.length === 0) continue;
        if (d.agent) await this.signOut(d, 'send');
        const elsewhere = this.desks.find((x) => x.agent?.id === agentId);
        if (elsewhere) await this.signOut(elsewhere, 'send');
        const agent = AGENTS.find((a) => a.id === agentId)!;
        if (!(await this.signIn(d, agent))) this.violation('sign_in_failed', `${agentId} could not sign in on desktop ${d.idx} to send kept work`);
        await d.proc.call('sync').catch(() => {});
      }
    }
  }

  private async quiesce(): Promise<void> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const [{ busy }] = (await this.db!.query<{ busy: number }>(
        `SELECT count(*)::int AS busy FROM messages WHERE direction = 'outbound'
           AND (delivery IN ('queued', 'sending', 'unknown') OR (delivery = 'failed' AND next_attempt_at IS NOT NULL))`)).rows;
      const outboxes = await Promise.all(this.desks.filter((d) => d.agent).map(async (d) => (await d.proc.handle<{ outbox_count: number }>('session.status')).outbox_count));
      const pending = outboxes.reduce((a, b) => a + b, 0);
      if (busy === 0 && pending === 0) break;
      const last = `hub messages in flight ${busy}, desktop outboxes ${outboxes.join('/')}`;
      if (Date.now() > deadline) {
        const stuck = (await this.db!.query('SELECT text, delivery, delivery_error, attempts FROM messages WHERE direction = \'outbound\' AND delivery NOT IN (\'sent\') LIMIT 5')).rows;
        this.violation('not_settled', `after 45 s: ${last}; ${JSON.stringify(stuck).slice(0, 800)}; hub stderr: ${this.hub.recentErrors.slice(-500)}`);
        return;
      }
      await sleep(200);
    }
    await this.caughtUp(deadline);
  }

  /**
   * The hub goes on writing after the last request: routing places what was posted, sends a follow-up of an
   * insight back to care, a new leader routes what waited (seed 20842: a follow-up's move to care was written
   * 170 ms after the follow-up, after the desktops' last pull, and the check ran before their next). So: the
   * routing leader has consumed every change and written what it decided (GET /soak/settled), then every
   * signed-in desktop has pulled up to the hub's newest change; again, until no new change came meanwhile. A
   * desktop that says it holds the newest change and still differs from its scope is what the checker is for.
   */
  private async caughtUp(deadline: number): Promise<void> {
    for (;;) {
      const head = await this.headSyncId();
      const routed = await soakSettled(this.hub);
      let last = `routing leader: ${routed ? routed.leader : 'no answer'}, hub's newest change ${head}`;
      if (routed?.leader) {
        const behind: string[] = [];
        for (const d of this.desks.filter((x) => x.agent && x.proc.up)) {
          const s = await d.proc.call<{ logged_in: boolean; last_sync_id: number }>('sync');
          if (s.logged_in && s.last_sync_id < head) behind.push(`desktop ${d.idx} at ${s.last_sync_id}`);
        }
        if (!behind.length && await this.headSyncId() === head) return;
        last += behind.length ? `; ${behind.join(', ')}` : '; a change came meanwhile';
      }
      if (Date.now() > deadline) {
        this.violation('not_settled', `after 45 s: ${last}; hub stderr: ${this.hub.recentErrors.slice(-500)}`);
        return;
      }
      await sleep(50);
    }
  }

  private async headSyncId(): Promise<number> {
    return Number((await this.db!.query<{ m: string }>(`SELECT ${MAX_SYNC_ID_SQL} AS m`)).rows[0].m); // int8 comes as a string from pg
  }
}

/** The soak hub's GET /soak/settled (hub-entry.ts): answers once routing is still; null when the hub does not answer. */
async function soakSettled(hub: HubProc): Promise<{ leader: boolean } | null> {
  if (!hub.up) return null;
  try {
    const res = await fetch(`http://127.0.0.1:${hub.port}/soak/settled`, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? (await res.json()) as { leader: boolean } : null;
  } catch {
    return null;
  }
}

function isNetwork(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  return e?.name === 'TypeError' || e?.name === 'AbortError' || e?.name === 'TimeoutError' || !!e?.cause?.code;
}

async function hubFetch(hub: HubProc, method: string, p: string, token: string | null, body: unknown): Promise<Response | null> {
  if (!hub.up) return null;
  try {
    return await fetch(`http://127.0.0.1:${hub.port}${p}`, {
      method, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  } catch {
    return null;
  }
}

/**
 * The run's hub port, kept across the hub's restarts. It is taken below the kernel's ephemeral
 * range: a port from that range (what listen(0) gives) can be handed to any outgoing connection
 * (a pg client, a desktop's fetch) while the hub is down, and its restart then failed with
 * EADDRINUSE (seed 2 of the CI slice). Ports handed out by this process are not handed out again.
 */
const handedOut = new Set<number>();
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const { readFileSync } = await import('node:fs');
  let low = 32768;
  try { low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low; } catch { /* not Linux: the usual default */ }
  const from = Math.max(1024, low - 12000);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) { handedOut.add(port); return port; }
  }
  throw new Error(`no free port between ${from} and ${low - 1}`);
}
