// No import circles between source files (type imports count: a circle of types is a circle of
// design). Part of `npm run lint`; prints each circle and fails when there is one.
import { readFileSync, existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import path from 'node:path';

const files = execSync("git ls-files --cached --others --exclude-standard -- '*.ts' '*.tsx' '*.mjs'", { encoding: 'utf8' })
  .split('\n').filter((f) => f && !f.startsWith('node_modules/') && existsSync(f));
const known = new Set(files);
const EXT = ['', '.ts', '.tsx', '.mjs', '/index.ts', '/index.tsx'];
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const graph = new Map();
for (const f of files) {
  const deps = new Set();
  const src = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of src.matchAll(IMPORT)) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1] ?? m[2]));
    const hit = EXT.map((e) => base + e).find((p) => known.has(p));
    if (hit && hit !== f) deps.add(hit);
  }
  graph.set(f, deps);
}

// Tarjan's strongly connected components: each component of more than one file is a circle
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set(), circles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) circles.push(scc.sort());
  }
}
for (const f of files) if (!idx.has(f)) visit(f);
if (circles.length) {
  for (const c of circles) console.error(`import circle: ${c.join(' ↔ ')}`);
  console.error('Break each circle: move what both sides need into a third file (types into a contract, shared code into shared/).');
  process.exit(1);
}
console.log(`import-cycles: no circles in ${files.length} files`);
