import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { ChangeLog } from '../sync/changelog';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { post, seedWorld, type World } from '../../testing/hub/fixtures';
import { HubIngestor, IngestError } from './ingest';
import { ConversationSchema, MessageSchema } from '../../shared/domain';
import type { Loose } from '../../testing/json';

let db: Db;
let log: ChangeLog;
let w: World;

beforeAll(async () => {
  db = await openTestDb('ingest');
  log = new ChangeLog(db);
});
afterAll(async () => { await db?.close(); });
beforeEach(async () => {
  await truncateAll(db);
  w = await seedWorld(log);
});

const latest = async (entity: string, id: string) =>
  (await db.query<{ data: Loose }>('SELECT data FROM changes WHERE entity = $1 AND entity_id = $2 ORDER BY sync_id DESC LIMIT 1', [entity, id]))[0].data;

describe('ingest', () => {
  it('stores a post once: a redelivery is a duplicate, even concurrently', async () => {
    const p = post({ handle: 'dup' });
    const results = await Promise.all([w.ingestor.ingest(p), w.ingestor.ingest(p), w.ingestor.ingest(p)]);
    expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
    expect(new Set(results.map((r) => r.message_id)).size).toBe(1);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(n).toBe(1);
  });

  it('threads reply chains, stores brand posts as sent outbound, links one customer', async () => {
    const first = post({ handle: 'Maria', text: 'my order never came' });
    const r1 = await w.ingestor.ingest(first);
    const brand = post({ handle: 'brand', from_brand: true, in_reply_to: first.platform_id, text: 'So sorry! DM us', created_at: new Date(Date.now() - 30_000).toISOString() });
    const r2 = await w.ingestor.ingest(brand);
    const again = post({ handle: 'maria', in_reply_to: brand.platform_id, text: 'done', created_at: new Date(Date.now() - 10_000).toISOString() });
    const r3 = await w.ingestor.ingest(again);
    expect(r2.conversation_id).toBe(r1.conversation_id);
    expect(r3.conversation_id).toBe(r1.conversation_id);
    const c = ConversationSchema.parse(await latest('conversation', r1.conversation_id));
    expect(c).toMatchObject({ message_count: 3, team_id: w.teamA, assignee_id: null, status: 'open', snippet: 'done', subject: 'my order never came' });
    expect(c.first_response_at).toBe(brand.created_at);
    expect(c.first_response_due_at).not.toBeNull();
    expect(MessageSchema.parse(await latest('message', r2.message_id))).toMatchObject({ direction: 'outbound', delivery: 'sent' });
    expect(MessageSchema.parse(await latest('message', r3.message_id))).toMatchObject({ direction: 'inbound', delivery: 'received', author_id: 'maria' });
    const customers = await db.query('SELECT id FROM customers');
    expect(customers).toHaveLength(1); // handles match case-insensitively
  });

  it('threads private messages by participant and starts anew after resolution', async () => {
    const dm = (text: string) => post({ handle: 'dmuser', visibility: 'private', thread_key: 'u-42', author: { platform_user_id: 'u-42', handle: 'dmuser', name: 'DM User', followers: 5, verified: false }, text });
    const a = await w.ingestor.ingest(dm('hi'));
    const b = await w.ingestor.ingest(dm('anyone?'));
    expect(b.conversation_id).toBe(a.conversation_id);
    await log.write((wr) => wr.update('conversation', a.conversation_id, { status: 'resolved' }));
    const c = await w.ingestor.ingest(dm('new problem'));
    expect(c.conversation_id).not.toBe(a.conversation_id);
  });

  it('a customer answering a resolved public thread reopens it', async () => {
    const p = post({ handle: 'reopen' });
    const r = await w.ingestor.ingest(p);
    await log.write((wr) => wr.update('conversation', r.conversation_id, { status: 'resolved', resolved_at: new Date() }));
    await w.ingestor.ingest(post({ handle: 'reopen', in_reply_to: p.platform_id }));
    expect(await latest('conversation', r.conversation_id)).toMatchObject({ status: 'open', resolved_at: null });
  });

  it('uses the analysis and routing hooks', async () => {
    const ing = new HubIngestor(log, {
      workspaceId: w.ws,
      analyzePost: (p) => ({ sentiment: { label: 'negative', score: -0.8 }, reason: `negative: ${p.text}` }),
      route: () => ({ team_id: w.teamB, priority: 'high' }),
    });
    const r = await ing.ingest(post({ handle: 'angry', text: 'refund now' }));
    const c = ConversationSchema.parse(await latest('conversation', r.conversation_id));
    expect(c).toMatchObject({ team_id: w.teamB, priority: 'high', analysis: { sentiment: { label: 'negative', score: -0.8 }, reason: 'negative: refund now' } });
  });

  it('refuses unreadable posts and orphan brand posts, storing nothing', async () => {
    await expect(w.ingestor.ingest({ ...post(), created_at: 'yesterday' })).rejects.toBeInstanceOf(IngestError);
    await expect(w.ingestor.ingest({ ...post(), platform_id: '' })).rejects.toBeInstanceOf(IngestError);
    await expect(w.ingestor.ingest(post({ from_brand: true, in_reply_to: 'unknown' }))).rejects.toMatchObject({ code: 'orphan_brand_post' });
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(n).toBe(0);
  });
});
