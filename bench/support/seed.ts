/**
 * A hub's stored history written in bulk SQL (the change log is not what the benchmarks measure):
 * resolved conversations assigned over the floor, two messages each (the customer's post and the
 * brand's answer), half as many customers, whose X user ids are 10000 + i, so new deliveries from
 * those ids find a known customer with history. Written in batches of `batch` conversations, each
 * its own statement, so 1M messages need bounded memory on PGlite and on a server.
 */
import type { Db } from '../../hub/db/db';

export interface SeedOptions { workspaceId: string; teamId: string; agentIds: string[]; conversations: number; batch?: number; onBatch?: (done: number) => void }

export async function seedHistory(db: Db, o: SeedOptions): Promise<{ conversations: number; messages: number; customers: number }> {
  const N = o.conversations;
  const C = Math.max(1, Math.ceil(N / 2));
  const B = Math.max(1, o.batch ?? 50_000);
  const ws = o.workspaceId;
  const agents = `ARRAY[${o.agentIds.map((a) => `'${a}'`).join(',')}]::text[]`;
  for (let lo = 0; lo < C; lo += B) {
    const hi = Math.min(C, lo + B) - 1;
    await db.exec(`
      INSERT INTO customers (id, workspace_id, name, sync_id)
        SELECT 'cu' || i, '${ws}', 'Customer ' || i, 1 FROM generate_series(${lo}, ${hi}) i;
      INSERT INTO customer_identities (customer_id, workspace_id, channel, handle, platform_user_id)
        SELECT 'cu' || i, '${ws}', 'x', 'customer' || i, (10000 + i)::text FROM generate_series(${lo}, ${hi}) i;`);
  }
  for (let lo = 0; lo < N; lo += B) {
    const hi = Math.min(N, lo + B) - 1;
    await db.exec(`
      INSERT INTO conversations (id, workspace_id, channel, customer_id, subject, status, assignee_id, team_id, snippet, message_count,
                                 last_message_at, created_at, updated_at, resolved_at, sync_id, analysis)
        SELECT 'hc' || i, '${ws}', 'x', 'cu' || (i % ${C}), 'Order ' || i, 'resolved',
               (${agents})[1 + i % ${o.agentIds.length}], '${o.teamId}', 'Thanks, all sorted', 2,
               now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, now(), now() - (i || ' minutes')::interval, 1,
               '{"sentiment":{"label":"negative","score":-0.4}}'
        FROM generate_series(${lo}, ${hi}) i;
      INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, author_id, author_name, text,
                            platform_id, delivery, created_at, sync_id)
        SELECT 'hm' || j, '${ws}', 'hc' || (j / 2), 'x', CASE WHEN j % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'public',
               CASE WHEN j % 2 = 0 THEN 'customer' || ((j / 2) % ${C}) END, 'Customer', 'My order #' || j || ' has not arrived yet, can you check?',
               'h' || j, CASE WHEN j % 2 = 0 THEN 'received' ELSE 'sent' END, now() - (j || ' seconds')::interval, 1
        FROM generate_series(${2 * lo}, ${2 * hi + 1}) j;`);
    o.onBatch?.(hi + 1);
  }
  await db.exec('ANALYZE');
  return { conversations: N, messages: 2 * N, customers: C };
}

export interface OpenScopeOptions {
  workspaceId: string; agentId: string; teamId: string;
  /** id prefix: customers `<prefix>cu<i>` (handle `@<prefix>cu<i>`), conversations `<prefix>c<i>`, messages `<prefix>c<i>-m<j>` */
  prefix: string;
  conversations: number; perConversation: number;
  /** SQL for a message's text, over i (conversation, 1-based) and j (message, 1-based) */
  textSql?: string;
}

/**
 * One agent's open scope written in bulk SQL: a customer (with an X identity) per conversation, each conversation
 * open, assigned to the agent in the team, with `perConversation` inbound messages, the last one a second ago.
 * No change log (a desktop bootstraps it from the rows). Call ANALYZE after it, as after any bulk load.
 */
export async function seedOpenScope(db: Db, o: OpenScopeOptions): Promise<void> {
  const p = o.prefix;
  const text = o.textSql ?? `'my order ' || i || ' still has not arrived, message ' || j || ' about the parcel and the refund I was promised last week'`;
  await db.query(`INSERT INTO customers (id, workspace_id, name, sync_id) SELECT '${p}cu' || i, $1, 'Customer ' || i, 1 FROM generate_series(1, $2) i`, [o.workspaceId, o.conversations]);
  await db.query(`INSERT INTO customer_identities (customer_id, workspace_id, channel, handle) SELECT '${p}cu' || i, $1, 'x', '@${p}cu' || i FROM generate_series(1, $2) i`, [o.workspaceId, o.conversations]);
  await db.query(`INSERT INTO conversations (id, workspace_id, channel, customer_id, subject, status, priority, assignee_id, team_id, first_response_due_at,
      last_message_at, last_inbound_at, snippet, message_count, created_at, updated_at, sync_id)
    SELECT '${p}c' || i, $1, 'x', '${p}cu' || i, 'subject ' || i, 'open', 'normal', $3, $4, now() + i * interval '1 minute',
      now(), now(), 'snippet', $5, now(), now(), 1 FROM generate_series(1, $2) i`, [o.workspaceId, o.conversations, o.agentId, o.teamId, o.perConversation]);
  await db.query(`INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, author_id, author_name, text, delivery, created_at, sync_id)
    SELECT '${p}c' || i || '-m' || j, $1, '${p}c' || i, 'x', 'inbound', 'public', '@${p}cu' || i, 'Customer ' || i, ${text}, 'received',
      now() - ($3 - j) * interval '1 second', 1
    FROM generate_series(1, $2) i, generate_series(1, $3) j`, [o.workspaceId, o.conversations, o.perConversation]);
}
