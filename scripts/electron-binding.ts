/**
 * Gets a better-sqlite3 binding built for Electron's ABI into its own folder, never touching
 * node_modules/better-sqlite3 (the hub, the web host and the tests need that one as it is):
 *   1. the prebuilt binary for the `electron` runtime, with prebuild-install (a download from
 *      better-sqlite3's GitHub releases);
 *   2. else a build from source with @electron/rebuild (needs Electron's headers, another download,
 *      and a C++ toolchain), in a throwaway copy of the package outside the repository.
 * Each step runs in a staging folder of its own and the result is moved into place at the end, so a
 * half-done download never passes for a binding. Used by `npm start` on the first Electron start,
 * `npm run smoke:electron` and `npm run dist`; the steps are plain data, unit-tested without running.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINDING_FILE, devBindingPath, type ElectronTarget } from '../main/electron/native-binding';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Step {
  name: 'prebuilt' | 'rebuild';
  /** what the user reads while it runs */
  says: string;
  cmd: string;
  args: string[];
  cwd: string;
  /** the binding the step leaves behind when it succeeds */
  produces: string;
}

export interface Tools {
  /** node_modules/better-sqlite3 (read, copied; never written) */
  betterSqliteDir: string;
  prebuildInstallBin: string;
  electronRebuildCli: string;
  /** the Node that runs the tools */
  node: string;
}

export function defaultTools(root = REPO_ROOT): Tools {
  const require = createRequire(join(root, 'package.json'));
  return {
    betterSqliteDir: dirname(require.resolve('better-sqlite3/package.json')),
    prebuildInstallBin: join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js'),
    // its package.json is not exported; the CLI sits next to the main module (lib/main.js)
    electronRebuildCli: join(dirname(require.resolve('@electron/rebuild')), 'cli.js'),
    node: process.execPath,
  };
}

/** The target of the Electron in node_modules, on this machine (or another platform/arch for `npm run dist`). */
export function installedTarget(root = REPO_ROOT, platform: string = process.platform, arch: string = process.arch): ElectronTarget {
  const version = (pkg: string) => (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return { electronVersion: version('electron'), betterSqliteVersion: version('better-sqlite3'), platform, arch };
}

/**
 * The two ways to get the binding, in order, each in its own folder under `stage`:
 * `stage/prebuilt` holds only a copy of better-sqlite3's package.json (prebuild-install reads the name,
 * version and download host from it and unpacks build/Release/ next to it); `stage/rebuild` is a tiny
 * project with its own lockfile (so @electron/rebuild takes it as the project root and never walks up
 * to the repository's node_modules) and a copy of the package's sources.
 */
export function bindingSteps(t: ElectronTarget, stage: string, tools: Tools): Step[] {
  const prebuilt = join(stage, 'prebuilt');
  const rebuild = join(stage, 'rebuild');
  return [
    {
      name: 'prebuilt',
      says: `downloading the prebuilt SQLite binding for Electron ${t.electronVersion} (${t.platform}-${t.arch})`,
      cmd: tools.node,
      args: [tools.prebuildInstallBin, '--runtime', 'electron', '--target', t.electronVersion, '--platform', t.platform, '--arch', t.arch, '--verbose'],
      cwd: prebuilt,
      produces: join(prebuilt, 'build', 'Release', BINDING_FILE),
    },
    {
      name: 'rebuild',
      says: `building the SQLite binding for Electron ${t.electronVersion} from source with @electron/rebuild`,
      cmd: tools.node,
      args: [tools.electronRebuildCli, '--version', t.electronVersion, '--platform', t.platform, '--arch', t.arch,
        '--module-dir', rebuild, '--only', 'better-sqlite3', '--build-from-source', '--force'],
      cwd: rebuild,
      produces: join(rebuild, 'node_modules', 'better-sqlite3', 'build', 'Release', BINDING_FILE),
    },
  ];
}

/** Lays out a step's staging folder (see bindingSteps). */
export function prepareStage(step: Step, t: ElectronTarget, tools: Tools): void {
  mkdirSync(step.cwd, { recursive: true });
  if (step.name === 'prebuilt') {
    copyFileSync(join(tools.betterSqliteDir, 'package.json'), join(step.cwd, 'package.json'));
    return;
  }
  const name = 'tend-electron-sqlite-binding';
  writeFileSync(join(step.cwd, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, dependencies: { 'better-sqlite3': t.betterSqliteVersion } }));
  writeFileSync(join(step.cwd, 'package-lock.json'), JSON.stringify({ name, version: '0.0.0', lockfileVersion: 3, requires: true, packages: {} }));
  // the sources without the Node-ABI build
  cpSync(tools.betterSqliteDir, join(step.cwd, 'node_modules', 'better-sqlite3'), {
    recursive: true, filter: (src) => !/[\\/]better-sqlite3[\\/]build([\\/]|$)/.test(src),
  });
}

