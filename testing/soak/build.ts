/**
 * The soak starts hundreds of hub and desktop processes: each is bundled once with esbuild into
 * .tend/soak/ (one file to parse, no TypeScript compile per process start). ESM, so top-level await
 * and import.meta work as under tsx; native and WASM packages load from node_modules.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SoakBuild { hub: string; desk: string }

export async function buildSoak(outdir = path.join(ROOT, '.tend', 'soak')): Promise<SoakBuild> {
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { hub: 'testing/soak/hub-entry.ts', desk: 'testing/soak/desk-entry.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    external: ['better-sqlite3', '@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
    // CommonJS packages bundled into ESM still call require() for Node's own modules
    banner: { js: "import { createRequire as __soakRequire } from 'node:module'; const require = __soakRequire(import.meta.url);" },
  });
  return { hub: path.join(outdir, 'hub.mjs'), desk: path.join(outdir, 'desk.mjs') };
}
