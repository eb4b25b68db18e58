import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryIngestor } from '../memory-ingestor';
import { runImport } from './cli';
import { importFile } from './index';
import { parseTwcs, readTweetId } from './twcs';

// The data sets are read where they live (../shared/data beside the repo), never copied into it.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = [resolve(repoRoot, '../shared/data'), '/work/shared/data'].find((d) => existsSync(join(d, 'SOURCES.md')));
if (!DATA) console.warn('[import.test] data sets not found in ../shared/data or /work/shared/data: the tests on real files are skipped');
const withData = DATA ? describe : describe.skip;

/** Threads counted independently of the importer: union-find over both link columns. */
function countThreads(file: string): { rows: number; threads: number } {
  const rows = parse(readFileSync(file), { columns: true, record_delimiter: ['\r\n', '\n'] }) as Record<string, string>[];
  const norm = (s: string) => (s ? String(BigInt(s.split('.')[0])) : '');
  const parent = new Map<string, string>();
  for (const r of rows) parent.set(norm(r.tweet_id), norm(r.tweet_id));
  const find = (x: string): string => { while (parent.get(x) !== x) x = parent.get(x)!; return x; };
  const union = (a: string, b: string) => { if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b)); };
  for (const r of rows) {
    union(norm(r.tweet_id), norm(r.in_response_to_tweet_id));
    for (const id of (r.response_tweet_id ?? '').split(',')) if (id) union(norm(r.tweet_id), norm(id));
  }
  return { rows: rows.length, threads: new Set([...parent.keys()].map(find)).size };
}

