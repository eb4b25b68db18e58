/**
 * npm run bench:ui — the workspace in Chromium over a cache of 100,000 conversations.
 * Prints JSON lines:
 *   cache_build     the cache, fed through the desktop core's own bootstrap apply code
 *   key_to_paint    press j → the next conversation (row selection + thread) painted: p50/p95 ms
 *   open_200        open a 200-message conversation (key press → all 200 messages painted): ms
 *                   Both also give CPU time per key press / per open, which a busy machine inflates
 *                   far less than wall time: Chromium's renderer process (the page) and this Node
 *                   process (the desktop core's worker thread, the web host, and Playwright's driver).
 *   scroll          inbox scrolled by 1 row height… per frame for 3 s: frames per second, longest frame
 *   renderer_heap   JS heap used by the page after all of the above: MB
 * The core runs exactly as in `npm run start:web` (worker thread, loopback WebSocket); the hub is
 * unreachable on purpose, so every read is served from the cache. Targets: key to paint p95 < 50 ms,
 * open < 100 ms, scroll ≥ 55 fps.
 * Options: --conversations N (100000) --presses N (200) --keep DIR (reuse/build the cache in DIR)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import type { Conversation, Customer, Message } from '../shared/domain';
import { openCache, CACHE_FILE } from '../main/core/db/open';
import { SyncApplier } from '../main/core/sync/apply';
import { buildNode, buildRenderer } from '../scripts/build';
import { runWebHost } from '../main/host/run';
import { CHROMIUM } from '../playwright.config';

const { values: opt } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    presses: { type: 'string', default: '200' },
    keep: { type: 'string' },
  },
  strict: true,
});
const N = Number(opt.conversations);
const PRESSES = Number(opt.presses);
const emit = (o: object) => console.log(JSON.stringify(o));
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1); };

const ME = 'agent-bench';
const T0 = Date.now() - 30 * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const WORDS = 'order parcel delivery refund payment card account password login app update broken delayed missing charge cancel subscription store flight seat bag lost damaged wrong size exchange invoice help thanks please urgent still waiting'.split(' ');
let seed = 7;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');

let syncId = 1;
/** index 1 in SLA order is the 200-message conversation the "open" figure uses. */
const BIG = 'c-big';
/** a word only the big conversation has, to open it through search (no read-ahead helps there) */
const BIG_WORD = 'zyxquartzbench';
function conv(i: number, id = `c${i}`, count = 1): Conversation {
  const created = T0 + i * 20_000;
  const text = sentence(14);
  return {
    id, channel: (['x', 'facebook', 'instagram'] as const)[i % 3]!, channel_account_id: null, customer_id: `cu${i % 50_000}`, subject: '',
    status: 'open', snoozed_until: null, priority: (['low', 'normal', 'normal', 'high', 'urgent'] as const)[i % 5]!,
    assignee_id: ME, team_id: 'team-a', tags: i % 7 === 0 ? ['refund'] : [],
    analysis: { sentiment: { label: i % 3 === 0 ? 'negative' : 'neutral', score: i % 3 === 0 ? -0.6 : 0 } },
    first_response_due_at: iso(Date.now() + (i - 50) * 60_000), next_response_due_at: null, resolution_due_at: null,
    first_response_at: null, resolved_at: null, last_message_at: iso(created), last_inbound_at: iso(created), snippet: text.slice(0, 120),
    message_count: count, created_at: iso(created), updated_at: iso(created), sync_id: syncId++,
  };
}
function msg(convId: string, j: number, at: number): Message {
  const out = j % 4 === 3;
  return {
    id: `${convId}-m${j}`, conversation_id: convId, direction: out ? 'outbound' : 'inbound', visibility: 'public',
    author_id: out ? ME : '@someone', author_name: out ? 'Bench Agent' : 'Someone', text: sentence(12 + (j % 20)), platform_id: null, permalink: null,
    delivery: out ? 'sent' : 'received', delivery_error: null, created_at: iso(at), sync_id: syncId++,
  };
}
function cust(k: number): Customer {
  return { id: `cu${k}`, name: `Customer ${k}`, identities: [{ channel: 'x', handle: `@cu${k}`, platform_user_id: null }], location: 'Lisbon',
    followers: k * 3, verified: false, tier: null, tags: [], notes: '', created_at: iso(T0), sync_id: syncId++ };
}

