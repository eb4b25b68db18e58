import type { Agent, Team } from '../../../shared/domain';
import type { Db } from './open';

/** Typed access to the `meta` key/value table. Values are JSON. */
export interface MetaValues {
  last_sync_id: number;
  /** bumped at each bootstrap; rows not re-seen by a finished bootstrap are swept */
  bootstrap_gen: number;
  /** set when the scope must be rebuilt from a fresh snapshot (first login, reset, teams changed) */
  needs_bootstrap: boolean;
  session: { hub_url: string; token: string } | null;
  /** the hub this cache belongs to; kept when the session expires so a re-login keeps the cache */
  hub_url: string | null;
  agent: Agent | null;
  teams: Team[];
  agents: { id: string; name: string }[];
}

const DEFAULTS: MetaValues = {
  last_sync_id: 0, bootstrap_gen: 0, needs_bootstrap: true, session: null, hub_url: null, agent: null, teams: [], agents: [],
};

export class Meta {
  private readonly getStmt;
  private readonly setStmt;
  constructor(private readonly db: Db) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  get<K extends keyof MetaValues>(key: K): MetaValues[K] {
    const raw = this.getStmt.get(key) as string | undefined;
    return raw === undefined ? DEFAULTS[key] : (JSON.parse(raw) as MetaValues[K]);
  }
  set<K extends keyof MetaValues>(key: K, value: MetaValues[K]): void {
    this.setStmt.run(key, JSON.stringify(value));
  }
  clear(): void {
    this.db.prepare('DELETE FROM meta').run();
  }
}
