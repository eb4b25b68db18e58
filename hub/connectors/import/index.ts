/**
 * History backfill: a TWCS CSV or an IBM care JSON file → the Ingestor, thread by thread, parents
 * before replies (so every reply finds its conversation). Records that cannot be read are skipped
 * with the reason; everything else is stored, deduplicated by platform id (importing a file twice
 * stores nothing the second time).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { NormalizedPostSchema, describeZodError, isPostRejection } from '../normalized';
import type { Ingestor } from '../types';
import { parseIbmCare } from './ibm';
import { ImportError, parseTwcs, type ImportSkip, type ImportThread } from './twcs';

export { ImportError, type ImportSkip } from './twcs';

export type ImportFormat = 'twcs' | 'ibm';

export interface ImportReport {
  file: string;
  format: ImportFormat;
  /** records (CSV rows / JSON conversations) read from the file */
  records: number;
  threads: number;
  /** posts newly stored */
  imported: number;
  /** posts the hub already had (an earlier import, a webhook) */
  duplicates: number;
  skipped: ImportSkip[];
  warnings: ImportSkip[];
}

export interface ImportOptions {
  format?: ImportFormat;
  /** told after each thread, for progress on big files */
  onProgress?: (done: number, total: number) => void;
}

export function detectFormat(path: string, head: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'twcs';
  if (ext === '.json') return 'ibm';
  return head.trimStart().startsWith('[') ? 'ibm' : 'twcs';
}

function ibmThreads(text: string): { records: number; threads: ImportThread[]; skipped: ImportSkip[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new ImportError('IBM care JSON must be a list of conversations');
  const parsed = parseIbmCare(data);
  const skipped: ImportSkip[] = parsed.skipped.map((s) => ({ index: s.index, reason: s.reason }));
  return {
    records: data.length,
    threads: parsed.threads.map((t) => ({ root: t.posts[0]?.platform_id ?? t.session_id, account: t.company, posts: t.posts })),
    skipped,
  };
}

export async function importFile(path: string, ingestor: Ingestor, opts: ImportOptions = {}): Promise<ImportReport> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new ImportError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const format = opts.format ?? detectFormat(path, buf.subarray(0, 64).toString('utf8'));
  const parsed = format === 'twcs' ? parseTwcs(buf) : { ...ibmThreads(buf.toString('utf8')), warnings: [] as ImportSkip[] };
  const report: ImportReport = { file: basename(path), format, records: parsed.records, threads: 0, imported: 0, duplicates: 0, skipped: [...parsed.skipped], warnings: parsed.warnings };

  let done = 0;
  for (const thread of parsed.threads) {
    // A thread with one unusable post is skipped whole: half a conversation misleads more than none.
    const bad = thread.posts.map((p) => [p, NormalizedPostSchema.safeParse(p)] as const).find(([, r]) => !r.success);
    if (bad) {
      const [p, r] = bad;
      report.skipped.push({ platform_id: p.platform_id, reason: `thread ${thread.root} skipped: post ${p.platform_id} is not usable (${describeZodError(r.error!)})` });
      continue;
    }
    for (const post of thread.posts) {
      try {
        const r = await ingestor.ingest(post);
        if (r.status === 'stored') report.imported++;
        else report.duplicates++;
      } catch (e) {
        if (!isPostRejection(e)) throw e;
        report.skipped.push({ platform_id: post.platform_id, reason: `the hub refused it: ${e.message}` });
      }
    }
    report.threads++;
    opts.onProgress?.(++done, parsed.threads.length);
  }
  return report;
}
