/**
 * Macros on the hub (issue 15): an agent keeps their own, a team's are seen by its members and
 * changed only by its supervisors and admins, steps naming what does not exist are refused, and a
 * refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { createAgent } from '../accounts/admin';

let db: Db;
let hub: Hub;
let w: World;
let admin: string, boss: string, agentA: string, agentB: string;

beforeAll(async () => {
  db = await openTestDb('macros');
  hub = await startHub({ database: db, routing: false, outbound: { dispatcher: false }, channels: false });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'root@test.tend', name: 'Root', password: PASSWORD, role: 'admin' });
  [admin, boss, agentA, agentB] = await Promise.all([login(hub.url, 'root@test.tend'), login(hub.url, w.emails.supervisor), login(hub.url, w.emails.a), login(hub.url, w.emails.b)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const api = (token: string, method: string, path: string, body?: unknown) => call(hub.url, method, path, { token, body });
const names = async (token: string) => ((await api(token, 'GET', '/v1/macros')).json.macros as Array<{ name: string }>).map((m) => m.name).sort();
const steps = [{ kind: 'tag', add: ['refund'] }, { kind: 'reply', canned: 'thanks' }, { kind: 'status', status: 'resolved' }];

describe('macros: personal and team, who sees and who changes them', () => {
  it('an agent keeps their own macro: only they see it, change it and delete it', async () => {
    const made = await api(agentA, 'POST', '/v1/macros', { name: 'Refund done', key: '$mod+1', scope: 'personal', steps });
    expect(made.status).toBe(200);
    expect(made.json.macro).toMatchObject({ name: 'Refund done', key: '$mod+1', scope: 'personal', team_id: null, uses: 0 });
    expect(made.json.macro.steps).toEqual([{ kind: 'tag', add: ['refund'], remove: [] }, { kind: 'reply', canned: 'thanks', visibility: 'public' }, { kind: 'status', status: 'resolved' }]);
    const id = made.json.macro.id as string;
    expect(await names(agentA)).toContain('Refund done');
    expect(await names(agentB)).not.toContain('Refund done');
    // someone else's personal macro does not exist for them, whatever their role
    expect((await api(agentB, 'PUT', `/v1/macros/${id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await api(boss, 'DELETE', `/v1/macros/${id}`)).status).toBe(404);
    expect((await api(agentA, 'PUT', `/v1/macros/${id}`, { name: 'Refund sent', key: null })).json.macro).toMatchObject({ name: 'Refund sent', key: null });
    await api(agentA, 'POST', `/v1/macros/${id}/used`);
    expect((await api(agentA, 'GET', '/v1/macros')).json.macros.find((m: { id: string }) => m.id === id).uses).toBe(1);
    expect((await api(agentA, 'DELETE', `/v1/macros/${id}`)).json).toEqual({ ok: true });
    expect(await names(agentA)).not.toContain('Refund sent');
  });

  it("a team's macro is seen by the team's members only; its supervisor and admins change it, agents may not", async () => {
    expect((await api(agentA, 'POST', '/v1/macros', { name: 'Team A close', scope: 'team', team_id: w.teamA, steps })).status).toBe(403);
    const made = await api(boss, 'POST', '/v1/macros', { name: 'Team A close', scope: 'team', team_id: w.teamA, steps });
    expect(made.json.macro).toMatchObject({ scope: 'team', team_id: w.teamA });
    const id = made.json.macro.id as string;
    expect(await names(agentA)).toContain('Team A close');
    expect(await names(agentB)).not.toContain('Team A close'); // Team B
    expect((await api(agentB, 'GET', '/v1/macros')).json.macros.some((m: { id: string }) => m.id === id)).toBe(false);
    expect((await api(agentA, 'PUT', `/v1/macros/${id}`, { name: 'Hijacked' })).status).toBe(403);
    expect((await api(agentA, 'DELETE', `/v1/macros/${id}`)).status).toBe(403);
    expect((await api(agentB, 'DELETE', `/v1/macros/${id}`)).status).toBe(404);
    // members may use it (its count is everyone's)
    expect((await api(agentA, 'POST', `/v1/macros/${id}/used`)).status).toBe(200);
    expect((await api(admin, 'PUT', `/v1/macros/${id}`, { steps: [{ kind: 'note', text: 'closed by macro' }] })).json.macro.steps).toEqual([{ kind: 'note', text: 'closed by macro' }]);
    const audit = (await api(admin, 'GET', '/v1/admin/audit')).json.entries.filter((e: { target_id: string }) => e.target_id === id);
    expect(audit.map((e: { action: string; target_name: string }) => [e.action, e.target_name])).toEqual([['macro.updated', 'Team A close'], ['macro.created', 'Team A close']]);
  });

  it('a supervisor changes only the macros of their own teams', async () => {
    const other = (await api(admin, 'POST', '/v1/admin/teams', { name: 'Elsewhere', kind: 'support' })).json.team.id as string;
    expect((await api(boss, 'POST', '/v1/macros', { name: 'Not mine', scope: 'team', team_id: other, steps })).status).toBe(403);
    const theirs = await api(admin, 'POST', '/v1/macros', { name: 'Elsewhere close', scope: 'team', team_id: other, steps });
    expect((await api(boss, 'PUT', `/v1/macros/${theirs.json.macro.id}`, { name: 'x' })).status).toBe(403);
  });

  it('refuses bad input, unknown agents, teams and canned responses, and a taken name, writing nothing', async () => {
    const before = (await db.query('SELECT count(*)::int AS n FROM macros'))[0];
    const bad = async (body: unknown) => api(agentA, 'POST', '/v1/macros', body);
    expect((await bad({ name: 'x', scope: 'personal', steps: [] })).json.error.message).toMatch(/at least one step/);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'fly' }] })).status).toBe(400);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'tag' }] })).json.error.message).toMatch(/at least one tag/);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'snooze', hours: 0 }] })).status).toBe(400);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'status', status: 'resolved' }, { kind: 'snooze', hours: 2 }] })).json.error.message).toMatch(/status once/);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'assign', agent: null }] })).json.error.message).toMatch(/needs the team/);
    expect((await bad({ name: 'x', scope: 'team', steps })).status).toBe(400);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'assign', agent: 'nobody' }] })).json.error.message).toMatch(/agent nobody not found/);
    expect((await bad({ name: 'x', scope: 'personal', steps: [{ kind: 'reply', canned: 'nosuch' }] })).json.error.message).toMatch(/no canned response ;nosuch/);
    const own = await api(agentA, 'POST', '/v1/canned', { shortcode: 'mine1', title: 'Mine', text: 'Hi', scope: 'personal' });
    expect(own.status).toBe(200);
    // an agent's own canned response is fine in their own macro, never in a team's (other members do not have it)
    expect((await bad({ name: 'Own reply', scope: 'personal', steps: [{ kind: 'reply', canned: 'mine1' }] })).status).toBe(200);
    expect((await api(boss, 'POST', '/v1/macros', { name: 'T', scope: 'team', team_id: w.teamA, steps: [{ kind: 'reply', canned: 'mine1' }] })).status).toBe(400);
    expect((await bad({ name: 'own REPLY', scope: 'personal', steps })).json.error.code).toBe('name_taken');
    const after = (await db.query('SELECT count(*)::int AS n FROM macros'))[0];
    expect(after).toEqual({ n: (before as { n: number }).n + 1 });
  });
});
