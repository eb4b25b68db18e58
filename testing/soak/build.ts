/**
 * The soak starts hundreds of hub and desktop processes, so what a process start costs is most of
 * what a run costs. Each is bundled once with esbuild into .tend/soak/ (one file, no TypeScript compile
 * per start) as CommonJS, and started through `load.cjs`, which compiles the bundle with V8's code
 * cache (`<bundle>.v8cache`, written by the first process that ran a while): later starts neither
 * parse the 2.5 MB bundle nor compile the functions a start runs. A cache V8 rejects (another Node,
 * other flags, a changed bundle) is made again. Native and WASM packages load from node_modules
 * (Node 20.19+ requires ES-module-only packages such as PGlite). `import.meta.url` is the bundle's URL.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `loader`: the script to start (`node <loader> <bundle> args…`) */
export interface SoakBuild { loader: string; hub: string; desk: string }

/**
 * Compiles the bundle named by argv[2] with the code cache next to it, then runs it as a CommonJS
 * module with argv as if it had been started itself. The cache is written once the process has run
 * a second (its start-up functions compiled by then), by rename, so a killed writer leaves none.
 */
const LOADER = `'use strict';
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { Script, constants } = require('node:vm');
const Module = require('node:module');
const path = require('node:path');
const bundle = path.resolve(process.argv[2]);
process.argv.splice(1, 1);
const cacheFile = bundle + '.v8cache';
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { cachedData = undefined; }
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
  filename: bundle, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cachedData === undefined || script.cachedDataRejected) {
  setTimeout(() => {
    try {
      const tmp = cacheFile + '.' + process.pid;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch { /* another process writes it */ }
  }, 1000).unref();
}
const mod = new Module(bundle, null);
mod.filename = bundle;
mod.paths = Module._nodeModulePaths(path.dirname(bundle));
script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
`;

export async function buildSoak(outdir = path.join(ROOT, '.tend', 'soak')): Promise<SoakBuild> {
  mkdirSync(outdir, { recursive: true });
  const out = await build({
    write: false,
    absWorkingDir: ROOT,
    entryPoints: { hub: 'testing/soak/hub-entry.ts', desk: 'testing/soak/desk-entry.ts' },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    external: ['better-sqlite3', 'esbuild', '@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
    define: { 'import.meta.url': '__soakBundleUrl' },
    banner: { js: "var __soakBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  // written only when changed, and by rename: a soak already running (another --state chunk, the
  // test:pg slice) may be starting a process from these files right now
  const files = [...out.outputFiles.map((f) => ({ path: f.path, contents: Buffer.from(f.contents) })), { path: path.join(outdir, 'load.cjs'), contents: Buffer.from(LOADER) }];
  for (const f of files) {
    if (existsSync(f.path) && readFileSync(f.path).equals(f.contents)) continue;
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
    rmSync(`${f.path}.v8cache`, { force: true });
  }
  return { loader: path.join(outdir, 'load.cjs'), hub: path.join(outdir, 'hub.cjs'), desk: path.join(outdir, 'desk.cjs') };
}