export interface RunResult { code: number | null; output: string }
export type Runner = (step: Step) => Promise<RunResult>;

/** Runs a step, keeping its output (shown only when every way failed). */
export const runStep: Runner = (step) => new Promise((resolve) => {
  const child = spawn(step.cmd, step.args, { cwd: step.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  child.on('error', (err) => resolve({ code: null, output: `${output}${err.message}` }));
  child.on('close', (code) => resolve({ code, output }));
});

export type BindingOutcome =
  | { ok: true; path: string; how: 'cached' | Step['name'] }
  | { ok: false; problem: string };

/** The last meaningful line of a tool's output, for the one-line failure. */
function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^prebuild-install (?:warn|err!|info|http) +\S+ +/, '').trim()).filter(Boolean);
  return lines.at(-1)?.slice(0, 200) ?? 'no output';
}

/**
 * The binding for `target` at `dest` (default: .tend/native/<target>/better_sqlite3.node), fetched or
 * built when it is not there yet. Never throws for a failed download or build: says why in one line.
 */
export async function ensureElectronBinding(o: {
  target: ElectronTarget;
  dest?: string;
  tools?: Tools;
  run?: Runner;
  log?: (line: string) => void;
  /** where the staging folders go; outside the repository so no tool can mistake it for the project */
  stageParent?: string;
  /** a build from source targets this machine only */
  hostPlatform?: string;
}): Promise<BindingOutcome> {
  const dest = o.dest ?? devBindingPath(REPO_ROOT, o.target);
  if (existsSync(dest)) return { ok: true, path: dest, how: 'cached' };
  const tools = o.tools ?? defaultTools();
  const run = o.run ?? runStep;
  const log = o.log ?? ((l: string) => console.log(l));
  const stage = mkdtempSync(join(o.stageParent ?? tmpdir(), 'tend-sqlite-binding-'));
  const failures: string[] = [];
  try {
    for (const step of bindingSteps(o.target, stage, tools)) {
      if (step.name === 'rebuild' && o.target.platform !== (o.hostPlatform ?? process.platform)) {
        failures.push(`a build from source cannot target ${o.target.platform} from ${o.hostPlatform ?? process.platform}`);
        continue;
      }
      log(`tend: ${step.says} (first Electron start only)…`);
      prepareStage(step, o.target, tools);
      const result = await run(step);
      if (result.code === 0 && existsSync(step.produces)) {
        mkdirSync(dirname(dest), { recursive: true });
        const tmp = `${dest}.${process.pid}.tmp`;
        copyFileSync(step.produces, tmp);
        renameSync(tmp, dest);
        log(`tend: SQLite binding for Electron ${o.target.electronVersion} ready (${step.name}): ${dest}`);
        return { ok: true, path: dest, how: step.name };
      }
      failures.push(`${step.name === 'prebuilt' ? 'the prebuilt download' : '@electron/rebuild'} failed (${result.code === 0 ? 'no binding produced' : lastLine(result.output)})`);
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return {
    ok: false,
    problem: `no SQLite binding for Electron ${o.target.electronVersion} (${o.target.platform}-${o.target.arch}) could be fetched or built: ${failures.join('; ')}`,
  };
}
