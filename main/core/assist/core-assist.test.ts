/** The desk's assist requests through the core, offline (the hub is unreachable). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    await expect(request(core, 'assist.feedback', { key: s.replies[0].key, action: 'accepted' })).resolves.toEqual({ ok: true });
    await expect(request(core, 'assist.suggest', { conversation_id: 'nope' })).rejects.toThrow(/not in the cache/);
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
});
