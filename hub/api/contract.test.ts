/**
 * The route table (shared/contract/hub-routes.ts, with the administration's shared/contract/admin.ts) and what the hub serves are the same: no route
 * on one side only, and every answer parses with the table's schema (the desktop's HubClient
 * parses with exactly these).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ADMIN_ROUTES } from '../../shared/contract/admin';
import { HUB_ROUTES, HUB_STREAMS, type HubRouteName } from '../../shared/contract/hub-routes';
import { routePath, type HubRoute } from '../../shared/contract/route';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { startHub, type Hub } from '../hub';
import { hubModules } from '../modules';
import { ChangeLog } from '../sync/changelog';
import { buildServer } from './server';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login, streamUrl } from '../../testing/hub/client';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';

let db: Db;
let hub: Hub;
let w: World;
let tokA: string, tokBoss: string;

beforeAll(async () => {
  db = await openTestDb('contract');
  hub = await startHub({ database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false }, channels: false });
  w = await seedWorld(hub.log);
  [tokA, tokBoss] = await Promise.all([login(hub.url, w.emails.a), login(hub.url, w.emails.supervisor)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

describe('the route table', () => {
  it('names exactly the routes a hub with every module serves under /v1', async () => {
    const served: string[] = [];
    const log = new ChangeLog(db);
    await migrate(db);
    const app = await buildServer({ logger: false, auth: { session: async () => null, ticket: async () => null, streamOpened: () => {} } });
    const parts = hubModules({ db, log, logger: app.log }, { routing: true, metrics: true, supervisor: true, channels: false, outbound: { dispatcher: false } });
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD' && r.url.startsWith('/v1/')) served.push(`${m} ${r.url}`);
    });
    for (const m of parts.modules) await m.routes?.(app);
    await app.ready();
    await app.close();
    // the administration's table (shared/contract/admin.ts) names the rest; no route is in both (shared/contract/route-tables.test.ts)
    const table = new Set([...Object.values(HUB_ROUTES), ...Object.values(HUB_STREAMS), ...Object.values(ADMIN_ROUTES)].map((r) => `${r.method} ${r.path}`));
    expect([...new Set(served)].sort()).toEqual([...table].sort());
  });

  it("every answer parses with the table's schema", async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const asked = new Set<HubRouteName>();
    const ask = async <N extends HubRouteName>(name: N, token: string | null, input: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}, status = 200) => {
      const route: HubRoute = HUB_ROUTES[name];
      const q = input.query ? `?${new URLSearchParams(input.query)}` : '';
      const r = await call(hub.url, route.method, `${routePath(route, input.params)}${q}`, { token: token ?? undefined, body: input.body ?? (route.body ? {} : undefined) });
      expect(r.status, `${name}: ${r.text}`).toBe(status);
      asked.add(name);
      if (status !== 200) return null;
      const parsed = route.response.safeParse(r.json);
      expect(parsed.success, `${name}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
      return parsed.data as z.output<(typeof HUB_ROUTES)[N]['response']>;
    };
    await ask('login', null, { body: { email: w.emails.a, password: 'correct horse' } });
    await ask('me', tokA);
    await ask('streamTicket', tokA);
    await ask('logout', await login(hub.url, w.emails.a));
    const boot = await ask('bootstrap', tokA, { query: { limit: '10' } });
    await ask('changes', tokA, { query: { since: String(boot!.watermark) } });
    await ask('hydrate', tokA, { body: { customer_ids: [c.customer_id] } });
    await ask('mutations', tokA, { body: { mutations: [{ id: randomUUID(), type: 'note', args: { conversation_id: c.id, note_id: randomUUID(), text: 'checked' } }] } });
    const cfg = await ask('routingConfig', tokBoss);
    await ask('setRoutingConfig', tokBoss, { body: cfg!.config });
    await ask('setRoutingRules', tokBoss, { body: { rules: cfg!.config.rules } });
    // a change of the rules is a new version
    const rule = { id: 'contract-check', name: 'Contract check', filters: [{ field: 'keywords', op: 'any', values: ['contract-check'] }], targets: [{ queue_id: `q-${w.teamA}` }] };
    await ask('setRoutingRules', tokBoss, { body: { rules: [...cfg!.config.rules, rule] } });
    const versions = await ask('ruleVersions', tokBoss);
    expect(versions!.current).toBeGreaterThan(0);
    await ask('ruleVersion', tokBoss, { params: { version: String(versions!.current) } });
    const preview = await ask('previewRules', tokBoss, { body: {} });
    await ask('applyRules', tokBoss, { body: { rules_version: preview!.rules_version } });
    await ask('presence', tokA);
    await ask('setPresence', tokA, { body: { activity_id: 'available' } });
    await ask('pull', tokA);
    await ask('acceptOffer', tokA, { params: { id: c.id }, body: {} }, 409); // nothing offered: a refusal in the ApiError shape
    await ask('rejectOffer', tokA, { params: { id: c.id }, body: {} }, 409);
    await ask('queues', tokBoss);
    await ask('insights', tokBoss, { query: {} });
    await ask('closeInsight', tokBoss, { params: { id: 'no-such-insight' }, body: { resolution: 'done' } }, 404);
    await ask('heartbeat', tokA, { body: { conversation_id: c.id, activity: 'viewing' } });
    await ask('claim', tokA, { body: { conversation_id: c.id } });
    await ask('releaseClaim', tokA, { params: { id: c.id } });
    await ask('checkReply', tokA, { body: { conversation_id: c.id, seen_up_to: null } });
    await ask('internalCheckReply', null, { body: { workspace_id: w.ws, conversation_id: c.id, agent_id: w.agentA, seen_up_to: null } }, 503); // one hub: no leader secret
    await ask('floor', tokBoss);
    await ask('spikeAlerts', tokBoss, { query: { state: 'all' } });
    await ask('acknowledgeSpikeAlert', tokBoss, { params: { id: 'no-such-alert' } }, 404);
    const crisis = await ask('startCrisis', tokBoss, { body: { topic: 'contract', holding_statement: 'We are on it.' } });
    await ask('crisisList', tokA);
    await ask('endCrisis', tokBoss, { params: { id: crisis!.crisis.id } });
    await ask('messageAgent', tokBoss, { body: { agent_id: w.agentA, text: 'hello' } });
    await ask('roster', tokA);
    const other = await conversation(hub.log, w, { assignee: w.agentA, handle: 'contract-other' });
    await ask('customerRelated', tokA, { params: { id: c.customer_id } });
    const merged = await ask('mergeCustomers', tokA, { body: { into_id: c.customer_id, from_id: other.customer_id } });
    await ask('undoMerge', tokA, { params: { id: merged!.merge.id } });
    const range = { from: '2026-11-01', to: '2026-11-30' };
    await ask('metricsReport', tokBoss, { query: range });
    await ask('metricsMe', tokA, { query: range });
    const settings = await ask('metricsSettings', tokBoss);
    await ask('setMetricsSettings', tokBoss, { body: { sla: settings!.sla } }, 403); // admins only
    await ask('assistSuggestions', tokA, { params: { id: c.id } });
    await ask('assistSummary', tokA, { params: { id: c.id } });
    await ask('approvalQueue', tokBoss);
    await ask('approveReply', tokBoss, { params: { id: 'no-such-reply' }, body: {} }, 404);
    await ask('rejectReply', tokBoss, { params: { id: 'no-such-reply' }, body: { note: 'no' } }, 404);
    // quality review: agent A's reply, resolved: scored; the supervisor reviews it
    await ask('mutations', tokA, { body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: c.id, message_id: randomUUID(), text: 'Hi, sorry! Please DM us.', visibility: 'public' } },
      { id: randomUUID(), type: 'set_status', args: { conversation_id: c.id, status: 'resolved' } }] } });
    const scores = await ask('qualityMine', tokA);
    await ask('qualitySample', tokBoss, { query: { per_agent: '3' } });
    await ask('qualityScore', tokA, { params: { id: scores!.scores[0].id } });
    await ask('reviewQuality', tokBoss, { params: { id: scores!.scores[0].id }, body: { overrides: [{ id: 'closing', result: 'pass', note: 'fine' }] } });
    expect(Object.keys(HUB_ROUTES).filter((n) => !asked.has(n as HubRouteName))).toEqual([]);
  });

  it("the streams' first messages parse with the table's schemas", async () => {
    const first = async (path: string, token: string, send?: unknown) => { const at = await streamUrl(hub.url, path, token); return new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(at);
      ws.once('open', () => { if (send) ws.send(JSON.stringify(send)); });
      ws.once('message', (raw) => { resolve(JSON.parse(raw.toString())); ws.close(); });
      ws.once('error', reject);
    }); };
    const sync = await first(HUB_STREAMS.sync.path, tokA, { type: 'subscribe', since: 0 });
    expect(HUB_STREAMS.sync.websocket.server.safeParse(sync).success).toBe(true);
    const floor = await first(HUB_STREAMS.supervisor.path, tokBoss);
    expect(HUB_STREAMS.supervisor.websocket.server.safeParse(floor).success).toBe(true);
    // the routing stream speaks when there is something to say: its client messages are checked instead
    expect(HUB_STREAMS.routing.websocket.client.safeParse({ type: 'heartbeat', conversation_id: 'c', activity: 'typing' }).success).toBe(true);
  });
});
