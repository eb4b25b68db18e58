/**
 * The desktops of bench/routing-e2e.ts, in their own thread: each connects to the routing stream,
 * sets itself Available, reports when an offer arrives (epoch ms, comparable across threads) and
 * accepts it over HTTP as the desktop core does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

const { url, tokens, accept } = workerData;
const now = () => performance.timeOrigin + performance.now();

async function main() {
  // a stream is opened with a single-use ticket, never the session token
  const ticketOf = async (token) => {
    const r = await fetch(`${url}/v1/auth/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`ticket: ${r.status} ${await r.text()}`);
    return (await r.json()).ticket;
  };
  await Promise.all(tokens.map(async (token) => { const ticket = await ticketOf(token); return new Promise((resolve, reject) => {
    const s = new WebSocket(`${url.replace('http', 'ws')}/v1/routing/stream?ticket=${encodeURIComponent(ticket)}`);
    s.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.type !== 'offer') return;
      parentPort.postMessage({ type: 'offer', conversation_id: m.offer.conversation_id, at: now() });
      if (accept) void fetch(`${url}/v1/routing/offers/${m.offer.conversation_id}/accept`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ offer_id: m.offer.id }),
      }).then((r) => r.arrayBuffer()).catch(() => {});
    });
    s.on('open', () => resolve(s));
    s.on('error', reject);
  }); }));
  for (const token of tokens) {
    const r = await fetch(`${url}/v1/routing/presence`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ activity_id: 'available' }) });
    if (r.status !== 200) throw new Error(`presence: ${r.status} ${await r.text()}`);
  }
  parentPort.postMessage({ type: 'ready' });
}

main().catch((err) => { console.error(err); process.exit(1); });
