/**
 * Every kind of record a user would miss after a restore or an upgrade, written through the hub's
 * real write paths (ingest, the mutations endpoint, sign-in), and a table-by-table comparison of
 * two databases: backups (hub/db/backup.test.ts) and upgrades (hub/db/upgrade.test.ts) use both.
 */
import { randomUUID } from 'node:crypto';
import type { Hub } from '../../hub/hub';
import type { Queryable } from '../../hub/db/queryable';
import { call, login } from './client';
import { conversation, post, seedWorld, type World } from './fixtures';
import type { Loose } from '../json';

export interface EveryRecord {
  world: World;
  /** conversation ids */
  conversations: string[];
  /** the text of the reply the hub refused (the desktop keeps it as a draft; the hub keeps its refusal) */
  refusedReplyId: string;
}

/**
 * A workspace with: agents and teams, conversations in a queue, assigned and resolved, inbound
 * messages, a threaded follow-up, an agent's reply waiting to be sent (queued: no dispatcher), a note,
 * customer notes and tags, a refused reply (stored with its refusal), sessions and the audit log.
 */
export async function seedEveryRecord(hub: Hub): Promise<EveryRecord> {
  const w = await seedWorld(hub.log);
  const token = await login(hub.url, w.emails.a);
  const mine = await conversation(hub.log, w, { assignee: w.agentA, handle: 'maria_k' });
  const queued = await conversation(hub.log, w, { assignee: null, handle: 'joe' });
  const resolved = await conversation(hub.log, w, { assignee: w.agentA, handle: 'lee' });
  // a follow-up from the same customer threads into the first conversation
  const [first] = await hub.db.query<{ platform_id: string }>('SELECT platform_id FROM messages WHERE id = $1', [mine.message_id]);
  await w.ingestor.ingest(post({ handle: 'maria_k', text: 'still no refund for order #8812', in_reply_to: first.platform_id }));
  const refusedReplyId = randomUUID();
  const batch = (mutations: Array<{ type: string; args: Record<string, unknown> }>) =>
    call(hub.url, 'POST', '/v1/mutations', { token, body: { mutations: mutations.map((m) => ({ id: randomUUID(), ...m })) } });
  const ok = await batch([
    { type: 'reply', args: { conversation_id: mine.id, message_id: randomUUID(), text: 'Hi Maria, we are on it: order #8812.', visibility: 'public' } },
    { type: 'note', args: { conversation_id: mine.id, note_id: randomUUID(), text: 'order #8812, escalate to billing' } },
    { type: 'update_customer', args: { conversation_id: mine.id, add_tags: ['vip'], notes: 'prefers DMs', notes_base: null } },
    { type: 'tag', args: { conversation_id: mine.id, add: ['refund'] } },
    { type: 'set_status', args: { conversation_id: resolved.id, status: 'resolved' } },
  ]);
  if (ok.status !== 200 || ok.json.results.some((r: Loose) => !r.ok)) throw new Error(`seeding mutations: ${ok.status} ${ok.text}`);
  // the world moved: a reply to a conversation resolved meanwhile is refused, and the refusal is kept
  const refused = await batch([
    { type: 'reply', args: { conversation_id: resolved.id, message_id: refusedReplyId, text: 'One more thing, Lee…', visibility: 'public' } },
  ]);
  if (refused.status !== 200 || refused.json.results[0].ok !== false) throw new Error(`the refused reply was not refused: ${refused.text}`);
  return { world: w, conversations: [mine.id, queued.id, resolved.id], refusedReplyId };
}

export type TableRows = Record<string, Loose[]>;

/** Every row of every table of the database's schema, as JSON, in a stable order. */
export async function allRows(db: Queryable & { schema: string }): Promise<TableRows> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`, [db.schema]);
  const out: TableRows = {};
  for (const { name } of tables) {
    const rows = await db.query<{ row: Loose }>(`SELECT to_jsonb(t) AS row FROM ${name} t`);
    out[name] = rows.map((r) => r.row).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/**
 * The rows of `before` that `after` does not hold, as "table: row" lines. A row is held when a row of
 * the same table has the same value in every column the earlier row had (an upgrade may add columns).
 */
export function missingRows(before: TableRows, after: TableRows): string[] {
  const missing: string[] = [];
  for (const [table, rows] of Object.entries(before)) {
    const now = after[table] ?? [];
    const keys = (r: Loose) => Object.keys(r);
    const seen = new Set(now.map((r: Loose) => JSON.stringify(keys(rows[0] ?? {}).map((k) => r[k]))));
    for (const r of rows) if (!seen.has(JSON.stringify(keys(r).map((k) => r[k])))) missing.push(`${table}: ${JSON.stringify(r)}`);
  }
  return missing;
}

/** How many rows each table holds (the tables a user would notice first). */
export async function recordCounts(db: Queryable): Promise<Record<string, number>> {
  const [r] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM conversations)::int AS conversations, (SELECT count(*) FROM messages)::int AS messages,
            (SELECT count(*) FROM notes)::int AS notes, (SELECT count(*) FROM mutations)::int AS mutations,
            (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM agents)::int AS agents`);
  return r;
}
