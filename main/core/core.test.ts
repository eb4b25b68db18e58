import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { Outbox } from './outbox';
import { SyncApplier } from './sync/apply';
import { agent, conversation, customer, message } from '../../testing/desktop/fixtures';
import { openCache } from './db/open';
import { request } from './service';

/** A logged-in cache whose hub is unreachable: everything here must work offline. */
const OFFLINE_HUB = 'http://127.0.0.1:9';
let dir: string;
let core: LocalDesktopService;

function seedCache(dataDir: string) {
  const db = openCache(dataDir);
  const applier = new SyncApplier(db);
  applier.meta.set('session', { hub_url: OFFLINE_HUB, token: 't' });
  applier.meta.set('agent', agent());
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'c1', customer_id: 'cu1' }), conversation({ id: 'c2', customer_id: 'cu2' })],
    messages: [
      message({ id: 'm1', conversation_id: 'c1', text: 'My parcel never arrived, order 1234' }),
      message({ id: 'm2', conversation_id: 'c2', text: 'I want a refund for the broken kettle', created_at: '2026-03-01T10:00:00.000Z' }),
      message({ id: 'm3', conversation_id: 'c2', text: 'AND "quoted" NEAR(x y) text:col * refunds', created_at: '2026-03-01T10:05:00.000Z' }),
    ],
    notes: [], customers: [customer({ id: 'cu1', name: 'Ana' }), customer({ id: 'cu2', name: 'Ben' })],
  });
  applier.finishBootstrap(10);
  db.close();
}

const open = () => new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-core-'));
  seedCache(dir);
  core = open();
});
afterEach(async () => { await core.close(); rmSync(dir, { recursive: true, force: true }); });

