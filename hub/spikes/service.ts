/**
 * Live spike alerts: one SpikeDetector per workspace, fed by every customer's post the hub stores
 * (the ingest `stored` hook, after the commit), its alerts kept in `spike_alerts` (migration 1040).
 *
 * Warm-up, when the hub starts (and for a workspace first seen later, at its first post): the
 * workspace's inbound posts of the last `historyWeeks` weeks, counted per hour and key in SQL
 * (all, channel, topic, intent: the conversation's analysis), up to the last `replayHours`; the posts
 * of those last hours (at most `replayMax`) are replayed one by one, so keywords and the alerts of the
 * last hours come back as they were. Memory stays bounded: counts per hour of the week and key, and
 * the posts of the current interval.
 *
 * Restart: an alert is one row per (workspace, key, start). The replay finds an alert raised before
 * the restart again and goes on updating its row (its acknowledgement stays); a stored alert the
 * replay no longer sees open has ended (the burst passed while the hub was down).
 *
 * Posts that arrive while a workspace warms up wait and follow the replay (once: a post the replay
 * already read is not counted again). A live post counts at its platform time, never later than
 * now nor earlier than the detector's last post (the detector takes posts in time order).
 *
 * With several hubs on one database each counts the posts it ingests itself (rows are shared).
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { SpikeAlertView } from '../../shared/contract/spikes';
import type { StoredPost } from '../api/module';
import type { Db, Queryable } from '../db/db';
import { INTERVAL_MS, SpikeDetector, type SpikeAlert, type SpikeOptions, type SpikePost } from './detector';

const HOUR = 3_600_000;

export interface SpikeServiceOptions {
  detector?: Partial<SpikeOptions>;
  /** weeks of history counted at warm-up (default 8) */
  historyWeeks?: number;
  /** hours of the most recent posts replayed one by one at warm-up (default 24) */
  replayHours?: number;
  /** at most this many posts replayed (default 20 000) */
  replayMax?: number;
  /** how often alerts whose key went quiet are closed (ms, default 60 000; 0 = never) */
  sweepMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** A post as the detector reads it: its keys from the analysis. */
export function spikePostOf(p: { id: string; at: number; text: string; channel: string; topic?: string | null; intent?: string | null; sentiment?: number | null }): SpikePost {
  const keys = [`channel:${p.channel}`];
  if (p.intent) keys.push(`intent:${p.intent}`);
  if (p.topic) keys.push(`topic:${p.topic}`);
  return { id: p.id, at: p.at, text: p.text, keys, ...(typeof p.sentiment === 'number' && Number.isFinite(p.sentiment) ? { sentiment: p.sentiment } : {}) };
}

interface AlertRow {
  id: string; key: string; state: string; severity: string; started_at: Date | string; raised_at: Date | string; ended_at: Date | string | null;
  lasted_min: number; observed: number; expected: number; ratio: number; sentiment_shift: number | null;
  examples: SpikeAlertView['examples']; terms: SpikeAlertView['terms']; covers: string[];
  acknowledged_at: Date | string | null; acknowledged_by: string | null; acknowledged_by_name: string | null;
}
const iso = (d: Date | string) => new Date(d).toISOString();
export function alertView(r: AlertRow): SpikeAlertView {
  return {
    id: r.id, key: r.key, state: r.state as SpikeAlertView['state'], severity: r.severity as SpikeAlertView['severity'],
    started_at: iso(r.started_at), raised_at: iso(r.raised_at), ended_at: r.ended_at === null ? null : iso(r.ended_at),
    lasted_min: r.lasted_min, observed: r.observed, expected: Number(r.expected), ratio: Number(r.ratio),
    sentiment_shift: r.sentiment_shift === null ? null : Number(r.sentiment_shift),
    examples: r.examples, terms: r.terms, covers: r.covers,
    acknowledged: r.acknowledged_at === null ? null : { by_id: r.acknowledged_by, by_name: r.acknowledged_by_name ?? '', at: iso(r.acknowledged_at) },
  };
}
const COLUMNS = `id, key, state, severity, started_at, raised_at, ended_at, lasted_min, observed, expected, ratio, sentiment_shift,
  examples, terms, covers, acknowledged_at, acknowledged_by, acknowledged_by_name`;

