/**
 * An erased customer leaves every desktop at its next sync (issue 12): the cache's rows and its
 * search hold none of their text or handle any more; the conversation stays. (The bytes may stay in
 * SQLite's free pages and the search index's old segments until they are reused or merged.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { startWorld, type World } from '../../testing/desktop/hub-harness';

let world: World;
beforeAll(async () => { world = await startWorld(); });
afterAll(async () => { await world?.close(); });

it("a customer erased on the hub is gone from the desktop's cache and search after its next sync", async () => {
  const t = await world.tenant();
  const handle = `erase_me_${Date.now().toString(36)}`;
  const { conversation_id } = await t.post({ handle, text: `my card is 4242, I am ${handle}` });
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-erase-'));
  const core = new LocalDesktopService({ dataDir: dir, sync: { live: false, backoffBaseMs: 60_000 } });
  try {
    await core.handle('session.login', { hub_url: world.hub.url, email: t.emails.me, password: t.password });
    await core.engine.idle();
    expect((await core.handle('conversation.get', { id: conversation_id })).messages[0]!.text).toContain(handle);
    expect((await core.handle('search', { query: handle, limit: 50 })).hits.length).toBeGreaterThan(0);

    // an admin erases the customer through the hub's API
    const [{ customer_id }] = await world.hub.db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [conversation_id]);
    await world.hub.db.query(`UPDATE agents SET role = 'admin' WHERE id = $1`, [t.agents.other]);
    const login = await (await fetch(`${world.hub.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: t.emails.other, password: t.password }) })).json() as { token: string };
    const erased = await fetch(`${world.hub.url}/v1/admin/customers/${customer_id}/erase`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` }, body: JSON.stringify({ confirm: 'erase' }),
    });
    expect(erased.status).toBe(200);
    await core.engine.syncNow();
    await core.engine.idle();

    const after = await core.handle('conversation.get', { id: conversation_id });
    expect(after.messages[0]!.text).toBe('[erased]');
    expect(after.customer?.name).toBe('Erased customer');
    expect(after.customer?.identities).toEqual([]);
    expect((await core.handle('search', { query: handle, limit: 50 })).hits).toEqual([]);
  } finally {
    await core.close();
  }
});