function buildCache(dir: string): void {
  const t0 = performance.now();
  const db = openCache(dir);
  const applier = new SyncApplier(db);
  applier.meta.set('agent', { id: ME, workspace_id: 'w', email: 'bench@tend', name: 'Bench Agent', role: 'agent', skills: {}, capacity: {}, team_ids: ['team-a'] });
  applier.meta.set('teams', [{ id: 'team-a', name: 'Care', kind: 'support' }]);
  // A session with an unreachable hub: the core stays offline and serves everything from the cache.
  applier.meta.set('session', { hub_url: 'http://127.0.0.1:9', token: 'bench' });
  applier.beginBootstrap();
  const PAGE = 1000;
  for (let start = 0; start < N; start += PAGE) {
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    const customers: Customer[] = [];
    for (let i = start; i < Math.min(N, start + PAGE); i++) {
      if (i === 1) {
        const c = conv(1, BIG, 200);
        conversations.push(c);
        for (let j = 0; j < 200; j++) messages.push(msg(BIG, j, T0 + j * 30_000));
        messages[messages.length - 200]!.text += ` ${BIG_WORD}`;
        continue;
      }
      const c = conv(i);
      conversations.push(c);
      messages.push(msg(c.id, 0, Date.parse(c.created_at)));
    }
    for (let k = start / 2; k < Math.min(50_000, (start + PAGE) / 2); k++) customers.push(cust(k));
    applier.applyBootstrapPage({ conversations, messages, notes: [], customers });
  }
  applier.finishBootstrap(syncId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  emit({ metric: 'cache_build', conversations: N, seconds: +((performance.now() - t0) / 1000).toFixed(1), via: 'SyncApplier.applyBootstrapPage' });
}

async function main(): Promise<void> {
  emit({ machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, chromium: CHROMIUM.executablePath } });
  const dir = opt.keep ?? mkdtempSync(path.join(os.tmpdir(), 'tend-bench-ui-'));
  if (!(opt.keep && existsSync(path.join(dir, CACHE_FILE)))) buildCache(dir);
  await Promise.all([buildRenderer(), buildNode()]);
  const running = await runWebHost({ dataDir: dir, hubUrl: 'http://127.0.0.1:9' });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const list = page.getByRole('listbox', { name: 'Conversations' });
    const heading = page.getByRole('region', { name: 'Conversation' }).getByRole('heading', { level: 1 });

    // In the page: the time from a key's event timestamp to the frame after the thread shows
    // a different conversation (a double rAF: the frame that contains the change was painted).
    // Written as strings: this code runs in the page, not in Node (and must not be transpiled).
    await page.addInitScript(`
      window.addEventListener('keydown', (e) => { window.__keyAt = e.timeStamp; }, true);
      window.__waitPaint = (prev, minItems) => new Promise((resolve) => {
        const done = () => {
          const h = document.querySelector('section[aria-label="Conversation"] h1');
          const items = document.querySelectorAll('#thread ol.messages > li').length;
          return !!h && h.textContent !== prev && items >= minItems;
        };
        const finish = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - window.__keyAt)));
        if (done()) { finish(); return; }
        const mo = new MutationObserver(() => { if (done()) { mo.disconnect(); finish(); } });
        mo.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      window.__scroll = async (px) => {
        const el = document.getElementById('inbox-list');
        const frames = [];
        const start = performance.now();
        let last = start;
        await new Promise((resolve) => {
          const step = (t) => {
            frames.push(t - last);
            last = t;
            el.scrollTop += px;
            if (t - start < 3000) requestAnimationFrame(step); else resolve();
          };
          requestAnimationFrame(step);
        });
        const elapsed = performance.now() - start;
        return { fps: frames.length / (elapsed / 1000), longest_ms: Math.max(...frames.slice(1)), scrolled_rows: Math.round(el.scrollTop / 50) };
      };
    `);
    const waitPaint = (prev: string, minItems: number) => page.evaluate(`window.__waitPaint(${JSON.stringify(prev)}, ${minItems})`) as Promise<number>;

    const load = async () => {
      // A real load each time (the app drops the #token from the address, so the same URL would only be a hash change).
      await page.goto('about:blank');
      await page.goto(running.host.url);
      await list.waitFor();
      await heading.waitFor();
    };
    // Open the 200-message conversation from search (Enter on the hit) in a fresh page each time:
    // nothing of it is cached in the renderer.
    // CPU seconds so far of Chromium's renderer processes and of this process (core worker, web host, Playwright)
    const browserCdp = await browser.newBrowserCDPSession();
    const cpuNow = async () => {
      const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
      const renderer = processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime, 0);
      const node = process.cpuUsage();
      return { renderer: renderer * 1000, node: (node.user + node.system) / 1000 };
    };
    const cpuSpent = { renderer: 0, node: 0 };
    const counted = async <T>(work: () => Promise<T>): Promise<T> => {
      const before = await cpuNow();
      const out = await work();
      const after = await cpuNow();
      cpuSpent.renderer += after.renderer - before.renderer;
      cpuSpent.node += after.node - before.node;
      return out;
    };
    const cpuPer = (n: number) => {
      const out = { renderer_cpu_ms: +(cpuSpent.renderer / n).toFixed(1), core_host_cpu_ms: +(cpuSpent.node / n).toFixed(1), load: os.loadavg().map((l) => +l.toFixed(2)) };
      cpuSpent.renderer = 0; cpuSpent.node = 0;
      return out;
    };
    const openOnce = async (): Promise<number> => {
      await load();
      const prev = (await heading.textContent())!;
      await page.keyboard.press('/');
      await page.keyboard.type(BIG_WORD);
      await page.getByRole('listbox', { name: 'Search messages' }).getByRole('option').first().waitFor();
      return counted(async () => {
        const waiting = waitPaint(prev, 200);
        await page.keyboard.press('Enter');
        return waiting;
      });
    };
    const opens: number[] = [];
    for (let r = 0; r < 7; r++) opens.push(await openOnce());
    emit({ metric: 'open_200', messages: 200, via: 'search hit + Enter, fresh page', median_ms: pct(opens, 50), runs_ms: opens.map((x) => +x.toFixed(1)), ...cpuPer(opens.length), target_ms: 100 });

    await load();
    await list.focus();
    // j through the queue: every press is a conversation the renderer has not shown before.
    const times: number[] = [];
    const before = await cpuNow();
    for (let i = 0; i < PRESSES; i++) {
      const prev = (await heading.textContent())!;
      const waiting = waitPaint(prev, 1);
      await page.keyboard.press('j');
      times.push(await waiting);
    }
    const after = await cpuNow();
    cpuSpent.renderer = after.renderer - before.renderer;
    cpuSpent.node = after.node - before.node;
    emit({ metric: 'key_to_paint', presses: PRESSES, p50_ms: pct(times, 50), p95_ms: pct(times, 95), max_ms: pct(times, 100), ...cpuPer(PRESSES), target_p95_ms: 50 });

    // Scroll the virtualized list one row per frame... then a fast fling of 2,000 px/frame.
    const scroll = (px: number) => page.evaluate(`window.__scroll(${px})`) as Promise<{ fps: number; longest_ms: number; scrolled_rows: number }>;
    const steady = await scroll(50);
    emit({ metric: 'scroll', px_per_frame: 50, fps: +steady.fps.toFixed(1), longest_frame_ms: +steady.longest_ms.toFixed(1), rows_passed: steady.scrolled_rows, target_fps: 55 });
    const fling = await scroll(2000);
    emit({ metric: 'scroll', px_per_frame: 2000, fps: +fling.fps.toFixed(1), longest_frame_ms: +fling.longest_ms.toFixed(1), rows_passed: fling.scrolled_rows, target_fps: 55 });

    await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
    emit({ metric: 'renderer_heap', js_heap_used_mb: +(m('JSHeapUsedSize') / 1048576).toFixed(1), js_heap_total_mb: +(m('JSHeapTotalSize') / 1048576).toFixed(1), dom_nodes: m('Nodes') });
  } finally {
    await browser.close();
    await running.close();
    if (!opt.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
