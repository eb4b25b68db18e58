import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devBindingPath, electronBindingPath, type ElectronTarget } from './native-binding';

const target: ElectronTarget = { electronVersion: '45.6.1', platform: 'linux', arch: 'x64', betterSqliteVersion: '12.11.1' };

describe('the SQLite binding the core loads under Electron', () => {
  it('from a checkout: its own folder under .tend/native, one per Electron, better-sqlite3, platform and CPU; never node_modules', () => {
    const path = electronBindingPath({ packaged: false, resourcesPath: '/unused', appPath: '/repo', target: () => target });
    expect(path).toBe(join('/repo', '.tend', 'native', 'better-sqlite3-12.11.1-electron-45.6.1-linux-x64', 'better_sqlite3.node'));
    expect(path).not.toContain('node_modules');
    expect(devBindingPath('/repo', { ...target, electronVersion: '45.7.0' })).not.toBe(path);
    expect(devBindingPath('/repo', { ...target, arch: 'arm64' })).not.toBe(path);
    expect(devBindingPath('/repo', { ...target, betterSqliteVersion: '12.12.0' })).not.toBe(path);
  });

  it('installed: the one electron-builder put in resources/native, without reading the checkout', () => {
    const path = electronBindingPath({
      packaged: true, resourcesPath: '/opt/Tend/resources', appPath: '/opt/Tend/resources/app.asar',
      target: () => { throw new Error('an installed app has no node_modules to read versions from'); },
    });
    expect(path).toBe(join('/opt/Tend/resources', 'native', 'better_sqlite3.node'));
  });
});
