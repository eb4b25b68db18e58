/** The desk's assist requests through the core: offline (the hub is unreachable), and against a real hub. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../testing/desktop/hub-harness';
import { LocalDesktopService } from '../core';
import { request } from '../service';
import { openCache } from '../db/open';
import { SyncApplier } from '../sync/apply';
import { agent, at, conversation, customer, message } from '../../../testing/desktop/fixtures';

let dir: string;
let core: LocalDesktopService;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-core-assist-'));
  const db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('session', { hub_url: 'http://127.0.0.1:9', token: 't' });
  applier.meta.set('agent', agent({ name: 'Ana Kowalski' }));
  applier.beginBootstrap();
  applier.applyBootstrapPage({
    conversations: [conversation({ id: 'old', customer_id: 'maria', status: 'resolved', resolved_at: at(20) }), conversation({ id: 'c1', customer_id: 'tom' })],
    messages: [
      message({ id: 'o1', conversation_id: 'old', author_id: '@maria_l', text: 'my parcel never arrived', created_at: at(0) }),
      message({ id: 'o2', conversation_id: 'old', direction: 'outbound', author_id: 'ag-ken', author_name: 'Ken', text: '@maria_l Sorry Maria! I have sent a new parcel, tracking: https://track.example/abc -KC', delivery: 'sent', created_at: at(5) }),
      message({ id: 'm1', conversation_id: 'c1', author_id: '@tom_b', text: 'hi, my parcel never arrived, can you help?', created_at: at(30) }),
    ],
    notes: [], customers: [customer({ id: 'maria', name: 'Maria Lopez' }), customer({ id: 'tom', name: 'Tom Baker' })],
  });
  applier.finishBootstrap(10);
  db.close();
  core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });
});
afterEach(async () => { await core.close(); rmSync(dir, { recursive: true, force: true }); });

describe('assist through the core, offline', () => {
  it('suggests a reply from the cache, signed with the agent\'s initials, and takes feedback', async () => {
    const s = await request(core, 'assist.suggest', { conversation_id: 'c1' });
    expect(s.replies[0].text).toBe('@tom_b Sorry Tom! I have sent a new parcel, tracking: https://track.example/abc ^AK');
    expect(s.canned.length).toBeGreaterThanOrEqual(0);
    await expect(request(core, 'assist.feedback', { conversation_id: 'c1', key: s.replies[0].key, action: 'accepted' })).resolves.toEqual({ ok: true });
    // not cached and the hub unreachable: said plainly
    await expect(request(core, 'assist.suggest', { conversation_id: 'nope' })).rejects.toThrow(/offline/);
  });

  it('keeps feedback across a restart and queues it for the hub, without counting it as unsent work', async () => {
    const s = await request(core, 'assist.suggest', { conversation_id: 'c1' });
    expect(s.replies[0].why).not.toContain('accepted');
    await request(core, 'assist.feedback', { conversation_id: 'c1', key: s.replies[0].key, action: 'accepted' });
    expect((await request(core, 'assist.suggest', { conversation_id: 'c1' })).replies[0].why).toContain('accepted 1×');
    expect(core.outbox.all().map((r) => [r.type, JSON.parse(r.args)])).toEqual([['assist_feedback', { conversation_id: 'c1', key: s.replies[0].key, action: 'accepted' }]]);
    expect((await request(core, 'session.status', {})).outbox_count).toBe(0);
    expect((await request(core, 'session.unsent', {})).items).toEqual([]);
    await core.close();
    core = new LocalDesktopService({ dataDir: dir, sync: { backoffBaseMs: 60_000, live: false } });
    expect((await request(core, 'assist.suggest', { conversation_id: 'c1' })).replies[0].why).toContain('accepted 1×');
    expect(core.outbox.all()).toHaveLength(1);
  });

  it('keeps a summary as an internal note on demand, and adds one when the conversation changes hands', async () => {
    const r = await request(core, 'assist.summary', { conversation_id: 'c1', keep: true });
    expect(r.lines[0].text).toBe('Problem: hi, my parcel never arrived, can you help?');
    expect(r.note_id).toBeTruthy();
    let got = await request(core, 'conversation.get', { id: 'c1' });
    expect(got.notes.map((n) => n.text)).toEqual([r.note]);
    await request(core, 'conversation.assign', { conversation_id: 'c1', assignee_id: 'ag-ben' });
    got = await request(core, 'conversation.get', { id: 'c1' });
    expect(got.notes).toHaveLength(2);
    expect(got.notes[1].text.startsWith('Handover summary\n• Problem: hi, my parcel never arrived')).toBe(true);
    expect(got.conversation.assignee_id).toBe('ag-ben');
    const peek = await request(core, 'assist.summary', { conversation_id: 'c1' });
    expect(peek.note_id).toBeNull();
  });

  it('at shift end, offline, each open conversation of mine gets one summary note, and My shift lists them', async () => {
    const before = await request(core, 'shift.summaries', {});
    expect(before.items.map((i) => [i.conversation_id, i.kept_at])).toEqual([['c1', null]]); // 'old' is resolved
    expect(before.items[0].summary.split('\n')[1]).toBe('• Problem: hi, my parcel never arrived, can you help? [from Customer, 2026-03-01 09:30 UTC]');
    const end = await request(core, 'shift.end', {});
    expect(end).toMatchObject({ kept: 1, offline_on_hub: false });
    expect(end.items[0]).toMatchObject({ conversation_id: 'c1', customer_name: 'Tom Baker', kept_at: expect.any(String), summary: before.items[0].summary });
    // the note waits in the outbox; ending the shift again (or choosing Offline) adds no second one
    expect((await request(core, 'shift.end', {})).kept).toBe(0);
    await expect(request(core, 'presence.set', { activity_id: 'offline' })).rejects.toThrow(/offline/);
    const got = await request(core, 'conversation.get', { id: 'c1' });
    expect(got.notes.map((n) => n.text)).toEqual([before.items[0].summary]);
    expect((await request(core, 'shift.summaries', {})).items).toEqual(end.items);
  });
});

describe('assist against a real hub', () => {
  let world: World;
  const dirs: string[] = [];
  const cores: LocalDesktopService[] = [];
  beforeAll(async () => { world = await startWorld(); });
  afterAll(async () => { for (const c of cores) await c.close(); await world?.close(); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  async function desk(email: string, password: string) {
    const d = mkdtempSync(path.join(tmpdir(), 'tend-assist-hub-'));
    dirs.push(d);
    const c = new LocalDesktopService({ dataDir: d, sync: { pollMs: 3_600_000, backoffBaseMs: 50 } });
    cores.push(c);
    await request(c, 'session.login', { hub_url: world.hub.url, email, password });
    return c;
  }

  it('the hub suggests and summarises for a conversation not cached; a take-over from the floor keeps the summary; feedback reaches the hub', async () => {
    const t = await world.tenant();
    const old = await t.post({ handle: '@maria_l', text: 'my parcel never arrived' });
    await t.act(t.agents.other, { type: 'reply', args: { conversation_id: old.conversation_id, message_id: crypto.randomUUID(), text: '@maria_l Sorry! I have sent a new parcel: https://track.example/abc', visibility: 'public' } });
    await t.act(t.agents.other, { type: 'set_status', args: { conversation_id: old.conversation_id, status: 'resolved' } });
    const now = await t.post({ handle: '@tom_b', text: 'hi, my parcel never arrived, can you help?' });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: now.conversation_id, assignee_id: t.agents.me } });

    const me = await desk(t.emails.me, t.password);
    await me.engine.syncNow();
    // Maria's conversation is not in this agent's scope, so not in the cache: the hub, which has it, answers
    const mine = await request(me, 'assist.suggest', { conversation_id: now.conversation_id });
    expect(mine.computed_by).toBe('hub');
    expect(mine.replies[0].text).toBe('@tom_b Sorry! I have sent a new parcel: https://track.example/abc ^M');

    // the supervisor's desktop does not cache a conversation assigned to someone else: the hub ranks it the same way
    const boss = await desk(t.emails.other, t.password);
    await boss.engine.syncNow();
    await expect(request(boss, 'conversation.get', { id: now.conversation_id })).rejects.toThrow();
    const s = await request(boss, 'assist.suggest', { conversation_id: now.conversation_id });
    expect(s.computed_by).toBe('hub');
    expect(s.replies[0].text).toBe('@tom_b Sorry! I have sent a new parcel: https://track.example/abc ^O');
    const sum = await request(boss, 'assist.summary', { conversation_id: now.conversation_id });
    expect(sum.lines[0].text).toBe('Problem: hi, my parcel never arrived, can you help?');

    // feedback from the agent's desktop reaches the hub's ranking
    await request(me, 'assist.feedback', { conversation_id: now.conversation_id, key: mine.replies[0].key, action: 'accepted' });
    await me.engine.syncNow();
    expect(me.outbox.all()).toEqual([]);
    expect((await request(boss, 'assist.suggest', { conversation_id: now.conversation_id })).replies[0].why).toContain('accepted 1×');

    // the supervisor takes it over from the floor: the summary is kept as a note before it changes hands
    await request(boss, 'conversation.assign', { conversation_id: now.conversation_id, assignee_id: t.agents.other });
    const snap = await t.snapshot(t.agents.other);
    expect(snap.conversations.find((c) => c.id === now.conversation_id)?.assignee_id).toBe(t.agents.other);
    expect(snap.notes.filter((n) => n.conversation_id === now.conversation_id).map((n) => n.text.split('\n')[1])).toEqual(['• Problem: hi, my parcel never arrived, can you help? [from @tom_b, 2026-03-01 09:00 UTC]']);
  });
});
