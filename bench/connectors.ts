/**
 * Connector figures (prints JSON lines; never run as a test):
 *   npm run bench:connectors  (or npx tsx bench/connectors.ts)
 * - signed webhook deliveries through Fastify inject into an in-memory Ingestor (per second, mean, p99)
 * - TWCS import of ../shared/data/twcs_first5000.csv (rows per second), when the data is there
 * - feed parsing of a 200-item RSS document (items per second)
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { parseFeed } from '../hub/connectors/feeds/parse';
import { importFile } from '../hub/connectors/import/index';
import { fbCommentPayload } from '../hub/connectors/standins/meta';
import { xTweetCreatePayload } from '../hub/connectors/standins/x';
import { createMemoryIngestor } from '../hub/connectors/memory-ingestor';
import { registerWebhooks } from '../hub/connectors/webhooks';

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function webhooks() {
  const ing = createMemoryIngestor();
  const app = Fastify();
  await app.register(registerWebhooks, { ingestor: ing, config: { xConsumerSecret: 'x', metaAppSecret: 'm', metaVerifyToken: 'v' } });
  await app.ready();
  const N = 5000;
  for (const [name, url, make, header] of [
    ['x', '/webhooks/x', (i: number) => xTweetCreatePayload('3001969357', [{ id: String(1e15 + i), text: `@AcmeCare order ${i} is late`, user: { id: String(6e6 + i), screen_name: `user${i}`, name: 'U', followers_count: i } }]),
      (raw: string) => ({ 'x-twitter-webhooks-signature': 'sha256=' + createHmac('sha256', 'x').update(raw).digest('base64') })],
    ['meta', '/webhooks/meta', (i: number) => fbCommentPayload('1234567890123', { postId: '1234567890123_1', commentId: `1_${i}`, from: { id: String(7e6 + i), name: 'A' }, message: `refund ${i}?` }),
      (raw: string) => ({ 'x-hub-signature-256': 'sha256=' + createHmac('sha256', 'm').update(raw).digest('hex') })],
  ] as const) {
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const raw = JSON.stringify(make(i));
      const s = performance.now();
      const res = await app.inject({ method: 'POST', url, payload: raw, headers: { 'content-type': 'application/json', ...header(raw) } });
      lat.push(performance.now() - s);
      if (res.statusCode !== 200) throw new Error(`${name} delivery ${i}: ${res.statusCode} ${res.body}`);
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ bench: `webhook_${name}`, deliveries: N, per_s: Math.round(N / secs), mean_ms: round((secs * 1000) / N, 3), p99_ms: round(pct(lat, 0.99), 3), note: 'inject, in-memory Ingestor: connector cost only' }));
  }
  await app.close();
}

async function twcs() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const dir = [resolve(root, '../shared/data'), '/work/shared/data'].find((d) => existsSync(join(d, 'twcs_first5000.csv')));
  if (!dir) { console.log(JSON.stringify({ bench: 'twcs_import', skipped: 'twcs_first5000.csv not found in ../shared/data' })); return; }
  const t0 = performance.now();
  const r = await importFile(join(dir, 'twcs_first5000.csv'), createMemoryIngestor());
  const secs = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ bench: 'twcs_import', rows: r.records, threads: r.threads, rows_per_s: Math.round(r.records / secs), ms: Math.round(secs * 1000) }));
}

function feeds() {
  const items = Array.from({ length: 200 }, (_, i) => `<item><title>Review ${i}</title><link>https://r.example/${i}</link><guid>${i}</guid><pubDate>Tue, 30 Apr 2024 08:00:00 GMT</pubDate><description><![CDATA[<p>Parcel ${i} came <b>late</b> &amp; broken</p>]]></description></item>`).join('');
  const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
  const runs = 200;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) parseFeed(xml);
  const secs = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ bench: 'feed_parse', items_per_doc: 200, items_per_s: Math.round((runs * 200) / secs) }));
}

await webhooks();
await twcs();
feeds();
console.log(JSON.stringify({ machine: { node: process.version, cpus: (await import('node:os')).cpus().length, rss_mb: Math.round(process.memoryUsage().rss / 1048576) } }));
