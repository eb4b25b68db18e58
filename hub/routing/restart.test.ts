/**
 * Routing state survives restarts, and rule changes never move live work (issue 10, item 1).
 * A real hub on durable storage (a PGlite data dir, or a schema on TEST_DATABASE_URL's server) is
 * closed and started again between the steps; what a user sees must not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startHub, type Hub, type StartHubOptions } from '../hub';
import { createTeam } from '../accounts/admin';
import { scopeSnapshot } from '../sync/scope';
import { reportFromDb } from '../metrics/store';
import { durableTestStorage } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { HubInsightsResponseSchema, RulesApplyResponseSchema, RulesPreviewResponseSchema, RuleVersionResponseSchema, RuleVersionsResponseSchema } from '../../shared/contract/routing';

const { storage, drop: dropStorage } = durableTestStorage('routing_restart');
const errors: unknown[] = [];
const options = (): StartHubOptions => ({
  ...storage, analysis: false, channels: false, outbound: { dispatcher: false }, snoozeCheckMs: 0,
  routing: { tickMs: 50, onError: (e) => { errors.push(e); } },
});

let hub: Hub;
let w: World;
let dept: string;

async function restart(): Promise<void> {
  await hub.close();
  hub = await startHub(options());
  await settled();
}

/** routing has loaded the workspace and written everything it decided */
async function settled(): Promise<void> {
  await hub.routing!.workspace(w.ws);
  await hub.routing!.settled();
}

const conv = async (id: string) => (await hub.db.query<{ assignee_id: string | null; team_id: string | null; status: string }>(
  'SELECT assignee_id, team_id, status FROM conversations WHERE id = $1', [id]))[0];
const inScope = async (agentId: string, id: string) => (await scopeSnapshot(hub.db, agentId)).conversations.some((c) => c.id === id);
const storedInsights = async () => hub.db.query<{ id: string; conversation_id: string; status: string; opened_at: Date; closed_at: Date | null; resolution: string | null }>(
  'SELECT id, conversation_id, status, opened_at, closed_at, resolution FROM insights ORDER BY opened_at, id');

async function ingest(text: string, handle: string, inReplyTo: string | null = null) {
  const p = post({ handle, text, in_reply_to: inReplyTo, created_at: new Date().toISOString() });
  const r = await hub.ingestor(w.ws).ingest(p);
  await hub.routing!.settled();
  return { ...r, platform_id: p.platform_id };
}

beforeAll(async () => {
  await dropStorage();
  // the world first, with its department, so routing loads the workspace with every team
  hub = await startHub({ ...options(), routing: false });
  w = await seedWorld(hub.log);
  dept = await createTeam(hub.db, w.ws, 'Product quality', 'department');
  await hub.close();
  hub = await startHub(options());
  await settled();
});
afterAll(async () => {
  await hub?.close();
  await dropStorage();
});

