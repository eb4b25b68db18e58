/**
 * Macros and bulk actions against a real hub behind a proxy the test can cut (issue 15): a macro's
 * changes are held for the undo window (nothing reaches the hub, a public reply least of all), undo
 * puts everything back; after the window they are sent once, even across a restart of the desktop;
 * a bulk action made offline is applied once on reconnecting; refusals — this desktop's and the
 * hub's — are in the run's summary with why.
 */
import { describe, expect, it } from 'vitest';
import { cutWorld } from '../../../testing/desktop/cut-world';
import { LocalDesktopService } from '../core';
import { request } from '../service';

const fx = cutWorld('tend-actions-');
const desk = fx.desk;

/** A tenant with `n` of "me"'s conversations and a desktop signed in as "me" that has them. */
async function setup(n: number) {
  const t = await fx.world.tenant();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await t.post({ handle: `@cust${i}`, text: `help ${i}` });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
    ids.push(p.conversation_id);
  }
  const core = desk();
  await request(core, 'session.login', { hub_url: fx.proxy.url, email: t.emails.me, password: t.password });
  await core.engine.syncNow();
  return { t, core, ids };
}

const hubConv = async (id: string) => (await fx.world.hub.db.query<{ status: string; tags: string[]; assignee_id: string | null }>(
  'SELECT status, tags, assignee_id FROM conversations WHERE id = $1', [id]))[0];
const outbound = async (id: string) => (await fx.world.hub.db.query<{ text: string }>(
  "SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'outbound'", [id])).map((r) => r.text);
const applied = async (agentId: string, type: string) => (await fx.world.hub.db.query<{ n: number }>(
  'SELECT count(*)::int AS n FROM mutations WHERE agent_id = $1 AND type = $2', [agentId, type]))[0].n;
const cached = async (core: LocalDesktopService, id: string) => (await request(core, 'conversation.get', { id })).conversation;

async function makeMacro(core: LocalDesktopService) {
  await request(core, 'admin.call', {
    route: 'createMacro',
    body: { name: 'Thank and close', key: '$mod+1', scope: 'personal', steps: [{ kind: 'tag', add: ['thanked'] }, { kind: 'reply', canned: 'thanks' }, { kind: 'status', status: 'resolved' }] },
  });
  const { macros } = await request(core, 'macros.list', {});
  return macros.find((m) => m.name === 'Thank and close')!;
}

describe('a macro', () => {
  it('previews what each step will do, then runs: shown at once, held for the undo window, and undo takes it all back with nothing sent', async () => {
    const { t, core, ids: [c1] } = await setup(1);
    // the workspace's own ;thanks (from the hub, cached for offline)
    const thanks = (await request(core, 'canned.list', {})).canned.find((c) => c.shortcode === 'thanks')!;
    const text = thanks.text.replace('{{customer.first_name}}', 'cust0').replace('{{agent.first_name}}', 'Me');
    const macro = await makeMacro(core);

    const preview = await request(core, 'actions.preview', { target: { conversation_ids: [c1] }, macro_id: macro.id });
    expect(preview).toMatchObject({ label: 'Thank and close', total: 1, refused: 0 });
    expect(preview.plans[0].lines).toEqual(['Tags: +thanked', `Reply in public: “${text}”`, 'Set status: resolved']);

    const run = await request(core, 'actions.run', { target: { conversation_ids: [c1] }, macro_id: macro.id, undo_ms: 30_000 });
    expect(run).toMatchObject({ kind: 'macro', label: 'Thank and close', undoable: true, total: 1, pending: 1, refused: 0 });
    expect(await cached(core, c1)).toMatchObject({ status: 'resolved', tags: ['thanked'] });
    expect((await request(core, 'conversation.get', { id: c1 })).messages.some((m) => m.text === text)).toBe(true);
    // a sync cycle while held sends nothing: the hub has neither the reply nor the other steps
    await core.engine.syncNow();
    expect(await outbound(c1)).toEqual([]);
    expect(await hubConv(c1)).toMatchObject({ status: 'open', tags: [] });

    const undone = await request(core, 'actions.undo', { run_id: run.run_id });
    expect(undone).toMatchObject({ undone: true, undoable: false, conversations: [{ conversation_id: c1, state: 'undone' }] });
    expect(await cached(core, c1)).toMatchObject({ status: 'open', tags: [] });
    expect((await request(core, 'conversation.get', { id: c1 })).messages.some((m) => m.text === text)).toBe(false);
    expect(core.outbox.all()).toEqual([]);
    await core.engine.syncNow();
    expect(await outbound(c1)).toEqual([]);
    expect(await applied(t.agents.me, 'reply')).toBe(0);
  });

  it('after the window it is sent once — across a restart of the desktop in the window — and undo is refused as too late', async () => {
    const { t, core, ids: [c1] } = await setup(1);
    const macro = await makeMacro(core);
    const run = await request(core, 'actions.run', { target: { conversation_ids: [c1] }, macro_id: macro.id, undo_ms: 400 });
    // the desktop is closed while the run is held; the rows are durable, held until their time
    const dir = core.options.dataDir;
    await fx.close(core);
    const again = desk(dir);
    await expect.poll(async () => (await request(again, 'actions.summary', { run_id: run.run_id })).applied, { timeout: 15_000 }).toBe(1);
    expect(await outbound(c1)).toHaveLength(1);
    expect(await hubConv(c1)).toMatchObject({ status: 'resolved', tags: ['thanked'] });
    expect(await applied(t.agents.me, 'reply')).toBe(1);
    await expect(request(again, 'actions.undo', { run_id: run.run_id })).rejects.toMatchObject({ code: 'too_late' });
  });
});

