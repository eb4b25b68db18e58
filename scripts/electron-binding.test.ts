import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ElectronTarget } from '../main/electron/native-binding';
import { bindingSteps, defaultTools, ensureElectronBinding, REPO_ROOT, type Runner, type Step, type Tools } from './electron-binding';

const target: ElectronTarget = { electronVersion: '45.6.1', platform: 'linux', arch: 'x64', betterSqliteVersion: '12.11.1' };

/** A stand-in for node_modules/better-sqlite3, with its Node-ABI build. */
function fakeTools(): Tools {
  const dir = join(mkdtempSync(join(tmpdir(), 'tend-bs3-')), 'better-sqlite3');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  writeFileSync(join(dir, 'lib', 'index.js'), '');
  writeFileSync(join(dir, 'src', 'better_sqlite3.cpp'), '');
  writeFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), 'NODE-ABI-115');
  return { betterSqliteDir: dir, prebuildInstallBin: '/nm/prebuild-install/bin.js', electronRebuildCli: '/nm/@electron/rebuild/lib/cli.js', node: '/usr/bin/node' };
}

/** Records what would run; each step "succeeds" by leaving a file, or fails with output. */
function recorder(outcomes: Partial<Record<Step['name'], 'ok' | string>>) {
  const ran: Array<Step & { files: string[] }> = [];
  const run: Runner = async (step) => {
    ran.push({ ...step, files: listFiles(step.cwd) });
    const outcome = outcomes[step.name] ?? 'not run';
    if (outcome !== 'ok') return { code: 1, output: `some detail\n${outcome}\n` };
    mkdirSync(dirname(step.produces), { recursive: true });
    writeFileSync(step.produces, `ELECTRON-ABI-150 from ${step.name}`);
    return { code: 0, output: '' };
  };
  return { ran, run };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))]).sort();
}

const quiet = () => {};

