/**
 * A rejected reply's text comes back once per author, not once per desktop: with a real hub and two
 * desktops of one agent, the first to sync takes it back; the agent clears it there, and a second
 * desktop (signed in at the same time, or later) never brings it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDesktopService } from '../core';
import { startWorld, type Tenant, type World } from '../../../testing/desktop/hub-harness';

let world: World;
const dirs: string[] = [];
const cores: LocalDesktopService[] = [];
beforeAll(async () => { world = await startWorld(); });
afterAll(async () => {
  for (const c of cores) await c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await world?.close();
});

/** A desktop of "me", signed in and synced. */
async function desktop(t: Tenant): Promise<LocalDesktopService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-take-back-'));
  dirs.push(dir);
  const core = new LocalDesktopService({ dataDir: dir, sync: { live: false, backoffBaseMs: 20, backoffMaxMs: 200 } });
  cores.push(core);
  await core.handle('session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
  await core.engine.syncNow();
  return core;
}

describe('a rejected reply across two desktops of its author', () => {
  it('comes back on the first desktop that syncs, and not again on another after the agent cleared it', async () => {
    const t = await world.tenant();
    await t.holdPublicReplies(true);
    const p = await t.post({ handle: '@ann', text: 'my parcel is lost, I will sue' });
    await t.act(t.agents.other, { type: 'assign', args: { conversation_id: p.conversation_id, assignee_id: t.agents.me } });
    const first = await desktop(t);
    const second = await desktop(t);
    const { message_id } = await first.handle('reply.send', { conversation_id: p.conversation_id, text: 'We will sue the courier', visibility: 'public', resolve: false });
    await first.engine.syncNow();
    await t.rejectReply(message_id, 'no legal talk');

    await first.engine.syncNow();
    expect(await first.handle('draft.get', { conversation_id: p.conversation_id })).toMatchObject({
      text: 'We will sue the courier', rejected: { code: 'approval_rejected', message: 'rejected by Other: no legal talk', id: message_id },
    });
    // the agent reworks it there and clears the box
    await first.handle('draft.save', { conversation_id: p.conversation_id, text: '', visibility: 'public', refusal_seen: message_id });

    // the desktop signed in at the same time syncs after, and one signed in later: neither brings it back
    await second.engine.syncNow();
    const third = await desktop(t);
    for (const d of [second, third]) {
      expect(await d.handle('draft.get', { conversation_id: p.conversation_id })).toBeNull();
      expect(d.outbox.all()).toEqual([]);
    }
    // the thread still says it was rejected, on every desktop
    expect((await third.handle('conversation.get', { id: p.conversation_id })).messages.find((m) => m.id === message_id)).toMatchObject({ delivery: 'rejected' });
    expect(await first.handle('draft.get', { conversation_id: p.conversation_id })).toBeNull();
  });
});