const stateOf = (a: SpikeAlert): 'raised' | 'ongoing' | 'ended' => (!a.open ? 'ended' : a.lasted_min > 15 ? 'ongoing' : 'raised');
const endOf = (a: SpikeAlert): string => new Date(Date.parse(a.last_interval) + INTERVAL_MS).toISOString();
/** what of an alert is stored: a change of it is written */
const snapshot = (a: SpikeAlert): string => JSON.stringify([a.open, a.lasted_min, a.observed, a.severity, a.examples.map((e) => e.id), a.terms, a.covers, a.merged_into ?? null]);

class WorkspaceSpikes {
  detector: SpikeDetector;
  ready: Promise<void> | null = null;
  /** posts stored while the workspace warms up; null once warm */
  pending: SpikePost[] | null = [];
  lastAt = -Infinity;
  /** alerts that may still change, with what was last written of each */
  tracked = new Map<SpikeAlert, string>();
  private flushing: Promise<void> | null = null;
  private dirty = false;

  constructor(readonly id: string, opts: Partial<SpikeOptions>, private readonly svc: SpikeService) {
    this.detector = new SpikeDetector(opts);
  }

  observe(p: SpikePost): void {
    const at = Math.max(this.lastAt, p.at);
    this.lastAt = at;
    for (const a of this.detector.observe({ ...p, at })) this.tracked.set(a, '');
  }

  /** Writes what changed of the tracked alerts; one write at a time, changes meanwhile coalesced. */
  flush(): Promise<void> {
    this.dirty = true;
    if (!this.flushing) {
      this.flushing = (async () => {
        try {
          while (this.dirty) {
            this.dirty = false;
            await this.writeChanged();
          }
        } finally {
          this.flushing = null;
        }
      })();
    }
    return this.flushing;
  }

  private async writeChanged(): Promise<void> {
    const changed: Array<[SpikeAlert, string]> = [];
    for (const [a, last] of this.tracked) {
      const now = snapshot(a);
      if (now !== last) changed.push([a, now]);
    }
    if (!changed.length) return;
    await this.svc.write(this.id, changed.map(([a]) => a));
    for (const [a, snap] of changed) {
      // an alert that ended or was taken in by a broader one changes no more
      if (!a.open) this.tracked.delete(a);
      else this.tracked.set(a, snap);
    }
    this.svc.events.emit('changed', this.id);
  }
}

