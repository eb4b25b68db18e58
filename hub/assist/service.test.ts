/** The hub's suggestions and summaries, fed from PostgreSQL (PGlite here; the server in test:pg). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { openTestDb } from '../../testing/hub/testdb';
import { answeredConversations, HubAssist } from './service';

let db: Db;
const t = (min: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + min * 60_000).toISOString();

beforeAll(async () => {
  db = await openTestDb('assist_service');
  await db.exec(`
    INSERT INTO workspaces (id, name) VALUES ('ws', 'Shop'), ('other', 'Other');
    INSERT INTO agents (id, workspace_id, email, name, role, password_hash) VALUES ('ken', 'ws', 'ken@x', 'Ken', 'agent', 'x');
    INSERT INTO customers (id, workspace_id, name) VALUES ('maria', 'ws', 'Maria Lopez'), ('lee', 'ws', 'Lee'), ('kim', 'ws', 'Kim'), ('tom', 'ws', 'Tom Baker'), ('zed', 'other', 'Zed');`);
  const conv = (id: string, ws: string, cust: string, status: string, resolvedAt: string | null) =>
    db.query('INSERT INTO conversations (id, workspace_id, channel, customer_id, status, resolved_at) VALUES ($1, $2, $3, $4, $5, $6)', [id, ws, 'x', cust, status, resolvedAt]);
  const msg = (id: string, ws: string, c: string, dir: string, author: string, text: string, at: string) =>
    db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, author_id, author_name, text, delivery, created_at)
              VALUES ($1, $2, $3, 'x', $4, 'public', $5, $5, $6, $7, $8)`, [id, ws, c, dir, author, text, dir === 'inbound' ? 'received' : 'sent', at]);
  await conv('old1', 'ws', 'maria', 'resolved', t(20));
  await msg('a1', 'ws', 'old1', 'inbound', '@maria_l', 'you charged my card twice for order 55123', t(0));
  await msg('a2', 'ws', 'old1', 'outbound', 'Ken', "@maria_l Hi Maria, sorry! I've refunded the double charge on order 55123. -KC", t(10));
  await conv('rated', 'ws', 'lee', 'resolved', t(40));
  await msg('b1', 'ws', 'rated', 'inbound', '@lee', 'charged twice on my card', t(30));
  await msg('b2', 'ws', 'rated', 'outbound', 'Ken', '@lee Charges are final.', t(35));
  await db.query("INSERT INTO surveys (id, workspace_id, conversation_id, kind, question, asked_at, answered_at, score) VALUES ('s1', 'ws', 'rated', 'csat', 'How did we do?', $1, $1, 2)", [t(41)]);
  await conv('reopened', 'ws', 'kim', 'open', t(60));
  await msg('k1', 'ws', 'reopened', 'inbound', '@kim', 'double charge on my card', t(50));
  await msg('k2', 'ws', 'reopened', 'outbound', 'Ken', '@kim Please call your bank.', t(55));
  await conv('elsewhere', 'other', 'zed', 'resolved', t(70));
  await msg('z1', 'other', 'elsewhere', 'inbound', '@zed', 'charged twice', t(65));
  await msg('z2', 'other', 'elsewhere', 'outbound', 'Ann', '@zed Another workspace answer.', t(66));
  await conv('now', 'ws', 'tom', 'open', null);
  await msg('n1', 'ws', 'now', 'inbound', '@tom_b', 'Hi, I was charged twice for one order, please refund.', t(100));
  await db.query("INSERT INTO notes (id, workspace_id, conversation_id, author_id, author_name, text, created_at) VALUES ('no1', 'ws', 'now', 'ken', 'Ken', 'Refund request BIL-88 opened with billing; I will update the customer tomorrow.', $1)", [t(110)]);
});
afterAll(async () => { await db?.close(); });

describe('suggestions on the hub', () => {
  it('reads answered conversations with their outcome and CSAT', async () => {
    const a = await answeredConversations(db, 'ws');
    expect(a.map((x) => x.id).sort()).toEqual(['old1', 'rated', 'reopened']);
    expect(a.find((x) => x.id === 'rated')?.outcome).toMatchObject({ csat: 2 });
    expect(a.find((x) => x.id === 'reopened')?.outcome).toMatchObject({ reopened: true });
  });

  it('ranks as the desktop does: adapted, from the same workspace, never an answer that ended badly', async () => {
    const hub = new HubAssist(db);
    const s = await hub.suggest('ws', 'now', { agentSignature: '-AB', now: Date.parse(t(120)) });
    expect(s.replies).toHaveLength(1);
    expect(s.replies[0].text).toBe("@tom_b Hi Tom, sorry! I've refunded the double charge on [order number]. -AB");
    await db.query("INSERT INTO assist_feedback (mutation_id, workspace_id, agent_id, conversation_id, key, action) VALUES ('f1', 'ws', 'ken', 'now', $1, 'accepted')", [s.replies[0].key]);
    expect((await hub.suggest('ws', 'now', { now: Date.parse(t(120)) })).replies[0].why).toContain('accepted 1×');
    // each row counts once, however often the index catches up
    expect((await hub.suggest('ws', 'now', { now: Date.parse(t(120)) })).replies[0].why).toContain('accepted 1×');
    // an index that is not rebuilt for an hour still takes new feedback at once
    const slow = new HubAssist(db, { rebuildMs: 3_600_000 });
    expect((await slow.suggest('ws', 'now', { now: Date.parse(t(120)) })).replies[0].why).toContain('accepted 1×');
    await db.query("INSERT INTO assist_feedback (mutation_id, workspace_id, agent_id, conversation_id, key, action) VALUES ('f2', 'ws', 'ken', 'now', $1, 'accepted')", [s.replies[0].key]);
    expect((await slow.suggest('ws', 'now', { now: Date.parse(t(120)) })).replies[0].why).toContain('accepted 2×');
    await expect(hub.suggest('other', 'now')).rejects.toThrow(/not found/);
  });

  it('summarises a conversation with the promised next step', async () => {
    const { summary } = await new HubAssist(db).summary('ws', 'now', t(120));
    expect(summary.lines[0]).toMatchObject({ text: 'Problem: Hi, I was charged twice for one order, please refund.', source: { messageId: 'n1' } });
    expect(summary.lines[1].text).toBe('Done: (note) Refund request BIL-88 opened with billing; I will update the customer tomorrow.');
    expect(summary.lines[2].due).toBe('2026-03-02T17:00:00.000Z');
  });
});
