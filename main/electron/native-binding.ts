/**
 * Which better-sqlite3 binding the desktop core loads under Electron. `npm install` compiles
 * node_modules/better-sqlite3 for the system Node's ABI (the hub, the web host and the tests use it,
 * and it is never rebuilt in place); Electron's Node has another ABI, so under Electron the core is
 * handed a binding built for Electron through better-sqlite3's `nativeBinding` option:
 * - packaged (`npm run dist`): `<resources>/native/better_sqlite3.node`, put there by electron-builder;
 * - from the repository (`npm start`, `npm run smoke:electron`): `.tend/native/<target>/better_sqlite3.node`,
 *   fetched or built on the first Electron start by scripts/electron-binding.ts.
 * Pure functions (no 'electron' import), so the choice is unit-tested.
 */
import { join } from 'node:path';

export const BINDING_FILE = 'better_sqlite3.node';

/** What a binding must match: the Electron release (its ABI), the platform and the CPU, and the better-sqlite3 it belongs to. */
export interface ElectronTarget {
  electronVersion: string;
  platform: string;
  arch: string;
  betterSqliteVersion: string;
}

/** The folder under .tend/native that holds the binding for one target: a new Electron or better-sqlite3 gets a new one. */
export function bindingFolderName(t: ElectronTarget): string {
  return `better-sqlite3-${t.betterSqliteVersion}-electron-${t.electronVersion}-${t.platform}-${t.arch}`;
}

/** Where bindings for Electron are kept in a checkout (never node_modules: that one is Node's). */
export function nativeRoot(repoRoot: string): string {
  return join(repoRoot, '.tend', 'native');
}

export function devBindingPath(repoRoot: string, t: ElectronTarget): string {
  return join(nativeRoot(repoRoot), bindingFolderName(t), BINDING_FILE);
}

/** In an installed app: next to app.asar, outside it (a native addon cannot be loaded from inside the archive). */
export function packagedBindingPath(resourcesPath: string): string {
  return join(resourcesPath, 'native', BINDING_FILE);
}

/** The binding the core loads under Electron (`target` is read only for a checkout: an installed app has one binding). */
export function electronBindingPath(o: { packaged: boolean; resourcesPath: string; appPath: string; target: () => ElectronTarget }): string {
  return o.packaged ? packagedBindingPath(o.resourcesPath) : devBindingPath(o.appPath, o.target());
}
