/**
 * The routing and supervisor links and the online-only requests against a stand-in hub that
 * speaks the wire format of hub/routing/api.ts and the supervisor endpoints.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RoutingPush } from '../../../shared/contract/routing';
import type { Floor } from '../../../shared/contract/supervisor';
import { agent } from '../../../testing/desktop/fixtures';
import { CoreError } from '../errors';
import { LiveLink } from './link';
import { lastDays, OnlineApi } from './online';

const floor: Floor = {
  generated_at: '2026-03-01T10:00:00.000Z',
  alerts: [],
  queues: [{ team_id: 't1', team_name: 'Care', channel: 'x', depth: 3, longest_waiting_since: '2026-03-01T09:00:00.000Z' }],
  sla: { at_risk: [], breached: [] },
  agents: [{ id: 'a1', name: 'Ana', role: 'agent', presence: 'available', routable: true, open_conversations: 2, capacity: 5, handle_time_s: 120, replies_per_hour: 3 }],
  throughput: [], sentiment_trend: [],
};
const offer: RoutingPush = {
  type: 'offer', offer: { id: 'o1', conversation_id: 'c1', agent_id: 'a1', offered_at: 1, expires_at: 60_001 },
  conversation: { id: 'c1', priority: 'high', team_id: 't1', queue_id: 'q1', dues: { first_response_due: null, next_response_due: null, resolution_due: null } },
};

let server: Server;
let url: string;
const sockets: Record<string, WebSocket[]> = { routing: [], supervisor: [] };
const received: unknown[] = [];
const calls: Array<{ method: string; url: string; body: unknown; auth: string | undefined }> = [];
/** stream tickets the stand-in issued and not yet used; every upgrade request as it came */
const tickets = new Set<string>();
const upgrades: Array<{ url: string; auth: string | undefined }> = [];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      calls.push({ method: req.method!, url: req.url!, body, auth: req.headers.authorization });
      if (req.headers.authorization !== 'Bearer tok') return json(res, 401, { error: { code: 'unauthorized', message: 'no' } });
      if (req.url === '/v1/auth/ticket' && req.method === 'POST') {
        const ticket = `t${tickets.size}-${Math.random().toString(36).slice(2)}`;
        tickets.add(ticket);
        return json(res, 200, { ticket, expires_at: new Date(Date.now() + 30_000).toISOString() });
      }
      if (req.url === '/v1/routing/presence' && req.method === 'GET') {
        return json(res, 200, { activities: [{ id: 'available', label: 'Available', routable: true, requeue_assignments: false }], agents: [] });
      }
      if (req.url === '/v1/routing/presence' && req.method === 'PUT') {
        if (body.activity_id === 'nope') return json(res, 400, { error: { code: 'unknown_activity', message: 'unknown activity nope' } });
        return json(res, 200, { agent: { id: 'a1', activity_id: body.activity_id, routable: false, offer: null, assigned: [], load: {}, idle_since: 0 } });
      }
      if (req.url === '/v1/supervisor/floor') return json(res, 200, floor);
      if (req.url?.startsWith('/v1/metrics/me')) return json(res, 400, { error: { code: 'invalid', message: '"to" must be after "from"' } });
      json(res, 404, 'Not Found');
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    // like the hub: a stream opens with a single-use ticket, never the token
    upgrades.push({ url: req.url!, auth: req.headers.authorization });
    const u = new URL(req.url!, 'http://x');
    const kind = u.pathname === '/v1/routing/stream' ? 'routing' : u.pathname === '/v1/supervisor/stream' ? 'supervisor' : null;
    const ticket = u.searchParams.get('ticket') ?? '';
    if (!kind || !tickets.delete(ticket)) { socket.destroy(); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets[kind]!.push(ws);
      ws.on('message', (m) => received.push(JSON.parse(m.toString())));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const list of Object.values(sockets)) for (const s of list) s.terminate();
  await new Promise((ok) => server.close(ok));
});

