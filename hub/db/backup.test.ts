/**
 * Backups of a PGlite data dir (`npm run hub -- backup` / `restore`, hub/commands/backup.ts): a backup
 * taken from a running hub while posts are being stored restores every conversation, message, note and
 * refused reply written before it, and each post stored meanwhile whole or not at all; the file is 0600.
 * Bad input (no file, a file that is not a backup, a data dir that holds a database, one in use) is
 * refused with a reason and changes nothing. PGlite only: a server is backed up with pg_dump.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../hub';
import { backup, restore, type CommandIo } from '../commands/backup';
import { openDb } from './db';
import { MIGRATIONS } from './migrate';
import { allRows, missingRows, seedEveryRecord, type EveryRecord, type TableRows } from '../../testing/hub/records';
import { post } from '../../testing/hub/fixtures';
import { TEST_DATABASE_URL } from '../../testing/hub/testdb';

const USER_TABLES = ['workspaces', 'teams', 'agents', 'agent_teams', 'customers', 'customer_identities', 'conversations', 'messages', 'notes', 'mutations', 'changes'];
const only = (rows: TableRows) => Object.fromEntries(USER_TABLES.map((t) => [t, rows[t]]));

let root: string;
let dataDir: string;
let hub: Hub;
let seeded: EveryRecord;
let before: TableRows;
const lines: string[] = [];
const io: CommandIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} };
const said = () => lines.splice(0).join('\n');

/** every file under dir with its size and content hash: what "changes nothing" compares */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => { const p = join(e.parentPath, e.name); return `${p.slice(dir.length)} ${statSync(p).size} ${readFileSync(p).toString('base64').length}`; }).sort();
}

// PGlite data dirs only: the PostgreSQL run (test:pg) would repeat the same PGlite test
const pglite = !TEST_DATABASE_URL;

