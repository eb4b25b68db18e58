/**
 * Sessions that end (issue 11, item 2): logout, idle and maximum life (configured here to 2 h and
 * 10 h, so the defaults cannot pass for them), an admin listing and revoking an agent's sessions,
 * and disabling an agent: every session revoked and every stream (sync, routing, supervisor)
 * closed at once. Time passes by moving the session's timestamps in the database, never by waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAgent } from './admin';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login, streamUrl } from '../../testing/hub/client';
import { hashToken } from './auth';
import { SESSION_ENDED_CLOSE } from './streams';
import type { Db } from '../db/db';

let db: Db;
let hub: Hub;
let w: World;
let admin: string;
const ADMIN_EMAIL = 'admin@test.tend';

beforeAll(async () => {
  db = await openTestDb('accounts_sessions');
  hub = await startHub({
    database: db, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0, routing: { tickMs: 50 },
    accounts: { sessionIdleMs: 2 * 3600_000, sessionMaxMs: 10 * 3600_000 },
  });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: ADMIN_EMAIL, name: 'Admin', password: PASSWORD, role: 'admin' });
  admin = await login(hub.url, ADMIN_EMAIL);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const me = async (token: string) => (await call(hub.url, 'GET', '/v1/me', { token })).status;
const sessionIdOf = async (token: string) => {
  const [s] = await db.query<{ id: string }>('SELECT id FROM sessions WHERE token_hash = $1', [hashToken(token)]);
  return s.id;
};

interface Open { ws: WebSocket; closed: Promise<{ code: number; reason: string }>; messages: unknown[] }
async function open(token: string, path: string): Promise<Open> {
  const ws = new WebSocket(await streamUrl(hub.url, path, token));
  const messages: unknown[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  if (path === '/v1/sync/stream') ws.send(JSON.stringify({ type: 'subscribe', since: 0 }));
  return { ws, closed, messages };
}

describe('logout', () => {
  it('ends the session at once: the token answers 401 and its streams close; another session of the agent goes on', async () => {
    const t = await login(hub.url, w.emails.a);
    const other = await login(hub.url, w.emails.a);
    const sync = await open(t, '/v1/sync/stream');
    const routing = await open(t, '/v1/routing/stream');
    const kept = await open(other, '/v1/routing/stream');
    expect(await me(t)).toBe(200);
    const r = await call(hub.url, 'POST', '/v1/auth/logout', { token: t });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true });
    expect(await me(t)).toBe(401);
    expect((await sync.closed).code).toBe(SESSION_ENDED_CLOSE);
    expect((await routing.closed).code).toBe(SESSION_ENDED_CLOSE);
    expect(await me(other)).toBe(200);
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    // a ticket of the ended session is no good either
    expect((await call(hub.url, 'POST', '/v1/auth/ticket', { token: t })).status).toBe(401);
    kept.ws.close();
    const [entry] = await db.query<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit_log WHERE action = 'auth.logout' ORDER BY id DESC LIMIT 1`);
    expect(entry).toEqual({ action: 'auth.logout', actor_id: w.agentA });
  });

  it('a ticket issued before the logout no longer opens a stream', async () => {
    const t = await login(hub.url, w.emails.a);
    const at = await streamUrl(hub.url, '/v1/sync/stream', t);
    await call(hub.url, 'POST', '/v1/auth/logout', { token: t });
    const ws = new WebSocket(at);
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); });
      ws.once('open', () => { resolve(101); ws.close(); });
    });
    expect(status).toBe(401);
  });
});

describe('idle limit and maximum life (configured: 2 h idle, 10 h at most)', () => {
  it('a session unused for longer than the idle limit ends; use keeps it alive', async () => {
    const t = await login(hub.url, w.emails.b);
    const id = await sessionIdOf(t);
    await db.query(`UPDATE sessions SET last_seen_at = now() - interval '90 minutes' WHERE id = $1`, [id]);
    expect(await me(t)).toBe(200); // within 2 h: still good, and this use counts
    const [seen] = await db.query<{ ago_s: number }>(`SELECT extract(epoch FROM now() - last_seen_at)::int AS ago_s FROM sessions WHERE id = $1`, [id]);
    expect(seen.ago_s).toBeLessThan(60);
    await db.query(`UPDATE sessions SET last_seen_at = now() - interval '3 hours' WHERE id = $1`, [id]);
    const r = await call(hub.url, 'GET', '/v1/me', { token: t });
    expect(r.status).toBe(401); // the default 12 h would still have taken it
    expect(r.json.error.message).toMatch(/sign in again/);
  });

  it('a session older than its maximum life ends even while in use, and its open stream is closed by the sweep', async () => {
    const t = await login(hub.url, w.emails.b);
    const id = await sessionIdOf(t);
    const stream = await open(t, '/v1/routing/stream');
    await db.query(`UPDATE sessions SET created_at = now() - interval '11 hours' WHERE id = $1`, [id]);
    expect(await me(t)).toBe(401);
    await hub.accounts.sessions.sweep(); // the sweep runs every minute; run it now
    expect((await stream.closed).code).toBe(SESSION_ENDED_CLOSE);
  });
});

describe('admin: an agent\'s sessions', () => {
  it('lists them and revokes one (its streams close) or all; only admins of the workspace may', async () => {
    const t1 = await login(hub.url, w.emails.supervisor);
    const t2 = await login(hub.url, w.emails.supervisor);
    const s1 = await open(t1, '/v1/supervisor/stream');
    const list = await call(hub.url, 'GET', `/v1/admin/agents/${w.supervisor}/sessions`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.json.sessions.length).toBeGreaterThanOrEqual(2);
    for (const s of list.json.sessions) {
      expect(Object.keys(s).sort()).toEqual(['agent_id', 'created_at', 'current', 'expires_at', 'id', 'idle_expires_at', 'ip', 'last_seen_at', 'streams', 'user_agent']);
      expect(JSON.stringify(s)).not.toMatch(new RegExp(`${t1}|${t2}`));
    }
    const withStream = list.json.sessions.find((s: { streams: number }) => s.streams === 1);
    expect(withStream).toBeTruthy();
    // agents and supervisors may not
    expect((await call(hub.url, 'GET', `/v1/admin/agents/${w.supervisor}/sessions`, { token: t2 })).status).toBe(403);
    expect((await call(hub.url, 'DELETE', `/v1/admin/sessions/${withStream.id}`, { token: t2 })).status).toBe(403);
    const del = await call(hub.url, 'DELETE', `/v1/admin/sessions/${withStream.id}`, { token: admin });
    expect(del.json).toEqual({ revoked: 1, streams_closed: 1 });
    expect((await s1.closed).code).toBe(SESSION_ENDED_CLOSE);
    expect(await me(t1)).toBe(401);
    expect(await me(t2)).toBe(200);
    const all = await call(hub.url, 'POST', `/v1/admin/agents/${w.supervisor}/sessions/revoke`, { token: admin });
    expect(all.status).toBe(200);
    expect(all.json.revoked).toBeGreaterThanOrEqual(1);
    expect(await me(t2)).toBe(401);
    expect((await call(hub.url, 'GET', '/v1/admin/agents/nobody/sessions', { token: admin })).status).toBe(404);
    expect((await call(hub.url, 'DELETE', '/v1/admin/sessions/nothing', { token: admin })).status).toBe(404);
    const actions = (await db.query<{ action: string; actor_id: string; target_id: string }>(
      `SELECT action, actor_id, target_id FROM audit_log WHERE action = 'session.revoked' ORDER BY id`));
    expect(actions.length).toBe(2);
    expect(actions.every((a) => a.target_id === w.supervisor)).toBe(true);
  });
});

describe('disabling an agent', () => {
  it('revokes every session and closes the sync, routing and supervisor streams at once; sign-in is refused until enabled', async () => {
    const email = 'lead@test.tend';
    const lead = await createAgent(hub.log, { workspaceId: w.ws, email, name: 'Lead', password: PASSWORD, role: 'supervisor', teamIds: [w.teamA] });
    const t1 = await login(hub.url, email);
    const t2 = await login(hub.url, email);
    const streams = [await open(t1, '/v1/sync/stream'), await open(t1, '/v1/routing/stream'), await open(t2, '/v1/supervisor/stream')];
    await call(hub.url, 'PUT', '/v1/routing/presence', { token: t1, body: { activity_id: 'available' } });
    const r = await call(hub.url, 'POST', `/v1/admin/agents/${lead}/disable`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ agent_id: lead, disabled: true, revoked: 2, streams_closed: 3 });
    for (const s of streams) expect((await s.closed).code).toBe(SESSION_ENDED_CLOSE);
    expect(await me(t1)).toBe(401);
    expect(await me(t2)).toBe(401);
    // off the floor: nothing more is offered to them
    expect(hub.routing!.agentState(w.ws, lead)?.activity_id).toBe('offline');
    const refused = await call(hub.url, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('account_disabled');
    // the wrong password for a disabled account says no more than for anyone
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email, password: 'wrong' } })).status).toBe(401);
    // others do not see a disabled colleague to hand work to
    const others = await call(hub.url, 'GET', '/v1/me', { token: admin });
    expect(others.json.agents.map((a: { id: string }) => a.id)).not.toContain(lead);
    expect((await call(hub.url, 'POST', `/v1/admin/agents/${lead}/enable`, { token: admin })).json).toMatchObject({ disabled: false });
    expect(await me(await login(hub.url, email))).toBe(200);
    const audit = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [lead]);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['agent.created', 'agent.disabled', 'agent.enabled', 'auth.login_failed']));
  });

  it('an admin cannot disable themselves; non-admins cannot disable anyone; nothing changes', async () => {
    const [me1] = await db.query<{ id: string }>('SELECT id FROM agents WHERE email = $1', [ADMIN_EMAIL]);
    expect((await call(hub.url, 'POST', `/v1/admin/agents/${me1.id}/disable`, { token: admin })).status).toBe(409);
    const sup = await login(hub.url, w.emails.supervisor);
    expect((await call(hub.url, 'POST', `/v1/admin/agents/${w.agentA}/disable`, { token: sup })).status).toBe(403);
    expect((await call(hub.url, 'POST', '/v1/admin/agents/nobody/disable', { token: admin })).status).toBe(404);
    const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents WHERE disabled_at IS NOT NULL');
    expect(n.n).toBe(0);
  });
});
