/**
 * Through the hub's own Ingestor (PGlite, or TEST_DATABASE_URL): a brand's own posts never become a
 * customer (a channel account, a configured brand account, or one learned from the brand's posts), the
 * platform's echo of an agent's reply settles that reply instead of showing twice, and the posts of one
 * forum topic are one conversation, reopened by a new post.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { ChangeLog } from '../sync/changelog';
import { HubIngestor } from '../conversations/ingest';
import { openTestDb, truncateAll } from '../../testing/hub/testdb';
import { seedWorld, type World } from '../../testing/hub/fixtures';
import { seedBrandAccounts } from './brands';
import { startFeedPoller } from './feeds/poller';
import type { NormalizedPost } from './types';

let db: Db;
let log: ChangeLog;
let w: World;
let ing: HubIngestor;
let seq = 0;

beforeAll(async () => {
  db = await openTestDb('brands-topics');
  log = new ChangeLog(db);
});
afterAll(async () => { await db?.close(); });
beforeEach(async () => {
  await truncateAll(db);
  w = await seedWorld(log);
  ing = new HubIngestor(log, { workspaceId: w.ws, defaultTeamId: w.teamA });
});

const post = (over: Omit<Partial<NormalizedPost>, 'author'> & { author?: Partial<NormalizedPost['author']> }): NormalizedPost => {
  const { author, ...rest } = over;
  return {
    channel: 'x', account: 'AcmeCare', platform_id: `18500000000000${String(++seq).padStart(5, '0')}`,
    author: { platform_user_id: '6253282', handle: 'janedoe', name: 'Jane', followers: 10, verified: false, ...author },
    text: 'my parcel is lost', visibility: 'public', in_reply_to: null, created_at: new Date(Date.now() - 60_000 + seq).toISOString(),
    permalink: null, from_brand: false, thread_key: null, ...rest,
  };
};
const customers = async () => (await db.query<{ name: string }>('SELECT name FROM customers ORDER BY name')).map((r) => r.name);
const messagesOf = async (conversation: string) =>
  db.query<{ direction: string; text: string; delivery: string; platform_id: string | null }>(
    'SELECT direction, text, delivery, platform_id FROM messages WHERE conversation_id = $1 ORDER BY created_at, id', [conversation]);

describe('a brand\'s own posts never become a customer', () => {
  it('a post by the workspace\'s channel account (same handle) is the brand\'s, without the platform saying so', async () => {
    const c = await ing.ingest(post({}));
    const brandReply = await ing.ingest(post({ in_reply_to: (await db.query<{ platform_id: string }>('SELECT platform_id FROM messages'))[0].platform_id, author: { platform_user_id: '3001969357', handle: 'AcmeCare', name: 'Acme Care' }, text: '@janedoe sorry!' }));
    expect(brandReply.conversation_id).toBe(c.conversation_id);
    expect(await customers()).toEqual(['Jane']);
    expect((await messagesOf(c.conversation_id)).map((m) => [m.direction, m.delivery])).toEqual([['inbound', 'received'], ['outbound', 'sent']]);
  });

  it('an account learned from a brand post (the platform said so) is the brand\'s later, even where nothing says so', async () => {
    const first = await ing.ingest(post({ platform_id: '1850000000000099901' }));
    await ing.ingest(post({ in_reply_to: '1850000000000099901', from_brand: true, author: { platform_user_id: '777000777', handle: 'AcmeHelp', name: 'Acme Help' }, text: 'On it' }));
    // the same account again, now from a source that does not flag the brand (an import, a v2 delivery without config)
    await ing.ingest(post({ in_reply_to: '1850000000000099901', author: { platform_user_id: '777000777', handle: 'AcmeHelp', name: 'Acme Help' }, text: 'Done!' }));
    expect(await customers()).toEqual(['Jane']);
    expect((await messagesOf(first.conversation_id)).map((m) => m.direction)).toEqual(['inbound', 'outbound', 'outbound']);
    expect(await db.query('SELECT channel, kind, value, source FROM brand_identities ORDER BY kind')).toEqual([
      { channel: 'x', kind: 'handle', value: 'acmehelp', source: 'learned' },
      { channel: 'x', kind: 'id', value: '777000777', source: 'learned' },
    ]);
  });

  it('a configured brand account (TEND_BRAND_ACCOUNTS) answering in a forum topic is the brand, in the topic\'s conversation', async () => {
    await seedBrandAccounts(db, w.ws, [{ channel: 'forum', handle: 'Acme_Support' }]);
    const topic = { channel: 'forum' as const, account: 'acme-forum', thread_key: 'discourse:forum.acme.example:4821' };
    const a = await ing.ingest(post({ ...topic, platform_id: 'p1', author: { platform_user_id: null, handle: 'marta_k', name: 'marta_k' }, text: 'Kettle stops heating' }));
    const b = await ing.ingest(post({ ...topic, platform_id: 'p3', author: { platform_user_id: null, handle: 'Acme_Support', name: 'Acme_Support' }, text: 'Send us your order numbers' }));
    expect(b.conversation_id).toBe(a.conversation_id);
    expect(await customers()).toEqual(['marta_k']);
    expect((await messagesOf(a.conversation_id)).map((m) => m.direction)).toEqual(['inbound', 'outbound']);
  });
});

describe('the platform echoing an agent\'s reply', () => {
  it('settles the queued reply with the platform\'s id instead of storing it twice', async () => {
    const c = await ing.ingest(post({ platform_id: '1850000000000088801' }));
    const mine = randomUUID();
    await log.write((wr) => wr.insert('message', {
      id: mine, workspace_id: w.ws, conversation_id: c.conversation_id, channel: 'x', direction: 'outbound', visibility: 'public',
      author_id: w.agentA, author_name: 'Agent A', text: '@janedoe we are on it & checking', in_reply_to: '1850000000000088801', delivery: 'sending', next_attempt_at: new Date(Date.now() + 60_000),
    }));
    // X's echo: HTML-escaped, with the reply's mention in front
    const r = await ing.ingest(post({ platform_id: '1850000000000088802', in_reply_to: '1850000000000088801', from_brand: true, author: { platform_user_id: '3001969357', handle: 'AcmeCare', name: 'Acme' }, text: '@janedoe we are on it &amp; checking' }));
    expect(r).toMatchObject({ status: 'duplicate', message_id: mine });
    expect((await messagesOf(c.conversation_id)).map((m) => [m.direction, m.delivery, m.platform_id])).toEqual([
      ['inbound', 'received', '1850000000000088801'], ['outbound', 'sent', '1850000000000088802']]);
  });
});

describe('forum topics', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const rss = readFileSync(new URL('./fixtures/feeds/discourse-topic.rss', import.meta.url));
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => { server.close(); });

  it('the posts of a Discourse topic are one conversation; a new post after it was resolved reopens it', async () => {
    await seedBrandAccounts(db, w.ws, [{ channel: 'forum', handle: 'acme_support' }]);
    const poller = startFeedPoller({ autoStart: false, ingestor: ing, log: () => {}, feeds: [{ id: 't', url: `${base}/t/kettle-x200-stops-heating-after-a-week/4821.rss`, channel: 'forum', account: 'acme-forum' }] });
    expect(await poller.pollNow('t')).toMatchObject({ status: 'fetched', stored: 3 });
    await poller.stop();
    const convs = await db.query<{ id: string; thread_key: string }>('SELECT id, thread_key FROM conversations');
    expect(convs).toEqual([{ id: expect.any(String), thread_key: 'discourse:forum.acme.example:4821' }]);
    expect((await messagesOf(convs[0].id)).map((m) => m.direction)).toEqual(['inbound', 'inbound', 'outbound']);
    expect(await customers()).toEqual(['jonas', 'marta_k']);
    await log.write((wr) => wr.update('conversation', convs[0].id, { status: 'resolved', resolved_at: new Date() }));
    const later = await ing.ingest(post({ channel: 'forum', account: 'acme-forum', platform_id: 'forum.acme.example-post-19999', thread_key: 'discourse:forum.acme.example:4821', author: { platform_user_id: null, handle: 'marta_k', name: 'marta_k' }, text: 'Still broken' }));
    expect(later.conversation_id).toBe(convs[0].id);
    expect((await db.query<{ status: string }>('SELECT status FROM conversations'))[0].status).toBe('open');
  });
});