describe('reads offline', () => {
  it('serves inbox, thread and customer from the cache with the hub down', async () => {
    await core.engine.idle();
    expect((await request(core, 'session.status', {})).online).toBe(false);
    const inbox = await request(core, 'inbox.list', { tab: 'mine' });
    expect(inbox.items.map((i) => i.id).sort()).toEqual(['c1', 'c2']);
    const thread = await request(core, 'conversation.get', { id: 'c2' });
    expect(thread.messages.map((m) => m.id)).toEqual(['m2', 'm3']);
    expect(thread.customer?.name).toBe('Ben');
    expect((await request(core, 'customer.get', { id: 'cu1' })).conversations.map((c) => c.id)).toEqual(['c1']);
  });

  it('unknown ids and bad requests get a clear error', async () => {
    await expect(request(core, 'conversation.get', { id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(request(core, 'inbox.list', { tab: 'everything' } as never)).rejects.toMatchObject({ code: 'invalid' });
    await expect(request(core, 'reply.send', { conversation_id: 'nope', text: 'x', visibility: 'public' })).rejects.toMatchObject({ code: 'not_found' });
    expect(core.outbox.all()).toEqual([]);
  });
});

describe('search', () => {
  it('matches prefixes as the agent types, newest first, with snippets', async () => {
    const { hits } = await request(core, 'search', { query: 'refu' });
    expect(hits.map((h) => h.message_id)).toEqual(['m3', 'm2']);
    expect(hits[1]).toMatchObject({ conversation_id: 'c2', customer_name: 'Ben' });
    expect(hits[1].snippet).toContain('[refund]');
    expect((await request(core, 'search', { query: 'parcel arr' })).hits.map((h) => h.message_id)).toEqual(['m1']);
  });

  it('treats FTS syntax in the input as words', async () => {
    for (const q of ['"', 'AND', 'NEAR(x', 'text:col', '*', '(((', 'refund OR', '-kettle', '^x']) {
      await expect(request(core, 'search', { query: q })).resolves.toBeDefined();
    }
    expect((await request(core, 'search', { query: 'NEAR(x' })).hits.map((h) => h.message_id)).toEqual(['m3']);
    expect((await request(core, 'search', { query: '"quoted' })).hits.map((h) => h.message_id)).toEqual(['m3']);
  });
});

describe('drafts', () => {
  it('survive closing and reopening the core', async () => {
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Sorry about the parcel', visibility: 'public' });
    await core.close();
    core = open();
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toMatchObject({ text: 'Sorry about the parcel', visibility: 'public', rejected: null });
    expect((await request(core, 'conversation.get', { id: 'c1' })).draft?.text).toBe('Sorry about the parcel');
    await request(core, 'draft.save', { conversation_id: 'c1', text: '', visibility: 'public' });
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toBeNull();
  });
});

describe('outbox', () => {
  it('reply.send moves the draft into the outbox, shown as waiting in the thread', async () => {
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'On its way', visibility: 'public' });
    const { message_id } = await request(core, 'reply.send', { conversation_id: 'c1', text: 'On its way', visibility: 'public' });
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toBeNull();
    const thread = await request(core, 'conversation.get', { id: 'c1' });
    expect(thread.messages.at(-1)).toMatchObject({ id: message_id, direction: 'outbound', text: 'On its way', local_state: 'waiting' });
    expect((await request(core, 'session.status', {})).outbox_count).toBe(1);
  });

  it('send-and-resolve queues the reply then the resolve, and the inbox moves at once', async () => {
    await request(core, 'reply.send', { conversation_id: 'c2', text: 'Refunded', visibility: 'public', resolve: true });
    const rows = core.outbox.all();
    expect(rows.map((r) => r.type)).toEqual(['reply', 'set_status']);
    expect(rows[1].depends_on).toBe(rows[0].id);
    expect((await request(core, 'inbox.counts', {}))).toMatchObject({ mine: 1, resolved: 1 });
    // never in the same batch as the reply it depends on
    expect(core.outbox.nextBatch(100).map((r) => r.type)).toEqual(['reply']);
  });

  it('a refused reply comes back as the draft with the reason; a newer draft is kept too', async () => {
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'First answer', visibility: 'public', resolve: true });
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Second thought', visibility: 'public' });
    const [reply, resolve] = core.outbox.all();
    core.outbox.settle([{ id: reply.id, ok: false, error: { code: 'conversation_reassigned', message: 'now with Bo' } }]);
    const draft = await request(core, 'draft.get', { conversation_id: 'c1' });
    expect(draft?.text).toContain('First answer');
    expect(draft?.text).toContain('Second thought');
    expect(draft?.rejected).toEqual({ code: 'conversation_reassigned', message: 'now with Bo', id: reply.id });
    // the dependent resolve is dropped with it, and the conversation's history is fetched again
    expect(core.outbox.all().find((r) => r.id === resolve.id)).toBeUndefined();
    expect(core.applier.pendingHydrations()).toEqual(['cu1']);
  });

  // Soak seed 10098: a refusal came back between the composer reading the draft and the agent sending
  // another reply; the send deleted the draft, and with it the refused text the agent never saw.
  it('a refusal that comes back while the agent sends another reply stays as the draft', async () => {
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'Check the courier first', visibility: 'public' });
    const [note] = core.outbox.all();
    // the composer shows no draft, the agent writes a reply; the note's refusal lands before the send
    const composer = await request(core, 'draft.get', { conversation_id: 'c1' });
    expect(composer).toBeNull();
    core.outbox.settle([{ id: note.id, ok: false, error: { code: 'conversation_reassigned', message: 'now with Bo' } }]);
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'On its way', visibility: 'public', refusal_seen: null });
    const draft = await request(core, 'draft.get', { conversation_id: 'c1' });
    expect(draft).toMatchObject({ text: 'Check the courier first', rejected: { code: 'conversation_reassigned', id: note.id } });
    // once the composer has shown it, sending it clears the draft
    await request(core, 'reply.send', { conversation_id: 'c1', text: draft!.text, visibility: 'public', refusal_seen: note.id });
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toBeNull();
  });

  // A handover summary is an internal note: refused by the hub, it came back into the reply draft
  // (the public reply box), from where the agent could send it to the customer.
  it('a refused internal note (a handover summary) comes back as a note draft, never into the reply draft', async () => {
    await request(core, 'draft.save', { conversation_id: 'c2', text: 'Sorry about the kettle', visibility: 'public' });
    await request(core, 'conversation.assign', { conversation_id: 'c2', assignee_id: 'someone-else' });
    const summary = core.outbox.all().find((r) => r.type === 'note')!;
    core.outbox.settle([{ id: summary.id, ok: false, error: { code: 'conversation_reassigned', message: 'now with Bo' } }]);
    const thread = await request(core, 'conversation.get', { id: 'c2' });
    expect(thread.draft).toMatchObject({ text: 'Sorry about the kettle', visibility: 'public', rejected: null });
    expect(thread.note_draft).toMatchObject({ text: expect.stringMatching(/^Handover summary\n/), rejected: { code: 'conversation_reassigned', message: 'note refused: now with Bo', id: summary.id } });
    // with no reply draft there is still none: nothing waits in the public reply box
    await request(core, 'note.add', { conversation_id: 'c1', text: 'Called the courier' });
    const note = core.outbox.all().find((r) => r.type === 'note' && r.conversation_id === 'c1')!;
    core.outbox.settle([{ id: note.id, ok: false, error: { code: 'conversation_resolved', message: 'resolved by Bo' } }]);
    expect(await request(core, 'draft.get', { conversation_id: 'c1' })).toBeNull();
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft?.text).toBe('Called the courier');
  });

  it('a note draft keeps what the agent types, and the note added from it takes it; one refused since stays', async () => {
    await request(core, 'noteDraft.save', { conversation_id: 'c1', text: 'VIP', refusal_seen: null });
    await core.close();
    core = open();
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft).toMatchObject({ text: 'VIP', rejected: null });
    // the sign-out dialog counts it as a draft
    expect((await request(core, 'session.unsent', {})).items).toEqual([expect.objectContaining({ kind: 'draft', text: 'VIP' })]);
    // a caller that does not name what it showed (a macro's note) leaves the note draft alone
    await request(core, 'note.add', { conversation_id: 'c1', text: 'from elsewhere' });
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft?.text).toBe('VIP');
    await request(core, 'note.add', { conversation_id: 'c1', text: 'VIP', refusal_seen: null });
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft).toBeNull();
    // a refusal the composer has not shown yet is neither overwritten by a save nor taken by an add
    const [first] = core.outbox.all();
    core.outbox.settle([{ id: first.id, ok: false, error: { code: 'conversation_resolved', message: 'resolved by Bo' } }]);
    await request(core, 'noteDraft.save', { conversation_id: 'c1', text: 'Later', refusal_seen: null });
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft?.text).toBe('from elsewhere\n\nLater');
    await request(core, 'note.add', { conversation_id: 'c1', text: 'Later', refusal_seen: null });
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft?.text).toBe('from elsewhere\n\nLater');
    await request(core, 'note.add', { conversation_id: 'c1', text: 'from elsewhere', refusal_seen: first.id });
    expect((await request(core, 'conversation.get', { id: 'c1' })).note_draft).toBeNull();
  });

  it('an autosave from a composer that has not shown a refusal yet keeps the refused text first', async () => {
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Hello', visibility: 'public' });
    await request(core, 'reply.send', { conversation_id: 'c2', text: 'Refunded', visibility: 'public' });
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'Hello', visibility: 'public', refusal_seen: null });
    const reply = core.outbox.all().find((r) => r.conversation_id === 'c1')!;
    core.outbox.settle([{ id: reply.id, ok: false, error: { code: 'conversation_resolved', message: 'resolved by Bo' } }]);
    // keystrokes typed before the composer re-read the draft: each save keeps the refused text, once
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Also', visibility: 'public', refusal_seen: null });
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Also, sorry', visibility: 'public', refusal_seen: null });
    expect((await request(core, 'draft.get', { conversation_id: 'c1' }))?.text).toBe('Hello\n\nAlso, sorry');
    // the composer shows it (names the refusal): its text is the draft from then on
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Sorry', visibility: 'public', refusal_seen: reply.id });
    expect((await request(core, 'draft.get', { conversation_id: 'c1' }))?.text).toBe('Sorry');
    // a caller that does not name refusals (older desk) behaves as before: its save is the draft
    await request(core, 'draft.save', { conversation_id: 'c1', text: 'Plain', visibility: 'public' });
    expect((await request(core, 'draft.get', { conversation_id: 'c1' }))?.text).toBe('Plain');
  });

  it('an accepted reply stays visible as sending until its synced message arrives', async () => {
    const { message_id } = await request(core, 'reply.send', { conversation_id: 'c1', text: 'Done', visibility: 'public' });
    const [row] = core.outbox.all();
    core.outbox.settle([{ id: row.id, ok: true, value: {} }]);
    expect(core.outbox.pendingCount()).toBe(0);
    expect((await request(core, 'conversation.get', { id: 'c1' })).messages.filter((m) => m.id === message_id)).toHaveLength(1);
    core.applier.applyChangesPage({ since: 10, to: 11, has_more: false, reset: false, changes: [
      { sync_id: 11, entity: 'message', op: 'upsert', data: message({ id: message_id, conversation_id: 'c1', direction: 'outbound', text: 'Done', delivery: 'sent', sync_id: 11 }) }] });
    const thread = await request(core, 'conversation.get', { id: 'c1' });
    expect(thread.messages.filter((m) => m.id === message_id)).toEqual([expect.objectContaining({ local_state: 'synced', delivery: 'sent' })]);
    expect(core.outbox.all()).toEqual([]);
  });

  it('an accepted note stays in the thread until the synced note replaces it', async () => {
    const { note_id } = await request(core, 'note.add', { conversation_id: 'c1', text: 'VIP, be quick' });
    const [row] = core.outbox.all();
    core.outbox.settle([{ id: row.id, ok: true, value: {} }]);
    expect((await request(core, 'conversation.get', { id: 'c1' })).notes.map((n) => n.id)).toEqual([note_id]);
    core.applier.applyChangesPage({ since: 10, to: 11, has_more: false, reset: false, changes: [
      { sync_id: 11, entity: 'note', op: 'upsert', data: { id: note_id, conversation_id: 'c1', author_id: 'ag-me', author_name: 'Me', text: 'VIP, be quick', created_at: '2026-03-01T09:00:00.000Z', sync_id: 11 } }] });
    expect((await request(core, 'conversation.get', { id: 'c1' })).notes).toEqual([expect.objectContaining({ id: note_id, sync_id: 11 })]);
    expect(core.outbox.all()).toEqual([]);
  });

  it('is durable and ordered across a SIGKILL right after queueing', () => {
    const script = `
      import { openCache } from './main/core/db/open';
      import { Outbox } from './main/core/outbox';
      import { SyncApplier } from './main/core/sync/apply';
      const db = openCache(${JSON.stringify(dir)});
      const owner = new SyncApplier(db).owner();
      const outbox = new Outbox(db);
      for (let i = 0; i < 20; i++) outbox.queueReply(owner, i % 2 ? 'c1' : 'c2', 'reply ' + i, 'public', false);
      process.kill(process.pid, 'SIGKILL');`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
    expect(res.signal).toBe('SIGKILL');
    const db = openCache(path.join(dir));
    const rows = new Outbox(db).all();
    db.close();
    expect(rows.map((r) => JSON.parse(r.args).text)).toEqual(Array.from({ length: 20 }, (_, i) => `reply ${i}`));
  });
});

