/**
 * `npm run build`: the renderer with Vite (renderer/dist), and with esbuild the Electron main
 * process, the preload and the desktop core's worker thread (dist/electron/*.cjs).
 * Native better-sqlite3 and electron stay external: they load from node_modules at run time.
 *
 *   tsx scripts/build.ts [--only renderer|node]
 */
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `outdir` defaults to dist/electron (what `npm start`, the web host and electron-builder use); tests build elsewhere. */
export async function buildNode(outdir = 'dist/electron'): Promise<void> {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    sourcemap: true,
    external: ['electron', 'better-sqlite3'],
    logLevel: 'warning' as const,
    // import.meta.url has no meaning in CJS; the shells pass explicit paths instead.
    define: { 'import.meta.dirname': '__dirname', 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  await Promise.all([
    esbuild({ ...common, entryPoints: { main: 'main/electron/main.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
    esbuild({ ...common, entryPoints: { preload: 'preload/preload.ts' }, outdir, outExtension: { '.js': '.cjs' }, external: ['electron'] }),
    esbuild({ ...common, entryPoints: { 'core-worker': 'main/core/worker-entry.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ]);
}

export async function buildRenderer(): Promise<void> {
  await viteBuild({ configFile: `${root}/renderer/vite.config.ts`, logLevel: 'warn' });
}

/** The renderer over a fixed world, for the visual snapshots (e2e/visual.spec.ts); never shipped. */
export async function buildGallery(): Promise<void> {
  await viteBuild({ configFile: `${root}/renderer/gallery/vite.config.ts`, logLevel: 'warn' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
  if (values.only && !['renderer', 'node'].includes(values.only)) throw new Error('--only must be renderer or node');
  const started = Date.now();
  await Promise.all([
    values.only !== 'node' ? buildRenderer() : null,
    values.only !== 'renderer' ? buildNode() : null,
  ]);
  console.log(`built ${values.only ?? 'renderer + electron + preload + core worker'} in ${Date.now() - started} ms`);
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); });
}
