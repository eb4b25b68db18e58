/**
 * Runs the web host on its own: the desktop core (in its worker thread) + the built renderer
 * over one loopback WebSocket. Used by `npm run start:web` (through scripts/start.ts), e2e and bench.
 *
 *   tsx main/host/run.ts [--data-dir .tend/desktop] [--hub-url http://127.0.0.1:4100] [--port 0] [--static renderer/dist]
 *
 * Prints one line `tend web host: <url>` (the URL carries the per-launch token), then serves
 * until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDesktopCore } from '../core';
import { allowInsecureHubFromEnv } from '../core/hub-url';
import { startWebHost, type WebHost } from './server';
import type { DesktopService } from '../core/service';

export interface RunningHost { host: WebHost; core: DesktopService; close(): Promise<void> }

/** The core's worker thread, built by `npm run build` (Node 20 workers cannot load .ts through tsx). */
export const BUILT_CORE_WORKER = resolve(import.meta.dirname, '../../dist/electron/core-worker.cjs');

export async function runWebHost(opts: { dataDir: string; hubUrl?: string; port?: number; staticDir?: string }): Promise<RunningHost> {
  if (!existsSync(BUILT_CORE_WORKER)) throw new Error(`${BUILT_CORE_WORKER} is missing: run \`npm run build\` first`);
  // The web host has no system secret store: the session token is kept in a 0600 file (the core's default), and the About box says so.
  const core = await createDesktopCore({ dataDir: resolve(opts.dataDir), hubUrl: opts.hubUrl, workerEntry: BUILT_CORE_WORKER, allowInsecureHub: allowInsecureHubFromEnv() });
  try {
    const host = await startWebHost({ service: core, staticDir: resolve(opts.staticDir ?? 'renderer/dist'), port: opts.port });
    return { host, core, async close() { await host.close(); await core.close(); } };
  } catch (err) {
    await core.close();
    throw err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.tend/desktop' },
      'hub-url': { type: 'string' },
      port: { type: 'string', default: '0' },
      static: { type: 'string', default: 'renderer/dist' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const running = await runWebHost({ dataDir: values['data-dir']!, hubUrl: values['hub-url'], port, staticDir: values.static });
  console.log(`tend web host: ${running.host.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close().catch(() => {}); // exiting anyway: the cache is WAL, a close cut short loses nothing
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'run.ts')) {
  main().catch((err) => { console.error(`tend web host: ${err instanceof Error ? err.message : err}`); process.exit(1); });
}
