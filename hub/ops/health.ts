/**
 * Readiness: may a load balancer send this hub traffic? Yes when the database answers, its schema is
 * the one this hub migrates to, and (when the hub runs routing) a routing leader is known, so offers
 * and reply checks have somewhere to go. Each check says what it found; the first that fails is the reason.
 */
import type { Db } from '../db/db';

export interface ReadinessDeps {
  db: Db;
  /** the newest migration this hub knows */
  latestMigration: number;
  /** null: this hub does not run routing; else which hub leads it ('this hub', a URL) or null while none does */
  routingLeader: (() => Promise<string | null>) | null;
  /** how long the database may take to answer (ms, default 2000) */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** why not (the first failed check) */
  reason?: string;
  checks: { database: string; migrations: string; routing_leader: string };
}

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const checks: Readiness['checks'] = { database: 'not checked', migrations: 'not checked', routing_leader: 'not checked' };
  const fail = (reason: string): Readiness => ({ ready: false, reason, checks });
  let version: number;
  try {
    const [row] = await within(deps.timeoutMs ?? 2000, deps.db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'));
    version = row?.v ?? 0;
    checks.database = 'ok';
  } catch (err) {
    checks.database = `unreachable: ${err instanceof Error ? err.message : String(err)}`;
    return fail(`database ${checks.database}`);
  }
  if (version !== deps.latestMigration) {
    checks.migrations = `the schema is at ${version}, this hub migrates to ${deps.latestMigration}`;
    return fail(`migrations not done: ${checks.migrations}`);
  }
  checks.migrations = `ok (${version})`;
  if (!deps.routingLeader) {
    checks.routing_leader = 'routing is off on this hub';
    return { ready: true, checks };
  }
  let leader: string | null;
  try {
    leader = await within(deps.timeoutMs ?? 2000, deps.routingLeader());
  } catch (err) {
    checks.routing_leader = `unknown: ${err instanceof Error ? err.message : String(err)}`;
    return fail(`routing leader ${checks.routing_leader}`);
  }
  if (!leader) {
    checks.routing_leader = 'none yet (an election is under way)';
    return fail(`no routing leader: ${checks.routing_leader}`);
  }
  checks.routing_leader = leader;
  return { ready: true, checks };
}

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
