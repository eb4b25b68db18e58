/**
 * The soak's hub process (bundled once by build.ts, so a start pays no TypeScript compile): the real
 * hub on a PostgreSQL database of its own, routing on (one leader per database), listening to and
 * posting on the X and Meta stand-ins named by the TEND_* environment, with the dispatcher's clocks
 * shortened so a run settles in seconds (a lease of 1.5 s instead of 60). Prints one JSON line
 * `{"soak_hub_url": …}` when it listens (its log, when TEND_LOG_LEVEL asks for one, goes to stdout too). SIGTERM closes it; the soak mostly SIGKILLs it.
 * `GET /soak/settled` answers once routing is still (see below): the settle waits on it.
 *
 *   node hub.mjs --db <postgres url> --port <port>
 */
import { parseArgs } from 'node:util';
import { loadConnectorConfig } from '../../hub/connectors/config';
import { startHub, type Hub } from '../../hub/hub';
import { SOAK_WORKSPACE } from './floor';

const { values } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.db) throw new Error('usage: hub.mjs --db <postgres url> --port <port>');

// GET /soak/settled (the soak's settle, not the hub's API): once routing has consumed every change committed so far
// and written what it decided from them (a new post placed, a follow-up of an insight sent to care), whether this hub
// leads routing (a hub that does not lead yet has posts waiting to be routed when it does)
let started: Hub | null = null;

// no top-level await: the bundle is CommonJS, so its compiled code can be cached (build.ts)
void startHub({
  extend: ({ app }) => {
    // no session: it tells nothing and changes nothing, and only this soak-only process serves it
    app.get('/soak/settled', { config: { public: true } }, async () => {
      const routing = started?.routing;
      if (!routing) return { leader: false };
      await routing.settled();
      return { leader: routing.isLeader };
    });
  },
  database: { url: values.db },
  server: { port: Number(values.port) },
  channels: { ...loadConnectorConfig(process.env), workspace: SOAK_WORKSPACE },
  analysis: false,
  metrics: false,
  surveys: false,
  snoozeCheckMs: 0,
  routing: { leaderRetryMs: 1000, tickMs: 500 },
  outbound: { dispatcher: { pollMs: 500, leaseMs: 1500, settleMs: 100, baseBackoffMs: 100, maxBackoffMs: 1000 } },
}).then((hub) => {
  started = hub;
  process.stdout.write(JSON.stringify({ soak_hub_url: hub.url }) + '\n');
  const stop = () => { void hub.close().then(() => process.exit(0), () => process.exit(1)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}, (err: unknown) => { console.error(err); process.exit(1); });