beforeAll(async () => {
  if (!pglite) return;
  root = mkdtempSync(join(tmpdir(), 'tend-bk-'));
  dataDir = join(root, 'hub');
  hub = await startHub({ database: { dataDir }, channels: false, outbound: { dispatcher: false }, server: { logger: false } });
  seeded = await seedEveryRecord(hub);
  before = only(await allRows(hub.db));
});
afterAll(async () => {
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!pglite)('backup and restore of a PGlite data dir', () => {
  it('a backup taken while the hub stores posts restores everything written before it, and each post meanwhile whole or not at all', async () => {
    const file = join(root, 'running.tar.gz');
    // posts keep arriving while the backup is taken
    const texts = Array.from({ length: 20 }, (_, i) => `during the backup ${i}`);
    const storing = Promise.all(texts.map((text, i) => seeded.world.ingestor.ingest(post({ handle: `busy${i % 4}`, text }))));
    expect(await backup([file, '--data-dir', dataDir], io)).toBe(0);
    await storing;
    expect(said()).toMatch(/^backed up .* to .*running\.tar\.gz \(\d+ bytes\)/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const into = join(root, 'restored');
    expect(await restore([file, '--data-dir', into], io)).toBe(0);
    expect(said()).toMatch(new RegExp(`^restored .*restored from .*: schema ${MIGRATIONS.at(-1)!.version}, \\d+ conversations, \\d+ messages$`));
    expect(statSync(into).mode & 0o777).toBe(0o700);
    const db = await openDb({ dataDir: into });
    try {
      const after = only(await allRows(db));
      expect(missingRows(before, after)).toEqual([]);
      for (const id of seeded.conversations) expect(after.conversations.some((c) => c.id === id)).toBe(true);
      // the reply the hub refused is still answered with its refusal
      const refusal = after.mutations.find((m) => m.type === 'reply' && m.result.ok === false);
      expect(refusal?.result.error.code).toBe('conversation_resolved');
      expect(after.messages.some((m) => m.direction === 'outbound' && m.delivery === 'queued')).toBe(true);
      expect(after.notes.map((n) => n.text)).toEqual(['order #8812, escalate to billing']);
      // each post stored during the backup: its message, its conversation and its change, or none of them
      for (const text of texts) {
        const m = after.messages.find((x) => x.text === text);
        if (!m) continue;
        expect(after.conversations.some((c) => c.id === m.conversation_id)).toBe(true);
        expect(after.changes.some((c) => c.entity === 'message' && c.entity_id === m.id)).toBe(true);
      }
      const stored = after.messages.filter((m) => texts.includes(m.text)).length;
      const changed = after.changes.filter((c) => c.entity === 'message' && texts.includes(c.data.text)).length;
      expect(changed).toBe(stored);
    } finally {
      await db.close();
    }
  });

  it('a stopped data dir is backed up from disk, and --force restores over a database, keeping the old one aside', async () => {
    const restored = join(root, 'restored');
    const file = join(root, 'offline.tar.gz');
    expect(await backup([file, '--data-dir', restored], io)).toBe(0);
    expect(said()).toMatch(/^backed up /);
    expect(await backup([file, '--data-dir', restored], io)).toBe(1);
    expect(said()).toBe(`tend hub backup: ${file} exists: add --force to replace it`);
    // a data dir holding a database of its own (made from the backup: no initdb)
    const target = join(root, 'busy-target');
    expect(await restore([file, '--data-dir', target], io)).toBe(0);
    said();
    const other = await openDb({ dataDir: target });
    await other.exec('CREATE TABLE local_only (x int); INSERT INTO local_only VALUES (7)');
    await other.close();
    const was = tree(target);
    expect(await restore([file, '--data-dir', target], io)).toBe(1);
    expect(said()).toBe(`tend hub restore: ${target} is not empty: restoring replaces it. Add --force to restore anyway (what is there now is kept as busy-target.before-restore-<time>)`);
    expect(tree(target)).toEqual(was);
    expect(await restore([file, '--data-dir', target, '--force'], io)).toBe(0);
    expect(said()).toMatch(/; what was there is kept in .*busy-target\.before-restore-/);
    const aside = readdirSync(root).find((n) => n.startsWith('busy-target.before-restore-'))!;
    expect(tree(join(root, aside))).toEqual(was);
    const db = await openDb({ dataDir: target });
    try {
      expect(missingRows(before, only(await allRows(db)))).toEqual([]);
      expect(await db.query(`SELECT to_regclass('local_only') AS t`)).toEqual([{ t: null }]);
    } finally {
      await db.close();
    }
  });

  it('refuses a missing file, a file that is not a backup, and the data dir of a running hub, changing nothing', async () => {
    const target = join(root, 'untouched');
    expect(await restore([join(root, 'nope.tar.gz'), '--data-dir', target], io)).toBe(1);
    expect(said()).toBe(`tend hub restore: no such file: ${join(root, 'nope.tar.gz')}`);
    const notes = join(root, 'notes.txt');
    writeFileSync(notes, 'not a backup at all\n');
    expect(await restore([notes, '--data-dir', target], io)).toBe(1);
    expect(said()).toBe(`tend hub restore: ${notes} is not a hub backup: it is not a tar archive of a data dir`);
    const gz = join(root, 'other.tar.gz');
    writeFileSync(gz, gzipSync(Buffer.from('x'.repeat(2000))));
    expect(await restore([gz, '--data-dir', target], io)).toBe(1);
    expect(said()).toMatch(/is not a hub backup: it is not a tar archive of a data dir$/);
    expect(readdirSync(root).filter((n) => n.startsWith('untouched'))).toEqual([]);

    const file = join(root, 'offline.tar.gz');
    const was = tree(dataDir);
    expect(await restore([file, '--data-dir', dataDir, '--force'], io)).toBe(1);
    expect(said()).toBe(`tend hub restore: the hub data dir ${dataDir} is in use by process ${process.pid}: stop that hub first`);
    // the files the running database itself rewrites aside, the data dir is as it was
    const outsidePostgres = (lines: string[]) => lines.filter((l) => !/^\/(base|global|pg_\w+)\//.test(l));
    expect(outsidePostgres(tree(dataDir))).toEqual(outsidePostgres(was));
    expect(await hub.db.query('SELECT count(*)::int AS n FROM conversations')).toEqual([{ n: expect.any(Number) }]);
    expect(await backup([join(root, 'x.tar.gz'), '--data-dir', join(root, 'no-such-dir')], io)).toBe(1);
    expect(said()).toBe(`tend hub backup: ${join(root, 'no-such-dir')} holds no hub database (no PG_VERSION)`);
    expect(await backup([join(root, 'x.tar.gz'), '--data-dir', dataDir], { ...io, env: { DATABASE_URL: 'postgres://x' } })).toBe(2);
    expect(said()).toMatch(/pg_dump/);
  });
});
