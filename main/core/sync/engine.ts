/**
 * The sync loop: one cycle at a time, in this order —
 *   1. drain the outbox (push our mutations first),
 *   2. bootstrap when the scope must be rebuilt,
 *   3. pull changes (pushed pages from the stream first, HTTP pages otherwise) — only while
 *      the outbox holds nothing unsent, so the checkpoint never passes our own mutations,
 *   4. hydrate customers that entered the scope.
 * Failures put the engine offline and retry with exponential backoff and jitter; the cache
 * stays readable throughout.
 */
import { RECORD_MUTATIONS, StreamMessageSchema, type ChangesPage, type Mutation, type MutationType } from '../../../shared/contract/hub-api';
import { LIMITS } from '../../../shared/domain';
import type { Outbox, OutboxRow } from '../outbox';
import { GapError, type SyncApplier } from './apply';
import { backoffDelay } from '../../../shared/backoff';
import { ReconnectingSocket } from '../reconnecting-socket';
import { HubClient, HubRequestError, NetworkError } from './hub-client';

const sameTeams = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');

export interface EngineHooks {
  dataChanged(conversationIds: string[], inbox: boolean, customerIds?: string[]): void;
  statusChanged(): void;
  /** nothing left to do for now (the core checkpoints the WAL here) */
  idle?(): void;
  /** the hub no longer accepts our token */
  unauthorized?(): void;
}
export interface EngineOptions {
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** safety-net pull even without pushes */
  pollMs?: number;
  pageLimit?: number;
  batchSize?: number;
  /** open the live stream (tests of pure pull can turn it off) */
  live?: boolean;
  log?: (msg: string) => void;
}

export class SyncEngine {
  online = false;
  syncing = false;
  lastError: string | null = null;
  private client: HubClient | null = null;
  /** the live stream of changes (HUB_STREAMS.sync) */
  private stream: ReconnectingSocket | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private needPull = true;
  private stopped = true;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  /** wakes the engine when a row held for its undo window is due (outbox held_until) */
  private holdTimer: NodeJS.Timeout | null = null;
  private pushed: ChangesPage[] = [];
  private readonly opts: Required<EngineOptions> & { pageLimit: number; batchSize: number };

  constructor(private readonly applier: SyncApplier, private readonly outbox: Outbox, private readonly hooks: EngineHooks, opts: EngineOptions = {}) {
    this.opts = {
      backoffBaseMs: 500, backoffMaxMs: 30_000, pollMs: 30_000, pageLimit: LIMITS.syncPageMax,
      batchSize: LIMITS.mutationsPerBatch, live: true, log: () => {}, ...opts,
    };
  }

  start(): void {
    const session = this.applier.meta.get('session');
    if (!session || !this.stopped) return;
    this.stopped = false;
    this.client = new HubClient(session.hub_url, session.token);
    this.needPull = true;
    if (this.opts.live) this.connectStream();
    this.pollTimer = setInterval(() => { this.needPull = true; this.kick(); }, this.opts.pollMs);
    this.pollTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.halt();
    await this.running?.catch(() => {}); // a cycle's failure was already handled (and logged) by the cycle itself
    this.setOnline(false);
  }

  /** Stops timers and the stream at once (a running cycle ends at its next check). */
  private halt(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.retryTimer = this.pollTimer = this.holdTimer = null;
    this.stream?.stop();
    this.stream = null;
  }

  /** Something may need doing (a mutation queued, a push arrived): run a cycle now or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
    this.running = this.loop().finally(() => { this.running = null; });
  }

  /** Push, pull and hydrate now; resolves when the engine is idle again. */
  async syncNow(): Promise<void> {
    this.needPull = true;
    this.kick();
    await this.idle();
  }

