/**
 * The channels, live, against a running hub: starts the X and Graph API stand-ins and replays real
 * customer messages (IBM Twitter care conversations, Apache-2.0, hub/demo/data) through the hub's
 * webhooks as signed deliveries — in turn as X mentions, Facebook Page comments and Messenger
 * messages — while printing every reply the hub posts back to the stand-ins.
 *
 *   npx tsx hub/connectors/standins/channel-demo.ts --hub http://127.0.0.1:<hub port> [--every 5000] [--data file.json]
 * It prints the environment to start the hub with (in another terminal), waits until the hub's X
 * webhook answers the CRC check, then sends one conversation every --every ms. Without --hub it
 * only runs the stand-ins.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseIbmCare } from '../import/ibm';
import type { NormalizedPost } from '../types';
import { fbCommentPayload, messagingPayload, startMetaStandin, type MetaStandin } from './meta';
import { startXStandin, xTweetCreatePayload, type XStandin } from './x';

export const DEMO_SECRETS = {
  xConsumerSecret: 'tend-demo-x-consumer-secret',
  xUserToken: 'tend-demo-x-user-token',
  metaAppSecret: 'tend-demo-meta-app-secret',
  metaVerifyToken: 'tend-demo-verify-token',
  metaPageToken: 'tend-demo-page-token',
} as const;
export const DEMO_X_BRAND_ID = '1000000000000000001';
export const DEMO_PAGE_ID = '1000000000000002';

export interface ChannelDemo {
  x: XStandin;
  meta: MetaStandin;
  /** the environment that points a hub at these stand-ins */
  env: Record<string, string>;
  /** sends the next conversation's customer messages; returns how many deliveries the hub accepted */
  sendNext(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChannelDemoOptions {
  /** the hub's base URL; webhooks are at {hub}/webhooks/x and /webhooks/meta */
  hub?: string;
  /** customer messages by conversation (default: the IBM data set in hub/demo/data) */
  conversations?: NormalizedPost[][];
  log?: (line: string) => void;
}

function loadIbm(file: URL | string): NormalizedPost[][] {
  return parseIbmCare(readFileSync(file, 'utf8')).threads.map((t) => t.posts.filter((p) => !p.from_brand)).filter((ps) => ps.length > 0);
}

/** A stable numeric id (X and Graph ids are digits) for a handle or an IBM tweet id, varied by salt. */
const numericId = (s: string, salt: number) =>
  String((createHash('sha256').update(`${salt}:${s}`).digest().readBigUInt64BE(0) % 8_000_000_000_000_000_000n) + 1_000_000_000_000_000_000n);

export async function startChannelDemo(opts: ChannelDemoOptions = {}): Promise<ChannelDemo> {
  const log = opts.log ?? (() => {});
  const x = await startXStandin({ consumerSecret: DEMO_SECRETS.xConsumerSecret, bearerToken: DEMO_SECRETS.xUserToken });
  const meta = await startMetaStandin({ appSecret: DEMO_SECRETS.metaAppSecret, accessTokens: [DEMO_SECRETS.metaPageToken] });
  const env = {
    TEND_X_CONSUMER_SECRET: DEMO_SECRETS.xConsumerSecret,
    TEND_X_BEARER_TOKEN: DEMO_SECRETS.xUserToken,
    TEND_X_API_BASE: x.url,
    TEND_META_APP_SECRET: DEMO_SECRETS.metaAppSecret,
    TEND_META_VERIFY_TOKEN: DEMO_SECRETS.metaVerifyToken,
    TEND_META_ACCESS_TOKEN: DEMO_SECRETS.metaPageToken,
    TEND_META_GRAPH_BASE: meta.url,
    TEND_ACCOUNT_NAMES: JSON.stringify({ [DEMO_X_BRAND_ID]: 'TendDemoCare', [DEMO_PAGE_ID]: 'Tend Demo Page' }),
  };
  const conversations = opts.conversations ?? loadIbm(new URL('../../demo/data/ibm_twitter_care.json', import.meta.url));
  let next = 0;
  let printed = { x: 0, meta: 0 };
  const printer = setInterval(() => {
    for (const c of x.calls.slice(printed.x)) log(`X API      ← ${c.method} ${c.path} ${c.raw}  → ${c.status}`);
    for (const c of meta.calls.slice(printed.meta)) log(`Graph API  ← ${c.method} ${c.path} ${c.raw}  → ${c.status}`);
    printed = { x: x.calls.length, meta: meta.calls.length };
  }, 250);
  printer.unref();

  async function sendNext(): Promise<number> {
    if (!opts.hub) throw new Error('no hub URL to deliver to');
    const posts = conversations[next % conversations.length];
    const round = Math.floor(next / conversations.length);
    const kind = next % 3;
    next++;
    let accepted = 0;
    let prevId: string | null = null;
    const now = Date.now();
    for (const [i, p] of posts.entries()) {
      const at = new Date(now + i * 1000);
      const handle = p.author.handle;
      let res;
      if (kind === 0) {
        const id = numericId(p.platform_id, round);
        res = await x.deliver(`${opts.hub}/webhooks/x`, xTweetCreatePayload(DEMO_X_BRAND_ID, [{
          id, text: p.text, at, in_reply_to: prevId,
          user: { id: numericId(handle, 7), screen_name: handle.slice(0, 15), name: handle, followers_count: handle.length * 137, verified: false },
        }]));
        prevId = id;
      } else if (kind === 1) {
        const commentId = `${round}${next}_${i}`;
        res = await meta.deliver(`${opts.hub}/webhooks/meta`, fbCommentPayload(DEMO_PAGE_ID, {
          postId: `${DEMO_PAGE_ID}_${round}${next}`, commentId, parentId: prevId ?? undefined, from: { id: numericId(handle, 11), name: handle }, message: p.text, at,
        }));
        prevId = commentId;
      } else {
        res = await meta.deliver(`${opts.hub}/webhooks/meta`, messagingPayload('page', DEMO_PAGE_ID, { mid: `m_${round}_${p.platform_id}`, senderId: numericId(handle, 13), text: p.text, at }));
      }
      log(`${['X mention ', 'FB comment', 'Messenger '][kind]} → hub ${res.status} ${JSON.stringify(res.body)}  @${handle}: ${p.text.slice(0, 70).replace(/\s+/g, ' ')}`);
      if (res.status === 200) accepted++;
    }
    return accepted;
  }

  return {
    x, meta, env, sendNext,
    async stop() {
      clearInterval(printer);
      await Promise.all([x.close(), meta.close()]);
    },
  };
}

async function main() {
  const { values } = parseArgs({ options: { hub: { type: 'string' }, every: { type: 'string', default: '5000' }, data: { type: 'string' } } });
  const every = Number(values.every);
  if (!Number.isFinite(every) || every < 100) throw new Error('--every must be a number of milliseconds ≥ 100');
  const demo = await startChannelDemo({ hub: values.hub?.replace(/\/+$/, ''), conversations: values.data ? loadIbm(values.data) : undefined, log: (l) => console.log(l) });
  console.log('Stand-ins up. Start the hub (in another terminal) with:\n');
  console.log(Object.entries(demo.env).map(([k, v]) => `${k}='${v}'`).join(' \\\n') + ' \\\n  npm run hub\n');
  if (!values.hub) {
    console.log('Run with --hub <hub URL> to also send customer messages once the hub answers. Ctrl-C stops.');
  } else {
    const hub = values.hub.replace(/\/+$/, '');
    console.log(`Waiting for the hub's webhooks at ${hub}/webhooks/x ...`);
    // the hub is started by hand with the env above: wait until its CRC answer is right
    while (!(await demo.x.crcCheck(`${hub}/webhooks/x`).catch(() => false))) await new Promise((r) => setTimeout(r, 1000));
    console.log(`X CRC check ok; Meta subscription ${(await demo.meta.verifySubscription(`${hub}/webhooks/meta`, DEMO_SECRETS.metaVerifyToken).catch(() => false)) ? 'ok' : 'FAILED'}`);
    const tick = async () => { try { await demo.sendNext(); } catch (e) { console.error(`delivery failed: ${(e as Error).message}`); } };
    await tick();
    setInterval(tick, every);
  }
  const stop = async () => { await demo.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
}
