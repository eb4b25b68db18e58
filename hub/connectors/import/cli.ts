/**
 * `npm run hub -- import <file> [--format twcs|ibm] [--dry-run] [--json] [--all-skips]`
 * Imports a history file into the hub and prints what was imported, and what was skipped and why.
 * The hub's CLI passes its Ingestor; without one (or with --dry-run) the file is read into an
 * in-memory Ingestor so the report shows what an import would do, storing nothing.
 * Run alone: `npx tsx hub/connectors/import/cli.ts <file>` (always a dry run).
 */
import { pathToFileURL } from 'node:url';
import { createMemoryIngestor } from '../memory-ingestor';
import type { Ingestor } from '../types';
import { ImportError, importFile, type ImportFormat, type ImportReport, type ImportSkip } from './index';

export interface RunImportDeps {
  ingestor?: Ingestor;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE = 'usage: import <file.csv|file.json> [--format twcs|ibm] [--dry-run] [--json] [--all-skips]';
const SHOWN_SKIPS = 20;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeSkip(s: ImportSkip): string {
  const where = s.line !== undefined ? `line ${s.line}` : s.index !== undefined ? `entry ${s.index}` : 'file';
  return `  ${where}${s.platform_id ? ` (tweet ${s.platform_id})` : ''}: ${s.reason}`;
}

export function formatReport(r: ImportReport, opts: { dryRun: boolean; allSkips: boolean }): string[] {
  const lines = [
    `${opts.dryRun ? 'Dry run (nothing stored): ' : ''}${r.file} (${r.format === 'twcs' ? 'TWCS CSV' : 'IBM care JSON'}): ${r.records} records read`,
    `Imported ${plural(r.imported, 'post')} in ${plural(r.threads, 'thread')}${r.duplicates ? `; ${r.duplicates} already stored` : ''}.`,
  ];
  for (const [label, list] of [['Skipped', r.skipped], ['Imported with a warning', r.warnings]] as const) {
    if (list.length === 0) { if (label === 'Skipped') lines.push('Skipped nothing.'); continue; }
    lines.push(`${label}: ${list.length}`);
    const shown = opts.allSkips ? list : list.slice(0, SHOWN_SKIPS);
    lines.push(...shown.map(describeSkip));
    if (shown.length < list.length) lines.push(`  … and ${list.length - shown.length} more (--all-skips lists them all)`);
  }
  return lines;
}

/** Returns the process exit code: 0 imported, 1 the file could not be imported, 2 usage error. */
export async function runImport(argv: string[], deps: RunImportDeps = {}): Promise<number> {
  const out = deps.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = deps.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const args = argv[0] === 'import' ? argv.slice(1) : argv;
  let file: string | null = null;
  let format: ImportFormat | undefined;
  let dryRun = false, json = false, allSkips = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--json') json = true;
    else if (a === '--all-skips') allSkips = true;
    else if (a === '--format') {
      const f = args[++i];
      if (f !== 'twcs' && f !== 'ibm') { err(`--format must be twcs or ibm\n${USAGE}`); return 2; }
      format = f;
    } else if (a.startsWith('--')) { err(`unknown option ${a}\n${USAGE}`); return 2; }
    else if (file === null) file = a;
    else { err(`one file at a time\n${USAGE}`); return 2; }
  }
  if (!file) { err(USAGE); return 2; }
  if (!deps.ingestor) dryRun = true;
  const ingestor = dryRun ? createMemoryIngestor() : deps.ingestor!;
  try {
    const report = await importFile(file, ingestor, { format });
    if (json) out(JSON.stringify({ ...report, dry_run: dryRun }));
    else formatReport(report, { dryRun, allSkips }).forEach((l) => out(l));
    return 0;
  } catch (e) {
    if (e instanceof ImportError) { err(`import failed: ${e.message}`); return 1; }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runImport(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
