/**
 * Department insights through the desktop core (contract requests insights.list / insights.close)
 * against a stand-in hub speaking the wire format of hub/routing/api.ts: names and snippets
 * added, who may see what, closing with a resolution, the hub's refusals, and offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/domain';
import { LocalDesktopService } from '../core';
import { openCache } from '../db/open';
import { SyncApplier } from '../sync/apply';
import { agent, conversation, customer } from '../../../testing/desktop/fixtures';
import type { HubInsight } from '../../../shared/contract/routing';
import { request } from '../service';
import type { Loose } from '../../../testing/json';

const T = Date.parse('2026-03-01T10:00:00.000Z');
let insights: HubInsight[];
const calls: Array<{ method: string; url: string; body: Loose }> = [];
/** what the core asked of routing (the sync engine also polls the stand-in) */
const routingCalls = () => calls.filter((c) => c.url.startsWith('/v1/routing/'));
let server: Server;
let hubUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      calls.push({ method: req.method!, url: req.url!, body });
      const json = (status: number, b: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b));
      if (req.url?.startsWith('/v1/routing/insights') && req.method === 'GET') return json(200, { insights });
      const close = /^\/v1\/routing\/insights\/([^/]+)\/close$/.exec(req.url ?? '');
      if (close && req.method === 'POST') {
        const i = insights.find((x) => x.id === decodeURIComponent(close[1]!));
        if (!i) return json(404, { error: { code: 'unknown_insight', message: `unknown insight "${close[1]}"` } });
        if (i.status === 'closed') return json(409, { error: { code: 'insight_closed', message: `insight ${i.id} was closed` } });
        Object.assign(i, { status: 'closed', closed_at: T + 60_000, closed_by: 'ag-sup', resolution: body.resolution });
        return json(200, { insight: i });
      }
      if (req.url === '/v1/routing/config') {
        // a whole configuration, as the hub answers it (the core parses it with the route's one schema)
        return json(200, { config: {
          rules: [{ id: 'defects', name: 'Product defects to quality', enabled: true, filters: [], targets: [{ queue_id: 'q-quality' }] }],
          queues: [{ id: 'q-quality', team_id: 'product-quality' }], teams: [{ id: 'product-quality', name: 'Product quality', kind: 'department' }],
          default_queue_id: 'q-quality', calendars: [], sla_policies: [],
        } });
      }
      json(503, { error: { code: 'unavailable', message: 'not in this stand-in' } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((ok) => server.close(ok)); });

let dir: string;
let core: LocalDesktopService;

function start(me: Agent, url = hubUrl) {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-insights-'));
  const db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('session', { hub_url: url, token: 't' });
  applier.meta.set('agent', me);
  applier.meta.set('teams', [
    { id: 'team-a', name: 'Care', kind: 'support' },
    { id: 'team-quality', name: 'Product quality', kind: 'department' },
    { id: 'team-stores', name: 'Store operations', kind: 'department' },
  ]);
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'c1', customer_id: 'cu1', assignee_id: null, team_id: 'team-quality', subject: 'Cracked lid', snippet: 'the lid of my kettle cracked after a week' })],
    messages: [], notes: [], customers: [customer({ id: 'cu1' })],
  });
  applier.finishBootstrap(10);
  db.close();
  core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });
}

afterEach(async () => {
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
  calls.length = 0;
});

const hubInsight = (over: Partial<HubInsight> & { id: string }): HubInsight => ({
  conversation_id: 'c1', department_id: 'team-quality', rule_id: 'defects', opened_at: T, status: 'open',
  closed_at: null, closed_by: null, resolution: null, ...over,
});