describe('routing across restarts', () => {
  it('a rule added at run time and a restart move no live work; insights keep their state and times; follow-ups reach a person', async () => {
    const sup = await login(hub.url, w.emails.supervisor);
    const tokA = await login(hub.url, w.emails.a);
    expect((await call(hub.url, 'PUT', '/v1/routing/presence', { token: tokA, body: { activity_id: 'available' } })).status).toBe(200);

    // an answered conversation of agent A that the coming rule would match
    const c1 = await ingest('my kettle lid is cracked', 'pia');
    const reply = await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [{ id: randomUUID(), type: 'reply',
      args: { conversation_id: c1.conversation_id, message_id: randomUUID(), text: 'Sorry to hear that! DM us your order number.', visibility: 'public' } }] } });
    expect(reply.json.results[0].ok).toBe(true);
    await hub.routing!.settled();
    expect(await conv(c1.conversation_id)).toMatchObject({ assignee_id: w.agentA, team_id: w.teamA, status: 'open' });

    // keywords → the product-quality department, added while the hub runs
    const put = await call(hub.url, 'PUT', '/v1/routing/rules', { token: sup, body: { rules: [
      { id: 'cracked', name: 'Cracked products to quality', filters: [{ field: 'keywords', op: 'any', values: ['cracked'] }], targets: [{ queue_id: `q-${dept}` }] },
    ] } });
    expect(put.status, put.text).toBe(200);
    expect(put.json.rules_version).toBe(2);
    await hub.routing!.settled();
    expect(await conv(c1.conversation_id)).toMatchObject({ assignee_id: w.agentA, team_id: w.teamA });

    // two new posts become insights; one is closed with a resolution
    const c2 = await ingest('the handle cracked on day two', 'quinn');
    const c3 = await ingest('cracked seal on the lid', 'rui');
    expect(await conv(c2.conversation_id)).toMatchObject({ team_id: dept, assignee_id: null });
    const listed = await call(hub.url, 'GET', '/v1/routing/insights', { token: sup });
    expect(listed.json.insights).toHaveLength(2);
    const i3 = listed.json.insights.find((i: { conversation_id: string }) => i.conversation_id === c3.conversation_id);
    const closed = await call(hub.url, 'POST', `/v1/routing/insights/${i3.id}/close`, { token: sup, body: { resolution: 'supplier batch 42 recalled' } });
    expect(closed.status, closed.text).toBe(200);
    const before = await storedInsights();
    expect(before.map((i) => i.status).sort()).toEqual(['closed', 'open']);
    const scopeA = await scopeSnapshot(hub.db, w.agentA);
    const scopeBoss = await scopeSnapshot(hub.db, w.supervisor);

    await restart();

    // nothing a user can see changed: assignments, scopes, insights with their state and times
    expect(await conv(c1.conversation_id)).toMatchObject({ assignee_id: w.agentA, team_id: w.teamA, status: 'open' });
    expect(await scopeSnapshot(hub.db, w.agentA)).toEqual(scopeA);
    expect(await scopeSnapshot(hub.db, w.supervisor)).toEqual(scopeBoss);
    expect(await storedInsights()).toEqual(before);
    const after = await call(hub.url, 'GET', '/v1/routing/insights', { token: sup });
    HubInsightsResponseSchema.parse(after.json);
    expect(after.json.insights.map((i: { id: string; status: string; opened_at: number }) => [i.id, i.status, i.opened_at]).sort())
      .toEqual(before.map((i) => [i.id, i.status, new Date(i.opened_at).getTime()]).sort());
    const today = { from: Date.now() - 86_400_000, to: Date.now() + 86_400_000 };
    expect((await reportFromDb(hub.db, w.ws, today)).total.insights).toMatchObject({ routed: 2, closed: 1, open: 1 });
    // a closed insight stays closed
    const again = await call(hub.url, 'POST', `/v1/routing/insights/${i3.id}/close`, { token: sup, body: { resolution: 'again' } });
    expect(again.status).toBe(409);

    // the customer of an open insight writes again: it reaches care (A is available: offered to A, else in A's team queue)
    await ingest('hello? anyone there?', 'quinn', c2.platform_id);
    const followed = await conv(c2.conversation_id);
    expect(followed.team_id).toBe(w.teamA);
    expect(await inScope(w.agentA, c2.conversation_id)).toBe(true);
    // the department's insight is as it was
    expect((await storedInsights()).find((i) => i.conversation_id === c2.conversation_id)).toEqual(before.find((i) => i.conversation_id === c2.conversation_id));

    // the customer of a resolved conversation writes again: back to its owner, whatever the rules say now
    const res = await call(hub.url, 'POST', '/v1/mutations', { token: tokA, body: { mutations: [{ id: randomUUID(), type: 'set_status', args: { conversation_id: c1.conversation_id, status: 'resolved' } }] } });
    expect(res.json.results[0].ok).toBe(true);
    await restart();
    await ingest('it cracked again', 'pia', c1.platform_id);
    expect(await conv(c1.conversation_id)).toMatchObject({ assignee_id: w.agentA, team_id: w.teamA, status: 'open' });
    expect(await storedInsights()).toHaveLength(2);

    expect(errors).toEqual([]);
  });

  it('rules move waiting work only when asked (preview, then apply with the version previewed); each change is a version with who and when', async () => {
    const sup = await login(hub.url, w.emails.supervisor);
    const tokA = await login(hub.url, w.emails.a);
    // nobody takes offers: new work waits in the queue
    expect((await call(hub.url, 'PUT', '/v1/routing/presence', { token: tokA, body: { activity_id: 'break' } })).status).toBe(200);
    const c4 = await ingest('where is my invoice', 'sol');
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamA, assignee_id: null });

    const rules = (await call(hub.url, 'GET', '/v1/routing/config', { token: sup })).json.config.rules;
    const invoice = { id: 'invoice', name: 'Invoices to team B', filters: [{ field: 'keywords', op: 'any', values: ['invoice'] }], targets: [{ queue_id: `q-${w.teamB}` }] };
    const put = await call(hub.url, 'PUT', '/v1/routing/rules', { token: sup, body: { rules: [...rules, invoice] } });
    expect(put.json.rules_version).toBe(3);
    await hub.routing!.settled();
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamA, assignee_id: null });
    await restart();
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamA, assignee_id: null });

    const preview = await call(hub.url, 'POST', '/v1/routing/rules/preview', { token: sup, body: {} });
    expect(preview.status, preview.text).toBe(200);
    RulesPreviewResponseSchema.parse(preview.json);
    expect(preview.json).toEqual({ rules_version: 3, moves: [{
      conversation_id: c4.conversation_id, from_queue_id: `q-${w.teamA}`, from_team_id: w.teamA, to_queue_id: `q-${w.teamB}`, to_team_id: w.teamB, rule_id: 'invoice', insight: false,
    }] });
    // a proposal is previewed without being saved
    expect((await call(hub.url, 'POST', '/v1/routing/rules/preview', { token: sup, body: { rules: [] } })).json.moves).toEqual([]);
    expect((await call(hub.url, 'POST', '/v1/routing/rules/preview', { token: sup, body: { rules: [{ id: 'x' }] } })).status).toBe(400);
    // agents may not, and a stale preview is refused: nothing moves
    expect((await call(hub.url, 'POST', '/v1/routing/rules/apply', { token: tokA, body: { rules_version: 3 } })).status).toBe(403);
    const stale = await call(hub.url, 'POST', '/v1/routing/rules/apply', { token: sup, body: { rules_version: 2 } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('rules_changed');
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamA });
    const applied = await call(hub.url, 'POST', '/v1/routing/rules/apply', { token: sup, body: { rules_version: 3, conversation_ids: [c4.conversation_id] } });
    expect(applied.status, applied.text).toBe(200);
    RulesApplyResponseSchema.parse(applied.json);
    expect(applied.json.moved.map((m: { conversation_id: string }) => m.conversation_id)).toEqual([c4.conversation_id]);
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamB, assignee_id: null });
    await restart();
    expect(await conv(c4.conversation_id)).toMatchObject({ team_id: w.teamB, assignee_id: null });

    const versions = await call(hub.url, 'GET', '/v1/routing/rules/versions', { token: sup });
    RuleVersionsResponseSchema.parse(versions.json);
    RuleVersionResponseSchema.parse((await call(hub.url, 'GET', '/v1/routing/rules/versions/1', { token: sup })).json);
    expect(versions.json.current).toBe(3);
    expect(versions.json.versions.map((v: { version: number; changed_by: string | null; rules: number }) => [v.version, v.changed_by, v.rules]))
      .toEqual([[3, w.supervisor, 2], [2, w.supervisor, 1], [1, null, 0]]);
    expect(versions.json.versions[0].changed_by_name).toBe('Boss');
    expect((await call(hub.url, 'GET', '/v1/routing/rules/versions/2', { token: sup })).json.rules.map((r: { id: string }) => r.id)).toEqual(['cracked']);
    expect((await call(hub.url, 'GET', '/v1/routing/rules/versions/9', { token: sup })).status).toBe(404);
    expect((await call(hub.url, 'GET', '/v1/routing/rules/versions', { token: tokA })).status).toBe(403);
    expect(errors).toEqual([]);
  });
});
