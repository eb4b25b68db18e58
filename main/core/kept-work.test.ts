/**
 * Sign-out never loses work (issue 10, item 3), against a real hub behind a proxy the test can cut:
 * sign-out with unsent work needs a choice (send first / keep / discard); kept work is stored apart,
 * private, and comes back for the same agent and hub only; another agent signing in on the same
 * desktop never sees it; a reply kept and sent later reaches the customer once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutWorld } from '../../testing/desktop/cut-world';
import type { Tenant } from '../../testing/desktop/hub-harness';
import { LocalDesktopService, type CoreOptions } from './core';
import { keepWork, KeptWorkStore, restoreWork } from './kept-work';

const fx = cutWorld('tend-kept-');
const desk = fx.desk;

/** A tenant with two of "me"'s conversations, and a desktop signed in as "me" that has them. */
async function setup(extra: Partial<CoreOptions> = {}) {
  const t = await fx.world.tenant();
  const conversations: string[] = [];
  for (const handle of ['@ann', '@bob']) {
    const p = await t.post({ handle, text: `help ${handle}` });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
    conversations.push(p.conversation_id);
  }
  const core = desk(undefined, extra);
  await signIn(core, t, 'me');
  return { t, core, dir: core.options.dataDir, c1: conversations[0], c2: conversations[1] };
}

async function signIn(core: LocalDesktopService, t: Tenant, who: 'me' | 'other') {
  const s = await core.handle('session.login', { hub_url: fx.proxy.url, email: t.emails[who], password: t.password });
  await core.engine.syncNow();
  return s;
}

/** Offline: a reply in the outbox and a draft on the other conversation. */
async function unsentWhileOffline(core: LocalDesktopService, c1: string, c2: string, text: string) {
  fx.proxy.cut();
  await core.handle('reply.send', { conversation_id: c1, text, visibility: 'public', resolve: false });
  await core.handle('draft.save', { conversation_id: c2, text: `draft beside ${text}`, visibility: 'public' });
  await core.engine.idle();
  expect(core.status().online).toBe(false);
  expect(core.status().outbox_count).toBe(1);
}