export class SpikeService {
  /** 'changed' (workspaceId): its alerts changed (the Floor refreshes) */
  readonly events = new EventEmitter();
  private readonly workspaces = new Map<string, WorkspaceSpikes>();
  private readonly now: () => number;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly db: Db, private readonly opts: SpikeServiceOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** At hub start: every workspace warms up from its history, stored alerts are brought up to date, then the sweep runs. */
  async start(): Promise<void> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM workspaces ORDER BY id');
    await Promise.all(rows.map((r) => this.workspace(r.id).ready));
    const every = this.opts.sweepMs ?? 60_000;
    if (every > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), every);
      this.sweepTimer.unref?.();
    }
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** The ingest hook: customers' posts just stored. Never throws; failures go to onError. */
  stored(workspaceId: string, posts: StoredPost[]): void {
    const ws = this.workspace(workspaceId);
    const now = this.now();
    for (const s of posts) {
      const p = spikePostOf({
        id: s.message_id, at: Math.min(Date.parse(s.post.created_at) || now, now), text: s.post.text, channel: s.post.channel,
        topic: s.analysis.topic, intent: s.analysis.intent, sentiment: s.analysis.sentiment?.score,
      });
      if (ws.pending) ws.pending.push(p);
      else ws.observe(p);
    }
    if (!ws.pending) void ws.flush().catch(this.reportError);
  }

  /** Closes alerts whose key went quiet (no post since), and writes what changed. */
  sweep(): Promise<void> {
    const now = this.now();
    const all: Array<Promise<void>> = [];
    for (const ws of this.workspaces.values()) {
      if (ws.pending) continue;
      ws.detector.openAlerts(Math.max(now, ws.lastAt));
      all.push(ws.flush().catch(this.reportError));
    }
    return Promise.all(all).then(() => undefined);
  }

  /** Resolves once the workspace has warmed up and what the warm-up found is written. */
  async ready(workspaceId: string): Promise<void> {
    await this.workspace(workspaceId).ready;
    await this.workspace(workspaceId).flush();
  }

  async list(workspaceId: string, q: { state: 'open' | 'recent' | 'all'; limit: number }): Promise<SpikeAlertView[]> {
    const since = new Date(this.now() - 24 * HOUR).toISOString();
    const where = q.state === 'open' ? `AND state <> 'ended'` : q.state === 'recent' ? `AND (state <> 'ended' OR ended_at > $3::timestamptz)` : '';
    const rows = await this.db.query<AlertRow>(
      `SELECT ${COLUMNS} FROM spike_alerts WHERE workspace_id = $1 AND merged_into IS NULL ${where} ORDER BY raised_at DESC, id LIMIT $2`,
      q.state === 'recent' ? [workspaceId, q.limit, since] : [workspaceId, q.limit]);
    return rows.map(alertView);
  }

  /** Acknowledged once (a second call keeps the first who and when); null when the workspace has no such alert. */
  async acknowledge(workspaceId: string, id: string, by: { id: string; name: string }): Promise<SpikeAlertView | null> {
    const [row] = await this.db.query<AlertRow>(
      `UPDATE spike_alerts SET acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $3),
              acknowledged_by_name = coalesce(acknowledged_by_name, $4), updated_at = now()
        WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [workspaceId, id, by.id, by.name]);
    if (!row) return null;
    this.events.emit('changed', workspaceId);
    return alertView(row);
  }

  /** Upserts alerts by (workspace, key, start): a row found again after a restart keeps its id, raise time and acknowledgement. */
  async write(workspaceId: string, alerts: SpikeAlert[], q: Queryable = this.db): Promise<void> {
    const ids = [...new Set(alerts.flatMap((a) => a.examples.map((e) => e.id)))];
    const convs = new Map((ids.length ? await q.query<{ id: string; conversation_id: string }>('SELECT id, conversation_id FROM messages WHERE id = ANY($1::text[])', [ids]) : [])
      .map((r) => [r.id, r.conversation_id]));
    for (const a of alerts) {
      const examples = a.examples.map((e) => ({ message_id: e.id, conversation_id: convs.get(e.id) ?? null, text: e.text.slice(0, 500) }));
      await q.query(
        `INSERT INTO spike_alerts (id, workspace_id, key, state, severity, started_at, raised_at, ended_at, lasted_min, observed, expected, ratio, z,
                                   sentiment_shift, examples, terms, covers, merged_into)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17::jsonb, $18)
         ON CONFLICT (workspace_id, key, started_at) DO UPDATE SET
           state = EXCLUDED.state, severity = EXCLUDED.severity, ended_at = EXCLUDED.ended_at, lasted_min = EXCLUDED.lasted_min,
           observed = EXCLUDED.observed, expected = EXCLUDED.expected, ratio = EXCLUDED.ratio, z = EXCLUDED.z,
           sentiment_shift = EXCLUDED.sentiment_shift, examples = EXCLUDED.examples, terms = EXCLUDED.terms, covers = EXCLUDED.covers,
           merged_into = EXCLUDED.merged_into, updated_at = now()`,
        [randomUUID(), workspaceId, a.key, stateOf(a), a.severity, a.started_at, a.raised_at, a.open ? null : endOf(a), a.lasted_min, a.observed,
          a.expected, a.ratio, a.z, a.sentiment_shift, JSON.stringify(examples), JSON.stringify(a.terms), JSON.stringify(a.covers), a.merged_into ?? null]);
    }
  }

  private readonly reportError = (err: unknown): void => { this.opts.onError?.(err); };

  private workspace(id: string): WorkspaceSpikes {
    let ws = this.workspaces.get(id);
    if (!ws) {
      const created = new WorkspaceSpikes(id, this.opts.detector ?? {}, this);
      this.workspaces.set(id, created);
      created.ready = this.warm(created).catch((err: unknown) => {
        // a failed warm-up leaves a cold detector that learns from here on, rather than no alerts at all
        this.reportError(err);
        const waiting = created.pending ?? [];
        created.pending = null;
        for (const p of waiting) created.observe(p);
      });
      ws = created;
    }
    return ws;
  }

  private async warm(ws: WorkspaceSpikes): Promise<void> {
    const now = this.now();
    const historyFrom = new Date(now - (this.opts.historyWeeks ?? 8) * 7 * 24 * HOUR).toISOString();
    let replayFrom = new Date(now - (this.opts.replayHours ?? 24) * HOUR).toISOString();
    const max = this.opts.replayMax ?? 20_000;
    const recent = await this.db.query<{ id: string; created_at: Date | string; text: string; channel: string; topic: string | null; intent: string | null; score: number | null }>(
      `SELECT m.id, m.created_at, m.text, m.channel, c.analysis->>'topic' AS topic, c.analysis->>'intent' AS intent,
              (c.analysis->'sentiment'->>'score')::float8 AS score
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.workspace_id = $1 AND m.direction = 'inbound' AND m.created_at >= $2::timestamptz AND m.created_at <= $3::timestamptz
        ORDER BY m.created_at DESC, m.sync_id DESC, m.id DESC LIMIT $4`, [ws.id, replayFrom, new Date(now).toISOString(), max]);
    if (recent.length === max) {
      // more than the replay takes: it starts at its oldest post's time (the posts of that instant go to the counts)
      replayFrom = iso(recent[recent.length - 1].created_at);
      while (recent.length && iso(recent[recent.length - 1].created_at) === replayFrom) recent.pop();
    }
    const [first] = await this.db.query<{ at: Date | string | null }>(
      `SELECT min(created_at) AS at FROM messages WHERE workspace_id = $1 AND direction = 'inbound' AND created_at >= $2::timestamptz`, [ws.id, historyFrom]);
    if (first?.at) {
      const counts = await this.db.query<{ key: string; hour: Date | string; n: number; ssum: number | null; sn: number }>(
        `SELECT k.key, date_trunc('hour', m.created_at) AS hour, count(*)::int AS n,
                sum((c.analysis->'sentiment'->>'score')::float8) AS ssum, count(c.analysis->'sentiment'->>'score')::int AS sn
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
          CROSS JOIN LATERAL (VALUES ('all'), ('channel:' || m.channel), ('topic:' || (c.analysis->>'topic')), ('intent:' || (c.analysis->>'intent'))) k(key)
          WHERE m.workspace_id = $1 AND m.direction = 'inbound' AND m.created_at >= $2::timestamptz AND m.created_at < $3::timestamptz AND k.key IS NOT NULL
          GROUP BY 1, 2`, [ws.id, historyFrom, replayFrom]);
      ws.detector.warm(Date.parse(iso(first.at)), counts.map((r) => ({ key: r.key, at: Date.parse(iso(r.hour)), count: r.n, sentimentSum: Number(r.ssum ?? 0), sentimentN: r.sn })), Date.parse(replayFrom));
    }
    const replayed = new Set<string>();
    for (const r of recent.reverse()) {
      replayed.add(r.id);
      ws.observe(spikePostOf({ id: r.id, at: Date.parse(iso(r.created_at)), text: r.text, channel: r.channel, topic: r.topic, intent: r.intent, sentiment: r.score }));
    }
    // time went on since the last post: alerts whose key went quiet meanwhile have ended
    ws.detector.openAlerts(Math.max(now, ws.lastAt));
    // what the replay found: alerts stored before (same key and start) are updated, open ones written; the rest was never news
    const stored = await this.db.query<{ key: string; started_at: Date | string }>(
      `SELECT key, started_at FROM spike_alerts WHERE workspace_id = $1 AND (state <> 'ended' OR started_at >= $2::timestamptz)`, [ws.id, replayFrom]);
    const known = new Set(stored.map((s) => `${s.key}\u0000${iso(s.started_at)}`));
    ws.tracked.clear();
    for (const a of ws.detector.alerts()) {
      if (a.open || known.has(`${a.key}\u0000${a.started_at}`)) ws.tracked.set(a, '');
    }
    await ws.flush();
    // stored alerts still open that the replay does not see open any more ended while the hub was down
    const open = [...ws.tracked.keys()].filter((a) => a.open);
    await this.db.query(
      `UPDATE spike_alerts SET state = 'ended', ended_at = coalesce(ended_at, started_at + lasted_min * interval '1 minute'), updated_at = now()
        WHERE workspace_id = $1 AND state <> 'ended' AND NOT ((key, started_at) IN (SELECT k, s FROM unnest($2::text[], $3::timestamptz[]) AS u(k, s)))`,
      [ws.id, open.map((a) => a.key), open.map((a) => a.started_at)]);
    // posts stored during the warm-up, in order, unless the replay read them already
    const waiting = ws.pending ?? [];
    ws.pending = null;
    for (const p of waiting.sort((a, b) => a.at - b.at)) if (!replayed.has(p.id)) ws.observe(p);
    if (waiting.length) await ws.flush();
    this.events.emit('changed', ws.id);
  }
}