  /** Resolves when no cycle is running or queued (tests and the CLI wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      this.syncing = true;
      this.hooks.statusChanged();
      try {
        await this.cycle();
        this.failures = 0;
        this.lastError = null;
      } catch (err) {
        this.onFailure(err as Error);
      }
      this.syncing = false;
      this.hooks.statusChanged();
    } while (this.again && !this.stopped);
    if (!this.stopped) this.hooks.idle?.();
  }

  private onFailure(err: Error): void {
    this.lastError = err.message;
    this.opts.log(`sync: ${err.message}`);
    if (err instanceof HubRequestError && err.status === 401) {
      // The token is no longer valid: keep serving the cache, stop calling the hub until the next login.
      this.halt();
      this.setOnline(false);
      this.hooks.unauthorized?.();
      return;
    }
    if (err instanceof NetworkError) this.setOnline(false);
    if (this.stopped) return;
    const delay = backoffDelay(this.failures++, { baseMs: this.opts.backoffBaseMs, maxMs: this.opts.backoffMaxMs });
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.needPull = true; this.kick(); }, delay);
    this.retryTimer.unref();
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    // back online: a stream waiting out its backoff tries again now (reconnecting-socket.ts nudge). Only on the
    // change: where WebSockets never get through (a proxy), each successful call would otherwise retry the stream,
    // and its failure kick another call
    if (online) this.stream?.nudge();
    this.hooks.statusChanged();
    // Thread rows of queued replies read 'waiting' offline and 'sending' online.
    this.hooks.dataChanged([], false);
  }

  private async cycle(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    await this.drain(client);
    this.wakeWhenHeldIsDue();
    if (this.stopped || this.outbox.pendingCount() > 0) return;
    if (this.applier.meta.get('needs_bootstrap')) await this.bootstrap(client);
    if (this.stopped) return;
    this.applyPushed();
    if (this.needPull) await this.pull(client);
    if (this.stopped) return;
    await this.hydrate(client);
    // a page asked the hub for something (a rejected reply's text, sync/apply.ts): another cycle sends it
    if (this.applier.takeQueued()) this.again = true;
  }

  // ---- 1. outbox ------------------------------------------------------------------

  private async drain(client: HubClient): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const batch = this.outbox.nextBatch(this.opts.batchSize);
      if (batch.length === 0) return;
      await this.send(client, batch);
    }
  }

  /**
   * Rows held for an undo window (a macro, a bulk action) are sent when it closes: a cycle is due then.
   * Until then the checkpoint stays where it is (they count as unsent), as for any unsent change.
   */
  private wakeWhenHeldIsDue(): void {
    if (this.stopped) return;
    const due = this.outbox.heldUntil();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (due === null) return;
    this.holdTimer = setTimeout(() => { this.holdTimer = null; this.kick(); }, Math.max(0, due - Date.now()) + 5);
    this.holdTimer.unref();
  }

  private async send(client: HubClient, batch: OutboxRow[]): Promise<void> {
    const mutations: Mutation[] = batch.map((r) => ({ id: r.id, type: r.type, args: JSON.parse(r.args) }));
    try {
      const { results } = await client.mutations(mutations);
      this.setOnline(true);
      const settled = this.outbox.settle(results);
      const answered = new Set(results.map((r) => r.id));
      const missing = batch.filter((r) => !answered.has(r.id));
      if (missing.length) throw new NetworkError(`hub did not answer ${missing.length} mutation(s)`);
      this.needPull = true;
      this.hooks.dataChanged(settled.conversationIds, true);
      this.hooks.statusChanged();
    } catch (err) {
      if (err instanceof HubRequestError && err.status !== 401) {
        if (batch.length > 1) {
          // One bad mutation must not hold the others: send them one by one.
          for (const row of batch) await this.send(client, [row]);
          return;
        }
        this.refuseMalformed(batch[0], err);
        return;
      }
      this.outbox.noteAttempt(batch.map((r) => r.id), (err as Error).message);
      throw err;
    }
  }

