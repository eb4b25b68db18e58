/**
 * `npm start`: build what is needed, start a local demo hub unless TEND_HUB_URL names one,
 * then the Electron app. On the first Electron start it fetches or builds the SQLite binding for
 * Electron's ABI (scripts/electron-binding.ts). Where the Electron binary, a display or that binding
 * is missing, it says so in one line and serves the same workspace to a browser instead (the web
 * host). `--web` goes straight there. `--workspace <dir>` starts a real workspace instead of the demo:
 * a hub without demo data in <dir>/hub (first run: the app asks for the first admin) and the
 * desktop's data in <dir>/desktop.
 *
 *   npm start            npm run start:web            TEND_HUB_URL=http://hub:4100 npm start
 *   npm start -- --workspace ~/tend-acme
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildNode, buildRenderer } from './build';
import { ensureElectronBinding, installedTarget, type BindingOutcome } from './electron-binding';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataRoot = join(root, '.tend');

/**
 * The Electron binary's path, or why it cannot run here. Read from the electron package's
 * files without requiring it: requiring it starts a download, which fails offline.
 */
export function electronProblem(
  env: NodeJS.ProcessEnv = process.env, platform: string = process.platform, pkg = join(root, 'node_modules', 'electron'),
): { binary: string | null; problem: string | null } {
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const binary = rel ? join(env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist'), rel) : null;
  if (!binary || !existsSync(binary)) {
    return { binary: null, problem: 'the Electron binary is not installed (it downloads on first use, which needs the internet: `npx install-electron`)' };
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { binary, problem: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { binary, problem: null };
}

export type LaunchPlan = { kind: 'electron'; binary: string; binding: string } | { kind: 'web'; why: string | null };

/** Electron when its binary, a display and a SQLite binding for it are there; else the web host, with why. */
export async function launchPlan(o: {
  web: boolean;
  electron?: { binary: string | null; problem: string | null };
  ensureBinding?: () => Promise<BindingOutcome>;
}): Promise<LaunchPlan> {
  if (o.web) return { kind: 'web', why: null };
  const electron = o.electron ?? electronProblem();
  if (electron.problem !== null || !electron.binary) return { kind: 'web', why: electron.problem ?? 'the Electron binary is not installed' };
  const binding = await (o.ensureBinding ?? (() => ensureElectronBinding({ target: installedTarget(root) })))();
  if (!binding.ok) return { kind: 'web', why: binding.problem };
  return { kind: 'electron', binary: electron.binary, binding: binding.path };
}

/** Where the hub and the desktop keep their data, and whether the hub is the demo's. */
export function dataPlan(workspace: string | undefined, root = dataRoot): { demo: boolean; hubDir: string; desktopDir: string; label: string } {
  if (!workspace) return { demo: true, hubDir: join(root, 'hub'), desktopDir: join(root, 'desktop'), label: 'demo hub' };
  const dir = resolve(workspace);
  return { demo: false, hubDir: join(dir, 'hub'), desktopDir: join(dir, 'desktop'), label: `workspace hub (${dir})` };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer().once('error', () => ok(false)).listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

/** Best effort: open the URL in the system browser when there is one and a display for it. */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  if (process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v xdg-open'], { stdio: 'ignore' }).status !== 0) return;
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { web: { type: 'boolean', default: false }, port: { type: 'string' }, workspace: { type: 'string' } }, strict: true });
  const data = dataPlan(values.workspace);
  // the parent only: the hub makes its own data dir (0700) on first open
  mkdirSync(dirname(data.hubDir), { recursive: true, mode: 0o700 });

  const plan = await launchPlan({ web: values.web });
  await Promise.all([buildRenderer(), buildNode()]);

  // A hub: the one configured, or a local one: the demo's under .tend/hub, or a workspace's (--workspace)
  let hubUrl = process.env.TEND_HUB_URL || '';
  let closeHub = async () => {};
  if (!hubUrl) {
    const { startHub } = await import('../hub/hub');
    // on a PostgreSQL server channel secrets need a key that outlives this process (as `npm run hub` asks)
    const keyProblem = (await import('../hub/connectors/secret-box')).secretsKeyProblem(process.env, { databaseUrl: process.env.DATABASE_URL || undefined });
    if (keyProblem) throw new Error(keyProblem);
    const port = (await portIsFree(4100)) ? 4100 : 0;
    // the same modules as `npm run hub -- --demo`: routing (presence, offers, collision) and CSAT surveys too
    const hub = await startHub({
      database: process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: data.hubDir }, server: { port },
      demo: data.demo ? { log: (l) => console.log(l) } : false, routing: true, surveys: true,
    });
    hubUrl = hub.url;
    closeHub = () => hub.close();
    console.log(`${data.label}: ${hub.url} (data in ${data.hubDir})`);
    const [{ n }] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
    if (n === 0) console.log('First run: nobody is on this hub yet. The app asks for the first admin (e-mail, password, workspace name, time zone).');
  }

  if (plan.kind === 'electron') {
    // main.ts finds the binding at the same place (native-binding.ts devBindingPath).
    const child = spawn(plan.binary, [root], { stdio: 'inherit', env: { ...process.env, TEND_HUB_URL: hubUrl } });
    const stop = () => child.kill('SIGTERM');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('exit', async (code) => { await closeHub(); process.exit(code ?? 0); });
    return;
  }

  if (plan.why) console.log(`Electron cannot start here: ${plan.why}; opening the web workspace instead.`);
  const { runWebHost } = await import('../main/host/run');
  const port = values.port ? Number(values.port) : (await portIsFree(4300)) ? 4300 : 0;
  const running = await runWebHost({ dataDir: data.desktopDir, hubUrl, port, staticDir: join(root, 'renderer', 'dist') });
  console.log(`Tend workspace: ${running.host.url}`);
  console.log('Open that address in a browser (it carries this launch\'s access token). Ctrl+C stops.');
  openInBrowser(running.host.url);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close().catch(() => {});
    await closeHub().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { console.error(`tend: ${err instanceof Error ? err.message : err}`); process.exit(1); });
}
