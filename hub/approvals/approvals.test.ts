/**
 * Approvals for public replies on the hub (PGlite, and the PostgreSQL server in test:pg): the rules
 * hold a public reply, nothing is sent before an approval, an approval sends once through the
 * dispatcher, a rejection never sends, and only supervisors and admins decide.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalQueueSchema, ApprovalSettingsViewSchema, DEFAULT_APPROVAL_RULES, type ApprovalRules } from '../../shared/contract/approvals';
import { MessageSchema } from '../../shared/domain';
import { createAgent } from '../accounts/admin';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { conversation, PASSWORD, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { waitForDelivery } from '../../testing/hub/wait';
import type { Loose } from '../../testing/json';
import { releaseApproval, requireApproval, setApprovalRules } from './store';

let db: Db;
let hub: Hub;
let w: World;
let tokens: { a: string; b: string; boss: string; admin: string };

beforeAll(async () => {
  db = await openTestDb('approvals');
  hub = await startHub({ database: db, analysis: false, outbound: { dispatcher: { pollMs: 20 } } });
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});
beforeEach(async () => {
  await hub.dispatcher!.idle(); // the last test's sends settle before their rows go
  await truncateAll(db);
  w = await seedWorld(hub.log);
  await createAgent(hub.log, { workspaceId: w.ws, email: 'admin@test.tend', name: 'Admin', password: PASSWORD, role: 'admin', teamIds: [] });
  tokens = {
    a: await login(hub.url, w.emails.a), b: await login(hub.url, w.emails.b),
    boss: await login(hub.url, w.emails.supervisor), admin: await login(hub.url, 'admin@test.tend'),
  };
});

const rules = (over: Partial<ApprovalRules>): ApprovalRules => ({ ...DEFAULT_APPROVAL_RULES, ...over });

async function reply(convId: string, text: string, visibility: 'public' | 'private' = 'public', token = tokens.a, mutationId = randomUUID(), messageId = randomUUID()) {
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [
    { id: mutationId, type: 'reply', args: { conversation_id: convId, message_id: messageId, text, visibility } }] } });
  expect(r.status, r.text).toBe(200);
  return { result: r.json.results[0] as Loose, messageId, mutationId };
}
const message = async (id: string) => {
  const [m] = await db.query<{ data: Loose }>(`SELECT data FROM changes WHERE entity = 'message' AND entity_id = $1 ORDER BY sync_id DESC LIMIT 1`, [id]);
  return MessageSchema.parse(m.data);
};
const sends = async (id: string) => (await db.query('SELECT 1 FROM sandbox_posts WHERE message_id = $1', [id])).length;
const approve = (id: string, token = tokens.boss, body: Record<string, unknown> = {}) => call(hub.url, 'POST', `/v1/approvals/${id}/approve`, { token, body });
const reject = (id: string, note: string, token = tokens.boss) => call(hub.url, 'POST', `/v1/approvals/${id}/reject`, { token, body: { note } });

describe('approvals for public replies', () => {
  it('without rules a public reply is queued and sent as before', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { result, messageId } = await reply(c.id, 'Hi there');
    expect(result.value.awaiting_approval).toBeUndefined();
    await waitForDelivery(hub, messageId);
  });

  it('a public reply the rules hold waits for approval: nothing sent, the SLA keeps running; a private one is not held', async () => {
    await setApprovalRules(db, w.ws, rules({ agents_in_training: [w.agentA] }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { result, messageId } = await reply(c.id, 'We are sorry!');
    expect(result).toMatchObject({ ok: true, value: { awaiting_approval: true, reasons: ['agent in training'] } });
    const m = await message(messageId);
    expect(m).toMatchObject({ delivery: 'awaiting_approval', delivery_error: 'awaiting approval: agent in training', text: 'We are sorry!' });
    const [conv] = await db.query<{ first_response_at: Date | null }>('SELECT first_response_at FROM conversations WHERE id = $1', [c.id]);
    expect(conv.first_response_at).toBeNull();
    const priv = await reply(c.id, 'a private word', 'private');
    await waitForDelivery(hub, priv.messageId);
    await hub.dispatcher!.idle();
    expect(await sends(messageId)).toBe(0);
    expect((await message(messageId)).delivery).toBe('awaiting_approval');
  });

  it('an approver approves by id: the reply goes through the dispatcher once; a second approval is refused and sends nothing', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'Hello, checking');
    const ok = await approve(messageId);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ id: messageId, decision: 'approved', delivery: 'queued', decided_by: w.supervisor });
    const again = await approve(messageId, tokens.admin);
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'already_decided' });
    expect(again.json.error.message).toContain('approved by Boss');
    await waitForDelivery(hub, messageId);
    await hub.dispatcher!.idle();
    expect(await sends(messageId)).toBe(1);
    const [conv] = await db.query<{ first_response_at: Date | null }>('SELECT first_response_at FROM conversations WHERE id = $1', [c.id]);
    expect(conv.first_response_at).not.toBeNull();
  });

  it('approvals racing each other (and a reject) decide once and send once', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'race me');
    const answers = await Promise.all([approve(messageId), approve(messageId, tokens.admin), reject(messageId, 'no'), approve(messageId)]);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(3);
    const won = answers.find((r) => r.status === 200)!;
    const final = await waitForDelivery(hub, messageId, won.json.decision === 'rejected' ? ['rejected'] : ['sent']);
    await hub.dispatcher!.idle();
    expect(await sends(messageId)).toBe(final.delivery === 'sent' ? 1 : 0);
  });

  it('edit-and-approve sends the approver\'s text; the agent\'s own text is kept with the approval', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'sorry we messed up lol');
    const r = await approve(messageId, tokens.boss, { text: 'We are sorry: we are fixing it now.' });
    expect(r.json).toMatchObject({ decision: 'edited' });
    await waitForDelivery(hub, messageId);
    const [posted] = await db.query<{ text: string }>('SELECT text FROM sandbox_posts WHERE message_id = $1', [messageId]);
    expect(posted.text).toBe('We are sorry: we are fixing it now.');
    expect((await message(messageId)).text).toBe('We are sorry: we are fixing it now.');
    const [a] = await db.query<{ original_text: string; decision: string }>('SELECT original_text, decision FROM approvals WHERE message_id = $1', [messageId]);
    expect(a).toEqual({ original_text: 'sorry we messed up lol', decision: 'edited' });
    // an edit over the channel's limit is refused and decides nothing
    const { messageId: other } = await reply(c.id, 'short');
    const long = await approve(other, tokens.boss, { text: 'x'.repeat(300) });
    expect(long.status).toBe(400);
    expect((await message(other)).delivery).toBe('awaiting_approval');
  });

  it('a rejection with a note never sends; the note is on the reply for the agent, and it cannot be approved after', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'Call our lawyer');
    const empty = await reject(messageId, '  ');
    expect(empty.status).toBe(400);
    const r = await reject(messageId, 'No legal talk in public, offer a DM');
    expect(r.status, r.text).toBe(200);
    expect(await message(messageId)).toMatchObject({ delivery: 'rejected', delivery_error: 'rejected by Boss: No legal talk in public, offer a DM', text: 'Call our lawyer' });
    expect((await approve(messageId)).status).toBe(409);
    await hub.dispatcher!.idle();
    expect(await sends(messageId)).toBe(0);
  });

  // Each desktop of the author put the rejected text back, so it returned on every new desktop after
  // he had cleared it: the hub now hands it to the first desktop that takes it back, and to no other.
  it('a rejected reply\'s text is taken back once per author: another desktop\'s take-back is refused; not by someone else, not once resolved', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'Call our lawyer');
    const takeBack = async (token: string, id = randomUUID(), convId = c.id) => {
      const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [{ id, type: 'take_back_rejected', args: { conversation_id: convId, message_id: messageId } }] } });
      expect(r.status, r.text).toBe(200);
      return r.json.results[0] as Loose;
    };
    // nothing to take back while it waits
    expect(await takeBack(tokens.a)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await reject(messageId, 'No legal talk')).status).toBe(200);
    // someone else (Ben, in the team) cannot take it
    expect(await takeBack(tokens.b)).toMatchObject({ ok: false });
    const first = randomUUID();
    expect(await takeBack(tokens.a, first)).toEqual({ id: first, ok: true, value: { message_id: messageId, text: 'Call our lawyer', visibility: 'public', note: 'rejected by Boss: No legal talk' } });
    // the same desktop asking again (its answer was lost) gets the same answer; another desktop gets nothing
    expect(await takeBack(tokens.a, first)).toMatchObject({ ok: true, value: { text: 'Call our lawyer' } });
    expect(await takeBack(tokens.a)).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('another desktop') } });
    // a conversation no longer open is refused before anything else
    const c2 = await conversation(hub.log, w, { assignee: w.agentA });
    const second = await reply(c2.id, 'Sue them');
    expect((await reject(second.messageId, 'no')).status).toBe(200);
    await hub.log.write(async (wr) => { await wr.update('conversation', c2.id, { status: 'resolved' }); });
    const r = await call(hub.url, 'POST', '/v1/mutations', { token: tokens.a, body: { mutations: [{ id: randomUUID(), type: 'take_back_rejected', args: { conversation_id: c2.id, message_id: second.messageId } }] } });
    expect(r.json.results[0]).toMatchObject({ ok: false, error: { code: 'conversation_resolved' } });
  });

  it('only supervisors and admins see the queue and decide, never on their own reply', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const { messageId } = await reply(c.id, 'mine');
    expect((await approve(messageId, tokens.a)).status).toBe(403);
    expect((await approve(messageId, tokens.b)).status).toBe(403);
    expect((await reject(messageId, 'x', tokens.a)).status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/approvals', { token: tokens.a })).status).toBe(403);
    // the supervisor's own reply waits for someone else
    const own = await reply(c.id, 'boss here', 'public', tokens.boss);
    expect((await approve(own.messageId, tokens.boss)).status).toBe(403);
    expect((await approve(own.messageId, tokens.admin)).status).toBe(200);
    // another workspace's id is unknown
    expect((await approve(randomUUID())).status).toBe(404);
    expect((await message(messageId)).delivery).toBe('awaiting_approval');
  });

  it('the queue lists each waiting reply with its conversation, and says when several wait on one', async () => {
    await setApprovalRules(db, w.ws, rules({ followers_over: 5 }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const first = await reply(c.id, 'one');
    const second = await reply(c.id, 'two');
    const q = await call(hub.url, 'GET', '/v1/approvals', { token: tokens.boss });
    expect(q.status, q.text).toBe(200);
    const { pending } = ApprovalQueueSchema.parse(q.json);
    expect(pending.map((p) => p.id)).toEqual([first.messageId, second.messageId]);
    expect(pending[0]).toMatchObject({ conversation_id: c.id, agent_name: 'Agent A', pending_on_conversation: 2, reasons: ['customer has 10 followers (over 5)'] });
    expect(pending[0].messages.map((m) => m.text)).toEqual(['hello from customer1', 'one', 'two']);
    expect(pending[0].customer?.followers).toBe(10);
    // the floor pushed to supervisors says how many wait; a held reply is not yet one the agent sent
    const floor = async () => (await call(hub.url, 'GET', '/v1/supervisor/floor', { token: tokens.boss })).json as Loose;
    expect((await floor()).approvals_pending).toBe(2);
    expect((await floor()).agents.find((a: Loose) => a.id === w.agentA).replies_per_hour).toBe(0);
    await approve(first.messageId);
    expect((await floor()).approvals_pending).toBe(1);
    expect((await floor()).agents.find((a: Loose) => a.id === w.agentA).replies_per_hour).toBe(1);
    const after = ApprovalQueueSchema.parse((await call(hub.url, 'GET', '/v1/approvals', { token: tokens.boss })).json);
    expect(after.pending.map((p) => [p.id, p.pending_on_conversation])).toEqual([[second.messageId, 1]]);
  });

  it('a repeated reply mutation is answered from the store: one message, one approval', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const first = await reply(c.id, 'once');
    const again = await reply(c.id, 'once', 'public', tokens.a, first.mutationId, first.messageId);
    expect(again.result).toEqual(first.result);
    expect(await db.query('SELECT 1 FROM approvals WHERE message_id = $1', [first.messageId])).toHaveLength(1);
  });

  it('admins edit the rules, checked whole; supervisors read them; agents neither', async () => {
    const body = rules({ followers_over: 10_000, verified: true, topics: ['legal', 'safety'], keywords: ['lawsuit'], agents_in_training: [w.agentA], confidence_below: 0.4 });
    expect((await call(hub.url, 'PUT', '/v1/admin/approvals', { token: tokens.boss, body })).status).toBe(403);
    expect((await call(hub.url, 'GET', '/v1/admin/approvals', { token: tokens.a })).status).toBe(403);
    const bad = await call(hub.url, 'PUT', '/v1/admin/approvals', { token: tokens.admin, body: { ...body, followers_over: -3 } });
    expect(bad.status).toBe(400);
    const unknown = await call(hub.url, 'PUT', '/v1/admin/approvals', { token: tokens.admin, body: { ...body, agents_in_training: ['nobody'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('nobody');
    const ok = await call(hub.url, 'PUT', '/v1/admin/approvals', { token: tokens.admin, body });
    expect(ok.status, ok.text).toBe(200);
    const view = ApprovalSettingsViewSchema.parse((await call(hub.url, 'GET', '/v1/admin/approvals', { token: tokens.boss })).json);
    expect(view.rules).toEqual(body);
    expect(view.agents.map((a) => a.name)).toContain('Agent A');
    const [audit] = await db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action = 'approvals.rules_changed'`);
    expect(audit).toBeDefined();
  });

  it('another feature requires approval for a topic (crisis mode) and releases it', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    await hub.log.write((wr) => wr.update('conversation', c.id, { analysis: { topic: 'outage' } }));
    await requireApproval(db, w.ws, { key: 'crisis:1', topic: 'outage', reason: 'crisis mode: outage' });
    const held = await reply(c.id, 'we know, fixing');
    expect(held.result.value).toMatchObject({ awaiting_approval: true, reasons: ['crisis mode: outage (topic outage)'] });
    const view = ApprovalSettingsViewSchema.parse((await call(hub.url, 'GET', '/v1/admin/approvals', { token: tokens.admin })).json);
    expect(view.holds).toMatchObject([{ key: 'crisis:1', topic: 'outage' }]);
    expect(await releaseApproval(db, w.ws, 'crisis:1')).toBe(true);
    const free = await reply(c.id, 'all good now');
    expect(free.result.value.awaiting_approval).toBeUndefined();
    expect((await message(held.messageId)).delivery).toBe('awaiting_approval'); // released: what waits still waits for a decision
  });

  it('approval time is in the metrics report, per approver and per team; a held reply is no response until approved', async () => {
    await setApprovalRules(db, w.ws, rules({ all_public: true }), w.supervisor);
    const c1 = await conversation(hub.log, w, { assignee: w.agentA });
    const c2 = await conversation(hub.log, w, { assignee: w.agentB, team: w.teamB });
    const r1 = await reply(c1.id, 'first');
    const r2 = await reply(c2.id, 'second', 'public', tokens.b);
    const r3 = await reply(c1.id, 'third');
    const from = new Date(Date.now() - 3600_000).toISOString(), to = new Date(Date.now() + 3600_000).toISOString();
    const report = async () => {
      const r = await call(hub.url, 'GET', `/v1/metrics/report?from=${from}&to=${to}`, { token: tokens.boss });
      expect(r.status, r.text).toBe(200);
      return r.json as Loose;
    };
    const before = await report();
    expect(before.total.first_response.count).toBe(0); // held replies have not answered anyone yet
    expect(before.approvals.pending).toMatchObject({ count: 3 });
    await approve(r1.messageId);
    await reject(r2.messageId, 'not like this', tokens.admin);
    const after = await report();
    expect(after.total.first_response.count).toBe(1);
    expect(after.approvals.total).toMatchObject({ decided: 2, approved: 1, rejected: 1 });
    expect(after.approvals.total.median_s).toBeGreaterThanOrEqual(0);
    expect(after.approvals.by_approver.map((a: Loose) => [a.name, a.decided])).toEqual([['Admin', 1], ['Boss', 1]]);
    expect(after.approvals.by_team.map((t: Loose) => [t.name, t.decided, t.rejected])).toEqual([['Team A', 1, 0], ['Team B', 1, 1]]);
    expect(after.approvals.pending).toMatchObject({ count: 1 });
    expect(r3.result.value.awaiting_approval).toBe(true);
  });
});
