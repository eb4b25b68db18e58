/**
 * Headless desktop core: logs in, keeps syncing and draining the outbox, prints one JSON line
 * per status change. Used by the crash test and handy for poking a hub by hand.
 *
 *   npx tsx main/core/cli.ts --data-dir DIR [--hub URL --email E --password P] [--batch-size N]
 *
 * Without --email/--password it continues the session stored in DIR.
 */
import { parseArgs } from 'node:util';
import { LocalDesktopService } from './core';
import { allowInsecureHubFromEnv } from './hub-url';
import { request } from './service';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    hub: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    'batch-size': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`tend-core: ${message}\n`);
  process.exit(2);
}

const dataDir = values['data-dir'] ?? fail('--data-dir is required');
const batchSize = values['batch-size'] !== undefined ? Number(values['batch-size']) : undefined;
if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 100)) fail('--batch-size must be an integer from 1 to 100');

const core = new LocalDesktopService({ dataDir, hubUrl: values.hub, allowInsecureHub: allowInsecureHubFromEnv(), sync: { batchSize, log: (m) => process.stderr.write(`${m}\n`) } });
const print = (event: string, data: object) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
let last = '';
core.on('session.changed', (s) => {
  const line = JSON.stringify([s.online, s.outbox_count, s.last_sync_id, s.syncing]);
  if (line === last) return;
  last = line;
  print('status', { online: s.online, outbox_count: s.outbox_count, last_sync_id: s.last_sync_id, syncing: s.syncing, logged_in: s.logged_in });
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await core.close();
  print('closed', {});
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

if (values.email !== undefined || values.password !== undefined) {
  if (!values.email || !values.password) fail('--email and --password go together');
  const hub = values.hub ?? core.status().hub_url ?? fail('--hub is required to log in');
  try {
    const s = await request(core, 'session.login', { hub_url: hub, email: values.email, password: values.password });
    print('login', { agent: s.agent?.name ?? null });
  } catch (err) {
    await core.close();
    fail(`login failed: ${(err as Error).message}`);
  }
} else if (!core.status().logged_in) {
  await core.close();
  fail(`no session in ${dataDir}: pass --hub, --email and --password`);
}
print('status', { ...core.status() });
