/**
 * For a desktop-core test file: one hub world behind a proxy the test can cut (offline, reconnect),
 * and the desktops a test opens on it, closed after each test; their data dirs go when the file ends.
 * A data dir handed back to `desk` opens the same cache again (a desktop restarted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { LocalDesktopService, type CoreOptions } from '../../main/core/core';
import { CutProxy } from '../soak/cut-proxy';
import { startWorld, type World } from './hub-harness';

export interface CutWorld {
  readonly world: World;
  readonly proxy: CutProxy;
  desk(dir?: string, extra?: Partial<CoreOptions>): LocalDesktopService;
  /** closes a desktop before the test ends (its data dir stays, to open again) */
  close(core: LocalDesktopService): Promise<void>;
}

export function cutWorld(dirPrefix: string): CutWorld {
  let world: World | undefined;
  let proxy: CutProxy | undefined;
  const dirs: string[] = [];
  const cores: LocalDesktopService[] = [];
  beforeAll(async () => {
    world = await startWorld();
    proxy = await CutProxy.start(world.hub.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await world?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(async () => {
    proxy?.restore();
    for (const c of cores.splice(0)) await c.close();
  });
  return {
    get world() { return world!; },
    get proxy() { return proxy!; },
    desk(dir = mkdtempSync(path.join(tmpdir(), dirPrefix)), extra = {}) {
      if (!dirs.includes(dir)) dirs.push(dir);
      const core = new LocalDesktopService({ dataDir: dir, sync: { live: false, backoffBaseMs: 20, backoffMaxMs: 200 }, ...extra });
      cores.push(core);
      return core;
    },
    async close(core) {
      const i = cores.indexOf(core);
      if (i >= 0) cores.splice(i, 1);
      await core.close();
    },
  };
}