  /**
   * The hub refused the request itself (4xx): a reply or note goes back to the draft, other changes wait for a manual retry.
   * 409 id_reused (the hub holds another payload under this id, so ours was never applied): a reply or note goes back
   * to the draft saying so (the agent sends it again, under a new id); another change is queued again under a new id
   * in its place, since applying a status, tag or assignment once is exactly what was asked.
   */
  private refuseMalformed(row: OutboxRow, err: HubRequestError): void {
    const args = JSON.parse(row.args) as { text?: string; visibility?: 'public' | 'private' };
    const reused = err.status === 409 && err.code === 'id_reused';
    if ((row.type === 'reply' || row.type === 'note') && args.text !== undefined) {
      this.outbox.settle([{ id: row.id, ok: false, error: reused
        ? { code: 'id_reused', message: `Not sent: the hub already holds a different change under this ${row.type}'s id. Nothing was posted; send it again.` }
        : { code: 'invalid', message: `${err.code}: ${err.message}` } }]);
    } else if (reused) {
      const fresh = this.outbox.requeueUnderNewId(row.id);
      this.opts.log(`outbox: ${row.type} ${row.id} refused as id_reused; queued again as ${fresh}`);
    } else if (RECORD_MUTATIONS.includes(row.type as MutationType)) {
      // a record the hub cannot take (e.g. a handle-time span from a clock far off) is not worth holding the outbox for
      this.outbox.drop(row.id);
      this.opts.log(`outbox: ${row.type} ${row.id} refused (${err.code}: ${err.message}); dropped`);
    } else {
      this.outbox.markFailed(row.id, `${err.code}: ${err.message}`);
    }
    this.hooks.dataChanged([row.conversation_id], true);
  }

  // ---- 2. bootstrap ----------------------------------------------------------------

  private async bootstrap(client: HubClient): Promise<void> {
    // The scope depends on our teams: read them first, and again at the end — if they changed
    // meanwhile, the snapshot was cut for the old teams and is taken again.
    let me = await client.me();
    for (let attempt = 0; ; attempt++) {
      this.setOnline(true);
      this.applier.setIdentity(me);
      this.hooks.statusChanged();
      this.applier.beginBootstrap();
      let cursor: string | null;
      let watermark = Number.POSITIVE_INFINITY;
      let next = client.bootstrap(null, this.opts.pageLimit);
      do {
        const page = await next;
        if (this.stopped) return;
        cursor = page.next_cursor;
        // fetch the next page while this one is written
        // (its failure is awaited and handled at the top of the loop; the catch only keeps it from being "unhandled" meanwhile)
        if (cursor !== null) { next = client.bootstrap(cursor, this.opts.pageLimit); next.catch(() => {}); }
        this.applier.applyBootstrapPage(page);
        // The lowest watermark is safe: changes after it are replayed, and newest wins.
        watermark = Math.min(watermark, page.watermark);
      } while (cursor !== null);
      const after = await client.me();
      if (sameTeams(after.agent.team_ids, me.agent.team_ids)) {
        this.applier.setIdentity(after);
        this.applier.finishBootstrap(watermark);
        break;
      }
      if (attempt >= 3) throw new Error('our teams keep changing during bootstrap; retrying later');
      me = after;
    }
    this.pushed = [];
    this.needPull = true;
    this.hooks.dataChanged([], true);
    this.hooks.statusChanged();
  }

  // ---- 3. changes -------------------------------------------------------------------

  private applyPushed(): void {
    const pages = this.pushed;
    this.pushed = [];
    for (const page of pages) {
      const at = this.applier.meta.get('last_sync_id');
      if (page.to <= at && !page.reset) continue;
      if (page.since !== at || page.reset) { this.needPull = true; return; }
      const res = this.applier.applyChangesPage(page);
      this.hooks.dataChanged(res.conversationIds, true, res.customerIds);
      if (res.needsBootstrap || page.has_more) { this.needPull = true; this.again = true; return; }
    }
  }

