import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { openCache } from './db/open';
import { labelPatch } from './labels';
import { SyncApplier } from './sync/apply';
import { agent, at, conversation, customer, message } from '../../testing/desktop/fixtures';
import { request } from './service';

describe('labelPatch', () => {
  const c = conversation({ id: 'c1', analysis: { sentiment: { label: 'negative', score: -0.8 }, intent: 'complaint', topic: 'delivery', reason: 'negative (−0.8)' } });

  it('changes the corrected label only, and records the correction', () => {
    expect(labelPatch(c, 'sentiment', 'positive').analysis).toMatchObject({ sentiment: { label: 'positive', score: 0.8 }, intent: 'complaint', corrected: { sentiment: 'positive' } });
    expect(labelPatch(c, 'sentiment', 'neutral').analysis?.sentiment).toEqual({ label: 'neutral', score: 0 });
    expect(labelPatch(c, 'intent', 'question').analysis).toMatchObject({ intent: 'question', topic: 'delivery', reason: 'negative (−0.8)' });
    expect(labelPatch(c, 'topic', 'refund').analysis?.topic).toBe('refund');
    expect(labelPatch(c, 'priority', 'urgent')).toMatchObject({ priority: 'urgent', analysis: { priority: 'urgent' } });
  });

  it('refuses a priority that does not exist', () => {
    expect(() => labelPatch(c, 'priority', 'asap')).toThrow(/priority must be one of/);
  });
});

/** The desktop side of corrections and collisions, offline (the hub is unreachable). */
let dir: string;
let core: LocalDesktopService;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-labels-'));
  const db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('session', { hub_url: 'http://127.0.0.1:9', token: 't' });
  applier.meta.set('agent', agent());
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'c1', customer_id: 'cu1', analysis: { sentiment: { label: 'negative', score: -0.6 }, intent: 'complaint' } })],
    messages: [message({ id: 'm1', conversation_id: 'c1', created_at: at(0) }), message({ id: 'm2', conversation_id: 'c1', created_at: at(5) })],
    notes: [], customers: [customer({ id: 'cu1' })],
  });
  applier.finishBootstrap(10);
  db.close();
  core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });
});
afterEach(async () => { await core.close(); rmSync(dir, { recursive: true, force: true }); });

