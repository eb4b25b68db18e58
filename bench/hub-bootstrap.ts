/**
 * Bootstrap throughput over HTTP: one agent whose scope holds N conversations and M messages,
 * pulled page by page through GET /v1/sync/bootstrap, as the desktop does. Prints JSON lines.
 *   npx tsx bench/hub-bootstrap.ts [--conversations 100000] [--messages 1000000] [--page 1000]
 * DATABASE_URL=postgres://… runs on a PostgreSQL server (schema bench_bootstrap) instead of PGlite.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startHub } from '../hub/hub';
import { createAgent, createTeam, createWorkspace } from '../hub/accounts/admin';
import type { Loose } from '../testing/json';
import { benchDatabase } from './support/database';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    page: { type: 'string', default: '1000' },
  },
});
const N = Number(values.conversations);
const M = Number(values.messages);
const PAGE = Number(values.page);
const hub = await startHub({ database: await benchDatabase('bench_bootstrap'), outbound: { dispatcher: false } });
const db = hub.db;
const ws = await createWorkspace(db, 'Bench');
const team = await createTeam(db, ws, 'Care');
const agent = await createAgent(hub.log, { workspaceId: ws, email: 'bench@tend', name: 'Bench', password: 'bench', teamIds: [team] });

// Bulk rows straight in SQL (the change log is not what is measured here).
const t = Date.now();
await db.exec(`
  INSERT INTO customers (id, workspace_id, name, sync_id)
    SELECT 'cu' || lpad(i::text, 7, '0'), '${ws}', 'Customer ' || i, 1 FROM generate_series(1, ${Math.ceil(N / 2)}) i;
  INSERT INTO customer_identities (customer_id, workspace_id, channel, handle)
    SELECT 'cu' || lpad(i::text, 7, '0'), '${ws}', 'x', 'customer' || i FROM generate_series(1, ${Math.ceil(N / 2)}) i;
  INSERT INTO conversations (id, workspace_id, channel, customer_id, subject, status, assignee_id, team_id, snippet, message_count,
                             last_message_at, created_at, updated_at, sync_id, tags, analysis)
    SELECT 'c' || lpad(i::text, 7, '0'), '${ws}', 'x', 'cu' || lpad((1 + (i - 1) / 2)::text, 7, '0'), 'Subject ' || i,
           'open', CASE WHEN i % 3 = 0 THEN NULL ELSE '${agent}' END, '${team}', 'snippet ' || i, ${Math.round(M / N)},
           now(), now(), now(), 1, ARRAY['tag' || (i % 5)], '{"sentiment":{"label":"negative","score":-0.5}}'
    FROM generate_series(1, ${N}) i;
  INSERT INTO messages (id, workspace_id, conversation_id, channel, direction, visibility, author_id, author_name, text,
                        platform_id, delivery, created_at, sync_id)
    SELECT 'm' || lpad(j::text, 8, '0'), '${ws}', 'c' || lpad((1 + (j - 1) % ${N})::text, 7, '0'), 'x',
           CASE WHEN j % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'public', 'customer', 'Customer',
           'My order #' || j || ' has not arrived yet, can you check where it is? It was due last week.',
           'p' || j, 'received', now() - (j || ' seconds')::interval, 1
    FROM generate_series(1, ${M}) j;
  ANALYZE;`);
console.log(JSON.stringify({ metric: 'bench_seed_ms', value: Date.now() - t, conversations: N, messages: M, engine: db.kind }));

const login = await fetch(`${hub.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@tend', password: 'bench' }) });
const { token } = await login.json() as { token: string };

// The desktop is another process: pull and parse in a worker thread, so the hub's thread
// (which also runs PGlite) is not charged for the client's JSON.parse.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, token, page: limit } = workerData;
  const t = Date.now();
  let cursor = null, messages = 0, conversations = 0, pages = 0, bytes = 0;
  do {
    const res = await fetch(url + '/v1/sync/bootstrap?limit=' + limit + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''), { headers: { authorization: 'Bearer ' + token } });
    const text = await res.text();
    bytes += text.length;
    const page = JSON.parse(text);
    messages += page.messages.length;
    conversations += page.conversations.length;
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  parentPort.postMessage({ ms: Date.now() - t, messages, conversations, pages, bytes });
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
const result = await new Promise<Loose>((resolve, reject) => {
  const worker = new Worker(CLIENT, { eval: true, workerData: { url: hub.url, token, page: PAGE } });
  worker.once('message', resolve);
  worker.once('error', reject);
});
clearInterval(sampler);
if (result.error) throw new Error(result.error);
console.log(JSON.stringify({
  metric: 'bootstrap_http_messages_per_s', value: Math.round(result.messages / (result.ms / 1000)), messages: result.messages,
  conversations: result.conversations, pages: result.pages, ms: result.ms, mb: Math.round(result.bytes / 1e6), engine: db.kind,
  page_conversations: PAGE, peak_rss_mb: Math.round(peak / 1e6),
}));
await hub.close();
