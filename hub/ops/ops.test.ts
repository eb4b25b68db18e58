/**
 * What a load balancer and Prometheus ask of a hub (hub/ops): /healthz and /readyz without a session,
 * readiness refused with a reason when the database, the schema or the routing leader is not there,
 * and /metrics in the Prometheus text format, only for admins, a scraper's token, or on its own port,
 * with figures that move when the hub works (a signed webhook delivery, a queued reply).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { createAgent } from '../accounts/admin';
import { loadConnectorConfig } from '../connectors';
import { xSignature } from '../connectors/signatures';
import { xTweetCreatePayload } from '../connectors/standins/x';
import { MIGRATIONS } from '../db/migrate';
import { readiness } from './health';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { conversation, PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';

const SECRET = 'x-consumer-secret-for-ops-tests';
const SCRAPER = 'scraper-token-0123456789abcdef';
let db: Db;
let hub: Hub;
let w: World;
let tokAgent: string, tokAdmin: string;

beforeAll(async () => {
  db = await openTestDb('ops');
  hub = await startHub({
    database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false },
    channels: loadConnectorConfig({ TEND_X_CONSUMER_SECRET: SECRET }), ops: { metricsToken: SCRAPER, metricsPort: 0 },
  });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'admin@test.tend', name: 'Admin', password: PASSWORD, role: 'admin', teamIds: [] });
  [tokAgent, tokAdmin] = await Promise.all([login(hub.url, w.emails.a), login(hub.url, 'admin@test.tend')]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

/** a sample's value in Prometheus text: `name{labels} value` (labels as written, in order), or null */
function sample(text: string, name: string, labels = ''): number | null {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
}
const scrape = async (token = tokAdmin) => {
  const r = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return r.text();
};

describe('health and readiness for load balancers', () => {
  it('/healthz and /readyz answer without a session; ready names what it checked', async () => {
    const health = await call(hub.url, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ ok: true });
    const ready = await call(hub.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ ready: true, checks: { database: 'ok', migrations: `ok (${MIGRATIONS.at(-1)!.version})`, routing_leader: 'this hub' } });
  });

  it('/readyz is 503 with the reason while the schema is not the one this hub migrates to', async () => {
    const latest = MIGRATIONS.at(-1)!;
    await db.query('DELETE FROM schema_migrations WHERE version = $1', [latest.version]);
    try {
      const r = await call(hub.url, 'GET', '/readyz');
      expect(r.status).toBe(503);
      expect(r.json.ready).toBe(false);
      expect(r.json.reason).toBe(`migrations not done: the schema is at ${MIGRATIONS.at(-2)!.version}, this hub migrates to ${latest.version}`);
      expect(r.json.checks.database).toBe('ok');
    } finally {
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [latest.version, latest.name]);
    }
    expect((await call(hub.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('not ready when the database does not answer, or while no hub leads routing', async () => {
    const deps = { db, latestMigration: MIGRATIONS.at(-1)!.version, routingLeader: async () => 'this hub' };
    const down = { ...db, query: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')) } as Db;
    expect(await readiness({ ...deps, db: down })).toEqual({
      ready: false, reason: 'database unreachable: connect ECONNREFUSED 10.0.0.5:5432',
      checks: { database: 'unreachable: connect ECONNREFUSED 10.0.0.5:5432', migrations: 'not checked', routing_leader: 'not checked' },
    });
    const stuck = { ...db, query: () => new Promise<never>(() => {}) } as Db;
    expect((await readiness({ ...deps, db: stuck, timeoutMs: 20 })).reason).toBe('database unreachable: no answer within 20 ms');
    const electing = await readiness({ ...deps, routingLeader: async () => null });
    expect(electing.ready).toBe(false);
    expect(electing.reason).toBe('no routing leader: none yet (an election is under way)');
    expect((await readiness({ ...deps, routingLeader: null })).checks.routing_leader).toBe('routing is off on this hub');
  });
});

describe('/metrics', () => {
  it('needs an admin, the scraper token, or the metrics port', async () => {
    expect((await call(hub.url, 'GET', '/metrics')).status).toBe(401);
    expect((await call(hub.url, 'GET', '/metrics', { token: 'not-a-token-of-anyone' })).status).toBe(401);
    const agent = await call(hub.url, 'GET', '/metrics', { token: tokAgent });
    expect(agent.status).toBe(403);
    expect(agent.json.error.code).toBe('forbidden');
    expect(sample(await scrape(SCRAPER), 'tend_routing_leader')).toBe(1);
    expect(hub.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const open = await fetch(hub.metricsUrl!);
    expect(open.status).toBe(200);
    expect(sample(await open.text(), 'tend_routing_leader')).toBe(1);
    expect((await fetch(hub.metricsUrl!.replace('/metrics', '/readyz'))).status).toBe(404);
  });

  it('counts ingest, queues, outbound states, routing, requests, the event loop and the database', async () => {
    const before = await scrape();
    const stored = sample(before, 'tend_ingest_posts_stored_total') ?? 0;
    const body = JSON.stringify(xTweetCreatePayload('999', [{ id: `18${Date.now()}`, text: '@brand where is my parcel?', user: { id: '42', screen_name: 'ann', name: 'Ann', followers_count: 10 } }]));
    const ok = await call(hub.url, 'POST', '/webhooks/x', { raw: body, headers: { 'x-twitter-webhooks-signature': xSignature(body, SECRET) } });
    expect(ok.json.stored).toBe(1);
    const mine = await conversation(hub.log, w, { assignee: w.agentA, handle: 'queued-reply' });
    const reply = await call(hub.url, 'POST', '/v1/mutations', { token: tokAgent, body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: mine.id, message_id: randomUUID(), text: 'On it!', visibility: 'public' } }] } });
    expect(reply.json.results[0].ok).toBe(true);
    await hub.routing!.settled();
    const head = await hub.log.maxSyncId();
    const text = await scrape();
    expect(sample(text, 'tend_ingest_posts_stored_total')).toBe(stored + 1);
    expect(sample(text, 'tend_webhook_deliveries_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tend_ingest_queue_posts')).toBe(0);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations WHERE status = 'open' AND assignee_id IS NULL AND team_id = $1`, [w.teamA]);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tend_queue_conversations', `workspace="${w.ws}",team="${w.teamA}"`)).toBe(n);
    expect(sample(text, 'tend_outbound_messages', 'delivery="queued"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tend_outbound_messages', 'delivery="unknown"')).toBe(0);
    expect(sample(text, 'tend_routing_events_total', 'type="conversation.queued"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tend_http_request_duration_seconds_count', 'method="POST",route="/webhooks/x",status="200"')).toBeGreaterThanOrEqual(1);
    // the log's head when scraped (background writes may have moved it since)
    expect(sample(text, 'tend_changes_last_sync_id')).toBeGreaterThanOrEqual(head);
    expect(sample(text, 'tend_changes_last_sync_id')).toBeLessThanOrEqual(await hub.log.maxSyncId());
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tend_db_probe_seconds')).toBeGreaterThan(0);
    if (db.kind === 'pg') expect(sample(text, 'tend_db_pool_connections', 'state="total"')).toBeGreaterThanOrEqual(1);
    else expect(sample(text, 'tend_db_busy_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE tend_ingest_posts_stored_total counter');
  });
});
