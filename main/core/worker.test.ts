import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openCache } from './db/open';
import { createDesktopCore } from './index';
import { SyncApplier } from './sync/apply';
import { agent, conversation, customer, message } from '../../testing/desktop/fixtures';
import { request } from './service';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-worker-'));
  const db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('session', { hub_url: 'http://127.0.0.1:9', token: 't' });
  applier.meta.set('agent', agent());
  applier.beginBootstrap();
  applier.applyBootstrapPage({ conversations: [conversation({ id: 'c1' })], messages: [message({ id: 'm1', conversation_id: 'c1', text: 'kettle broken' })], notes: [], customers: [customer({ id: 'cu1' })] });
  applier.finishBootstrap(1);
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('runs the core in a worker thread behind the same DesktopService', async () => {
  const core = await createDesktopCore({ dataDir: dir, sync: { live: false, backoffBaseMs: 60_000 } });
  try {
    const changes: string[][] = [];
    core.on('data.changed', (e) => changes.push(e.conversation_ids));
    expect((await request(core, 'inbox.list', { tab: 'mine' })).items.map((i) => i.id)).toEqual(['c1']);
    expect((await request(core, 'search', { query: 'kett' })).hits.map((h) => h.message_id)).toEqual(['m1']);
    await request(core, 'reply.send', { conversation_id: 'c1', text: 'sorry!', visibility: 'public' });
    expect((await request(core, 'session.status', {})).outbox_count).toBe(1);
    expect(changes).toContainEqual(['c1']);
    await expect(request(core, 'conversation.get', { id: 'zz' })).rejects.toMatchObject({ code: 'not_found' });
  } finally {
    await core.close();
  }
  await expect(request(core, 'session.status', {})).rejects.toMatchObject({ code: 'closed' });
});

it('refuses to open a cache written by a newer build, with the reason', async () => {
  const db = openCache(dir);
  db.pragma('user_version = 99999');
  db.close();
  await expect(createDesktopCore({ dataDir: dir })).rejects.toThrow(/newer than this build/);
});
