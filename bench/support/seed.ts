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
