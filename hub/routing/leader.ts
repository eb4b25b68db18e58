/**
 * RoutingLeadership: which hub of a database schema runs the routing engines.
 *
 * Routing keeps its state in memory (offers, capacity, presence, collision), so two engines on
 * one schema would offer the same conversation twice. Several hubs on one PostgreSQL server
 * therefore elect a leader: the hub that holds a session-level advisory lock
 * (pg_try_advisory_lock(lockKey, 530)) on a dedicated connection — not the pool, whose
 * connections come and go. The lock lives as long as that connection: when the leader dies or
 * loses its connection, the lock is released by the server and a follower, retrying every few
 * seconds, takes it and loads the routing state from the database.
 *
 * The leader writes its reachable URL, its lock connection's backend pid and a fresh secret in
 * routing_leader (migration 0530). Followers read it to forward routing requests; a row whose pid
 * no longer holds the lock is stale (the leader died and nobody has taken over yet).
 *
 * PGlite is one process: its hub does not use this class (it always leads).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../db/db';

/** second key of the advisory lock (the first is the schema's lockKey); 1 is the migrator's */
export const LEADER_LOCK_ID = 530;

export interface LeaderTarget { url: string; secret: string; hub_id: string }

export interface RoutingLeadershipOptions {
  db: Db;
  /** the same server as `db`: the dedicated lock connection is opened from it */
  databaseUrl: string;
  /** where the other hubs reach this one (may be set on `url` later, before start()) */
  url?: string;
  /** how often a follower tries to take the lock (ms); default 3000 */
  retryMs?: number;
  /** called on every change of leadership, one call at a time; a throwing promotion gives the lock back */
  onChange(leader: boolean): Promise<void>;
  /** where election problems are reported (the hub: its log) */
  onError(err: unknown): void;
}

export class RoutingLeadership {
  readonly hubId = randomUUID();
  private client: pg.Client | null = null;
  private leading = false;
  private mySecret = '';
  private timer: ReturnType<typeof setInterval> | null = null;
  private attempt: Promise<void> | null = null;
  private changes: Promise<void> = Promise.resolve();
  private stopped = false;
  private probing = false;
  private readonly onError: (err: unknown) => void;
  /** where the other hubs reach this one, written in routing_leader when this hub leads */
  url: string;

  constructor(private readonly options: RoutingLeadershipOptions) {
    this.url = options.url ?? '';
    this.onError = options.onError;
  }

  get isLeader(): boolean { return this.leading; }
  get secret(): string { return this.mySecret; }

  /** Tries once now (so a lone hub leads before it serves), then every retryMs while following. */
  async start(): Promise<void> {
    if (!this.url) throw new Error('routing leadership: set the URL other hubs reach this one at before start()');
    await this.tryLead();
    this.timer = setInterval(() => { if (this.leading) void this.checkAlive(); else void this.tryLead(); }, this.options.retryMs ?? 3000);
    this.timer.unref?.();
  }

  /** Stops trying; a leader gives the lock back (closing its connection) after onChange(false). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.attempt;
    const c = this.client;
    this.client = null;
    if (this.leading) await this.setLeading(false);
    await this.changes;
    // the connection may be broken already (that is how a lock is lost): closing it then fails, harmlessly
    if (c) await c.end().catch(() => {});
  }

  /** The hub that leads now: this one, or the one in routing_leader whose lock connection is alive; null when none. */
  async leader(): Promise<LeaderTarget | null> {
    if (this.leading) return { url: this.url, secret: this.mySecret, hub_id: this.hubId };
    const [row] = await this.options.db.query<LeaderTarget>(
      `SELECT l.url, l.secret, l.hub_id FROM routing_leader l
        WHERE l.id = 1 AND EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.pid = l.pid AND k.granted
                                     AND k.objid = $1 AND k.objsubid = 2 AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
      [LEADER_LOCK_ID]);
    return row ?? null;
  }

  private tryLead(): Promise<void> {
    if (!this.attempt) this.attempt = this.lead().catch(this.onError).finally(() => { this.attempt = null; });
    return this.attempt;
  }

  private async lead(): Promise<void> {
    if (this.stopped || this.leading) return;
    if (!this.client) {
      const c = new pg.Client({ connectionString: this.options.databaseUrl, options: `-c search_path=${this.options.db.schema}`, keepAlive: true, connectionTimeoutMillis: 10_000 });
      c.on('error', (err) => this.lost(c, err));
      c.on('end', () => this.lost(c, null));
      await c.connect();
      if (this.stopped) { await c.end().catch(this.onError); return; }
      this.client = c;
    }
    const c = this.client;
    const [{ ok }] = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [this.options.db.lockKey, LEADER_LOCK_ID])).rows;
    if (!ok) return;
    try {
      const secret = randomBytes(24).toString('base64url');
      await c.query(`INSERT INTO routing_leader (id, url, hub_id, pid, secret, since) VALUES (1, $1, $2, pg_backend_pid(), $3, now())
        ON CONFLICT (id) DO UPDATE SET url = excluded.url, hub_id = excluded.hub_id, pid = excluded.pid, secret = excluded.secret, since = now()`,
      [this.url, this.hubId, secret]);
      this.mySecret = secret;
      await this.setLeading(true);
    } catch (err) {
      // could not take over cleanly: step down and give the lock back so another hub (or the next try) can
      // the first error is the one thrown; failures on the way back are logged
      if (this.leading) await this.setLeading(false).catch(this.onError);
      await c.query('SELECT pg_advisory_unlock($1, $2)', [this.options.db.lockKey, LEADER_LOCK_ID]).catch(this.onError);
      throw err;
    }
  }

  /**
   * A leader whose lock connection silently died (no error event yet: a network partition) would
   * keep routing after the server gave the lock to another hub. It probes the connection every
   * retryMs and steps down when the probe fails or does not answer in time.
   */
  private async checkAlive(): Promise<void> {
    const c = this.client;
    if (!c || this.probing) return;
    this.probing = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        c.query('SELECT 1'),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the routing leader lock connection does not answer')), this.options.retryMs ?? 3000); }),
      ]);
    } catch (err) {
      this.lost(c, err);
    } finally {
      clearTimeout(timer);
      this.probing = false;
    }
  }

  /** The lock connection closed or failed: whatever this hub held, the server has released. */
  private lost(c: pg.Client, err: unknown): void {
    if (this.client !== c) return;
    this.client = null;
    // a connection that failed cannot be ended cleanly; the error that matters is reported below
    void c.end().catch(() => {});
    if (err && !this.stopped) this.onError(err);
    if (this.leading) void this.setLeading(false).catch(this.onError);
  }

  private setLeading(v: boolean): Promise<void> {
    this.leading = v;
    const run = this.changes.then(() => this.options.onChange(v));
    this.changes = run.catch(this.onError);
    return run;
  }
}
