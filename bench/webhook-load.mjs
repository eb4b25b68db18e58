/**
 * The outside world of `bench/webhook.ts --ceiling`, in its own process so the hub's CPU figure is
 * the hub's alone: 50 desktops (each a sync stream subscribed at the hub's watermark and a routing
 * stream, opened with single-use tickets; offers accepted over HTTP as the desktop core does) and a
 * platform sending signed X deliveries (one tweet each) at a fixed rate, open loop: sends go out on
 * schedule whatever the answers do, so queueing and refusals show.
 *
 * Driven over IPC: {type:'desktops', url, tokens, watermark} → {type:'ready'};
 * {type:'step', rate, seconds} → {type:'step', ok_ms[], refused_ms[], errors, first_error, wall_s, ids_ok[]}.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

let hub = '';
let secret = '';
let texts = ['my order never arrived'];
let counter = 0;
const sockets = [];

const ticket = async (token) => {
  const r = await fetch(`${hub}/v1/auth/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`ticket: ${r.status} ${await r.text()}`);
  return (await r.json()).ticket;
};
const open = async (path, token) => {
  const ws = new WebSocket(`${hub.replace(/^http/, 'ws')}${path}?ticket=${encodeURIComponent(await ticket(token))}`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  sockets.push(ws);
  return ws;
};

async function desktops(tokens, watermark) {
  await Promise.all(tokens.map(async (token) => {
    const sync = await open('/v1/sync/stream', token);
    sync.on('message', () => {}); // a desktop applies pages; here they are only read off the wire
    sync.send(JSON.stringify({ type: 'subscribe', since: watermark }));
    const routing = await open('/v1/routing/stream', token);
    routing.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type !== 'offer') return;
      void fetch(`${hub}/v1/routing/offers/${m.offer.conversation_id}/accept`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ offer_id: m.offer.id }),
      }).then((r) => r.arrayBuffer()).catch(() => {});
    });
  }));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
/** X's v1.1 date: "Wed Oct 10 20:19:24 +0000 2018" */
const twitterDate = (d) => `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;

function delivery() {
  const i = counter++;
  const user = i % 20_000; // most authors are known customers with history
  const id = String(1_950_000_000_000_000_000n + BigInt(i));
  const body = JSON.stringify({
    for_user_id: '999',
    tweet_create_events: [{
      created_at: twitterDate(new Date()), id: Number(id), id_str: id, text: texts[i % texts.length], truncated: false,
      in_reply_to_status_id: null, in_reply_to_status_id_str: null, in_reply_to_user_id_str: null,
      user: { id: 10_000 + user, id_str: String(10_000 + user), name: `Customer ${user}`, screen_name: `customer${user}`, location: null, followers_count: (user * 977) % 50_000, verified: false },
      entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] }, lang: 'en',
    }],
  });
  return { id, body, signature: 'sha256=' + createHmac('sha256', secret).update(body).digest('base64') };
}

async function step(rate, seconds) {
  const n = Math.round(rate * seconds);
  const okMs = [];
  const refusedMs = [];
  const idsOk = [];
  let errors = 0;
  let firstError = null;
  const sends = [];
  const t0 = performance.now() + 20;
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const d = delivery();
    const start = performance.now();
    sends.push(fetch(`${hub}/webhooks/x`, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': d.signature } })
      .then(async (res) => {
        const text = await res.text();
        const ms = performance.now() - start;
        if (res.status === 200) { okMs.push(ms); idsOk.push(d.id); } else if (res.status === 503) refusedMs.push(ms);
        else { errors++; firstError ??= `${res.status} ${text.slice(0, 200)}`; }
      }, (err) => { errors++; firstError ??= String(err); }));
  }
  const sentWall = (performance.now() - t0) / 1000;
  await Promise.all(sends);
  return { ok_ms: okMs, refused_ms: refusedMs, errors, first_error: firstError, wall_s: (performance.now() - t0) / 1000, send_s: sentWall, ids_ok: idsOk };
}

process.on('message', (m) => {
  void (async () => {
    if (m.type === 'init') {
      hub = m.url; secret = m.secret;
      if (m.textsFile) texts = JSON.parse(readFileSync(m.textsFile, 'utf8'));
      process.send({ type: 'init' });
    } else if (m.type === 'desktops') {
      await desktops(m.tokens, m.watermark);
      process.send({ type: 'ready' });
    } else if (m.type === 'step') {
      process.send({ type: 'step', ...(await step(m.rate, m.seconds)) });
    } else if (m.type === 'stop') {
      for (const s of sockets) s.terminate();
      process.exit(0);
    }
  })().catch((err) => { console.error(err); process.exit(1); });
});