withData('TWCS import of the real files', () => {
  it('imports twcs_first5000.csv (pandas variant): every tweet, threads rebuilt, brands marked', async () => {
    const file = join(DATA!, 'twcs_first5000.csv');
    const expected = countThreads(file);
    const ing = createMemoryIngestor();
    const report = await importFile(file, ing);
    expect(report).toMatchObject({ format: 'twcs', records: 5000, imported: 5000, duplicates: 0, skipped: [], warnings: [] });
    expect(expected.rows).toBe(5000);
    expect(report.threads).toBe(expected.threads);
    expect(report.threads).toBeGreaterThan(1250); // SOURCES.md: ~1,330 threads
    expect(report.threads).toBeLessThan(1400);
    expect(ing.conversations.size).toBe(report.threads);
    // brands are named accounts, customers anonymized numbers: the inbound column must agree
    for (const p of ing.posts) expect(p.from_brand, p.platform_id).toBe(!/^\d+$/.test(p.author.handle));
    // every reply sits in its parent's conversation
    for (const p of ing.posts) {
      if (p.in_reply_to && ing.conversationOf('x', p.in_reply_to)) expect(ing.conversationOf('x', p.platform_id)).toBe(ing.conversationOf('x', p.in_reply_to));
    }
    // the float ids were read as integers
    expect(ing.posts.find((p) => p.platform_id === '1')).toMatchObject({ in_reply_to: '3', from_brand: true, account: 'sprintcare', created_at: '2017-10-31T22:10:47.000Z' });
    // tweet 1 answers 3, which answers 4...: one conversation holding the chain, parents first
    const conv = ing.conversationOf('x', '1')!;
    expect(conv).toBe(ing.conversationOf('x', '3'));
    const order = conv.posts.map((p) => p.platform_id);
    expect(order.indexOf('3')).toBeLessThan(order.indexOf('1'));
  });

  it('keeps the bare CR characters inside tweet 3399 and the record after it intact', async () => {
    const ing = createMemoryIngestor();
    await importFile(join(DATA!, 'twcs_first5000.csv'), ing);
    const t = ing.posts.find((p) => p.platform_id === '3399')!;
    expect(t.text).toBe('@AskPayPal \r\rI just love the start of email 😁 https://t.co/8u1Pf5rJoN');
    expect(ing.posts.find((p) => p.platform_id === '3400')).toMatchObject({ author: { handle: 'AskPlayStation' }, from_brand: true });
  });

  it('imports twcs_kaggle_sample.csv (integer ids)', async () => {
    const file = join(DATA!, 'twcs_kaggle_sample.csv');
    const ing = createMemoryIngestor();
    const report = await importFile(file, ing);
    expect(report).toMatchObject({ records: 93, imported: 93, skipped: [] });
    expect(report.threads).toBe(countThreads(file).threads);
    expect(ing.posts.find((p) => p.platform_id === '119238')).toMatchObject({ from_brand: true, account: 'ChaseSupport', in_reply_to: '119239' });
  });

  it('reports brand replies the hub refuses (their customer tweet is not in the file) as skipped, with the reason', async () => {
    const ing = createMemoryIngestor({ rejectOrphanBrandPosts: true });
    const report = await importFile(join(DATA!, 'twcs_first5000.csv'), ing);
    expect(report.skipped.length).toBeGreaterThanOrEqual(24); // 24 threads start with a brand reply to a tweet outside the file
    expect(report.imported + report.skipped.length).toBe(5000);
    for (const s of report.skipped) {
      expect(s.reason).toMatch(/^the hub refused it: brand post \d+ answers no known post/);
      expect(ing.posts.some((p) => p.platform_id === s.platform_id)).toBe(false);
    }
  });

  it('importing the same file twice stores nothing the second time', async () => {
    const ing = createMemoryIngestor();
    const file = join(DATA!, 'twcs_kaggle_sample.csv');
    await importFile(file, ing);
    const again = await importFile(file, ing);
    expect(again).toMatchObject({ imported: 0, duplicates: 93 });
    expect(ing.posts).toHaveLength(93);
  });

  it('imports the IBM care JSON: customers and agents, each conversation one thread', async () => {
    const file = join(DATA!, 'ibm_twitter_care/dev.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Array<{ dialogContent: Array<Record<string, string>>; agentURL: { tweet_ID: string } }>;
    const allIds = new Set(raw.flatMap((c) => [...c.dialogContent.map((u) => u.tweet_ID), c.agentURL.tweet_ID]));
    const total = raw.reduce((n, c) => n + c.dialogContent.length + 1, 0);
    const ing = createMemoryIngestor();
    const report = await importFile(file, ing);
    expect(report).toMatchObject({ format: 'ibm', records: 525, threads: 525, skipped: [] });
    expect(report.imported).toBe(allIds.size);
    expect(report.imported + report.duplicates).toBe(total);
    const first = ing.conversationOf('x', '1245403438755852288')!;
    expect(first.posts.map((p) => [p.author.handle, p.from_brand])).toEqual([['CinVakas', false], ['TeamYouTube', true]]);
    expect(first.posts[1].in_reply_to).toBe('1245403438755852288');
    // a second customer ("client1") is a customer too
    expect(ing.posts.find((p) => p.platform_id === '1245449622971133952')).toMatchObject({ author: { handle: 'Hedgehog91x' }, from_brand: false });
  });
});

describe('TWCS parsing of bad and odd input', () => {
  let dir = '';
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tend-twcs-')); });

  it('reads ids written as floats, refuses what is not an id', () => {
    expect(readTweetId('3.0')).toBe('3');
    expect(readTweetId('119239')).toBe('119239');
    expect(readTweetId('')).toBeNull();
    expect(readTweetId('1.2e+18')).toBeUndefined();
    expect(readTweetId('abc')).toBeUndefined();
  });

  it('skips unreadable records with the reason and imports the rest (CRLF file)', () => {
    const csv = [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '10,555,True,Tue Oct 31 22:10:47 +0000 2017,@Acme hello,11,',
      '11,Acme,False,Tue Oct 31 22:12:00 +0000 2017,"@555 hi, how can we help?",,10',
      '12,556,maybe,Tue Oct 31 22:10:47 +0000 2017,@Acme x,,',
      '13,557,True,31/10/2017,@Acme x,,',
      '10,558,True,Tue Oct 31 22:10:47 +0000 2017,@Acme dup,,',
      '14,559,True,Tue Oct 31 22:10:47 +0000 2017,@Acme short row',
      '15,560,True,Tue Oct 31 22:10:47 +0000 2017,@Acme lost link,,1.2345678901234567e+18',
      '16,561,True,Tue Oct 31 22:10:47 +0000 2017,cycle a,,17',
      '17,562,True,Tue Oct 31 22:10:48 +0000 2017,cycle b,,16',
      'x,563,True,Tue Oct 31 22:10:47 +0000 2017,@Acme bad id,,',
      '18,564,True,Tue Oct 31 22:10:47 +0000 2017,   ,,',
    ].join('\r\n') + '\r\n';
    const r = parseTwcs(csv);
    expect(r.records).toBe(11);
    expect(r.threads.map((t) => [t.root, t.account, t.posts.map((p) => p.platform_id)])).toEqual([['10', 'Acme', ['10', '11']], ['15', 'Acme', ['15']]]);
    expect(r.threads[0].posts[1].text).toBe('@555 hi, how can we help?');
    const reasons = r.skipped.map((s) => `${s.platform_id ?? '-'}: ${s.reason}`);
    expect(reasons).toEqual([
      '12: inbound "maybe" is neither True nor False',
      '13: created_at "31/10/2017" is not a date like "Tue Oct 31 22:10:47 +0000 2017"',
      '10: tweet_id appears twice in the file; the first one was kept',
      '-: expected 7 fields, found 5',
      '-: tweet_id "x" is not a tweet id',
      '18: text is empty',
      '16: part of a reply cycle: no tweet in its chain starts the thread',
      '17: part of a reply cycle: no tweet in its chain starts the thread',
    ]);
    expect(r.skipped[0].line).toBe(4);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].reason).toMatch(/lost its digits/);
  });

  it('refuses a file that is not TWCS, naming the missing columns', async () => {
    const f = join(dir, 'other.csv');
    writeFileSync(f, 'a,b\n1,2\n');
    await expect(importFile(f, createMemoryIngestor())).rejects.toThrow(/missing column\(s\) tweet_id/);
  });

  it('the CLI prints what it imported and what it skipped and why', async () => {
    const f = join(dir, 'small.csv');
    writeFileSync(f, 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,9,True,Tue Oct 31 22:10:47 +0000 2017,@Acme hi,2,\n2,Acme,False,Tue Oct 31 22:11:47 +0000 2017,@9 hello,,1\n3,9,True,not a date,@Acme x,,\n');
    const out: string[] = [];
    const ing = createMemoryIngestor();
    expect(await runImport(['import', f], { ingestor: ing, out: (l) => out.push(l) })).toBe(0);
    expect(out).toEqual([
      'small.csv (TWCS CSV): 3 records read',
      'Imported 2 posts in 1 thread.',
      'Skipped: 1',
      '  line 4 (tweet 3): created_at "not a date" is not a date like "Tue Oct 31 22:10:47 +0000 2017"',
    ]);
    expect(ing.posts).toHaveLength(2);

    const dry: string[] = [];
    const ing2 = createMemoryIngestor();
    expect(await runImport([f, '--dry-run', '--json'], { ingestor: ing2, out: (l) => dry.push(l) })).toBe(0);
    expect(JSON.parse(dry[0])).toMatchObject({ dry_run: true, imported: 2, threads: 1 });
    expect(ing2.calls).toBe(0);
  });

  it('the CLI refuses bad usage and unreadable files with a clear message', async () => {
    const err: string[] = [];
    const deps = { ingestor: createMemoryIngestor(), out: () => {}, err: (l: string) => err.push(l) };
    expect(await runImport([], deps)).toBe(2);
    expect(await runImport(['a.csv', '--format', 'xml'], deps)).toBe(2);
    expect(await runImport([join(dir, 'missing.csv')], deps)).toBe(1);
    expect(err.join('\n')).toMatch(/cannot read .*missing\.csv: ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"not": "a list"}');
    expect(await runImport([bad], deps)).toBe(1);
    expect(err.at(-1)).toMatch(/must be a list of conversations/);
    expect(deps.ingestor.calls).toBe(0);
  });
});