describe('the commands that get an Electron binding', () => {
  it('prebuilt for the electron runtime first, then @electron/rebuild from source in a separate folder', () => {
    const tools = fakeTools();
    const [prebuilt, rebuild] = bindingSteps(target, '/stage', tools);
    expect(prebuilt).toMatchObject({
      name: 'prebuilt', cmd: '/usr/bin/node', cwd: join('/stage', 'prebuilt'),
      args: ['/nm/prebuild-install/bin.js', '--runtime', 'electron', '--target', '45.6.1', '--platform', 'linux', '--arch', 'x64', '--verbose'],
      produces: join('/stage', 'prebuilt', 'build', 'Release', 'better_sqlite3.node'),
    });
    expect(rebuild).toMatchObject({
      name: 'rebuild', cmd: '/usr/bin/node', cwd: join('/stage', 'rebuild'),
      args: ['/nm/@electron/rebuild/lib/cli.js', '--version', '45.6.1', '--platform', 'linux', '--arch', 'x64',
        '--module-dir', join('/stage', 'rebuild'), '--only', 'better-sqlite3', '--build-from-source', '--force'],
      produces: join('/stage', 'rebuild', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    });
  });

  it('the prebuilt step asks prebuild-install for the electron-v150 (Electron 45) build of this better-sqlite3', () => {
    const tools = defaultTools();
    const [prebuilt] = bindingSteps(target, '/stage', tools);
    // prebuild-install's own option parsing and URL template, fed the step's exact arguments
    const require = createRequire(tools.prebuildInstallBin);
    const argv = process.argv;
    let opts: Record<string, unknown>;
    const pkg = { name: 'better-sqlite3', version: '12.11.1', repository: { type: 'git', url: 'git://github.com/WiseLibs/better-sqlite3.git' } };
    try {
      process.argv = [tools.node, ...prebuilt!.args];
      opts = require('./rc')(pkg);
    } finally { process.argv = argv; }
    expect(opts).toMatchObject({ runtime: 'electron', target: '45.6.1', abi: '150', platform: 'linux', arch: 'x64' });
    expect(require('./util').getDownloadUrl({ ...opts, pkg }))
      .toBe('https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v150-linux-x64.tar.gz');
  });

  it('finds the real tools in node_modules', () => {
    const tools = defaultTools();
    for (const f of [tools.prebuildInstallBin, tools.electronRebuildCli, join(tools.betterSqliteDir, 'package.json')]) expect(existsSync(f), f).toBe(true);
  });
});

describe('ensureElectronBinding', () => {
  it('uses the binding already there and runs nothing', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'tend-native-')), 'better_sqlite3.node');
    writeFileSync(dest, 'ELECTRON-ABI-150');
    const r = recorder({});
    expect(await ensureElectronBinding({ target, dest, tools: fakeTools(), run: r.run, log: quiet })).toEqual({ ok: true, path: dest, how: 'cached' });
    expect(r.ran).toEqual([]);
  });

  it('takes the prebuilt binary when it downloads, in a staging folder holding only the package.json', async () => {
    const tools = fakeTools();
    const dest = join(mkdtempSync(join(tmpdir(), 'tend-native-')), 'x', 'better_sqlite3.node');
    const r = recorder({ prebuilt: 'ok' });
    const lines: string[] = [];
    expect(await ensureElectronBinding({ target, dest, tools, run: r.run, log: (l) => lines.push(l) })).toEqual({ ok: true, path: dest, how: 'prebuilt' });
    expect(r.ran.map((s) => s.name)).toEqual(['prebuilt']);
    expect(r.ran[0]!.files).toEqual(['package.json']);
    expect(readFileSync(dest, 'utf8')).toBe('ELECTRON-ABI-150 from prebuilt');
    expect(lines[0]).toContain('downloading the prebuilt SQLite binding for Electron 45.6.1 (linux-x64)');
    // the staging folder is gone, and node_modules' own build is untouched
    expect(existsSync(r.ran[0]!.cwd)).toBe(false);
    expect(readFileSync(join(tools.betterSqliteDir, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('NODE-ABI-115');
  });

  it('else builds from source in a copy with its own lockfile, outside the repository, never in node_modules', async () => {
    const tools = fakeTools();
    const dest = join(mkdtempSync(join(tmpdir(), 'tend-native-')), 'better_sqlite3.node');
    const r = recorder({ prebuilt: 'prebuild-install warn install No prebuilt binaries found (target=45.6.1 runtime=electron arch=x64)', rebuild: 'ok' });
    expect(await ensureElectronBinding({ target, dest, tools, run: r.run, log: quiet })).toEqual({ ok: true, path: dest, how: 'rebuild' });
    const rebuild = r.ran[1]!;
    expect(rebuild.files).toEqual(['node_modules/better-sqlite3/lib/index.js', 'node_modules/better-sqlite3/package.json',
      'node_modules/better-sqlite3/src/better_sqlite3.cpp', 'package-lock.json', 'package.json'].map((f) => join(...f.split('/'))));
    // @electron/rebuild takes the folder with the nearest lockfile as the project: it must not be the repository
    expect(relative(REPO_ROOT, rebuild.cwd).startsWith('..')).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('ELECTRON-ABI-150 from rebuild');
    expect(readFileSync(join(tools.betterSqliteDir, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('NODE-ABI-115');
  });

  it('when neither works: one line that says why, and no binding', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'tend-native-')), 'better_sqlite3.node');
    const r = recorder({ prebuilt: 'prebuild-install warn install getaddrinfo ENOTFOUND github.com', rebuild: 'Error: connect ENETUNREACH (electronjs.org/headers)' });
    const out = await ensureElectronBinding({ target, dest, tools: fakeTools(), run: r.run, log: quiet });
    expect(out).toEqual({
      ok: false,
      problem: 'no SQLite binding for Electron 45.6.1 (linux-x64) could be fetched or built: the prebuilt download failed (getaddrinfo ENOTFOUND github.com); '
        + '@electron/rebuild failed (Error: connect ENETUNREACH (electronjs.org/headers))',
    });
    expect(out.ok === false && out.problem.includes('\n')).toBe(false);
    expect(existsSync(dest)).toBe(false);
  });

  it('does not try to compile for another platform (npm run dist for Windows on Linux takes the prebuilt only)', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'tend-native-')), 'better_sqlite3.node');
    const r = recorder({ prebuilt: 'No prebuilt binaries found' });
    const out = await ensureElectronBinding({ target: { ...target, platform: 'win32' }, dest, tools: fakeTools(), run: r.run, log: quiet, hostPlatform: 'linux' });
    expect(r.ran.map((s) => s.name)).toEqual(['prebuilt']);
    expect(out).toMatchObject({ ok: false, problem: expect.stringContaining('a build from source cannot target win32 from linux') });
  });
});
