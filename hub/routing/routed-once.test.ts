/**
 * Routing once, after commit: a new conversation's first synced state is its routed state. The ingest
 * hook decides where it goes (inside the write), the engine places it by that same decision when the
 * change arrives, so no second change moves it; a desktop sees one change for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { changesPage, loadAgentContext } from '../sync/scope';
import { openTestDb } from '../../testing/hub/testdb';
import { call, login } from '../../testing/hub/client';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';

let db: Db;
let hub: Hub;
let w: World;

const start = () => startHub({ database: db, routing: { tickMs: 50 }, outbound: { dispatcher: false }, channels: false, snoozeCheckMs: 0 });

beforeAll(async () => {
  db = await openTestDb('routed_once');
  hub = await start();
  w = await seedWorld(hub.log);
  // Team B takes invoices (the word can come late in a long post) and gold customers; the rest goes to team A
  const boss = await login(hub.url, w.emails.supervisor);
  const r = await call(hub.url, 'PUT', '/v1/routing/rules', { token: boss, body: { rules: [
    { id: 'invoices', name: 'Invoices to team B', filters: [{ field: 'keywords', op: 'any', values: ['invoice'] }], targets: [{ queue_id: `q-${w.teamB}` }] },
    { id: 'gold', name: 'Gold customers to team B', filters: [{ field: 'customer_tier', op: 'in', values: ['gold'] }], targets: [{ queue_id: `q-${w.teamB}` }] },
  ] } });
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});

/** What agent B's desktop receives of a conversation since `since`, and every change the hub wrote for it. */
async function seenBy(agentId: string, conversationId: string, since: number) {
  const agent = (await loadAgentContext(db, agentId))!;
  const page = JSON.parse((await changesPage(db, agent, since, 1000)).json) as { changes: Array<{ entity: string; data: { id: string; team_id: string | null } }> };
  const desktop = page.changes.filter((c) => c.entity === 'conversation' && c.data.id === conversationId).map((c) => c.data.team_id);
  const written = (await db.query<{ team_id: string | null }>(
    `SELECT data->>'team_id' AS team_id FROM changes WHERE entity = 'conversation' AND entity_id = $1 AND sync_id > $2 ORDER BY sync_id`, [conversationId, since])).map((r) => r.team_id);
  return { desktop, written };
}

describe('a new conversation is routed once', () => {
  it('the routed team is its first state, also when the deciding word is past what the conversation row keeps', async () => {
    const since = await hub.log.maxSyncId();
    const text = `${'We were charged twice this month and nobody answers the phone. '.repeat(5)}Please check the invoice.`;
    const got = await hub.ingestor(w.ws).ingest(post({ handle: 'long-writer', text }));
    await hub.routing!.settled();
    expect(await seenBy(w.agentB, got.conversation_id, since)).toEqual({ desktop: [w.teamB], written: [w.teamB] });
  });

  it("a rule on the customer's tier decides on the first write (the tier comes with ingest's own lookup)", async () => {
    const first = await hub.ingestor(w.ws).ingest(post({ handle: 'goldie', text: 'hello' }));
    const [{ customer_id }] = await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [first.conversation_id]);
    await hub.log.write((wr) => wr.update('customer', customer_id, { tier: 'gold' }));
    await hub.routing!.settled();
    // the first conversation is resolved, so the next post opens a new one
    await hub.log.write((wr) => wr.update('conversation', first.conversation_id, { status: 'resolved' }));
    await hub.routing!.settled();
    const since = await hub.log.maxSyncId();
    const next = await hub.ingestor(w.ws).ingest(post({ handle: 'goldie', text: 'my order is late' }));
    expect(next.conversation_id).not.toBe(first.conversation_id);
    await hub.routing!.settled();
    expect(await seenBy(w.agentB, next.conversation_id, since)).toEqual({ desktop: [w.teamB], written: [w.teamB] });
  });

  it('the first post after a restart loads the workspace first, and is routed on its first write too', async () => {
    await hub.close();
    hub = await start(); // routing loads a workspace on its first use
    expect(hub.routing!.loadedWorkspaces()).toEqual([]);
    const since = await hub.log.maxSyncId();
    const got = await hub.ingestor(w.ws).ingest(post({ handle: 'cold-start', text: 'about my invoice' }));
    await hub.routing!.settled();
    expect(await seenBy(w.agentB, got.conversation_id, since)).toEqual({ desktop: [w.teamB], written: [w.teamB] });
    expect((await seenBy(w.agentA, got.conversation_id, since)).desktop).toEqual([]);
  });
});