describe('insights.list', () => {
  it('names the department and the rule and shows the conversation from the cache; newest first, open only', async () => {
    insights = [
      hubInsight({ id: 'i1' }),
      hubInsight({ id: 'i2', conversation_id: 'c-unknown', department_id: 'team-stores', rule_id: null, opened_at: T + 1000 }),
      hubInsight({ id: 'i3', status: 'closed', closed_at: T + 5, closed_by: 'x', resolution: 'done' }),
      hubInsight({ id: 'i4', conversation_id: 'c-hub', opened_at: T - 1000, conversation: { subject: 'Broken hinge', snippet: 'hinge snapped', channel: 'facebook' } }),
    ];
    // a supervisor who is also in product quality has its queue (and so c1) in the cache
    start(agent({ id: 'ag-sup', role: 'supervisor', team_ids: ['team-a', 'team-quality'] }));
    const r = await request(core, 'insights.list', {});
    expect(r.insights.map((i) => i.id)).toEqual(['i2', 'i1', 'i4']);
    expect(r.insights[1]).toEqual({
      id: 'i1', conversation_id: 'c1', department_id: 'team-quality', department_name: 'Product quality', rule_id: 'defects',
      rule_name: 'Product defects to quality', opened_at: new Date(T).toISOString(), status: 'open', closed_at: null, closed_by: null,
      resolution: null, channel: 'x', subject: 'Cracked lid', snippet: 'the lid of my kettle cracked after a week',
    });
    // not in the cache: no text rather than a wrong one; the hub's own text wins when it sends it
    expect(r.insights[0]).toMatchObject({ department_name: 'Store operations', rule_name: null, subject: null, snippet: null });
    expect(r.insights[2]).toMatchObject({ subject: 'Broken hinge', snippet: 'hinge snapped', channel: 'facebook' });
    expect((await request(core, 'insights.list', { include_closed: true })).insights.map((i) => i.id)).toContain('i3');
  });

  it('an agent sees only the insights of their own department teams; an agent in none is told why', async () => {
    insights = [hubInsight({ id: 'i1' }), hubInsight({ id: 'i2', department_id: 'team-stores' })];
    start(agent({ id: 'ag-q', role: 'agent', team_ids: ['team-a', 'team-quality'] }));
    expect((await request(core, 'insights.list', {})).insights.map((i) => i.id)).toEqual(['i1']);
    await expect(request(core, 'insights.list', { department_id: 'team-stores' })).rejects.toMatchObject({ code: 'forbidden' });
    await core.close();
    rmSync(dir, { recursive: true, force: true });
    calls.length = 0;
    start(agent({ id: 'ag-care', role: 'agent', team_ids: ['team-a'] }));
    await expect(request(core, 'insights.list', {})).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/department team/) });
    expect(routingCalls()).toEqual([]);
  });
});

describe('insights.close', () => {
  it('closes with the resolution on the hub and answers the closed insight; a second close gets the hub\'s reason', async () => {
    insights = [hubInsight({ id: 'ins-c1-1' })];
    start(agent({ id: 'ag-sup', role: 'supervisor', team_ids: ['team-quality'] }));
    const r = await request(core, 'insights.close', { id: 'ins-c1-1', resolution: '  Sent to the supplier QA team  ' });
    expect(routingCalls().find((c) => c.method === 'POST')).toEqual({ method: 'POST', url: '/v1/routing/insights/ins-c1-1/close', body: { resolution: 'Sent to the supplier QA team' } });
    expect(r.insight).toMatchObject({ id: 'ins-c1-1', status: 'closed', closed_by: 'ag-sup', resolution: 'Sent to the supplier QA team', closed_at: new Date(T + 60_000).toISOString(), subject: 'Cracked lid' });
    await expect(request(core, 'insights.close', { id: 'ins-c1-1', resolution: 'again' })).rejects.toMatchObject({ code: 'insight_closed', message: expect.stringMatching(/was closed/) });
    await expect(request(core, 'insights.close', { id: 'nope', resolution: 'x' })).rejects.toMatchObject({ code: 'unknown_insight' });
  });

  it('refuses an empty resolution before calling the hub', async () => {
    insights = [hubInsight({ id: 'i1' })];
    start(agent({ id: 'ag-sup', role: 'supervisor' }));
    await expect(request(core, 'insights.close', { id: 'i1', resolution: '   ' })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/say what was done/) });
    expect(routingCalls()).toEqual([]);
    expect(insights[0]!.status).toBe('open');
  });

  it('offline: a clear message that closing needs the hub, and nothing is queued', async () => {
    start(agent({ id: 'ag-sup', role: 'supervisor' }), 'http://127.0.0.1:9');
    await expect(request(core, 'insights.close', { id: 'i1', resolution: 'done' })).rejects.toMatchObject({ code: 'offline', message: expect.stringMatching(/^You are offline: closing an insight needs the hub/) });
    await expect(request(core, 'insights.list', {})).rejects.toMatchObject({ code: 'offline', message: expect.stringMatching(/^You are offline: insights needs? the hub/) });
    expect(core.outbox.all()).toEqual([]);
  });
});

