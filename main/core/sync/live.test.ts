/** The sync engine against a real hub: live push, refusals coming back as drafts, team changes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LocalDesktopService } from '../core';
import { startWorld, type Tenant, type World } from '../../../testing/desktop/hub-harness';
import { cacheEntities } from '../../../testing/desktop/compare';
import { createDesktopCore } from '../index';
import { request } from '../service';

let world: World;
let t: Tenant;
let dir: string;
let core: LocalDesktopService;

beforeAll(async () => { world = await startWorld(); });
afterAll(async () => { await world?.close(); });
afterEach(async () => { await core?.close(); rmSync(dir, { recursive: true, force: true }); });

async function login(): Promise<void> {
  t = await world.tenant();
  dir = mkdtempSync(path.join(tmpdir(), 'tend-live-'));
  // no polling: anything that arrives without an explicit sync came over the stream
  core = new LocalDesktopService({ dataDir: dir, sync: { pollMs: 3_600_000, backoffBaseMs: 50 } });
  await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.syncNow();
}

/** Resolves when `check` holds after a data.changed event. */
function when(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const off = core.on('data.changed', () => { if (check()) { off(); resolve(); } });
  });
}
const hasConversation = (id: string) => () => core.db.prepare('SELECT 1 FROM conversations WHERE id = ?').pluck().get(id) !== undefined;

it('a new post in our team queue arrives over the live stream', async () => {
  await login();
  await when(() => core.engine.online);
  const p = await t.post({ handle: '@zed', text: 'my router is on fire' });
  await when(hasConversation(p.conversation_id));
  expect((await request(core, 'inbox.list', { tab: 'team' })).items.map((i) => i.id)).toContain(p.conversation_id);
  expect((await request(core, 'search', { query: 'rout' })).hits.map((h) => h.conversation_id)).toEqual([p.conversation_id]);
});

it('a reply to a conversation reassigned meanwhile comes back as the draft with the reason', async () => {
  await login();
  const p = await t.post({ handle: '@amy', text: 'where is my refund' });
  await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
  await core.engine.syncNow();
  await core.engine.stop();
  await request(core, 'reply.send', { conversation_id: p.conversation_id, text: 'Refund is on its way', visibility: 'public' });
  await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.other } });
  core.engine.start();
  await core.engine.syncNow();
  const draft = await request(core, 'draft.get', { conversation_id: p.conversation_id });
  expect(draft).toMatchObject({ text: 'Refund is on its way', rejected: { code: 'conversation_reassigned' } });
  expect(core.outbox.all()).toEqual([]);
  // and the conversation left our scope with its customer
  expect(hasConversation(p.conversation_id)()).toBe(false);
  await cacheEqualsHub();
});

it('joining a team rebuilds the scope: its queue appears', async () => {
  await login();
  const p = await t.post({ handle: '@bo', text: 'billing question' });
  await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: null, team_id: t.teams.b } });
  await core.engine.syncNow();
  expect(hasConversation(p.conversation_id)()).toBe(false);
  await t.setTeams(t.agents.me, [t.teams.a, t.teams.b]);
  await when(hasConversation(p.conversation_id));
  await core.engine.idle();
  expect(core.status().agent?.team_ids.sort()).toEqual([t.teams.a, t.teams.b].sort());
  await cacheEqualsHub();
});

it('a mutation id the hub holds with another payload (409 id_reused): the reply comes back as the draft, a status change goes again under a new id', async () => {
  await login();
  const p = await t.post({ handle: '@ida', text: 'my order is late' });
  await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
  await core.engine.syncNow();
  await core.engine.stop();
  await request(core, 'reply.send', { conversation_id: p.conversation_id, text: 'It ships today', visibility: 'public' });
  await request(core, 'conversation.setStatus', { conversation_id: p.conversation_id, status: 'pending' });
  const [reply, status] = core.outbox.all();
  // the ids were used meanwhile for other changes (a bug elsewhere, a restored backup…)
  const signIn = await fetch(new URL('/v1/auth/login', world.hub.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: t.emails.me, password: t.password }) });
  const { token } = await signIn.json() as { token: string };
  const taken = await fetch(new URL('/v1/mutations', world.hub.url), {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ mutations: [
      { id: reply!.id, type: 'note', args: { conversation_id: p.conversation_id, note_id: crypto.randomUUID(), text: 'other' } },
      { id: status!.id, type: 'tag', args: { conversation_id: p.conversation_id, add: ['other'] } },
    ] }),
  });
  expect(taken.status).toBe(200);
  // a queued row never changes its payload under its id
  expect(() => core.db.prepare('UPDATE outbox SET args = ? WHERE id = ?').run('{}', reply!.id)).toThrow(/keeps its payload/);

  core.engine.start();
  await core.engine.syncNow();
  expect(await request(core, 'draft.get', { conversation_id: p.conversation_id })).toMatchObject({ text: 'It ships today', rejected: { code: 'id_reused' } });
  expect(core.outbox.all()).toEqual([]);
  const [row] = await world.hub.db.query<{ status: string; tags: string[] }>('SELECT status, tags FROM conversations WHERE id = $1', [p.conversation_id]);
  expect(row).toEqual({ status: 'pending', tags: ['other'] });
  // nothing was posted for the refused reply
  await t.deliveriesSettled();
  expect([...(await t.sandboxCounts()).values()]).toEqual([]);
  await cacheEqualsHub();
});

