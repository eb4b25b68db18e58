/**
 * GET /v1/routing/insights carries each insight's conversation subject, snippet and channel (a
 * supervisor outside the department has no copy of it); closing needs a resolution and an eligible agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/db';
import { migrate, MIGRATIONS } from '../db/migrate';
import { buildCoreApi } from '../../testing/hub/api';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { createTeam } from '../accounts/admin';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { RoutingService } from './service';
import { registerRoutingRoutes } from './api';
import type { RoutingPush } from '../../shared/contract/routing';

let db: Db;
let routing: RoutingService;
let app: FastifyInstance;
let url: string;
let w: World;
let dept: string;

beforeAll(async () => {
  db = await openTestDb('routing_insights_api');
  await migrate(db, MIGRATIONS);
  const log = new ChangeLog(db);
  w = await seedWorld(log);
  dept = await createTeam(db, w.ws, 'Product quality', 'department');
  routing = new RoutingService(log, { tickMs: 50, onError: (e) => { throw e; } });
  routing.start();
  app = await buildCoreApi(log);
  registerRoutingRoutes(app, { routing });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const sup = await login(url, w.emails.supervisor);
  const r = await call(url, 'PUT', '/v1/routing/rules', { token: sup, body: { rules: [{ id: 'cracked', name: 'Cracked to quality', filters: [{ field: 'keywords', op: 'any', values: ['cracked'] }], targets: [{ queue_id: `q-${dept}` }] }] } });
  expect(r.status).toBe(200);
  await new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA, route: routing.routePost }).ingest(post({ handle: 'kate', text: 'my kettle lid cracked' }));
  await routing.settled();
});
afterAll(async () => {
  await routing?.stop();
  await app?.close();
  await db?.close();
});

describe('insights over HTTP', () => {
  it('lists insights with their conversation text; closes one with a resolution', async () => {
    const sup = await login(url, w.emails.supervisor);
    const list = await call(url, 'GET', '/v1/routing/insights', { token: sup });
    expect(list.status).toBe(200);
    expect(list.json.insights).toHaveLength(1);
    const [ins] = list.json.insights;
    expect(ins).toMatchObject({ department_id: dept, rule_id: 'cracked', status: 'open', conversation: { snippet: expect.stringContaining('lid cracked'), channel: 'x' } });
    // an agent outside the department may not close it; nothing changes
    const agent = await login(url, w.emails.a);
    const refused = await call(url, 'POST', `/v1/routing/insights/${ins.id}/close`, { token: agent, body: { resolution: 'x' } });
    expect(refused.status).toBe(403);
    const closed = await call(url, 'POST', `/v1/routing/insights/${ins.id}/close`, { token: sup, body: { resolution: 'sent to QA' } });
    expect(closed.status).toBe(200);
    expect(closed.json.insight).toMatchObject({ status: 'closed', resolution: 'sent to QA' });
  });

  it('pushes a new and a closed insight to supervisors at once, not to agents outside the department', async () => {
    const seen = { sup: [] as RoutingPush[], agent: [] as RoutingPush[] };
    const offSup = routing.subscribe({ agentId: w.supervisor, workspaceId: w.ws, supervisor: true, send: (m) => seen.sup.push(m) });
    const offAgent = routing.subscribe({ agentId: w.agentA, workspaceId: w.ws, supervisor: false, send: (m) => seen.agent.push(m) });
    try {
      const got = await new HubIngestor(routing.log, { workspaceId: w.ws, defaultTeamId: w.teamA, route: routing.routePost }).ingest(post({ handle: 'lou', text: 'the handle cracked on day two' }));
      await routing.settled();
      const created = seen.sup.find((m) => m.type === 'insight' && m.event === 'created' && m.conversation_id === got.conversation_id);
      expect(created).toMatchObject({ type: 'insight', department_id: dept });
      const sup = await login(url, w.emails.supervisor);
      const id = (created as Extract<RoutingPush, { type: 'insight' }>).insight_id;
      expect((await call(url, 'POST', `/v1/routing/insights/${id}/close`, { token: sup, body: { resolution: 'logged' } })).status).toBe(200);
      expect(seen.sup.some((m) => m.type === 'insight' && m.event === 'closed' && m.insight_id === id)).toBe(true);
      expect(seen.agent.some((m) => m.type === 'insight')).toBe(false);
    } finally {
      offSup();
      offAgent();
    }
  });
});
