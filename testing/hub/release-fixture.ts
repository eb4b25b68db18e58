/**
 * The rows a released hub wrote, frozen: `npx tsx testing/hub/release-fixture.ts` runs the hub of
 * this checkout (every record of records.ts, through its real write paths) and writes every table's
 * rows with the schema version they were written at to testing/hub/fixtures/release-<version>.json.
 * hub/db/upgrade.test.ts loads such a file into a database migrated only that far and then migrates
 * it to today's schema: the rows stay as the old code wrote them, however the write paths change.
 *
 * Regenerate (a new file, keeping the old ones) when a release ships; the upgrade test reads the newest.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Db } from '../../hub/db/db';
import type { Queryable } from '../../hub/db/queryable';
import { MIGRATIONS } from '../../hub/db/migrate';
import { startHub } from '../../hub/hub';
import { allRows, seedEveryRecord, type TableRows } from './records';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface ReleaseFixture {
  /** the newest migration of the schema the rows were written at */
  schema_version: number;
  /** the first conversation's agent can sign in with this e-mail (password testing/hub/fixtures PASSWORD) */
  agent_email: string;
  conversations: string[];
  tables: TableRows;
}

/** The newest release fixture checked in. */
export function latestReleaseFixture(): ReleaseFixture {
  const files = readdirSync(FIXTURE_DIR).filter((f) => /^release-\d+\.json$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  if (!files.length) throw new Error(`no release fixture in ${FIXTURE_DIR}`);
  return JSON.parse(readFileSync(join(FIXTURE_DIR, files.at(-1)!), 'utf8')) as ReleaseFixture;
}

/**
 * Puts a fixture's rows into a database at the fixture's schema version, as they were: triggers
 * off (they already ran when the rows were written), parents before children, sequences past the
 * highest id.
 */
export async function loadReleaseFixture(db: Db, fixture: ReleaseFixture): Promise<void> {
  await db.transaction(async (tx) => {
    const order = await parentsFirst(tx, db.schema, Object.keys(fixture.tables));
    const triggers = (on: boolean) => tx.exec(order.map((t) => `ALTER TABLE ${t} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER;`).join('\n'));
    await triggers(false);
    // what the migrations seeded (settings rows, the sync state) is in the fixture as that hub left it
    for (const table of [...order].reverse()) await tx.exec(`DELETE FROM ${table}`);
    for (const table of order) {
      const rows = fixture.tables[table];
      if (rows.length) await tx.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [JSON.stringify(rows)]);
    }
    await triggers(true);
    const serials = await tx.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND column_default LIKE 'nextval(%'`, [db.schema]);
    for (const s of serials) {
      await tx.query(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${s.column_name}) FROM ${s.table_name}), 1))`,
        [`${db.schema}.${s.table_name}`, s.column_name]);
    }
  });
}

/** The tables in an order where every foreign key's table comes before the tables that point to it. */
async function parentsFirst(db: Queryable, schema: string, tables: string[]): Promise<string[]> {
  const edges = await db.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = $1 AND c.relname <> p.relname`, [schema]);
  const done: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (done.includes(t) || path.has(t)) return;
    path.add(t);
    for (const e of edges) if (e.child === t && tables.includes(e.parent)) visit(e.parent, path);
    done.push(t);
  };
  for (const t of [...tables].sort()) visit(t, new Set());
  return done;
}

async function main(): Promise<void> {
  const hub = await startHub({ channels: false, outbound: { dispatcher: false }, server: { logger: false } });
  try {
    const seeded = await seedEveryRecord(hub);
    const tables = await allRows(hub.db);
    delete tables.schema_migrations;
    const version = MIGRATIONS.at(-1)!.version;
    const fixture: ReleaseFixture = { schema_version: version, agent_email: seeded.world.emails.a, conversations: seeded.conversations, tables };
    const file = join(FIXTURE_DIR, `release-${version}.json`);
    writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`wrote ${file}: ${Object.entries(tables).filter(([, r]) => r.length).map(([t, r]) => `${t} ${r.length}`).join(', ')}`);
  } finally {
    await hub.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => { console.error(err); process.exit(1); });
}