describe('a bulk action', () => {
  it('made offline queues like any change and is applied once on reconnecting, with its summary', async () => {
    const { t, core, ids } = await setup(3);
    fx.proxy.cut();
    const run = await request(core, 'actions.run', { target: { filter: { tab: 'mine' } }, steps: [{ kind: 'status', status: 'resolved' }], undo_ms: 0 });
    expect(run).toMatchObject({ kind: 'bulk', total: 3, pending: 3, applied: 0, refused: 0, held_until: null });
    for (const id of ids) expect((await cached(core, id)).status).toBe('resolved');
    expect((await request(core, 'inbox.counts', {})).mine).toBe(0);
    await core.engine.syncNow();
    expect(core.status().online).toBe(false);
    expect((await request(core, 'actions.summary', { run_id: run.run_id })).pending).toBe(3);

    fx.proxy.restore();
    await expect.poll(async () => (await request(core, 'actions.summary', { run_id: run.run_id })).applied, { timeout: 15_000 }).toBe(3);
    for (const id of ids) expect((await hubConv(id)).status).toBe('resolved');
    expect(await applied(t.agents.me, 'set_status')).toBe(3);
  });

  it("reports every refusal with why: this desktop's (someone else's conversation, one it does not have) and the hub's (reassigned while offline)", async () => {
    const { t, core, ids: [c1, c2, c3] } = await setup(3);
    fx.proxy.cut();
    // while the desk is offline, the supervisor takes c3
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: c3, assignee_id: t.agents.other } });
    const run = await request(core, 'actions.run', { target: { conversation_ids: [c1, c2, c3, 'not-here'] }, steps: [{ kind: 'tag', add: ['billing'] }], undo_ms: 0 });
    expect(run).toMatchObject({ total: 4, pending: 3, refused: 1 });
    expect(run.conversations.find((c) => c.conversation_id === 'not-here')).toMatchObject({ state: 'refused', code: 'not_found' });
    fx.proxy.restore();
    await expect.poll(async () => (await request(core, 'actions.summary', { run_id: run.run_id })).pending, { timeout: 15_000 }).toBe(0);
    const summary = await request(core, 'actions.summary', { run_id: run.run_id });
    expect(summary).toMatchObject({ applied: 2, refused: 2 });
    expect(summary.conversations.find((c) => c.conversation_id === c3)).toMatchObject({ state: 'refused', code: 'conversation_reassigned', message: expect.stringContaining('assigned to someone else') });
    expect((await hubConv(c1)).tags).toEqual(['billing']);
    expect((await hubConv(c3)).tags).toEqual([]);

    // synced, c3 is someone else's now: a second bulk refuses it on this desktop, before anything is queued
    await core.engine.syncNow();
    const second = await request(core, 'actions.run', { target: { conversation_ids: [c1, c3] }, steps: [{ kind: 'status', status: 'resolved' }], undo_ms: 0 });
    const c3Row = second.conversations.find((c) => c.conversation_id === c3);
    // the desktop either still has c3 (someone else's now: refused here) or no longer has it (not on this desktop): refused either way, with why
    expect(c3Row).toMatchObject({ state: 'refused' });
    expect(c3Row?.message).toBeTruthy();
  });
});
