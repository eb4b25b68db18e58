/**
 * npm run analyze -- <in.csv|in.jsonl> [--text-column text] [--out results.jsonl]
 *   [--store <dir> --workspace <id>]
 * Writes one JSON analysis per post (stdout without --out). Author influence comes from
 * followers/verified columns (or author.followers / author.verified in JSON) when present.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { openAnalyzer } from './analyzer';
import { column, readRows, requireColumn } from './input';
import { FileModelStore } from './model-store';
import { isMainModule } from './main-module';

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export async function runAnalyze(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'text-column': { type: 'string', default: 'text' }, out: { type: 'string' },
      store: { type: 'string' }, workspace: { type: 'string', default: 'default' },
    },
  });
  if (positionals.length !== 1) throw new Error('usage: npm run analyze -- <in.csv|in.jsonl> [--text-column text] [--out results.jsonl]');
  const file = positionals[0];
  const textCol = values['text-column']!;
  const rows = readRows(file);
  requireColumn(rows, textCol, file);
  const analyzer = await openAnalyzer({ store: values.store ? new FileModelStore(values.store) : undefined, workspaceId: values.workspace });

  const out: NodeJS.WritableStream = values.out ? createWriteStream(values.out) : process.stdout;
  let n = 0;
  for (const row of rows) {
    const text = column(row, textCol);
    const followers = num(column(row, 'author.followers') ?? column(row, 'followers'));
    const verifiedRaw = column(row, 'author.verified') ?? column(row, 'verified');
    const verified = verifiedRaw === true || (typeof verifiedRaw === 'string' && /^(true|1|yes)$/i.test(verifiedRaw));
    const handle = column(row, 'author.handle') ?? column(row, 'handle');
    const result = analyzer.analyze({
      text: typeof text === 'string' ? text : '',
      author: { followers, verified, handle: typeof handle === 'string' ? handle : null },
    });
    const id = column(row, 'id') ?? column(row, 'tweet_id');
    const line = JSON.stringify(id !== undefined ? { id, ...result } : result) + '\n';
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
    n++;
  }
  if (values.out) await new Promise<void>((res, rej) => { const w = out as WriteStream; w.once('error', rej); w.end(() => res()); });
  process.stderr.write(`analyzed ${n} posts from ${file}${values.out ? ` into ${values.out}` : ''}\n`);
  return n;
}

if (isMainModule(import.meta.url)) {
  runAnalyze(process.argv.slice(2)).catch((e) => {
    console.error(`analyze: ${e.message}`);
    process.exit(2);
  });
}
