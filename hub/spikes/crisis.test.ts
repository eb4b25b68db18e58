/**
 * Crisis mode (issue 15): a supervisor turns it on for a topic with a holding statement and a team;
 * new conversations of the topic go to that team; every agent reads it (banner, pinned statement);
 * turning it off restores routing; who and when are kept, in the audit log too; bad requests change nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import { runReport } from '../metrics/cli';
import { allReportSections } from '../report-sections';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { CrisisListResponseSchema, CrisisResponseSchema } from '../../shared/contract/spikes';

let db: Db;
let hub: Hub;
let w: World;
let boss: string;
let agent: string;

const teamOf = async (conversationId: string) =>
  (await hub.db.query<{ team_id: string | null }>('SELECT team_id FROM conversations WHERE id = $1', [conversationId]))[0]!.team_id;
const deliveryPost = async (handle: string) =>
  (await hub.ingestor(w.ws).ingest(post({ handle, text: 'my parcel was never delivered, where is it?', created_at: new Date().toISOString() }))).conversation_id;
/** agent A's public reply on a conversation assigned to A: what the hub answered (held for approval or not) */
const replyAsA = async (conversationId: string, text: string) => {
  await hub.log.write(async (wr) => { await wr.update('conversation', conversationId, { assignee_id: w.agentA }); });
  const r = await call(hub.url, 'POST', '/v1/mutations', { token: agent, body: { mutations: [
    { id: randomUUID(), type: 'reply', args: { conversation_id: conversationId, message_id: randomUUID(), text, visibility: 'public' } }] } });
  expect(r.status, r.text).toBe(200);
  return r.json.results[0] as { ok: boolean; value: { awaiting_approval?: boolean; reasons?: string[] } };
};
const crises = async (token: string) => CrisisListResponseSchema.parse((await call(hub.url, 'GET', '/v1/crisis', { token })).json);

beforeAll(async () => {
  db = await openTestDb('spikes_crisis');
  hub = await startHub({ database: db, channels: false, outbound: { dispatcher: false }, snoozeCheckMs: 0, routing: { tickMs: 50 }, spikes: { sweepMs: 0 } });
  w = await seedWorld(hub.log);
  await hub.routing!.teamsChanged(w.ws);
  boss = await login(hub.url, w.emails.supervisor);
  agent = await login(hub.url, w.emails.a);
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await db?.close();
});