describe('label.correct', () => {
  it('shows the correction in the cache at once and queues correct_label', async () => {
    await request(core, 'label.correct', { conversation_id: 'c1', task: 'sentiment', label: 'positive' });
    const { conversation: c } = await request(core, 'conversation.get', { id: 'c1' });
    expect(c.analysis.sentiment).toEqual({ label: 'positive', score: 0.6 });
    expect((await request(core, 'inbox.list', { tab: 'mine' })).items[0]!.analysis.sentiment?.label).toBe('positive');
    const queued = core.outbox.all();
    expect(queued.map((o) => [o.type, JSON.parse(o.args)])).toEqual([['correct_label', { conversation_id: 'c1', task: 'sentiment', label: 'positive' }]]);
  });

  it('a priority correction also moves the conversation priority (as the hub does)', async () => {
    await request(core, 'label.correct', { conversation_id: 'c1', task: 'priority', label: 'urgent' });
    expect((await request(core, 'conversation.get', { id: 'c1' })).conversation.priority).toBe('urgent');
    expect(core.outbox.all().map((o) => o.type)).toEqual(['correct_label']);
  });

  it('bad input changes nothing', async () => {
    await expect(request(core, 'label.correct', { conversation_id: 'c1', task: 'mood', label: 'x' } as never)).rejects.toMatchObject({ code: 'invalid' });
    await expect(request(core, 'label.correct', { conversation_id: 'c1', task: 'priority', label: 'asap' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(request(core, 'label.correct', { conversation_id: 'nope', task: 'intent', label: 'question' })).rejects.toMatchObject({ code: 'not_found' });
    expect(core.outbox.all()).toEqual([]);
    expect((await request(core, 'conversation.get', { id: 'c1' })).conversation.analysis.sentiment?.label).toBe('negative');
  });
});

describe('collision', () => {
  it('a reply carries the newest message the agent had; a collision refusal comes back with its token, and the confirmed resend carries it', async () => {
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'On it!', visibility: 'public' });
    const [row] = core.outbox.all();
    expect(JSON.parse(row!.args)).toMatchObject({ seen_up_to: at(5) });
    core.outbox.settle([{ id: row!.id, ok: false, error: {
      code: 'collision', message: 'Bo replied meanwhile',
      details: { conflicts: [{ kind: 'replied_meanwhile', agent_id: 'ag-bo', message_id: 'm9', at: 1 }], confirm_token: 'tok-1' },
    } }]);
    const draft = (await request(core, 'conversation.get', { id: 'c1' })).draft;
    expect(draft).toMatchObject({ text: 'On it!', rejected: { code: 'collision', message: 'Bo replied meanwhile', confirm_token: 'tok-1', conflicts: [{ agent_id: 'ag-bo' }] } });
    // editing the draft keeps the warning
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'On it, sorry for the wait!', visibility: 'public' });
    expect((await request(core, 'draft.get', { conversation_id: 'c1' }))?.rejected?.confirm_token).toBe('tok-1');
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'On it, sorry for the wait!', visibility: 'public', confirm_collision: 'tok-1' });
    expect(JSON.parse(core.outbox.all()[0]!.args)).toMatchObject({ confirm_collision: 'tok-1', seen_up_to: at(5) });
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toBeNull();
  });

  it('online-only requests say "offline" when the hub is unreachable', async () => {
    await expect(request(core, 'presence.get', {})).rejects.toMatchObject({ code: 'offline' });
    await expect(request(core, 'queue.pull', {})).rejects.toMatchObject({ code: 'offline' });
    await expect(request(core, 'collision.heartbeat', { conversation_id: 'c1', activity: 'viewing' })).rejects.toMatchObject({ code: 'offline' });
    await expect(request(core, 'floor.get', {})).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('acting on a conversation outside the cache (supervisor on the floor)', () => {
  it('assign and priority go to the hub directly, and say offline when it is unreachable', async () => {
    await expect(request(core, 'conversation.assign', { conversation_id: 'elsewhere', assignee_id: 'ag-me' })).rejects.toMatchObject({ code: 'offline' });
    await expect(request(core, 'conversation.setPriority', { conversation_id: 'elsewhere', priority: 'high' })).rejects.toMatchObject({ code: 'offline' });
    expect(core.outbox.all()).toEqual([]);
  });
});

describe('customer.update (issue 13, item 9)', () => {
  it('shows the tags and notes in the cache at once and queues update_customer with the notes it started from', async () => {
    await core.handle('customer.update', { conversation_id: 'c1', add_tags: ['vip'], remove_tags: [], notes: 'Prefers DMs' });
    expect((await core.handle('customer.get', { id: 'cu1' })).customer).toMatchObject({ tags: ['vip'], notes: 'Prefers DMs' });
    expect(core.outbox.all().map((o) => [o.type, JSON.parse(o.args)])).toEqual([['update_customer', {
      conversation_id: 'c1', add_tags: ['vip'], remove_tags: [], notes: 'Prefers DMs', notes_base: '',
    }]]);
  });

  it('notes the hub refuses come back as the conversation\'s note draft: nothing typed is lost', async () => {
    await core.handle('customer.update', { conversation_id: 'c1', add_tags: [], remove_tags: [], notes: 'Allergic to nuts' });
    const [row] = core.outbox.all();
    core.outbox.settle([{ id: row!.id, ok: false, error: { code: 'conversation_reassigned', message: 'now with Bo' } }]);
    // customer notes are internal: never in the reply draft, which goes to the customer
    expect(await core.handle('draft.get', { conversation_id: 'c1' })).toBeNull();
    expect((await core.handle('conversation.get', { id: 'c1' })).note_draft).toMatchObject({ text: 'Allergic to nuts', rejected: { message: 'customer notes not saved: now with Bo' } });
  });

  it('merging profiles needs the hub: offline it says so', async () => {
    await expect(core.handle('customer.merge', { into_id: 'cu1', from_id: 'cu2' })).rejects.toMatchObject({ code: 'offline' });
    await expect(core.handle('customer.related', { customer_id: 'cu1' })).rejects.toMatchObject({ code: 'offline' });
  });
});