it('an expired session goes back to login with the cache, drafts and outbox kept', async () => {
  await login();
  const p = await t.post({ handle: '@kay', text: 'my card was charged twice' });
  await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
  await core.engine.syncNow();
  await world.hub.db.query('DELETE FROM sessions WHERE agent_id = $1', [t.agents.me]);
  await core.engine.stop();
  await request(core, 'reply.send', { conversation_id: p.conversation_id, text: 'Refunding the second charge', visibility: 'public' });
  await request(core, 'draft.save', { conversation_id: p.conversation_id, text: 'more to say', visibility: 'public' });
  core.engine.start();
  await core.engine.idle();
  const status = await request(core, 'session.status', {});
  expect(status).toMatchObject({ logged_in: false, online: false, outbox_count: 1, hub_url: world.hub.url });
  expect((await request(core, 'inbox.list', { tab: 'mine' })).items.map((i) => i.id)).toEqual([p.conversation_id]);
  await request(core, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.syncNow();
  expect((await request(core, 'draft.get', { conversation_id: p.conversation_id }))?.text).toBe('more to say');
  expect(core.outbox.pendingCount()).toBe(0);
  await t.deliveriesSettled();
  expect([...(await t.sandboxCounts()).values()]).toEqual([1]);
  await cacheEqualsHub();
});

it('the worker-thread core logs in, syncs and sends like the in-process one', async () => {
  await login();
  await core.close();
  const p = await t.post({ handle: '@lu', text: 'is the shop open on sunday' });
  const worker = await createDesktopCore({ dataDir: dir });
  try {
    const events: string[] = [];
    worker.on('session.changed', (s) => events.push(`${s.online}`));
    await request(worker, 'session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
    await worker.idle();
    const { items } = await request(worker, 'inbox.list', { tab: 'team' });
    expect(items.map((i) => i.id)).toContain(p.conversation_id);
    const { message_id } = await request(worker, 'reply.send', { conversation_id: p.conversation_id, text: 'Yes, 10 to 4', visibility: 'public' });
    await worker.idle();
    await t.deliveriesSettled();
    expect((await t.sandboxCounts()).get(message_id)).toBe(1);
    expect(events).toContain('true');
  } finally {
    await worker.close();
  }
});

async function cacheEqualsHub(): Promise<void> {
  await core.engine.syncNow();
  expect(cacheEntities(core.db)).toEqual(await t.snapshot(t.agents.me));
}

it('a change to a customer alone (tags edited on another desktop) says which customer changed, so the card shows it', async () => {
  await login();
  await when(() => core.engine.online);
  const p = await t.post({ handle: '@cara', text: 'tag me please' });
  await when(hasConversation(p.conversation_id));
  const customerId = (await request(core, 'conversation.get', { id: p.conversation_id })).conversation.customer_id;
  // a new customer's history is fetched (hydrated) after the conversation shows, and that names the
  // customer too: listen only once it is done, so what is heard is the tag change (under load it came first)
  await core.engine.syncNow();
  const told: string[] = [];
  core.on('data.changed', (e) => { told.push(...(e.customer_ids ?? [])); });
  await t.act(t.agents.me, { type: 'update_customer', args: { conversation_id: p.conversation_id, add_tags: ['vip'], remove_tags: [] } });
  await when(() => told.includes(customerId));
  expect((await request(core, 'customer.get', { id: customerId })).customer.tags).toEqual(['vip']);
});