const rows = (core: LocalDesktopService, table: string) => core.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const hubCount = async (text: string) =>
  (await fx.world.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE text = $1', [text]))[0].n;
const keptFiles = (dir: string) => { try { return readdirSync(path.join(dir, 'kept')); } catch { return []; } };

describe('sign-out with unsent work', () => {
  it('offline with one reply in the outbox, sign-out without a choice is refused with what is unsent, and nothing changes', async () => {
    const { core, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'reply while offline');
    await expect(core.handle('session.logout', {})).rejects.toMatchObject({ code: 'unsent_work', message: expect.stringContaining('1 reply, 1 draft') });
    const unsent = await core.handle('session.unsent', {});
    expect(unsent).toMatchObject({ replies: 1, notes: 0, changes: 0, drafts: 1, total: 2 });
    expect(unsent.items.map((i) => [i.kind, i.text, i.customer_name])).toEqual([['reply', 'reply while offline', '@ann'], ['draft', 'draft beside reply while offline', '@bob']]);
    expect(core.status()).toMatchObject({ logged_in: true, outbox_count: 1 });
  });

  it('keep: the cache is wiped, the work is kept apart in private files and comes back at the same agent\'s next sign-in; the reply goes out once', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'kept reply');
    await core.handle('session.logout', { unsent: 'keep' });
    expect(core.status().logged_in).toBe(false);
    expect([rows(core, 'outbox'), rows(core, 'drafts'), rows(core, 'conversations')]).toEqual([0, 0, 0]);
    const files = keptFiles(dir);
    expect(files).toHaveLength(1);
    if (process.platform !== 'win32') {
      expect(statSync(path.join(dir, 'kept')).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dir, 'kept', files[0])).mode & 0o777).toBe(0o600);
    }
    expect(files[0]).not.toContain(t.agents.me); // the name does not say whose it is
    expect(readFileSync(path.join(dir, 'cache.sqlite')).includes('draft beside kept reply')).toBe(false);

    fx.proxy.restore();
    const s = await core.handle('session.login', { hub_url: fx.proxy.url, email: t.emails.me, password: t.password });
    expect(s.restored).toEqual({ outbox: 1, drafts: 1 });
    expect(keptFiles(dir)).toEqual([]);
    await core.engine.syncNow();
    expect((await core.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside kept reply');
    expect(core.status().outbox_count).toBe(0);
    await t.deliveriesSettled();
    expect(await hubCount('kept reply')).toBe(1);
    expect([...(await t.sandboxCounts()).values()]).toEqual([1]);
  });

  it('keep: a note draft (an internal note being written) is kept apart from the reply draft and comes back as a note draft', async () => {
    const { t, core, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'reply beside a note');
    await core.handle('noteDraft.save', { conversation_id: c2, text: 'internal: asked twice already', refusal_seen: null });
    expect((await core.handle('session.unsent', {})).drafts).toBe(2);
    await core.handle('session.logout', { unsent: 'keep' });
    expect(rows(core, 'note_drafts')).toBe(0);
    fx.proxy.restore();
    const s = await core.handle('session.login', { hub_url: fx.proxy.url, email: t.emails.me, password: t.password });
    expect(s.restored).toEqual({ outbox: 1, drafts: 2 });
    await core.engine.syncNow();
    const thread = await core.handle('conversation.get', { id: c2 });
    expect(thread.note_draft?.text).toBe('internal: asked twice already');
    expect(thread.draft?.text).toBe('draft beside reply beside a note');
  });

  it('another agent signing in on the same desktop never sees the kept work; the first agent gets it back afterwards', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'mine only');
    await core.handle('session.logout', { unsent: 'keep' });
    fx.proxy.restore();

    await signIn(core, t, 'other');
    expect(core.status().agent?.id).toBe(t.agents.other);
    expect(await core.handle('draft.get', { conversation_id: c2 })).toBeNull();
    expect(await core.handle('session.unsent', {})).toMatchObject({ total: 0, items: [] });
    expect(core.status().outbox_count).toBe(0);
    expect(keptFiles(dir)).toHaveLength(1);
    expect(await hubCount('mine only')).toBe(0);
    await core.handle('session.logout', {});

    const back = await signIn(core, t, 'me');
    expect(back.restored).toEqual({ outbox: 1, drafts: 1 });
    expect((await core.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside mine only');
    await t.deliveriesSettled();
    expect(await hubCount('mine only')).toBe(1);
  });

  it('discard: nothing is kept, nothing is sent', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'thrown away');
    await core.handle('session.logout', { unsent: 'discard' });
    expect(keptFiles(dir)).toEqual([]);
    fx.proxy.restore();
    const s = await signIn(core, t, 'me');
    expect(s.restored).toEqual({ outbox: 0, drafts: 0 });
    expect(await core.handle('draft.get', { conversation_id: c2 })).toBeNull();
    expect(await hubCount('thrown away')).toBe(0);
  });

  it('send first: refused offline with nothing changed; online the outbox goes out, then the drafts are kept for the next sign-in', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'sent before leaving');
    await expect(core.handle('session.logout', { unsent: 'send' })).rejects.toMatchObject({ code: 'offline' });
    expect(core.status()).toMatchObject({ logged_in: true, outbox_count: 1 });
    expect((await core.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside sent before leaving');

    fx.proxy.restore();
    await core.handle('session.logout', { unsent: 'send' });
    expect(core.status().logged_in).toBe(false);
    expect(await hubCount('sent before leaving')).toBe(1);
    expect(keptFiles(dir)).toHaveLength(1); // the draft

    const s = await signIn(core, t, 'me');
    expect(s.restored).toEqual({ outbox: 0, drafts: 1 });
    expect((await core.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside sent before leaving');
    await t.deliveriesSettled();
    expect([...(await t.sandboxCounts()).values()]).toEqual([1]);
  });

  it('without unsent work sign-out needs no choice; a late autosave after it leaves nothing for the next agent', async () => {
    const { t, core, c1 } = await setup();
    await core.handle('session.logout', {});
    expect(core.status().logged_in).toBe(false);
    expect(keptFiles(core.options.dataDir)).toEqual([]);
    await expect(core.handle('draft.save', { conversation_id: c1, text: 'last keystrokes', visibility: 'public' })).rejects.toMatchObject({ code: 'not_logged_in' });
    await signIn(core, t, 'other');
    expect(await core.handle('draft.get', { conversation_id: c1 })).toBeNull();
  });
});

