import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPlan, electronProblem, launchPlan } from './start';

/** A stand-in for node_modules/electron: path.txt naming the binary, and maybe the binary. */
function fakeElectronPackage(withBinary: boolean): string {
  const pkg = mkdtempSync(join(tmpdir(), 'tend-electron-'));
  writeFileSync(join(pkg, 'path.txt'), 'electron');
  if (withBinary) { mkdirSync(join(pkg, 'dist')); writeFileSync(join(pkg, 'dist', 'electron'), ''); }
  return pkg;
}

describe('electronProblem (why npm start falls back to the web host)', () => {
  it('names a missing binary', () => {
    const r = electronProblem({ DISPLAY: ':0' }, 'linux', fakeElectronPackage(false));
    expect(r.binary).toBeNull();
    expect(r.problem).toContain('not installed');
    expect(electronProblem({ DISPLAY: ':0' }, 'linux', join(tmpdir(), 'no-such-electron')).problem).toContain('not installed');
  });
  it('names a missing display on Linux only', () => {
    const pkg = fakeElectronPackage(true);
    expect(electronProblem({}, 'linux', pkg).problem).toContain('no display');
    expect(electronProblem({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', pkg).problem).toBeNull();
    expect(electronProblem({}, 'darwin', pkg)).toEqual({ binary: join(pkg, 'dist', 'electron'), problem: null });
  });
});

describe('launchPlan (what npm start opens)', () => {
  const ready = { binary: '/e/electron', problem: null };
  it('Electron, with the SQLite binding built for it, when binary, display and binding are there', async () => {
    expect(await launchPlan({ web: false, electron: ready, ensureBinding: async () => ({ ok: true, path: '/repo/.tend/native/b/better_sqlite3.node', how: 'prebuilt' }) }))
      .toEqual({ kind: 'electron', binary: '/e/electron', binding: '/repo/.tend/native/b/better_sqlite3.node' });
  });
  it('the web host, with the one line that says why, when the binding can be neither fetched nor built', async () => {
    const problem = 'no SQLite binding for Electron 45.6.1 (linux-x64) could be fetched or built: the prebuilt download failed (x); @electron/rebuild failed (y)';
    expect(await launchPlan({ web: false, electron: ready, ensureBinding: async () => ({ ok: false, problem }) })).toEqual({ kind: 'web', why: problem });
  });
  it('the web host without trying to get a binding when there is no binary or display, or with --web', async () => {
    let asked = 0;
    const ensureBinding = async () => { asked++; return { ok: false as const, problem: 'x' }; };
    expect(await launchPlan({ web: false, electron: { binary: null, problem: 'the Electron binary is not installed' }, ensureBinding }))
      .toEqual({ kind: 'web', why: 'the Electron binary is not installed' });
    expect(await launchPlan({ web: true, electron: ready, ensureBinding })).toEqual({ kind: 'web', why: null });
    expect(asked).toBe(0);
  });
});

describe('dataPlan (npm start -- --workspace <dir>)', () => {
  it('the demo under .tend without --workspace, a hub without demo data in <dir>/hub with it', () => {
    expect(dataPlan(undefined, '/r/.tend')).toMatchObject({ demo: true, hubDir: '/r/.tend/hub', desktopDir: '/r/.tend/desktop' });
    expect(dataPlan('/srv/acme', '/r/.tend')).toMatchObject({ demo: false, hubDir: '/srv/acme/hub', desktopDir: '/srv/acme/desktop' });
  });
});
