/**
 * The promise across a hub restart: a reply waiting for approval still waits after the hub comes back
 * (nothing was sent meanwhile, whatever the dispatcher found at start), and approving it then sends it
 * exactly once. PGlite in a data directory, the hub closed and started again on it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_RULES } from '../../shared/contract/approvals';
import { startHub, type Hub } from '../hub';
import { call, login } from '../../testing/hub/client';
import { conversation, seedWorld } from '../../testing/hub/fixtures';
import { waitForDelivery } from '../../testing/hub/wait';
import { setApprovalRules } from './store';

const dir = mkdtempSync(join(tmpdir(), 'tend-approvals-restart-'));
let hub: Hub | null = null;
const start = () => startHub({ database: { dataDir: dir }, analysis: false, outbound: { dispatcher: { pollMs: 20 } } });

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hub restart while a reply awaits approval', () => {
  it('still awaits after the restart, and approving then sends it once', async () => {
    hub = await start();
    const w = await seedWorld(hub.log);
    await setApprovalRules(hub.db, w.ws, { ...DEFAULT_APPROVAL_RULES, all_public: true }, w.supervisor);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const messageId = randomUUID();
    const agent = await login(hub.url, w.emails.a);
    const r = await call(hub.url, 'POST', '/v1/mutations', { token: agent, body: { mutations: [
      { id: randomUUID(), type: 'reply', args: { conversation_id: c.id, message_id: messageId, text: 'held over a restart', visibility: 'public' } }] } });
    expect(r.json.results[0]).toMatchObject({ ok: true, value: { awaiting_approval: true } });
    await hub.close();

    hub = await start();
    await hub.dispatcher!.runOnce(); // the dispatcher's first look at due work after the start
    await hub.dispatcher!.idle();
    const [m] = await hub.db.query<{ delivery: string }>('SELECT delivery FROM messages WHERE id = $1', [messageId]);
    expect(m.delivery).toBe('awaiting_approval');
    expect(await hub.db.query('SELECT 1 FROM sandbox_posts WHERE message_id = $1', [messageId])).toHaveLength(0);

    const boss = await login(hub.url, w.emails.supervisor);
    const approve = () => call(hub!.url, 'POST', `/v1/approvals/${messageId}/approve`, { token: boss, body: {} });
    expect((await approve()).status).toBe(200);
    await waitForDelivery(hub, messageId);
    expect((await approve()).status).toBe(409);
    await hub.dispatcher!.idle();
    expect(await hub.db.query('SELECT 1 FROM sandbox_posts WHERE message_id = $1', [messageId])).toHaveLength(1);
  }, 120_000);
});