describe('an agent whose session ended without a sign-out', () => {
  it('a handle-time span not sent yet never asks: sign-out goes ahead, the span is kept and goes out at the next sign-in', async () => {
    const { t, core, c1 } = await setup();
    fx.proxy.cut();
    const now = Date.now();
    const span = { conversation_id: c1, span_id: randomUUID(), started_at: new Date(now - 42_000).toISOString(), ended_at: new Date(now).toISOString(), active_ms: 42_000 };
    core.outbox.enqueue([{ type: 'record_handle_time', args: span, conversation_id: c1 }]);
    core.engine.kick();
    await core.engine.idle();
    expect(core.status().online).toBe(false);
    expect((await core.handle('session.unsent', {})).total).toBe(0);
    await core.handle('session.logout', {});
    expect(core.status().logged_in).toBe(false);
    fx.proxy.restore();
    await signIn(core, t, 'me');
    await core.engine.idle();
    const [{ n }] = await fx.world.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM handle_time WHERE span_id = $1', [span.span_id]);
    expect(n).toBe(1);
  });

  it('when another agent signs in on this desktop, the first agent\'s unsent work is kept for them (not refused, not wiped)', async () => {
    const { t, core, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'after the session ended');
    // the hub ends the session; the desktop hears it at its next call
    await fx.world.hub.db.query('DELETE FROM sessions WHERE agent_id = $1', [t.agents.me]);
    fx.proxy.restore();
    const ended = new Promise<void>((resolve) => { const off = core.on('session.changed', (s) => { if (!s.logged_in) { off(); resolve(); } }); });
    core.engine.kick();
    await ended;
    expect(rows(core, 'outbox')).toBe(1);

    await signIn(core, t, 'other');
    expect(await core.handle('draft.get', { conversation_id: c2 })).toBeNull();
    expect(rows(core, 'outbox')).toBe(0);
    await core.handle('session.logout', {});
    const back = await signIn(core, t, 'me');
    expect(back.restored).toEqual({ outbox: 1, drafts: 1 });
    await t.deliveriesSettled();
    expect(await hubCount('after the session ended')).toBe(1);
  });

  it('kept work is for the same hub too: signing in to another hub address does not bring it', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'this hub only');
    await core.handle('session.logout', { unsent: 'keep' });
    fx.proxy.restore();
    const s = await core.handle('session.login', { hub_url: fx.world.hub.url, email: t.emails.me, password: t.password });
    expect(s.restored).toEqual({ outbox: 0, drafts: 0 });
    expect(keptFiles(dir)).toHaveLength(1);
  });
});

describe('crash safety and privacy', () => {
  it('a sign-out cut short after the work was kept (cache not wiped yet) merges back at start: nothing twice, nothing lost', async () => {
    const { t, core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'crash in the middle');
    const agent = core.status().agent!;
    keepWork(core.db, core.kept, fx.proxy.url, agent.id); // the first half of a sign-out
    await fx.close(core);
    fx.proxy.restore();

    const again = desk(dir);
    expect(keptFiles(dir)).toEqual([]);
    expect(rows(again, 'outbox')).toBe(1);
    expect((await again.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside crash in the middle');
    await again.engine.syncNow();
    await t.deliveriesSettled();
    expect(await hubCount('crash in the middle')).toBe(1);
  });

  it('a restore cut short before the file was deleted is not applied twice', async () => {
    const { core, dir, c1, c2 } = await setup();
    await unsentWhileOffline(core, c1, c2, 'restored once');
    const agent = core.status().agent!;
    const store = new KeptWorkStore(dir);
    keepWork(core.db, store, fx.proxy.url, agent.id);
    const copy = readFileSync(store.fileFor(fx.proxy.url, agent.id));
    core.db.prepare('DELETE FROM drafts').run();
    expect(restoreWork(core.db, store, fx.proxy.url, agent.id)).toEqual({ outbox: 0, drafts: 1 }); // the outbox row was still there
    // the crash: the file is back as it was before the delete
    rmSync(path.join(dir, 'kept'), { recursive: true });
    new KeptWorkStore(dir).save(JSON.parse(copy.toString()).work);
    expect(restoreWork(core.db, store, fx.proxy.url, agent.id)).toEqual({ outbox: 0, drafts: 0 });
    expect(keptFiles(dir)).toEqual([]);
    expect((await core.handle('draft.get', { conversation_id: c2 }))?.text).toBe('draft beside restored once');
  });

  it('with the shell\'s key the kept file is sealed (no text readable in it) and still comes back', async () => {
    const key = randomBytes(32).toString('base64');
    const { t, core, dir, c1, c2 } = await setup({ tokenProtection: { key, keyStore: 'a test key store' } });
    await unsentWhileOffline(core, c1, c2, 'sealed reply');
    await core.handle('session.logout', { unsent: 'keep' });
    const [file] = keptFiles(dir);
    const bytes = readFileSync(path.join(dir, 'kept', file), 'utf8');
    expect(bytes).not.toContain('sealed reply');
    expect(bytes).not.toContain(t.agents.me);
    fx.proxy.restore();
    const s = await signIn(core, t, 'me');
    expect(s.restored).toEqual({ outbox: 1, drafts: 1 });
  });
});
