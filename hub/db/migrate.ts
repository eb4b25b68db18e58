/**
 * Numbered migrations (hub/db/migrations/NNNN-name.ts, each exporting `up(db)`), applied in
 * order, each in its own transaction and recorded in schema_migrations. A database that has
 * a migration this code does not know is from the future: refuse it rather than guess.
 */
import type { Db, Queryable } from './db';
import * as m0010 from './migrations/0010-core';
import * as m0500 from './migrations/0500-routing';
import * as m0520 from './migrations/0520-sla-pause';
import * as m0530 from './migrations/0530-routing-leader';
import * as m0600 from './migrations/0600-metrics';
import * as m0610 from './migrations/0610-one-calendar';
import * as m0700 from './migrations/0700-analysis';
import * as m0710 from './migrations/0710-supervisor';
import * as m0720 from './migrations/0720-metric-facts-deferred';
import * as m0800 from './migrations/0800-delivery-unknown';
import * as m0810 from './migrations/0810-brand-identities';
import * as m0850 from './migrations/0850-mutation-payload';
import * as m0860 from './migrations/0860-routing-state';
import * as m0870 from './migrations/0870-handle-time';
import * as m0950 from './migrations/0950-admin';
import * as m0960 from './migrations/0960-canned-settings';
import * as m0970 from './migrations/0970-security';
import * as m0980 from './migrations/0980-customer-merge';
import * as m0990 from './migrations/0990-channel-connections';
import * as m0991 from './migrations/0991-survey-settings';
import * as m1000 from './migrations/1000-assist-feedback';
import * as m1020 from './migrations/1020-held-for-resolution';
import * as m1030 from './migrations/1030-approvals';
import * as m1040 from './migrations/1040-spike-alerts';
import * as m1041 from './migrations/1041-crisis-modes';
import * as m1050 from './migrations/1050-macros';
import * as m1060 from './migrations/1060-shifts';
import * as m1070 from './migrations/1070-quality';
import * as m1090 from './migrations/1090-approval-taken-back';
import * as m1100 from './migrations/1100-metric-facts-handle-time';

export interface Migration {
  version: number;
  name: string;
  up(db: Queryable): Promise<void>;
}

/** Listed explicitly (not read from disk) so bundlers and tsx see the same set. */
export const MIGRATIONS: Migration[] = [
  { version: 10, name: 'core', up: m0010.up },
  { version: 500, name: 'routing', up: m0500.up },
  { version: 520, name: 'sla-pause', up: m0520.up },
  { version: 530, name: 'routing-leader', up: m0530.up },
  { version: 600, name: 'metrics', up: m0600.up },
  { version: 610, name: 'one-calendar', up: m0610.up },
  { version: 700, name: 'analysis', up: m0700.up },
  { version: 710, name: 'supervisor', up: m0710.up },
  { version: 720, name: 'metric-facts-deferred', up: m0720.up },
  { version: 800, name: 'delivery-unknown', up: m0800.up },
  { version: 810, name: 'brand-identities', up: m0810.up },
  { version: 850, name: 'mutation-payload', up: m0850.up },
  { version: 860, name: 'routing-state', up: m0860.up },
  { version: 870, name: 'handle-time', up: m0870.up },
  { version: 950, name: 'admin', up: m0950.up },
  { version: 960, name: 'canned-settings', up: m0960.up },
  { version: 970, name: 'security', up: m0970.up },
  { version: 980, name: 'customer-merge', up: m0980.up },
  { version: 990, name: 'channel-connections', up: m0990.up },
  { version: 991, name: 'survey-settings', up: m0991.up },
  { version: 1000, name: 'assist-feedback', up: m1000.up },
  { version: 1020, name: 'held-for-resolution', up: m1020.up },
  { version: 1030, name: 'approvals', up: m1030.up },
  { version: 1040, name: 'spike-alerts', up: m1040.up },
  { version: 1041, name: 'crisis-modes', up: m1041.up },
  { version: 1050, name: 'macros', up: m1050.up },
  { version: 1060, name: 'shifts', up: m1060.up },
  { version: 1070, name: 'quality', up: m1070.up },
  { version: 1090, name: 'approval-taken-back', up: m1090.up },
  { version: 1100, name: 'metric-facts-handle-time', up: m1100.up },
];

export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<{ applied: number[] }> {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) throw new Error('migrations must be listed in increasing version order');
  }
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    // one migrator at a time per schema (several hubs may start together on one server)
    await tx.query('SELECT pg_advisory_xact_lock($1, 1)', [db.lockKey]);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const future = [...done].filter((v) => !known.has(v));
    const latest = migrations.at(-1)?.version ?? 0;
    if (future.some((v) => v > latest)) {
      throw new Error(`database schema is newer than this hub (has migration ${Math.max(...future)}, knows up to ${latest}); upgrade the hub`);
    }
    if (future.length) throw new Error(`database has unknown migrations ${future.join(', ')}`);
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await m.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return { applied };
}
