/**
 * The soak's floor: one workspace with two support teams and a department, three agents and a
 * supervisor, routing rules that send refunds to Billing and "broken" products to Product quality as
 * insights. It is seeded once into a template database (migrations, password hashes, routing config);
 * each run gets its own database copied from it (`CREATE DATABASE … TEMPLATE …`, a file copy).
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createAgent, createTeam, createWorkspace } from '../../hub/accounts/admin';
import { openDb } from '../../hub/db/db';
import { migrate } from '../../hub/db/migrate';
import { withTeams } from '../../hub/routing/service';
import { ChangeLog } from '../../hub/sync/changelog';
import { ROOT } from './build';

export const SOAK_WORKSPACE = 'soak';
export const PASSWORD = 'soak-password-1';
/** bump when the seed below changes: the template database is named after it */
const SEED_VERSION = 1;

export const TEAMS = [
  { id: 'care', name: 'Care', kind: 'support' as const },
  { id: 'billing', name: 'Billing', kind: 'support' as const },
  { id: 'quality', name: 'Product quality', kind: 'department' as const },
];

export interface SoakAgent { id: string; email: string; name: string; role: 'agent' | 'supervisor'; teams: string[] }
export const AGENTS: SoakAgent[] = [
  { id: 'a1', email: 'a1@soak.tend', name: 'Ana', role: 'agent', teams: ['care'] },
  { id: 'a2', email: 'a2@soak.tend', name: 'Ben', role: 'agent', teams: ['care', 'billing'] },
  { id: 'a3', email: 'a3@soak.tend', name: 'Cy', role: 'agent', teams: ['billing'] },
  { id: 'sup', email: 'sup@soak.tend', name: 'Sam', role: 'supervisor', teams: ['care', 'billing', 'quality'] },
];

type Rule = { id: string; name: string; filters: unknown[]; targets: Array<{ queue_id: string }> };
const rule = (id: string, word: string, queue: string): Rule =>
  ({ id, name: `${word} → ${queue}`, filters: [{ field: 'keywords', op: 'any', values: [word] }], targets: [{ queue_id: `q-${queue}` }] });

/** The rule sets a run switches between (a hub restart after a rule change must not move live work). */
export const RULE_SETS: Rule[][] = [
  [rule('refund', 'refund', 'billing'), rule('broken', 'broken', 'quality')],
  [rule('refund', 'refund', 'billing'), rule('broken', 'broken', 'quality'), rule('invoice', 'invoice', 'billing')],
  [rule('broken', 'broken', 'care'), rule('refund', 'refund', 'care')],
  [rule('refund', 'refund', 'quality'), rule('invoice', 'invoice', 'quality')],
];

/** What a run's customers write about: some words match the rules above. */
export const TOPICS = ['my parcel is late', 'I want a refund', 'the kettle arrived broken', 'question about my invoice', 'how do I reset my password', 'thanks for the help'];

/** Names the template after the hub's migrations and this seed, so a changed schema gets a new one. */
export function templateName(): string {
  const migrations = readdirSync(path.join(ROOT, 'hub/db/migrations')).filter((f) => /^\d+.*\.ts$/.test(f) && !f.endsWith('.test.ts')).sort();
  const h = createHash('sha256').update(JSON.stringify({ migrations, SEED_VERSION, TEAMS, AGENTS, RULE_SETS: RULE_SETS[0] })).digest('hex').slice(0, 12);
  return `tend_soak_tpl_${h}`;
}

export function dbUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `sql` on the server's maintenance connection (CREATE/DROP DATABASE cannot run in a transaction). */
export async function admin<T = unknown>(serverUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The template database, created and seeded when missing. Returns its name. */
export async function ensureTemplate(serverUrl: string, log: (line: string) => void = () => {}): Promise<string> {
  const name = templateName();
  const [found] = await admin(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found) return name;
  const building = `${name}_building_${process.pid}`;
  log(`soak: creating the template database ${name}`);
  await admin(serverUrl, `CREATE DATABASE ${building}`);
  const db = await openDb({ url: dbUrl(serverUrl, building), poolSize: 2 });
  try {
    await migrate(db);
    const changes = new ChangeLog(db);
    await createWorkspace(db, 'Soak', SOAK_WORKSPACE);
    for (const t of TEAMS) await createTeam(db, SOAK_WORKSPACE, t.name, t.kind, t.id);
    const config = { ...withTeams(null, TEAMS), rules: RULE_SETS[0] };
    await db.query('INSERT INTO routing_config (workspace_id, config, updated_by) VALUES ($1, $2, $3)', [SOAK_WORKSPACE, JSON.stringify(config), 'sup']);
    for (const a of AGENTS) {
      await createAgent(changes, {
        id: a.id, workspaceId: SOAK_WORKSPACE, email: a.email, name: a.name, password: PASSWORD, role: a.role, teamIds: a.teams,
        skills: { en: 3 }, capacity: { '*': 20 },
      });
    }
  } finally {
    await db.close();
  }
  // renamed only once complete: a template that exists is whole (two soaks racing: the second rename fails, harmlessly)
  await admin(serverUrl, `ALTER DATABASE ${building} RENAME TO ${name}`).catch(async (err) => {
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${building}`);
    const [now] = await admin(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!now) throw err;
  });
  return name;
}

/** A run's database is named after the driver's pid: `tend_soak_r<pid>_<seed>`. */
export const runDbName = (seed: number, pid = process.pid) => `tend_soak_r${pid}_${seed}`;

/**
 * Drops the run databases (and data folders) a soak on this machine left behind when it was killed (its pid is gone):
 * a SIGKILLed driver never reaches its teardown. Returns how many it dropped.
 */
export async function dropOrphans(serverUrl: string, alive: (pid: number) => boolean): Promise<number> {
  const rows = await admin<{ datname: string }>(serverUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'tend\\_soak\\_r%'");
  let dropped = 0;
  for (const { datname } of rows) {
    const pid = Number(/^tend_soak_r(\d+)_\d+$/.exec(datname)?.[1]);
    if (!pid || alive(pid)) continue;
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).then(() => dropped++, () => {});
  }
  // and their desktops' data folders (named after the run's database)
  for (const f of readdirSync(tmpdir())) {
    const pid = Number(/^tend_soak_r(\d+)_\d+_d\d+-/.exec(f)?.[1]);
    if (pid && !alive(pid)) rmSync(path.join(tmpdir(), f), { recursive: true, force: true });
  }
  return dropped;
}
