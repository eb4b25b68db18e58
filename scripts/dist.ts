/**
 * `npm run dist [-- --linux|--win|--mac] [-- --x64|--arm64]`: the installers, for one platform and one
 * CPU per run (this machine's by default). node_modules/better-sqlite3 is never rebuilt: the binding for
 * Electron's ABI is fetched or built into its own folder (scripts/electron-binding.ts, cached under
 * .tend/native), copied to dist/native/, and electron-builder ships it as resources/native/ (see
 * electron-builder.yml, which also sets Electron's fuses).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devBindingPath, type ElectronTarget } from '../main/electron/native-binding';
import { buildNode, buildRenderer } from './build';
import { ensureElectronBinding, installedTarget, REPO_ROOT } from './electron-binding';

const PLATFORMS: Record<string, string> = { '--linux': 'linux', '--win': 'win32', '--mac': 'darwin' };
const ARCHS = ['--x64', '--arm64', '--ia32', '--armv7l', '--universal'];

/** Where scripts/dist.ts puts the binding for electron-builder's extraResources. */
export const DIST_BINDING = join('dist', 'native', 'better_sqlite3.node');

export interface DistPlan {
  target: ElectronTarget;
  /** the Electron binding, cached like `npm start`'s */
  binding: string;
  builderArgs: string[];
}

export function distPlan(argv: string[], o: { root?: string; host?: { platform: string; arch: string }; target?: (platform: string, arch: string) => ElectronTarget } = {}): DistPlan {
  const root = o.root ?? REPO_ROOT;
  const host = o.host ?? { platform: process.platform, arch: process.arch };
  const platforms = argv.filter((a) => a in PLATFORMS);
  const archs = argv.filter((a) => ARCHS.includes(a));
  const unknown = argv.filter((a) => !(a in PLATFORMS) && !ARCHS.includes(a));
  if (unknown.length) throw new Error(`npm run dist: unknown option ${unknown.join(' ')} (use --linux, --win or --mac, and --x64 or --arm64)`);
  if (platforms.length > 1 || archs.length > 1) throw new Error('npm run dist: one platform and one CPU per run (each needs its own SQLite binding)');
  if (archs[0] === '--universal') throw new Error('npm run dist: --universal needs two SQLite bindings in one app; build --x64 and --arm64 separately');
  const platform = platforms[0] ? PLATFORMS[platforms[0]]! : host.platform;
  const arch = archs[0] ? archs[0].slice(2) : host.arch;
  const target = (o.target ?? ((p, a) => installedTarget(root, p, a)))(platform, arch);
  const platformFlag = Object.entries(PLATFORMS).find(([, p]) => p === platform)?.[0];
  if (!platformFlag) throw new Error(`npm run dist: cannot package for ${platform}`);
  return {
    target,
    binding: devBindingPath(root, target),
    builderArgs: ['--config', 'electron-builder.yml', platformFlag, `--${arch}`],
  };
}

async function main(): Promise<void> {
  const plan = distPlan(process.argv.slice(2));
  const binding = await ensureElectronBinding({ target: plan.target, dest: plan.binding });
  if (!binding.ok) throw new Error(binding.problem);
  mkdirSync(join(REPO_ROOT, dirname(DIST_BINDING)), { recursive: true });
  copyFileSync(binding.path, join(REPO_ROOT, DIST_BINDING));
  await Promise.all([buildRenderer(), buildNode()]);
  const cli = join(dirname(createRequire(join(REPO_ROOT, 'package.json')).resolve('electron-builder/package.json')), 'cli.js');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [cli, ...plan.builderArgs], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('error', () => resolve(null));
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`electron-builder failed (${code})`);
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { console.error(`npm run dist: ${err instanceof Error ? err.message : err}`); process.exit(1); });
}
