/**
 * The hub's Prometheus metrics (prom-client: the text exposition format, counters and histograms
 * done right, Node's process metrics). Nothing here runs on the write path: the counters the hub
 * already keeps (webhook deliveries, routing events) and a few indexed queries are read when
 * Prometheus scrapes; only the request-duration histogram is fed per request, by one onResponse hook.
 *
 * Each hub has its own registry (several hubs run in one test process); Node's default metrics
 * (CPU, memory, GC, event-loop delay) start with the first scrape, so a hub nobody scrapes pays nothing.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/db';

/** What the other modules count, read at scrape time (handed in by modules.ts). */
export interface MetricSources {
  db: Db;
  /** webhooks' counters and the posts waiting to be stored (hub/connectors); null without channels */
  webhooks(): { deliveries: number; stored: number; duplicates: number; refused: Record<string, number>; rejected: Record<string, number>; inFlight: number } | null;
  /** routing on this hub: whether it leads, its engine events by type, the last change it consumed (a leader of several hubs); null without routing */
  routing(): { leader: boolean; events: ReadonlyMap<string, number>; consumedSyncId: number | null } | null;
}

export interface HubMetrics {
  registry: Registry;
  /** the exposition text (Content-Type `contentType`) */
  render(): Promise<string>;
  contentType: string;
  /** one answered HTTP request, by route template (bounded: the hub's own routes) */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export function hubMetrics(sources: MetricSources): HubMetrics {
  const registry = new Registry();
  let defaults = false;
  const requests = new Histogram({
    name: 'tend_http_request_duration_seconds', help: 'HTTP requests answered, by route template; a webhook route\'s time is its delivery stored (ingest lag as the platform sees it)',
    labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });

  // ---- ingest: webhooks (hub/connectors), read from their counters
  const counterFrom = (name: string, help: string, read: (w: NonNullable<ReturnType<MetricSources['webhooks']>>) => number) =>
    new Counter({ name, help, registers: [registry], collect() { const w = sources.webhooks(); this.reset(); if (w) this.inc(read(w)); } });
  counterFrom('tend_webhook_deliveries_total', 'webhook deliveries answered 200 (signed, parsed, stored)', (w) => w.deliveries);
  counterFrom('tend_ingest_posts_stored_total', 'posts stored from webhook deliveries (ingest rate)', (w) => w.stored);
  counterFrom('tend_ingest_posts_duplicate_total', 'posts delivered again and recognised as already stored', (w) => w.duplicates);
  new Counter({
    name: 'tend_webhook_refused_total', help: 'webhook deliveries refused, by status and reason (503 overloaded: the platform redelivers)', labelNames: ['reason'], registers: [registry],
    collect() { this.reset(); for (const [reason, n] of Object.entries(sources.webhooks()?.refused ?? {})) this.inc({ reason }, n); },
  });
  new Counter({
    name: 'tend_ingest_posts_rejected_total', help: 'posts of accepted deliveries that could not be stored, by code', labelNames: ['code'], registers: [registry],
    collect() { this.reset(); for (const [code, n] of Object.entries(sources.webhooks()?.rejected ?? {})) this.inc({ code }, n); },
  });
  new Gauge({
    name: 'tend_ingest_queue_posts', help: 'posts accepted by webhooks and waiting to be stored (ingest backlog)', registers: [registry],
    collect() { this.set(sources.webhooks()?.inFlight ?? 0); },
  });

  // ---- routing (hub/routing)
  new Gauge({ name: 'tend_routing_leader', help: '1 when this hub runs routing (offers, SLA clocks), else 0', registers: [registry], collect() { this.set(sources.routing()?.leader ? 1 : 0); } });
  new Counter({
    name: 'tend_routing_events_total', help: 'routing engine events on this hub by type (offer.created, offer.accepted, offer.expired, conversation.assigned, sla.breach, …)',
    labelNames: ['type'], registers: [registry],
    collect() { this.reset(); for (const [type, n] of sources.routing()?.events ?? []) this.inc({ type }, n); },
  });
  const routingLag = new Gauge({
    name: 'tend_routing_unconsumed_changes', help: 'changes committed by any hub that this routing leader has not consumed yet (routing lag; several hubs only)', registers: [registry],
  });

  // ---- the database: one round trip of indexed aggregates per scrape
  const queue = new Gauge({ name: 'tend_queue_conversations', help: 'open conversations waiting in a team queue (unassigned)', labelNames: ['workspace', 'team'], registers: [registry] });
  const outbound = new Gauge({ name: 'tend_outbound_messages', help: 'outbound messages not settled, by delivery state (queued, sending, failed, unknown)', labelNames: ['delivery'], registers: [registry] });
  const syncId = new Gauge({ name: 'tend_changes_last_sync_id', help: 'the newest change log sync_id (its rate is the hub\'s write rate)', registers: [registry] });
  const probe = new Gauge({ name: 'tend_db_probe_seconds', help: 'how long the scrape\'s database round trip took (queueing behind the hub\'s own work shows here)', registers: [registry] });
  new Counter({
    name: 'tend_db_busy_seconds_total', help: 'time the embedded database (PGlite thread) spent working; its rate is the database\'s share of a core', registers: [registry],
    collect() { const s = sources.db.stats?.(); this.reset(); if (s?.busyMs !== undefined) this.inc(s.busyMs / 1000); },
  });
  new Gauge({
    name: 'tend_db_pool_connections', help: 'PostgreSQL pool connections: total, idle, and requests waiting for one', labelNames: ['state'], registers: [registry],
    collect() {
      const p = sources.db.stats?.().pool;
      this.reset();
      if (p) { this.set({ state: 'total' }, p.total); this.set({ state: 'idle' }, p.idle); this.set({ state: 'waiting' }, p.waiting); }
    },
  });

  const fromDatabase = async () => {
    const started = process.hrtime.bigint();
    const [row] = await sources.db.query<{ queues: Array<{ workspace_id: string; team_id: string; n: number }> | null; outbound: Array<{ delivery: string; n: number }> | null; sync_id: number }>(
      `SELECT (SELECT json_agg(q) FROM (SELECT workspace_id, team_id, count(*)::int AS n FROM conversations
                 WHERE status = 'open' AND assignee_id IS NULL AND team_id IS NOT NULL GROUP BY 1, 2) q) AS queues,
              (SELECT json_agg(o) FROM (SELECT delivery, count(*)::int AS n FROM messages
                 WHERE direction = 'outbound' AND delivery IN ('queued', 'sending', 'failed', 'unknown') GROUP BY 1) o) AS outbound,
              (SELECT coalesce(max(sync_id), 0) FROM changes)::int8 AS sync_id`);
    probe.set(Number(process.hrtime.bigint() - started) / 1e9);
    queue.reset();
    for (const q of row.queues ?? []) queue.set({ workspace: q.workspace_id, team: q.team_id }, q.n);
    outbound.reset();
    for (const d of ['queued', 'sending', 'failed', 'unknown']) outbound.set({ delivery: d }, row.outbound?.find((o) => o.delivery === d)?.n ?? 0);
    syncId.set(Number(row.sync_id));
    const consumed = sources.routing()?.consumedSyncId;
    routingLag.reset();
    if (typeof consumed === 'number') routingLag.set(Math.max(0, Number(row.sync_id) - consumed));
  };

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      if (!defaults) {
        defaults = true;
        collectDefaultMetrics({ register: registry });
      }
      await fromDatabase();
      return registry.metrics();
    },
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
  };
}
