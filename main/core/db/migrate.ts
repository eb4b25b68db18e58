import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to `target` (default: latest), one transaction per migration so a
 * crash leaves the database at a whole version. Never goes down; a database written by a
 * newer build is refused rather than misread.
 */
export function migrate(db: Database, target: number = LATEST_VERSION, migrations: readonly Migration[] = MIGRATIONS): number {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = schemaVersion(db);
  if (current > known) {
    throw new Error(`cache schema version ${current} is newer than this build knows (${known}); refusing to open it`);
  }
  if (target < current) throw new Error(`cannot migrate down from ${current} to ${target}`);
  if (target !== 0 && !migrations.some((m) => m.version === target)) throw new Error(`unknown schema version ${target}`);
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
