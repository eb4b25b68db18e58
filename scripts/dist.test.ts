import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { packagedBindingPath, type ElectronTarget } from '../main/electron/native-binding';
import { REPO_ROOT } from './electron-binding';
import { DIST_BINDING, distPlan } from './dist';

/** electron-builder.yml as electron-builder itself reads it. */
const config: Promise<Configuration> = getConfig(REPO_ROOT, join(REPO_ROOT, 'electron-builder.yml'), null);

describe('electron-builder.yml', () => {
  it('seals the packaged Electron with its fuses', async () => {
    expect((await config).electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('is a configuration electron-builder accepts (its own schema: a misspelt fuse fails here)', async () => {
    await expect(validateConfiguration(await config, { isEnabled: false, add: () => {} } as never)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...(await config), electronFuses: { runAsNodes: false } } as never, { isEnabled: false, add: () => {} } as never)).rejects.toThrow();
  });

  it('never rebuilds node_modules and ships the Electron binding where main loads it, everything else inside app.asar', async () => {
    const c = await config;
    expect(c.npmRebuild).toBe(false);
    expect(c.extraResources).toEqual([{ from: DIST_BINDING.split('\\').join('/'), to: 'native/better_sqlite3.node' }]);
    expect(join('/resources', 'native/better_sqlite3.node')).toBe(packagedBindingPath('/resources'));
    expect(c.asarUnpack).toBeUndefined();
    expect(c.asar).not.toBe(false);
    // of node_modules only better-sqlite3's JavaScript: its Node-ABI addon must not ship
    const files = (c.files as Array<{ filter: string[] }>).flatMap((f) => f.filter);
    expect(files).toContain('!node_modules/**');
    expect(files.filter((f) => f.startsWith('node_modules/'))).toEqual(['node_modules/better-sqlite3/package.json', 'node_modules/better-sqlite3/lib/**']);
  });
});

describe('npm run dist', () => {
  const target = (platform: string, arch: string): ElectronTarget => ({ electronVersion: '45.6.1', betterSqliteVersion: '12.11.1', platform, arch });
  const host = { platform: 'linux', arch: 'x64' };

  it('packages for this machine by default, with the binding for that platform and CPU', () => {
    expect(distPlan([], { root: '/repo', host, target })).toEqual({
      target: target('linux', 'x64'),
      binding: join('/repo', '.tend', 'native', 'better-sqlite3-12.11.1-electron-45.6.1-linux-x64', 'better_sqlite3.node'),
      builderArgs: ['--config', 'electron-builder.yml', '--linux', '--x64'],
    });
  });

  it('or for one named platform and CPU', () => {
    expect(distPlan(['--win', '--arm64'], { root: '/repo', host, target })).toMatchObject({
      target: target('win32', 'arm64'), builderArgs: ['--config', 'electron-builder.yml', '--win', '--arm64'],
    });
    expect(distPlan(['--mac'], { root: '/repo', host, target }).target.platform).toBe('darwin');
  });

  it('refuses what one binding cannot serve, and unknown options', () => {
    expect(() => distPlan(['--linux', '--win'], { host, target })).toThrow('one platform and one CPU per run');
    expect(() => distPlan(['--x64', '--arm64'], { host, target })).toThrow('one platform and one CPU per run');
    expect(() => distPlan(['--universal'], { host, target })).toThrow('--universal needs two SQLite bindings');
    expect(() => distPlan(['--publish', 'always'], { host, target })).toThrow('unknown option --publish always');
  });
});
