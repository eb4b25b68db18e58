/**
 * A demo hub in its own process, so a test can stop it (kill) and start it again on the same
 * port and data dir. Next to the hub API it serves a tiny loopback control endpoint that reads
 * the hub's own database, so a test can check what the sandbox connector really posted.
 *
 *   tsx e2e/support/hub-process.ts --port <p> --control-port <c> --data-dir <dir> [--demo-seed <n>]
 * Prints `ready <hub url>` when both listen. `--demo-seed 0`: the demo's people and teams, no conversations.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { startHub } from '../../hub/hub';
import { HubIngestor } from '../../hub/conversations/ingest';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'control-port': { type: 'string' }, 'data-dir': { type: 'string' }, 'demo-seed': { type: 'string' } }, strict: true });
// No replay timer: the queue only changes when the test changes it.
const seed = values['demo-seed'] === undefined ? undefined : Number(values['demo-seed']);
const hub = await startHub({ server: { port: Number(values.port) }, database: { dataDir: values['data-dir'] }, demo: { replayIntervalMs: 0, seed }, routing: true });

const control = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    if (url.pathname === '/sandbox_posts') {
      const rows = await hub.db.query('SELECT message_id, text, platform_id FROM sandbox_posts WHERE text LIKE $1', [`%${url.searchParams.get('text') ?? ''}%`]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      return;
    }
    if (url.pathname === '/messages') {
      const rows = await hub.db.query('SELECT id, text, delivery, conversation_id FROM messages WHERE text LIKE $1', [`%${url.searchParams.get('text') ?? ''}%`]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      return;
    }
    if (url.pathname === '/ingest' && req.method === 'POST') {
      // a customer's post arriving on a channel, as a webhook would deliver it (analysis and routing run)
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const b = JSON.parse(raw) as { text: string; handle: string; account?: string };
      const r = await hub.ingestor('demo').ingest({
        channel: 'x', account: b.account ?? 'brand', platform_id: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`,
        author: { platform_user_id: null, handle: b.handle, name: b.handle, followers: 10, verified: false },
        text: b.text, visibility: 'public', in_reply_to: null, created_at: new Date().toISOString(), permalink: null, from_brand: false,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
      return;
    }
    if (url.pathname === '/history' && req.method === 'POST') {
      // past posts stored as an import stores them (no analysis, no live hooks): a workspace's normal history
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const b = JSON.parse(raw) as { hours: number; per_hour: number; text: string };
      const quiet = new HubIngestor(hub.log, { workspaceId: 'demo' });
      const now = Date.now();
      const posts = [];
      for (let t = now - b.hours * 3_600_000; t < now - 3_600_000; t += 3_600_000 / b.per_hour) {
        posts.push({
          channel: 'x' as const, account: 'brand', platform_id: `hist-${t}`, author: { platform_user_id: null, handle: `past${t}`, name: `past${t}`, followers: 10, verified: false },
          text: `${b.text} ${posts.length}`, visibility: 'public' as const, in_reply_to: null, created_at: new Date(t).toISOString(), permalink: null, from_brand: false,
        });
      }
      for (let i = 0; i < posts.length; i += 100) await quiet.ingestMany(posts.slice(i, i + 100));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stored: posts.length }));
      return;
    }
    if (url.pathname === '/conversation') {
      const rows = await hub.db.query('SELECT id, status, priority, assignee_id, analysis FROM conversations WHERE id = $1', [url.searchParams.get('id') ?? '']);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0] ?? null));
      return;
    }
    res.writeHead(404).end();
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
await new Promise<void>((ok) => control.listen(Number(values['control-port']), '127.0.0.1', () => ok()));
console.log(`ready ${hub.url}`);

const stop = async () => { control.close(); await hub.close(); process.exit(0); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
