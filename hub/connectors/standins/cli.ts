/**
 * The X and Graph API stand-ins as a process of their own, for suites that drive a hub from outside
 * (the soak suite) and for trying the hub by hand:
 *
 *   npx tsx hub/connectors/standins/cli.ts [--x-port 0] [--meta-port 0]
 *
 * Prints one JSON line when both listen: {"x": "<url>", "meta": "<url>", "env": {TEND_*…}} where
 * env points a hub at them (webhook secrets, tokens, API bases, account names). Then drive them over
 * HTTP at /_standin/… (server.ts; hub/connectors/README.md). SIGTERM / SIGINT stop it.
 */
import { parseArgs } from 'node:util';
import { DEMO_PAGE_ID, DEMO_SECRETS, DEMO_X_BRAND_ID } from './channel-demo';
import { startMetaStandin } from './meta';
import { startXStandin } from './x';

const { values } = parseArgs({ options: { 'x-port': { type: 'string', default: '0' }, 'meta-port': { type: 'string', default: '0' } } });
const x = await startXStandin({ consumerSecret: DEMO_SECRETS.xConsumerSecret, bearerToken: DEMO_SECRETS.xUserToken, port: Number(values['x-port']), brand: { id: DEMO_X_BRAND_ID, username: 'TendDemoCare' } });
const meta = await startMetaStandin({ appSecret: DEMO_SECRETS.metaAppSecret, accessTokens: [DEMO_SECRETS.metaPageToken], port: Number(values['meta-port']), page: { id: DEMO_PAGE_ID, name: 'Tend Demo Page' } });
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
process.stdout.write(JSON.stringify({ x: x.url, meta: meta.url, brand: { x: DEMO_X_BRAND_ID, page: DEMO_PAGE_ID }, env }) + '\n');
const stop = async () => { x.release(); meta.release(); await Promise.all([x.close(), meta.close()]); process.exit(0); };
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
