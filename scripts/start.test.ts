import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronProblem } from './start';

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
