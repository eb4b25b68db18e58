import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db';
import { startHub, type Hub } from '../hub';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { conversation, seedWorld, type World } from '../../testing/hub/fixtures';
import { call, login } from '../../testing/hub/client';
import { waitForDelivery } from '../../testing/hub/wait';
import type { DeliveryOutcome, OutboundConnector, OutboundReply } from '../connectors/types';
import type { Loose } from '../../testing/json';

let db: Db;
let hub: Hub;
let w: World;
let token: string;

beforeAll(async () => {
  db = await openTestDb('dispatcher');
  hub = await startHub({ database: db, outbound: { dispatcher: { pollMs: 20, baseBackoffMs: 1, maxAttempts: 3 } } });
});
afterAll(async () => {
  await hub?.close();
  await db?.close();
});
beforeEach(async () => {
  await hub.dispatcher!.idle();
  await truncateAll(db);
  hub.connectors.unregister('x');
  w = await seedWorld(hub.log);
  token = await login(hub.url, w.emails.a);
});

async function replyTo(conversationId: string, text = 'Sorry about that!') {
  const messageId = randomUUID();
  const r = await call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: [
    { id: randomUUID(), type: 'reply', args: { conversation_id: conversationId, message_id: messageId, text, visibility: 'public' } }] } });
  expect(r.json.results[0].ok).toBe(true);
  return messageId;
}

describe('outbound dispatcher', () => {
  it('delivers a queued reply through the sandbox, answering the customer post; the state syncs', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const id = await replyTo(c.id);
    const m = await waitForDelivery(hub, id);
    expect(m.platform_id).toBe(`sandbox-${id}`);
    const [posted] = await db.query<Loose>('SELECT * FROM sandbox_posts WHERE message_id = $1', [id]);
    const [inbound] = await db.query<{ platform_id: string }>('SELECT platform_id FROM messages WHERE id = $1', [c.message_id]);
    expect(posted).toMatchObject({ channel: 'x', account: 'brand', text: 'Sorry about that!', in_reply_to: inbound.platform_id });
    const states = await db.query<{ s: string }>(`SELECT data->>'delivery' AS s FROM changes WHERE entity = 'message' AND entity_id = $1 ORDER BY sync_id`, [id]);
    expect(states.map((x) => x.s)).toEqual(['queued', 'sending', 'sent']);
  });

  it('retries a retryable failure with backoff, then posts once', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    hub.sandbox!.failNext(2, 'platform is down');
    const id = await replyTo(c.id);
    await waitForDelivery(hub, id);
    const states = await db.query<{ s: string; e: string | null }>(
      `SELECT data->>'delivery' AS s, data->>'delivery_error' AS e FROM changes WHERE entity = 'message' AND entity_id = $1 ORDER BY sync_id`, [id]);
    expect(states.map((x) => x.s)).toEqual(['queued', 'sending', 'failed', 'sending', 'failed', 'sending', 'sent']);
    expect(states[2].e).toContain('platform is down');
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_posts WHERE message_id = $1', [id]);
    expect(n).toBe(1);
  });

  it('a permanent failure ends as failed with the reason; a pluggable connector serves its channel', async () => {
    const sent: OutboundReply[] = [];
    const x: OutboundConnector = {
      channel: 'x',
      async send(reply): Promise<DeliveryOutcome> {
        sent.push(reply);
        return { ok: false, error: 'X says: duplicate content', retryable: false };
      },
    };
    hub.connectors.register(x);
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const id = await replyTo(c.id);
    const m = await waitForDelivery(hub, id, ['failed']);
    expect(m.delivery_error).toBe('X says: duplicate content');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ message_id: id, channel: 'x', text: 'Sorry about that!' });
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_posts');
    expect(n).toBe(0);
  });

  it('a send interrupted after posting (hub died mid-send) is retried and still posted once', async () => {
    const c = await conversation(hub.log, w, { assignee: w.agentA });
    const id = await replyTo(c.id);
    await waitForDelivery(hub, id);
    // as if the hub had died between posting and recording 'sent': the lease expired while 'sending'
    await hub.log.write((wr) => wr.update('message', id, { delivery: 'sending', next_attempt_at: new Date(Date.now() - 1000) }));
    hub.dispatcher!.kick();
    await waitForDelivery(hub, id);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_posts WHERE message_id = $1', [id]);
    expect(n).toBe(1);
    // visible on the way: the lease ran out while 'sending', so the outcome was unknown
    const states = await db.query<{ s: string }>(`SELECT data->>'delivery' AS s FROM changes WHERE entity = 'message' AND entity_id = $1 ORDER BY sync_id`, [id]);
    expect(states.map((x) => x.s).slice(-4)).toEqual(['sending', 'unknown', 'sending', 'sent']);
  });
});
