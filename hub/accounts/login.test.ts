/**
 * Throttled sign-in and the audit log (issue 11, item 3). Default policy: 3 free failures per
 * e-mail, then a wait that doubles from 1 s; locked after 10 for 30 min or until an admin lifts it;
 * 20 free failures per source address. Waiting is done by moving `blocked_until` in the database,
 * never by sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, ensureChannelAccount } from './admin';
import { startHub, type Hub } from '../hub';
import { openTestDb } from '../../testing/hub/testdb';
import { PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { AuditPageSchema, LockoutListSchema } from '../../shared/contract/accounts';
import type { Db } from '../db/db';

let db: Db;
let hub: Hub;
let w: World;
let admin: string;
let adminId: string;
const ADMIN_EMAIL = 'admin@test.tend';

beforeAll(async () => {
  db = await openTestDb('accounts_login');
  hub = await startHub({ database: db, outbound: { dispatcher: false }, analysis: false, channels: false, snoozeCheckMs: 0, routing: { tickMs: 50 } });
  w = await seedWorld(hub.log);
  adminId = await createAgent(hub.log, { workspaceId: w.ws, email: ADMIN_EMAIL, name: 'Admin', password: PASSWORD, role: 'admin' });
  admin = await login(hub.url, ADMIN_EMAIL);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const attempt = (email: string, password: string) => call(hub.url, 'POST', '/v1/auth/login', { body: { email, password } });
/** What the caller learns from an answer: status, code, message, Retry-After presence (not the varying seconds). */
const answer = async (email: string, password: string) => {
  const res = await fetch(`${hub.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const json = await res.json() as { error?: { code: string; message: string } };
  return { status: res.status, code: json.error?.code ?? null, message: json.error?.message ?? null, retryAfter: res.headers.get('retry-after') };
};
/** Time passes for an e-mail's wait (not its lockout). */
const waitOver = (email: string) => db.query(`UPDATE login_throttle SET blocked_until = now() WHERE key = $1`, [`account:${email}`]);
const forgetAddress = () => db.query(`DELETE FROM login_throttle WHERE key LIKE 'ip:%'`);

describe('throttled sign-in', () => {
  it('three wrong passwords are answered at once; then each attempt must wait, twice as long as the last; 429 with Retry-After, even with the right password', async () => {
    const email = w.emails.a;
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong')).status).toBe(401);
    expect((await attempt(email, 'wrong')).status).toBe(401); // the 4th failure starts the wait
    const blocked = await answer(email, PASSWORD);
    expect(blocked).toMatchObject({ status: 429, code: 'too_many_attempts', retryAfter: '1' });
    expect(blocked.message).toMatch(/Too many failed sign-ins\. Try again in 1 s/);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await waitOver(email);
      expect((await attempt(email, 'wrong')).status).toBe(401);
      const [r] = await db.query<{ ms: number }>(`SELECT round(extract(epoch FROM blocked_until - now()) * 1000)::int AS ms FROM login_throttle WHERE key = $1`, [`account:${email}`]);
      waits.push(Math.round(r.ms / 1000));
    }
    expect(waits).toEqual([2, 4, 8, 16]);
    await waitOver(email);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    // a success forgets the e-mail's failures
    expect((await attempt(email, 'wrong')).status).toBe(401);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    await forgetAddress();
  });

  it('an unknown e-mail gets exactly the same answers as a known one, step by step', async () => {
    const known = w.emails.b;
    const unknown = 'nobody-here@test.tend';
    const steps = async (email: string) => {
      const out = [];
      for (let i = 0; i < 5; i++) out.push(await answer(email, 'wrong'));
      await waitOver(email);
      out.push(await answer(email, 'wrong'));
      out.push(await answer(email, 'wrong'));
      return out;
    };
    const a = await steps(known);
    const b = await steps(unknown);
    expect(b).toEqual(a);
    expect(a.map((x) => x.status)).toEqual([401, 401, 401, 401, 429, 401, 429]);
    await waitOver(known);
    expect((await attempt(known, PASSWORD)).status).toBe(200);
    await forgetAddress();
  });

  it('attempts sent all at once cannot slip past the count: 4 are checked, the rest wait', async () => {
    const email = w.emails.supervisor;
    const statuses = await Promise.all(Array.from({ length: 16 }, () => attempt(email, 'wrong').then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12);
    await db.query(`DELETE FROM login_throttle`);
  });

  it('ten failures lock the account (also for the right password) until an admin lifts it; the lockout and the lift are audited', async () => {
    const email = 'locked@test.tend';
    const id = await createAgent(hub.log, { workspaceId: w.ws, email, name: 'Locked', password: PASSWORD });
    for (let i = 0; i < 10; i++) {
      await waitOver(email);
      expect((await attempt(email, 'wrong')).status).toBe(401);
    }
    await waitOver(email);
    const locked = await answer(email, PASSWORD);
    expect(locked).toMatchObject({ status: 429, code: 'account_locked' });
    expect(Number(locked.retryAfter)).toBeGreaterThan(1700);
    expect(locked.message).toMatch(/locked after 10 failed sign-ins.*ask an admin/);
    const list = LockoutListSchema.parse((await call(hub.url, 'GET', '/v1/admin/lockouts', { token: admin })).json);
    expect(list.lockouts).toContainEqual(expect.objectContaining({ kind: 'account', subject: email, failures: 10 }));
    expect(list.lockouts.find((l) => l.subject === email)!.locked_until).not.toBeNull();
    // not for agents; a bad body changes nothing
    expect((await call(hub.url, 'GET', '/v1/admin/lockouts', { token: await login(hub.url, w.emails.b) })).status).toBe(403);
    expect((await call(hub.url, 'POST', '/v1/admin/lockouts/lift', { token: admin, body: { email, ip: 'x' } })).status).toBe(400);
    const lift = await call(hub.url, 'POST', '/v1/admin/lockouts/lift', { token: admin, body: { email: email.toUpperCase() } });
    expect(lift.json).toEqual({ lifted: true });
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    const audit = await db.query<{ action: string; actor_id: string | null; target_id: string | null }>(
      `SELECT action, actor_id, target_id FROM audit_log WHERE action IN ('auth.lockout', 'auth.lockout_lifted') ORDER BY id`);
    expect(audit).toEqual([
      { action: 'auth.lockout', actor_id: id, target_id: id },
      { action: 'auth.lockout_lifted', actor_id: adminId, target_id: email },
    ]);
    await forgetAddress();
  });

  it('a source address that fails 20 times must wait whatever e-mail it tries; an admin can lift it', async () => {
    for (let i = 0; i < 21; i++) expect((await attempt(`spray${i}@test.tend`, 'wrong')).status).toBe(401);
    const r = await answer('spray-next@test.tend', 'wrong');
    expect(r).toMatchObject({ status: 429, code: 'too_many_attempts' });
    expect(r.message).toMatch(/from your network address/);
    // a floor behind one address still signs in once it may try again; an admin lifts the wait at once
    const list = LockoutListSchema.parse((await call(hub.url, 'GET', '/v1/admin/lockouts', { token: admin })).json);
    const ip = list.lockouts.find((l) => l.kind === 'ip')!.subject;
    expect((await call(hub.url, 'POST', '/v1/admin/lockouts/lift', { token: admin, body: { ip } })).json).toEqual({ lifted: true });
    expect((await attempt(w.emails.a, PASSWORD)).status).toBe(200);
  });
});

describe('the audit log', () => {
  it('records sign-ins, failures and admin changes; an admin reads it with filters, page by page, and exports CSV and JSON', async () => {
    // an audited change through a route (routing rules) and one through the admin functions (teams)
    const rules = await call(hub.url, 'PUT', '/v1/routing/rules', { token: admin, body: { rules: [] } });
    expect(rules.status).toBe(200);
    const page = AuditPageSchema.parse((await call(hub.url, 'GET', '/v1/admin/audit?limit=1000', { token: admin })).json);
    const actions = new Set(page.entries.map((e) => e.action));
    for (const a of ['auth.login', 'auth.login_failed', 'auth.lockout', 'auth.lockout_lifted', 'agent.created', 'routing.rules_changed']) expect(actions, a).toContain(a);
    const changed = page.entries.find((e) => e.action === 'routing.rules_changed')!;
    expect(changed).toMatchObject({ actor_id: adminId, actor_name: 'Admin', workspace_id: w.ws });
    expect(changed.details).toMatchObject({ method: 'PUT', path: '/v1/routing/rules', body: { rules: [] } });
    // what an entry is about reads by name, not by id
    const created = page.entries.find((e) => e.action === 'agent.created' && e.target_id === adminId)!;
    expect(created).toMatchObject({ target_type: 'agent', target_name: 'Admin' });
    const failed = page.entries.find((e) => e.action === 'auth.login_failed' && e.details.reason === 'unknown_email')!;
    expect(failed).toMatchObject({ workspace_id: null, actor_id: null });
    expect(failed.ip).toBeTruthy();

    // filters: an action prefix, an actor; pages newest first
    const mine = AuditPageSchema.parse((await call(hub.url, 'GET', `/v1/admin/audit?action=auth.&actor_id=${adminId}&limit=2`, { token: admin })).json);
    expect(mine.entries.every((e) => e.action.startsWith('auth.') && e.actor_id === adminId)).toBe(true);
    expect(mine.entries.length).toBe(2);
    expect(mine.next_before).not.toBeNull();
    const next = AuditPageSchema.parse((await call(hub.url, 'GET', `/v1/admin/audit?action=auth.&actor_id=${adminId}&limit=2&before=${mine.next_before}`, { token: admin })).json);
    expect(next.entries[0].id).toBeLessThan(mine.entries[1].id);
    expect((await call(hub.url, 'GET', '/v1/admin/audit?limit=0', { token: admin })).status).toBe(400);
    expect((await call(hub.url, 'GET', '/v1/admin/audit?from=yesterday', { token: admin })).status).toBe(400);
    expect((await call(hub.url, 'GET', '/v1/admin/audit', { token: await login(hub.url, w.emails.supervisor) })).status).toBe(403);

    const csv = await fetch(`${hub.url}/v1/admin/audit/export?format=csv&action=auth.login_failed`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="tend-audit-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,workspace_id,actor_id,actor_name,action,target_type,target_id,target_name,ip,details');
    const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed'`);
    expect(lines.length - 1).toBe(n.n);
    const json = await fetch(`${hub.url}/v1/admin/audit/export?format=json`, { headers: { authorization: `Bearer ${admin}` } });
    const all = await json.json() as Array<{ id: number }>;
    const [total] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(all.length).toBe(total.n);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => x - y));
    expect((await call(hub.url, 'GET', '/v1/admin/audit/export?format=xml', { token: admin })).status).toBe(400);
  });

  it('a group filter holds its kinds\' actions: Channels (channel.) lists a channel account created by a post', async () => {
    await ensureChannelAccount(db, w.ws, 'x', 'AcmeCare');
    await db.query(`INSERT INTO audit_log (workspace_id, actor_name, action, details) VALUES ($1, 'Admin', 'channel.connected', '{}'), ($1, 'Admin', 'channels_report.viewed', '{}')`, [w.ws]);
    const page = AuditPageSchema.parse((await call(hub.url, 'GET', '/v1/admin/audit?action=channel.&limit=100', { token: admin })).json);
    expect(new Set(page.entries.map((e) => e.action))).toEqual(new Set(['channel_account.created', 'channel.connected']));
  });

  it('a value that a spreadsheet would run as a formula is exported as text', async () => {
    await db.query(`INSERT INTO audit_log (workspace_id, actor_name, action, details) VALUES ($1, '=HYPERLINK("http://evil")', 'test.formula', '{}')`, [w.ws]);
    const csv = await (await fetch(`${hub.url}/v1/admin/audit/export?format=csv&action=test.formula`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