  private async pull(client: HubClient): Promise<void> {
    let gaps = 0;
    let resets = 0;
    for (;;) {
      const since = this.applier.meta.get('last_sync_id');
      const page = await client.changes(since, this.opts.pageLimit);
      this.setOnline(true);
      // A mutation queued while the page was in flight: send it before moving the checkpoint.
      if (this.stopped || this.outbox.pendingCount() > 0) { this.again = true; return; }
      try {
        const res = this.applier.applyChangesPage(page);
        // a page of customers only (another agent's tags and notes, a merge undone) changes their cards
        if (res.conversationIds.length || res.customerIds.length) this.hooks.dataChanged(res.conversationIds, true, res.customerIds);
        if (res.needsBootstrap) {
          // A hub that answers reset right after a fresh bootstrap would loop us forever: back off instead.
          if (++resets > 2) throw new Error('the hub asks for a new bootstrap again and again (its watermark is behind its change log)');
          await this.bootstrap(client);
          continue;
        }
      } catch (err) {
        if (!(err instanceof GapError) || ++gaps > 3) throw err;
        continue; // re-fetch from our checkpoint
      }
      if (!page.has_more) break;
    }
    this.needPull = false;
  }

  // ---- 4. hydrate ---------------------------------------------------------------------

  private async hydrate(client: HubClient): Promise<void> {
    for (let round = 0; round < 100; round++) {
      const ids = this.applier.pendingHydrations(1000);
      if (ids.length === 0) return;
      await this.hydrateSome(client, ids);
      if (this.stopped) return;
    }
  }

  private async hydrateSome(client: HubClient, ids: string[]): Promise<void> {
    try {
      const result = await client.hydrate(ids);
      if (this.stopped) return;
      // a change queued meanwhile shows optimistically: send it before writing the hub's rows over it
      if (this.outbox.pendingCount() > 0) { this.again = true; return; }
      const res = this.applier.applyHydrate(ids, result);
      this.hooks.dataChanged(res.conversationIds, true, res.customerIds);
    } catch (err) {
      if (!(err instanceof HubRequestError) || err.status === 401) throw err;
      if (ids.length > 1) {
        // The hub refuses the whole request for one customer outside the scope: ask one by one.
        for (const id of ids) await this.hydrateSome(client, [id]);
        return;
      }
      // This customer left the scope meanwhile: the next pull brings the change that prunes it.
      this.opts.log(`hydrate refused: ${err.message}`);
      this.applier.markHydrated(ids);
      this.needPull = true;
      this.again = true;
    }
  }

  // ---- live stream ----------------------------------------------------------------------

  private connectStream(): void {
    if (this.stopped || !this.client) return;
    const client = this.client;
    this.stream = new ReconnectingSocket({
      // a fresh ticket for each attempt; a 401 means the session ended (signed out elsewhere, revoked,
      // expired): a cycle meets the same 401 and stops everything
      url: () => client.streamUrl().catch((err: unknown) => {
        if (!this.stopped && err instanceof HubRequestError && err.status === 401) { this.needPull = true; this.kick(); }
        throw err;
      }),
      backoffBaseMs: this.opts.backoffBaseMs, backoffMaxMs: this.opts.backoffMaxMs,
      onOpen: (socket) => { socket.send({ type: 'subscribe', since: this.applier.meta.get('last_sync_id') }); },
      onState: (up) => {
        if (this.stopped) return;
        this.setOnline(up);
        if (up) { this.needPull = true; this.kick(); }
      },
      // the stream is down but a cycle went through since (we show Online): the hub may have gone again
      // with no socket to close, so a cycle checks now rather than at the next poll
      onAttemptFailed: () => { if (!this.stopped && this.online && !this.running) { this.needPull = true; this.kick(); } },
      onMessage: (raw) => {
        const r = StreamMessageSchema.safeParse(raw);
        if (!r.success) { this.opts.log(`stream: unexpected message ${r.error.message.slice(0, 200)}`); return; }
        const msg = r.data;
        if (msg.type === 'changes') {
          if (this.pushed.length < 50) this.pushed.push(msg.page);
          else { this.pushed = []; this.needPull = true; }
          this.kick();
        } else if (msg.type === 'error') {
          this.opts.log(`stream: ${msg.code} ${msg.message}`);
        }
      },
    });
  }
}
