/** Suggestions and summaries from the desktop's SQLite cache, with the hub unreachable. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type Db } from '../db/open';
import { SyncApplier } from '../sync/apply';
import { agent, at, conversation, customer, message, note } from '../../../testing/desktop/fixtures';
import { DesktopAssist } from './assist';

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tend-assist-'));
  db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('agent', agent());
  applier.beginBootstrap();
  const reply = (id: string, cid: string, text: string, minutes: number) => message({ id, conversation_id: cid, direction: 'outbound', author_id: 'ag-ken', author_name: 'Ken', text, delivery: 'sent', created_at: at(minutes) });
  applier.applyBootstrapPage({
    conversations: [
      conversation({ id: 'old1', customer_id: 'maria', status: 'resolved', resolved_at: at(20) }),
      conversation({ id: 'old2', customer_id: 'lee', status: 'resolved', resolved_at: at(50) }),
      conversation({ id: 'reopened', customer_id: 'kim', status: 'open', resolved_at: at(60) }),
      conversation({ id: 'now', customer_id: 'tom', status: 'open', next_response_due_at: at(200) }),
    ],
    messages: [
      message({ id: 'a1', conversation_id: 'old1', author_id: '@maria_l', text: 'you charged my card twice for order 55123', created_at: at(0) }),
      reply('a2', 'old1', "@maria_l Hi Maria, sorry! I've refunded the double charge on order 55123, it shows in 3-5 days. -KC", 10),
      message({ id: 'b1', conversation_id: 'old2', author_id: '@lee', text: 'where is my parcel? tracking stuck', created_at: at(30) }),
      reply('b2', 'old2', '@lee Please DM us your order number and we will check the tracking: https://help.shop.example/track -KC', 40),
      message({ id: 'k1', conversation_id: 'reopened', author_id: '@kim', text: 'double charge on my card', created_at: at(50) }),
      reply('k2', 'reopened', '@kim Charges are final, sorry.', 55),
      message({ id: 'n1', conversation_id: 'now', author_id: '@tom_b', text: 'Hello? I was charged twice for one order.', created_at: at(100) }),
      message({ id: 'n2', conversation_id: 'now', author_id: '@tom_b', text: 'Still waiting for my money back!', created_at: at(101) }),
      reply('n3', 'now', "@tom_b So sorry Tom, I've asked billing to check it and I will update you tomorrow. -KC", 110),
      message({ id: 'n4', conversation_id: 'now', author_id: '@tom_b', text: 'ok thanks. Any news?', created_at: at(150) }),
    ],
    notes: [note({ id: 'no1', conversation_id: 'now', text: 'Billing ticket BIL-88 opened.', created_at: at(111), author_name: 'Ken' })],
    customers: [customer({ id: 'maria', name: 'Maria Lopez' }), customer({ id: 'lee' }), customer({ id: 'kim' }), customer({ id: 'tom', name: 'Tom Baker', identities: [{ channel: 'x', handle: '@tom_b', platform_user_id: null }] })],
  });
  applier.finishBootstrap(10);
});
afterAll(() => { db.close(); rmSync(dir, { recursive: true, force: true }); });

describe('suggested replies from the cache', () => {
  it('ranks the answer to a similar message first, adapted to this customer and agent, never one that ended badly', () => {
    const a = new DesktopAssist(db);
    const s = a.suggest('now', { agentSignature: '-AB', now: Date.parse(at(160)) });
    expect(s.from).toBe(3);
    expect(s.replies[0].text).toBe("@tom_b Hi Tom, sorry! I've refunded the double charge on [order number], it shows in 3-5 days. -AB");
    expect(s.replies[0].sources).toEqual(['old1']);
    expect(s.replies.map((r) => r.text).join('\n')).not.toContain('Charges are final');
    expect(s.replies.map((r) => r.sources[0])).not.toContain('now');
    expect(JSON.stringify(s)).not.toMatch(/Maria|maria_l|55123/);
  });

  it('offers canned responses that fit, and ranks by feedback', () => {
    const a = new DesktopAssist(db);
    const s = a.suggest('now', { now: Date.parse(at(160)), canned: [{ id: 'c1', title: 'Double charge', shortcode: 'double', body: 'A double charge is refunded in 3-5 days.' }, { id: 'c2', title: 'Hours', body: 'Open 9-5' }] });
    expect(s.canned.map((c) => c.sources[0])).toEqual(['c1']);
    for (let i = 0; i < 10; i++) a.recordFeedback(s.replies[0].key, 'ignored');
    expect(a.suggest('now', { now: Date.parse(at(160)) }).replies[0].key).not.toBe(s.replies[0].key);
  });
});

describe('handover summary from the cache', () => {
  it('gives the problem, what was done and what is open, each from its message', () => {
    const { summary, note: text } = new DesktopAssist(db).summary('now', at(160));
    expect(summary.lines[0]).toMatchObject({ text: 'Problem: I was charged twice for one order.', source: { messageId: 'n1' } });
    expect(summary.lines[1]).toMatchObject({ text: 'Done: (note) Billing ticket BIL-88 opened.', source: { messageId: 'no1' } });
    expect(summary.lines[2].text).toBe('Open: the customer is waiting for an answer to "Any news?" — next response due 2026-03-01 12:20 UTC');
    expect(text.startsWith('Handover summary\n• Problem:')).toBe(true);
  });
});

describe('the index follows the cache', () => {
  it('answers synced since, and a customer history hydrated (which moves no sync watermark), are suggested from at the next ask', () => {
    const a = new DesktopAssist(db);
    const now = Date.parse(at(160));
    expect(a.suggest('now', { now }).from).toBe(3);
    const applier = new SyncApplier(db);
    applier.applyChangesPage({ since: 10, to: 13, has_more: false, reset: false, changes: [
      { sync_id: 11, entity: 'conversation', op: 'upsert', data: conversation({ id: 'synced', customer_id: 'tom', status: 'resolved', resolved_at: at(90), sync_id: 11 }) },
      { sync_id: 12, entity: 'message', op: 'upsert', data: message({ id: 's1', conversation_id: 'synced', author_id: '@tom_b', text: 'my order never shipped', created_at: at(80), sync_id: 12 }) },
      { sync_id: 13, entity: 'message', op: 'upsert', data: message({ id: 's2', conversation_id: 'synced', direction: 'outbound', author_id: 'ag-ken', author_name: 'Ken', text: '@tom_b It ships today. -KC', delivery: 'sent', created_at: at(85), sync_id: 13 }) },
    ] });
    expect(a.suggest('now', { now }).from).toBe(4);
    applier.applyHydrate(['tom'], {
      conversations: [conversation({ id: 'hydrated', customer_id: 'tom', status: 'resolved', resolved_at: at(70), sync_id: 5 })],
      messages: [
        message({ id: 'h1', conversation_id: 'hydrated', author_id: '@tom_b', text: 'the app will not let me log in', created_at: at(60), sync_id: 6 }),
        message({ id: 'h2', conversation_id: 'hydrated', direction: 'outbound', author_id: 'ag-ken', author_name: 'Ken', text: '@tom_b Try resetting your password. -KC', delivery: 'sent', created_at: at(65), sync_id: 7 }),
      ],
      notes: [], customers: [],
    });
    expect(a.suggest('now', { now }).from).toBe(5);
  });
});