describe('crisis mode', () => {
  it('routes the topic to the chosen team while it is on, shows it to every agent, and restores routing when off; logged', async () => {
    const before = await deliveryPost('before');
    const usual = await teamOf(before);
    expect(usual).not.toBeNull();
    const crisisTeam = usual === w.teamA ? w.teamB : w.teamA;

    const on = await call(hub.url, 'POST', '/v1/crisis', { token: boss, body: { topic: 'Delivery', holding_statement: 'We know parcels are late today and are on it.', team_id: crisisTeam } });
    expect(on.status, on.text).toBe(200);
    const crisis = CrisisResponseSchema.parse(on.json).crisis;
    expect(crisis).toMatchObject({ topic: 'delivery', team_id: crisisTeam, started_by: { id: w.supervisor, name: 'Boss' }, ended_at: null, ended_by: null });
    // every agent reads it: the banner and the pinned holding statement come from here
    expect((await crises(agent)).active).toEqual([crisis]);

    const during = await deliveryPost('during');
    expect(await teamOf(during)).toBe(crisisTeam);
    // a post on another topic routes as before
    const other = (await hub.ingestor(w.ws).ingest(post({ handle: 'billing', text: 'I was charged twice on my invoice' }))).conversation_id;
    expect(await teamOf(other)).toBe(usual);

    const off = await call(hub.url, 'POST', `/v1/crisis/${crisis.id}/end`, { token: boss });
    expect(off.status, off.text).toBe(200);
    expect(CrisisResponseSchema.parse(off.json).crisis).toMatchObject({ id: crisis.id, ended_by: { id: w.supervisor, name: 'Boss' }, ended_at: expect.any(String) });
    const after = await deliveryPost('after');
    expect(await teamOf(after)).toBe(usual);
    // conversations placed while it was on stay where they are
    expect(await teamOf(during)).toBe(crisisTeam);
    const list = await crises(agent);
    expect(list.active).toEqual([]);
    expect(list.recent.map((c) => c.id)).toEqual([crisis.id]);

    const audit = await hub.db.query<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit_log WHERE action LIKE 'crisis.%' ORDER BY id`);
    expect(audit).toEqual([{ action: 'crisis.started', actor_id: w.supervisor }, { action: 'crisis.ended', actor_id: w.supervisor }]);
    // its effect, measured: the crisis period in the workspace's report, with what arrived on the topic while it was on
    const day = new Date().toISOString().slice(0, 10);
    const report = (await call(hub.url, 'GET', `/v1/metrics/report?from=${day}&to=${day}`, { token: boss })).json as { crisis_periods: unknown[] };
    expect(report.crisis_periods).toEqual([expect.objectContaining({
      crisis_id: crisis.id, topic: 'delivery', started_by: 'Boss', ended_by: 'Boss', conversations: 1, answered: 0, resolved: 0,
      first_response_s: { mean: null, median: null }, sentiment: expect.objectContaining({ during: expect.any(Number) }),
    })]);
    // `npm run hub -- report` prints the same sections (issue 15: the command lacked them)
    let printed = '';
    expect(await runReport(['report', '--from', day, '--to', day, '--workspace', w.ws], { db: hub.db, sections: allReportSections, stdout: (t) => { printed += t; } })).toBe(0);
    const fromCommand = JSON.parse(printed) as { crisis_periods: unknown[]; quality: unknown; adherence: unknown };
    expect(fromCommand.crisis_periods).toEqual(report.crisis_periods);
    expect(fromCommand.quality).toEqual((report as unknown as { quality: unknown }).quality);
    expect(fromCommand).toHaveProperty('adherence');
    let csv = '';
    expect(await runReport(['report', '--from', day, '--to', day, '--workspace', w.ws, '--format', 'csv'], { db: hub.db, sections: allReportSections, stdout: (t) => { csv += t; } })).toBe(0);
    expect(csv.split('\r\n')[0]).toContain('crisis');
    // an agent's own figures carry no crisis periods
    expect((await call(hub.url, 'GET', `/v1/metrics/me?from=${day}&to=${day}`, { token: agent })).json).not.toHaveProperty('crisis_periods');
    // the routing rule it added is gone: the rules are as they were
    const config = (await call(hub.url, 'GET', '/v1/routing/config', { token: boss })).json as { config: { rules: Array<{ id: string }> } };
    expect(config.config.rules.filter((r) => r.id.startsWith('crisis-'))).toEqual([]);
  });

  it("holds public replies on the topic for a supervisor's approval while it is on, and no longer once it ends", async () => {
    const on = await call(hub.url, 'POST', '/v1/crisis', { token: boss, body: { topic: 'Delivery', holding_statement: 'We know parcels are late today.' } });
    expect(on.status, on.text).toBe(200);
    const crisis = CrisisResponseSchema.parse(on.json).crisis;
    const held = await replyAsA(await deliveryPost('held'), 'So sorry, we are on it.');
    expect(held).toMatchObject({ ok: true, value: { awaiting_approval: true } });
    expect(held.value.reasons!.join(' ')).toMatch(/crisis/);
    // another topic's replies go out as before
    const billing = (await hub.ingestor(w.ws).ingest(post({ handle: 'billing2', text: 'I was charged twice on my invoice' }))).conversation_id;
    expect((await replyAsA(billing, 'Let me check the invoice.')).value.awaiting_approval).toBeUndefined();

    expect((await call(hub.url, 'POST', `/v1/crisis/${crisis.id}/end`, { token: boss })).status).toBe(200);
    expect((await replyAsA(await deliveryPost('after-crisis'), 'It is on its way.')).value.awaiting_approval).toBeUndefined();
  });

  it('refuses what it cannot do, and changes nothing', async () => {
    const count = async () => (await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM crisis_modes'))[0]!.n;
    const n = await count();
    const body = { topic: 'refund', holding_statement: 'We are looking into refunds.', team_id: null };
    expect((await call(hub.url, 'POST', '/v1/crisis', { token: agent, body })).status).toBe(403);
    expect((await call(hub.url, 'POST', '/v1/crisis', { token: boss, body: { ...body, holding_statement: '  ' } })).status).toBe(400);
    expect((await call(hub.url, 'POST', '/v1/crisis', { token: boss, body: { ...body, team_id: 'no-such-team' } })).status).toBe(404);
    expect((await call(hub.url, 'POST', '/v1/crisis', { token: boss, body: { ...body, alert_id: 'no-such-alert' } })).status).toBe(404);
    expect((await call(hub.url, 'GET', '/v1/crisis')).status).toBe(401);
    expect(await count()).toBe(n);

    const first = await call(hub.url, 'POST', '/v1/crisis', { token: boss, body });
    expect(first.status).toBe(200);
    expect((await call(hub.url, 'POST', '/v1/crisis', { token: boss, body })).status).toBe(409);
    const id = CrisisResponseSchema.parse(first.json).crisis.id;
    expect((await call(hub.url, 'POST', `/v1/crisis/${id}/end`, { token: agent })).status).toBe(403);
    expect((await call(hub.url, 'POST', `/v1/crisis/${id}/end`, { token: boss })).status).toBe(200);
    expect((await call(hub.url, 'POST', `/v1/crisis/${id}/end`, { token: boss })).status).toBe(409);
    expect((await call(hub.url, 'POST', '/v1/crisis/nope/end', { token: boss })).status).toBe(404);
    expect(await count()).toBe(n + 1);
  });
});
