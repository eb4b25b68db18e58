/**
 * Teams, departments and people through the admin endpoints, as the admin screens use them:
 * changes take effect at once (routing's queues, an agent's desktop scope, sign-in), bad input
 * and refused changes write nothing, supervisors change only what their role allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { conversation, PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { createAgent, createWorkspaceWithDefaults } from '../accounts/admin';

let db: Db;
let hub: Hub;
let w: World;
let admin: string, boss: string, agentA: string;

beforeAll(async () => {
  db = await openTestDb('admin');
  hub = await startHub({ database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false }, channels: false });
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'root@test.tend', name: 'Root', password: PASSWORD, role: 'admin' });
  [admin, boss, agentA] = await Promise.all([login(hub.url, 'root@test.tend'), login(hub.url, w.emails.supervisor), login(hub.url, w.emails.a)]);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

const api = (token: string, method: string, path: string, body?: unknown) => call(hub.url, method, path, { token, body });

describe('teams and departments', () => {
  it('a new workspace starts with a support team and the four departments of the care cycle', async () => {
    const ws = await createWorkspaceWithDefaults(db, 'Fresh');
    const teams = await db.query<{ name: string; kind: string }>('SELECT name, kind FROM teams WHERE workspace_id = $1 ORDER BY name', [ws]);
    expect(teams).toEqual([
      { name: 'Loyalty', kind: 'department' }, { name: 'Product management', kind: 'department' },
      { name: 'Product quality', kind: 'department' }, { name: 'Store operations', kind: 'department' }, { name: 'Support', kind: 'support' },
    ]);
  });

  it('an admin creates and renames a department; routing has its queue at once', async () => {
    const made = await api(admin, 'POST', '/v1/admin/teams', { name: 'Store operations', kind: 'department' });
    expect(made.status).toBe(200);
    expect(made.json.team).toMatchObject({ name: 'Store operations', kind: 'department', archived: false, members: 0 });
    const id = made.json.team.id as string;
    await expect.poll(async () => (await api(boss, 'GET', '/v1/routing/config')).json.config.queues.some((q: { team_id: string }) => q.team_id === id)).toBe(true);

    const renamed = await api(admin, 'PUT', `/v1/admin/teams/${id}`, { name: 'Stores' });
    expect(renamed.json.team.name).toBe('Stores');
    await expect.poll(async () => (await api(boss, 'GET', '/v1/routing/config')).json.config.teams.find((t: { id: string }) => t.id === id)?.name).toBe('Stores');
    const list = await api(boss, 'GET', '/v1/admin/teams');
    expect(list.json.teams.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Team A', 'Team B', 'Stores']));
  });

  it('refuses a duplicate name, an empty one, and agents and supervisors changing teams', async () => {
    const before = (await api(admin, 'GET', '/v1/admin/teams')).json.teams.length;
    expect((await api(admin, 'POST', '/v1/admin/teams', { name: 'team a', kind: 'support' })).json.error.code).toBe('name_taken');
    expect((await api(admin, 'POST', '/v1/admin/teams', { name: '  ', kind: 'support' })).status).toBe(400);
    expect((await api(admin, 'POST', '/v1/admin/teams', { name: 'X', kind: 'sales' })).status).toBe(400);
    expect((await api(boss, 'POST', '/v1/admin/teams', { name: 'Boss team', kind: 'support' })).status).toBe(403);
    expect((await api(agentA, 'GET', '/v1/admin/teams')).status).toBe(403);
    expect((await api(admin, 'GET', '/v1/admin/teams')).json.teams.length).toBe(before);
  });

  it('archiving says why not while work or routing uses the team; an empty one archives and its members leave it', async () => {
    // routing settles first: the conversation then stays in Team B's queue
    const c = await conversation(hub.log, w, { team: w.teamB });
    await hub.routing!.settled();
    await hub.log.write((wr) => wr.update('conversation', c.id, { team_id: w.teamB, assignee_id: null }).then(() => {}));
    const refused = await api(admin, 'POST', `/v1/admin/teams/${w.teamB}/archive`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/1 open conversation belongs to it/);
    expect((await api(admin, 'GET', '/v1/admin/teams')).json.teams.find((t: { id: string }) => t.id === w.teamB).archived).toBe(false);

    const spare = (await api(admin, 'POST', '/v1/admin/teams', { name: 'Spare', kind: 'support' })).json.team.id as string;
    await api(admin, 'PUT', `/v1/admin/agents/${w.agentB}`, { team_ids: [w.teamB, spare] });
    // a rule sends posts there: refused, naming the rule
    const cfg = (await api(boss, 'GET', '/v1/routing/config')).json.config;
    const rule = { id: 'to-spare', name: 'VIP to spare', filters: [{ field: 'customer_tier', op: 'in', values: ['vip'] }], targets: [{ queue_id: `q-${spare}` }] };
    expect((await api(boss, 'PUT', '/v1/routing/rules', { rules: [...cfg.rules, rule] })).status).toBe(200);
    const byRule = await api(admin, 'POST', `/v1/admin/teams/${spare}/archive`);
    expect(byRule.json.error.message).toMatch(/"VIP to spare"/);
    expect((await api(boss, 'PUT', '/v1/routing/rules', { rules: cfg.rules })).status).toBe(200);

    const done = await api(admin, 'POST', `/v1/admin/teams/${spare}/archive`);
    expect(done.status).toBe(200);
    expect(done.json.team).toMatchObject({ archived: true, members: 0 });
    const b = (await api(admin, 'GET', '/v1/admin/agents')).json.agents.find((a: { id: string }) => a.id === w.agentB);
    expect(b.team_ids).toEqual([w.teamB]);
    await expect.poll(async () => (await api(boss, 'GET', '/v1/routing/config')).json.config.teams.some((t: { id: string }) => t.id === spare)).toBe(false);
    // archived teams take nobody
    expect((await api(admin, 'PUT', `/v1/admin/agents/${w.agentB}`, { team_ids: [spare] })).json.error.message).toMatch(/archived/);
    const back = await api(admin, 'POST', `/v1/admin/teams/${spare}/restore`);
    expect(back.json.team.archived).toBe(false);
  });
});

describe('people', () => {
  it('an admin adds a person with a temporary password; it opens nothing but the password change', async () => {
    const made = await api(admin, 'POST', '/v1/admin/agents', {
      email: 'New.Person@Test.tend', name: 'New Person', role: 'agent', team_ids: [w.teamA],
      skills: { 'topic:billing': 7 }, capacity: { x: 4, '*': 2 }, languages: { en: 9, pl: 6 },
      access: { kind: 'password', password: 'temporary-1' },
    });
    expect(made.status).toBe(200);
    expect(made.json.agent).toMatchObject({
      email: 'new.person@test.tend', role: 'agent', team_ids: [w.teamA], skills: { 'topic:billing': 7 }, languages: { en: 9, pl: 6 },
      must_change_password: true, invite_pending: false, load: { open: 0, capacity: 6 },
    });
    expect(made.json.invite).toBeNull();
    // languages are routing skills
    const [row] = await db.query<{ skills: Record<string, number> }>('SELECT skills FROM agents WHERE id = $1', [made.json.agent.id]);
    expect(row.skills).toEqual({ 'topic:billing': 7, 'language:en': 9, 'language:pl': 6 });

    const tok = await login(hub.url, 'new.person@test.tend', 'temporary-1');
    expect((await api(tok, 'GET', '/v1/account')).json).toEqual({ must_change_password: true });
    const blocked = await api(tok, 'GET', '/v1/sync/bootstrap');
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.code).toBe('password_change_required');
    expect((await api(tok, 'POST', '/v1/account/password', { current_password: 'nope', new_password: 'my own password' })).status).toBe(403);
    expect((await api(tok, 'POST', '/v1/account/password', { current_password: 'temporary-1', new_password: 'short' })).status).toBe(400);
    expect((await api(tok, 'POST', '/v1/account/password', { current_password: 'temporary-1', new_password: 'my own password' })).json).toEqual({ ok: true });
    expect((await api(tok, 'GET', '/v1/sync/bootstrap')).status).toBe(200);
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: 'new.person@test.tend', password: 'temporary-1' } })).status).toBe(401);
    await login(hub.url, 'new.person@test.tend', 'my own password');
  });

  it('an invitation is a one-time sign-up link', async () => {
    const made = await api(admin, 'POST', '/v1/admin/agents', { email: 'invited@test.tend', name: 'Invited', access: { kind: 'invite' } });
    expect(made.json.agent.invite_pending).toBe(true);
    const token = made.json.invite.token as string;
    // nobody signs in before accepting
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: 'invited@test.tend', password: 'none$invited' } })).status).toBe(401);
    const accepted = await call(hub.url, 'POST', '/v1/auth/invite', { body: { token, password: 'chosen password' } });
    expect(accepted.json).toEqual({ email: 'invited@test.tend' });
    expect((await call(hub.url, 'POST', '/v1/auth/invite', { body: { token, password: 'another password' } })).json.error.code).toBe('invite_invalid');
    const tok = await login(hub.url, 'invited@test.tend', 'chosen password');
    expect((await api(tok, 'GET', '/v1/account')).json.must_change_password).toBe(false);
    expect((await api(admin, 'GET', '/v1/admin/agents')).json.agents.find((a: { email: string }) => a.email === 'invited@test.tend').invite_pending).toBe(false);
  });

  it('refuses a taken e-mail, unknown teams and bad skills, writing nothing', async () => {
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents'))[0].n;
    const n = await count();
    const base = { name: 'X', access: { kind: 'invite' } };
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: w.emails.a })).json.error.code).toBe('email_taken');
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: 'x1@test.tend', team_ids: ['nope'] })).json.error.message).toMatch(/unknown team/);
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: 'x2@test.tend', skills: { billing: 11 } })).status).toBe(400);
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: 'x3@test.tend', languages: { English: 3 } })).status).toBe(400);
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: 'not an email' })).status).toBe(400);
    expect((await api(admin, 'POST', '/v1/admin/agents', { ...base, email: 'x4@test.tend', access: { kind: 'password', password: 'short' } })).status).toBe(400);
    expect((await api(boss, 'POST', '/v1/admin/agents', { ...base, email: 'x5@test.tend' })).status).toBe(403);
    expect(await count()).toBe(n);
  });

  it("a supervisor changes an agent's teams and skills (the agent's desktop follows), not names or roles", async () => {
    const ok = await api(boss, 'PUT', `/v1/admin/agents/${w.agentA}`, { team_ids: [w.teamA, w.teamB], skills: { 'topic:refund': 5 }, capacity: { x: 5 } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.agent).toMatchObject({ team_ids: [w.teamA, w.teamB].sort(), skills: { 'topic:refund': 5 }, capacity: { x: 5 } });
    // the agent's own record synced: /v1/me (and the sync stream) carry the new teams
    expect((await api(agentA, 'GET', '/v1/me')).json.agent.team_ids).toEqual([w.teamA, w.teamB].sort());
    expect((await api(boss, 'PUT', `/v1/admin/agents/${w.agentA}`, { role: 'admin' })).status).toBe(403);
    expect((await api(boss, 'PUT', `/v1/admin/agents/${w.agentA}`, { name: 'Renamed' })).status).toBe(403);
    expect((await api(agentA, 'PUT', `/v1/admin/agents/${w.agentA}`, { skills: {} })).status).toBe(403);
  });

  it('lists presence and load; an admin cannot demote the last admin', async () => {
    await hub.routing!.workspace(w.ws);
    expect((await api(agentA, 'PUT', '/v1/routing/presence', { activity_id: 'available' })).status).toBe(200);
    await conversation(hub.log, w, { assignee: w.agentA });
    const a = (await api(boss, 'GET', '/v1/admin/agents')).json.agents.find((x: { id: string }) => x.id === w.agentA);
    expect(a.presence).toMatchObject({ activity_id: 'available', label: 'Available', routable: true });
    expect(a.load.open).toBeGreaterThanOrEqual(1);
    const root = (await api(admin, 'GET', '/v1/admin/agents')).json.agents.find((x: { email: string }) => x.email === 'root@test.tend');
    expect((await api(admin, 'PUT', `/v1/admin/agents/${root.id}`, { role: 'agent' })).json.error.code).toBe('last_admin');
  });

  it('resetting access ends the sessions and gives a new temporary password', async () => {
    const tokB = await login(hub.url, w.emails.b);
    const r = await api(admin, 'POST', `/v1/admin/agents/${w.agentB}/reset`, { kind: 'password', password: 'temporary-2' });
    expect(r.json.agent.must_change_password).toBe(true);
    expect((await api(tokB, 'GET', '/v1/me')).status).toBe(401);
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: w.emails.b, password: PASSWORD } })).status).toBe(401);
    await login(hub.url, w.emails.b, 'temporary-2');
  });
});

describe('SLA policies and business hours', () => {
  it('a holiday added to a policy\'s calendar moves the due time of waiting work and of the preview', async () => {
    const original = (await api(boss, 'GET', '/v1/routing/config')).json.config;
    const allWeek = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
    const office = { id: 'office', name: 'Office', time_zone: 'UTC', hours: allWeek, holidays: [] as string[] };
    const policy = { id: 'x-first', name: 'X', priorities: [], channels: ['x'], calendar_id: 'office', first_response_seconds: 3600, warn_at: 0.8 };
    const save = async (holidays: string[]) => {
      const r = await api(admin, 'PUT', '/v1/routing/config', { ...original, calendars: [{ ...office, holidays }], sla_policies: [policy, ...original.sla_policies] });
      expect(r.status, r.text).toBe(200);
    };
    await save([]);
    const c = await conversation(hub.log, w);
    await hub.routing!.settled();
    const due = async () => (await db.query<{ due: Date | null }>('SELECT first_response_due_at AS due FROM conversations WHERE id = $1', [c.id]))[0].due?.getTime() ?? null;
    await expect.poll(due).not.toBeNull();
    const before = (await due())!;
    const preview = await api(boss, 'POST', '/v1/routing/sla/preview', { priority: 'normal', channel: 'x' });
    expect(preview.json).toMatchObject({ policy_id: 'x-first', calendar_id: 'office', open_now: true });
    expect(preview.json.first_response_due - preview.json.at).toBe(3600_000);

    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
    await save([today]);
    // the clock starts when the calendar opens again, tomorrow at 00:00 (after 23:00 UTC the old due time, arrival + 1 h,
    // is already past midnight, so only the exact figure shows the recomputation happened)
    await expect.poll(due).toBe(tomorrow + 3600_000);
    expect(tomorrow + 3600_000).toBeGreaterThan(before);
    const closed = (await api(boss, 'POST', '/v1/routing/sla/preview', { priority: 'normal', channel: 'x' })).json;
    expect(closed).toMatchObject({ policy_id: 'x-first', open_now: false, first_response_due: tomorrow + 3600_000 });

    // bad input changes nothing; agents may not ask
    expect((await api(admin, 'PUT', '/v1/routing/config', { ...original, calendars: [{ ...office, time_zone: 'Mars/Olympus' }], sla_policies: [policy] })).status).toBe(400);
    expect((await api(boss, 'GET', '/v1/routing/config')).json.config.calendars[0].holidays).toEqual([today]);
    expect((await api(boss, 'POST', '/v1/routing/sla/preview', { priority: 'someday', channel: 'x' })).status).toBe(400);
    expect((await api(agentA, 'POST', '/v1/routing/sla/preview', { priority: 'normal', channel: 'x' })).status).toBe(403);
    expect((await api(admin, 'PUT', '/v1/routing/config', original)).status).toBe(200);
  });
});

describe('canned responses and an agent\'s own settings', () => {
  it('the team\'s set (starter set included) and each agent\'s own; supervisors change the team\'s; usage counts', async () => {
    const list = async (tok: string) => (await api(tok, 'GET', '/v1/canned')).json.canned as Array<{ id: string; shortcode: string; scope: string; uses: number; text: string }>;
    expect((await list(agentA)).map((c) => c.shortcode)).toEqual(expect.arrayContaining(['thanks', 'refund', 'bye']));
    const mine = await api(agentA, 'POST', '/v1/canned', { shortcode: 'ship', title: 'Shipping', text: 'Hi {{customer.first_name}}, it ships today.', scope: 'personal' });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json.canned).toMatchObject({ shortcode: 'ship', scope: 'personal', uses: 0 });
    // nobody else sees A's own, not even an admin; A cannot change the team's
    expect((await list(admin)).some((c) => c.shortcode === 'ship')).toBe(false);
    expect((await api(agentA, 'POST', '/v1/canned', { shortcode: 'team1', title: 'T', text: 'x', scope: 'team' })).status).toBe(403);
    const thanks = (await list(agentA)).find((c) => c.shortcode === 'thanks')!;
    expect((await api(agentA, 'PUT', `/v1/canned/${thanks.id}`, { text: 'changed' })).status).toBe(403);
    expect((await api(agentA, 'POST', '/v1/canned', { shortcode: 'thanks', title: 'Mine', text: 'x', scope: 'personal' })).json.error.code).toBe('shortcode_taken');
    expect((await api(agentA, 'POST', '/v1/canned', { shortcode: 'Bad Code', title: 'x', text: 'x', scope: 'personal' })).status).toBe(400);
    // a supervisor edits the team's; everyone sees it
    expect((await api(boss, 'PUT', `/v1/canned/${thanks.id}`, { text: 'Thanks {{customer.first_name}}!' })).json.canned.text).toBe('Thanks {{customer.first_name}}!');
    expect((await list(agentA)).find((c) => c.id === thanks.id)!.text).toBe('Thanks {{customer.first_name}}!');
    // usage
    await api(agentA, 'POST', `/v1/canned/${thanks.id}/used`);
    await api(boss, 'POST', `/v1/canned/${thanks.id}/used`);
    expect((await list(agentA)).find((c) => c.id === thanks.id)!.uses).toBe(2);
    // delete: own yes, another agent's no (not even visible)
    expect((await api(boss, 'DELETE', `/v1/canned/${mine.json.canned.id}`)).status).toBe(404);
    expect((await api(agentA, 'DELETE', `/v1/canned/${mine.json.canned.id}`)).json).toEqual({ ok: true });
    expect((await list(agentA)).some((c) => c.shortcode === 'ship')).toBe(false);
  });

  it('the keymap belongs to the agent: saved from one desktop, read on any other; not another agent\'s', async () => {
    expect((await api(agentA, 'PUT', '/v1/account/settings/keymap', { value: { 'nav.next': ['n'] } })).json).toEqual({ ok: true });
    const again = await login(hub.url, w.emails.a);
    expect((await api(again, 'GET', '/v1/account/settings')).json.settings).toEqual({ keymap: { 'nav.next': ['n'] } });
    expect((await api(boss, 'GET', '/v1/account/settings')).json.settings).toEqual({});
    expect((await api(agentA, 'PUT', '/v1/account/settings/theme', { value: 'dark' })).status).toBe(400);
  });
});

describe('routing rules: the try-it box', () => {
  it('says which rule a pasted post matches, where it goes and who could take it, under a proposal, without saving it', async () => {
    const before = (await api(boss, 'GET', '/v1/routing/config')).json.config;
    const proposal = [...before.rules, { id: 'try-refunds', name: 'Refunds to Team B', filters: [{ field: 'keywords', op: 'any', values: ['refund'] }], targets: [{ queue_id: `q-${w.teamB}` }] }];
    const hit = await api(boss, 'POST', '/v1/routing/rules/try', { text: 'I still have no refund for order 8812', channel: 'x', rules: proposal });
    expect(hit.status, hit.text).toBe(200);
    expect(hit.json).toMatchObject({ rule_id: 'try-refunds', team_id: w.teamB, team_kind: 'support' });
    expect(hit.json.rules.at(-1)).toMatchObject({ id: 'try-refunds', matched: true, failed: [] });
    expect(hit.json.analysis.language).toBe('en');
    const b = hit.json.agents.find((x: { agent_id: string }) => x.agent_id === w.agentB);
    expect(b).toBeDefined();
    if (!b.eligible) expect(b.why_not.length).toBeGreaterThan(0);

    const miss = await api(boss, 'POST', '/v1/routing/rules/try', { text: 'Love the new app', channel: 'x', rules: proposal });
    expect(miss.json.rule_id).toBeNull();
    expect(miss.json.queue_id).toBe(before.default_queue_id);
    expect(miss.json.rules.at(-1)).toMatchObject({ id: 'try-refunds', matched: false, failed: ['mentions none of refund'] });

    // nothing was saved; a proposal naming an unknown queue is refused; agents may not ask
    expect((await api(boss, 'GET', '/v1/routing/config')).json.config.rules).toEqual(before.rules);
    expect((await api(boss, 'POST', '/v1/routing/rules/try', { text: 'x', channel: 'x', rules: [{ ...proposal.at(-1), targets: [{ queue_id: 'nowhere' }] }] })).status).toBe(400);
    expect((await api(boss, 'POST', '/v1/routing/rules/try', { text: '', channel: 'x' })).status).toBe(400);
    expect((await api(agentA, 'POST', '/v1/routing/rules/try', { text: 'refund', channel: 'x' })).status).toBe(403);
  });
});

describe("a customer's data", () => {
  it('exports everything held about a customer, and erases them from the hub and from what desktops sync, keeping the conversations counted', async () => {
    const handle = `gdpr_${Date.now().toString(36)}`;
    const c = await conversation(hub.log, w, { handle });
    const found = await api(admin, 'GET', `/v1/admin/customers?q=${handle}`);
    expect(found.json.customers).toEqual([expect.objectContaining({ id: c.customer_id, handles: [`x:${handle}`], conversations: 1 })]);
    const exported = await api(admin, 'GET', `/v1/admin/customers/${c.customer_id}/export`);
    expect(exported.json.identities).toEqual([expect.objectContaining({ channel: 'x', handle })]);
    expect(exported.json.conversations[0].messages[0].text).toBe(`hello from ${handle}`);
    const inChanges = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM changes WHERE data::text LIKE $1`, [`%${handle}%`]))[0].n;
    expect(await inChanges()).toBeGreaterThan(0);

    // refused: a supervisor, and a request that does not say "erase"
    expect((await api(boss, 'POST', `/v1/admin/customers/${c.customer_id}/erase`, { confirm: 'erase' })).status).toBe(403);
    expect((await api(admin, 'POST', `/v1/admin/customers/${c.customer_id}/erase`, {})).status).toBe(400);
    expect((await api(admin, 'GET', `/v1/admin/customers/${c.customer_id}/export`)).json.identities).toHaveLength(1);

    const erased = await api(admin, 'POST', `/v1/admin/customers/${c.customer_id}/erase`, { confirm: 'erase' });
    expect(erased.json).toEqual({ ok: true, conversations: 1, messages: 1 });
    const after = (await api(admin, 'GET', `/v1/admin/customers/${c.customer_id}/export`)).json;
    expect(after.customer.name).toBe('Erased customer');
    expect(after.identities).toEqual([]);
    expect(after.conversations).toHaveLength(1);
    expect(after.conversations[0].messages[0].text).toBe('[erased]');
    // nowhere on the hub any more, not in the log desktops sync from; an agent's sync carries the erasure
    const left = await db.query<{ entity: string; data: unknown }>(`SELECT entity, data FROM changes WHERE data::text LIKE $1`, [`%${handle}%`]);
    expect(left, JSON.stringify(left)).toEqual([]);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE text LIKE $1`, [`%${handle}%`]))[0].n).toBe(0);
    const synced = await api(agentA, 'GET', '/v1/sync/changes?since=0&limit=1000');
    expect(synced.status).toBe(200);
    expect(synced.text).toContain('[erased]');
    expect(synced.text).not.toContain(handle);
    expect((await api(admin, 'GET', `/v1/admin/customers?q=${handle}`)).json.customers).toEqual([]);
  });

  it('a person whose profiles were merged (hub/customers) is exported and erased whole; the merged-away profile is refused with the kept one named', async () => {
    const tag = Date.now().toString(36);
    const [keepH, dupH, deepH] = [`keep_${tag}`, `dup_${tag}`, `deep_${tag}`];
    const keep = await conversation(hub.log, w, { handle: keepH });
    const dup = await conversation(hub.log, w, { handle: dupH });
    const deep = await conversation(hub.log, w, { handle: deepH });
    // deep was merged into dup, then dup into keep: one person with three profiles
    expect((await api(agentA, 'POST', '/v1/customers/merge', { into_id: dup.customer_id, from_id: deep.customer_id })).status).toBe(200);
    expect((await api(agentA, 'POST', '/v1/customers/merge', { into_id: keep.customer_id, from_id: dup.customer_id })).status).toBe(200);

    const exported = (await api(admin, 'GET', `/v1/admin/customers/${keep.customer_id}/export`)).json;
    expect(exported.identities.map((i: { handle: string }) => i.handle).sort()).toEqual([deepH, dupH, keepH].sort());
    expect(exported.conversations).toHaveLength(3);
    expect(exported.merged_profiles.map((c: { id: string }) => c.id).sort()).toEqual([dup.customer_id, deep.customer_id].sort());
    expect(exported.merges).toHaveLength(2);

    // the merged-away profile: refused, naming the kept one, nothing written
    const refused = await api(admin, 'POST', `/v1/admin/customers/${dup.customer_id}/erase`, { confirm: 'erase' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain(keepH);
    expect((await api(admin, 'GET', `/v1/admin/customers/${keep.customer_id}/export`)).json.identities).toHaveLength(3);

    const erased = await api(admin, 'POST', `/v1/admin/customers/${keep.customer_id}/erase`, { confirm: 'erase' });
    expect(erased.json).toEqual({ ok: true, conversations: 3, messages: 3 });
    for (const h of [keepH, dupH, deepH]) {
      const left = await db.query<{ entity: string }>(`SELECT entity FROM changes WHERE data::text LIKE $1`, [`%${h}%`]);
      expect(left, `${h}: ${JSON.stringify(left)}`).toEqual([]);
    }
    const rows = await db.query<{ name: string; tags: string[] }>('SELECT name, tags FROM customers WHERE id = ANY($1)', [[keep.customer_id, dup.customer_id, deep.customer_id]]);
    expect(rows.map((r) => r.name)).toEqual(['Erased customer', 'Erased customer', 'Erased customer']);
    // the merges' records (what the kept profiles were before) are gone: nothing left to undo
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_merges WHERE into_id = ANY($1)', [[keep.customer_id, dup.customer_id]]))[0].n).toBe(0);
    const related = await api(agentA, 'GET', `/v1/customers/${keep.customer_id}/related`);
    expect(related.json).toEqual({ suggestions: [], merges: [] });
  });
});

describe('first run', () => {
  it('an empty hub is set up once from the app: the workspace with its destinations and its first admin; then the checklist', async () => {
    const fresh = await openTestDb('admin-first-run');
    const h = await startHub({ database: fresh, routing: false, outbound: { dispatcher: false }, channels: false });
    try {
      expect((await call(h.url, 'GET', '/v1/setup')).json).toEqual({ needed: true });
      const body = { workspace_name: 'Acme care', time_zone: 'Europe/Warsaw', name: 'Ana K', email: 'Ana@Acme.test', password: 'first-admin-pass' };
      expect((await call(h.url, 'POST', '/v1/setup', { body: { ...body, time_zone: 'Mars/Olympus' } })).status).toBe(400);
      expect((await call(h.url, 'POST', '/v1/setup', { body: { ...body, password: 'short' } })).status).toBe(400);
      expect((await call(h.url, 'GET', '/v1/setup')).json).toEqual({ needed: true });
      expect((await call(h.url, 'POST', '/v1/setup', { body })).json).toEqual({ ok: true, email: 'ana@acme.test' });
      expect((await call(h.url, 'GET', '/v1/setup')).json).toEqual({ needed: false });
      // once only: nobody takes a hub over through it
      expect((await call(h.url, 'POST', '/v1/setup', { body: { ...body, email: 'mallory@evil.test' } })).json.error.code).toBe('already_set_up');
      const tok = await login(h.url, 'ana@acme.test', 'first-admin-pass');
      const teams = (await call(h.url, 'GET', '/v1/admin/teams', { token: tok })).json.teams.map((t: { name: string }) => t.name);
      expect(teams).toEqual(expect.arrayContaining(['Support', 'Product quality', 'Store operations', 'Product management', 'Loyalty']));
      const items = (await call(h.url, 'GET', '/v1/admin/checklist', { token: tok })).json.items;
      expect(items.map((i: { id: string; done: boolean }) => [i.id, i.done])).toEqual([['channel', false], ['people', false], ['hours', false], ['rules', false]]);
    } finally {
      await h.close();
      await fresh.close();
    }
  });
});

describe('disabling a person (People shows it)', () => {
  it('a disabled person is listed disabled, cannot sign in, and is listed enabled again after enabling', async () => {
    const disabled = await api(admin, 'POST', `/v1/admin/agents/${w.agentB}/disable`);
    expect(disabled.status, disabled.text).toBe(200);
    const row = async () => (await api(admin, 'GET', '/v1/admin/agents')).json.agents.find((a: { id: string }) => a.id === w.agentB);
    expect((await row()).disabled).toBe(true);
    expect((await call(hub.url, 'POST', '/v1/auth/login', { body: { email: w.emails.b, password: PASSWORD } })).status).toBeGreaterThanOrEqual(400);
    expect((await api(admin, 'POST', `/v1/admin/agents/${w.agentB}/enable`)).status).toBe(200);
    expect((await row()).disabled).toBe(false);
  });
});