describe('local changes', () => {
  it('queues status, assign, tag, priority and note, shown in the cache at once', async () => {
    await request(core, 'conversation.setPriority', { conversation_id: 'c1', priority: 'urgent' });
    await request(core, 'conversation.tag', { conversation_id: 'c1', add: ['vip'] });
    await request(core, 'note.add', { conversation_id: 'c1', text: 'called them' });
    await request(core, 'conversation.setStatus', { conversation_id: 'c1', status: 'snoozed', snoozed_until: '2026-03-02T09:00:00.000Z' });
    const { conversation: c, notes } = await request(core, 'conversation.get', { id: 'c1' });
    expect(c).toMatchObject({ priority: 'urgent', tags: ['vip'], status: 'snoozed' });
    expect(notes.map((n) => n.text)).toEqual(['called them']);
    expect((await request(core, 'inbox.list', { tab: 'snoozed' })).items.map((i) => i.id)).toEqual(['c1']);
    await request(core, 'conversation.assign', { conversation_id: 'c2', assignee_id: 'someone-else' });
    expect((await request(core, 'inbox.counts', {})).mine).toBe(0);
    // handing c2 to someone else keeps its handover summary as a note first (main/core/assist)
    expect(core.outbox.all().map((r) => r.type)).toEqual(['set_priority', 'tag', 'note', 'set_status', 'note', 'assign']);
    expect(JSON.parse(core.outbox.all()[4].args).text).toMatch(/^Handover summary\n• Problem: /);
  });

  it('settings and read marks are kept', async () => {
    await request(core, 'settings.set', { key: 'keymap', value: { next: 'j' } });
    await request(core, 'conversation.markRead', { id: 'c1' });
    await core.close();
    core = open();
    expect(await request(core, 'settings.get', { key: 'keymap' })).toEqual({ value: { next: 'j' } });
    expect((await request(core, 'inbox.list', { tab: 'mine' })).items.find((i) => i.id === 'c1')?.unread).toBe(false);
  });
});