/** Resolves when `check` holds, polling on the event loop (no fixed sleeps in assertions). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('LiveLink', () => {
  it('forwards routing pushes, sends heartbeats, reconnects after a drop, and skips the floor for agents', async () => {
    const pushes: RoutingPush[] = [];
    const link = new LiveLink({ push: (p) => pushes.push(p), floor: () => { throw new Error('agents get no floor'); }, state: () => {} }, { baseMs: 10, maxMs: 50 });
    const before = sockets.routing!.length;
    link.start({ hub_url: url, token: 'tok', role: 'agent' });
    await until(() => sockets.routing!.length === before + 1 && link.state.routing);
    const ws = sockets.routing![before]!;
    ws.send(JSON.stringify(offer));
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'unknown' }));
    ws.send(JSON.stringify({ type: 'agent_message', from_agent_id: 's1', from_name: 'Sam', text: 'take c1 please', at: '2026-03-01T10:00:00.000Z' }));
    await until(() => pushes.length === 2);
    expect(pushes.map((p) => p.type)).toEqual(['offer', 'agent_message']);
    expect(link.send({ type: 'heartbeat', conversation_id: 'c1', activity: 'typing' })).toBe(true);
    await until(() => received.some((m) => (m as { activity?: string }).activity === 'typing'));
    ws.terminate();
    await until(() => sockets.routing!.length === before + 2 && link.state.routing);
    expect(sockets.supervisor).toHaveLength(0);
    link.stop();
    // every upgrade carried a ticket of its own, and the token went nowhere but the ticket request's header
    const routingUpgrades = upgrades.filter((x) => x.url.startsWith('/v1/routing/stream'));
    expect(routingUpgrades.length).toBeGreaterThanOrEqual(2);
    expect(new Set(routingUpgrades.map((x) => x.url)).size).toBe(routingUpgrades.length);
    for (const x of routingUpgrades) {
      expect(x.url).toMatch(/\?ticket=/);
      expect(x.url).not.toMatch(/[?&]token=/);
      expect(x.auth).toBeUndefined();
    }
    expect(link.send({ type: 'leave', conversation_id: 'c1' })).toBe(false);
  });

  it('gives supervisors the floor from the supervisor stream', async () => {
    const floors: Floor[] = [];
    const link = new LiveLink({ push: () => {}, floor: (f) => floors.push(f), state: () => {} }, { baseMs: 10, maxMs: 50 });
    link.start({ hub_url: url, token: 'tok', role: 'supervisor' });
    await until(() => sockets.supervisor!.length === 1 && link.state.supervisor);
    sockets.supervisor![0]!.send(JSON.stringify({ type: 'floor', floor: { ...floor, queues: 'broken' } }));
    sockets.supervisor![0]!.send(JSON.stringify({ type: 'floor', floor }));
    await until(() => floors.length === 1);
    expect(floors[0]!.queues[0]!.depth).toBe(3);
    link.stop();
  });
});

describe('OnlineApi', () => {
  const api = (hub: string, role: 'agent' | 'supervisor' = 'agent', token = 'tok') =>
    new OnlineApi(() => ({ hub_url: hub, token, agent: agent({ id: 'a1', role }) }));

  it('calls the hub with the session token and parses the answers', async () => {
    expect((await api(url).presence()).activities[0]!.id).toBe('available');
    expect((await api(url).setPresence('break')).agent.activity_id).toBe('break');
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', url: '/v1/routing/presence', body: { activity_id: 'break' }, auth: 'Bearer tok' });
    expect((await api(url, 'supervisor').floor()).queues[0]!.depth).toBe(3);
  });

  it('turns every failure into a clear CoreError', async () => {
    const offline = api('http://127.0.0.1:9');
    await expect(offline.presence()).rejects.toMatchObject({ code: 'offline', message: expect.stringMatching(/^You are offline: presence needs the hub/) });
    await expect(api(url).setPresence('nope')).rejects.toMatchObject({ code: 'unknown_activity', message: 'unknown activity nope' });
    await expect(api(url).floor()).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api(url).setPresence('break', 'someone-else')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api(url, 'supervisor').message('a1', 'hi')).rejects.toMatchObject({ code: 'unavailable' });
    await expect(api(url, 'agent', 'bad').presence()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(api(url).metricsMe('2026-03-02', '2026-03-01')).rejects.toBeInstanceOf(CoreError);
    await expect(new OnlineApi(() => null).presence()).rejects.toMatchObject({ code: 'not_logged_in' });
  });

  it('metrics default to the last seven days', () => {
    expect(lastDays(7, Date.parse('2026-03-10T12:00:00Z'))).toEqual({ from: '2026-03-04', to: '2026-03-10' });
  });
});
