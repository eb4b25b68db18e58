import path from 'node:path';
import type { Agent, Team } from '../../../shared/domain';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from '../session-token';
import type { Db } from './open';

/** Typed access to the `meta` key/value table. Values are JSON. */
export interface MetaValues {
  last_sync_id: number;
  /** bumped at each bootstrap; rows not re-seen by a finished bootstrap are swept */
  bootstrap_gen: number;
  /** set when the scope must be rebuilt from a fresh snapshot (first login, reset, teams changed) */
  needs_bootstrap: boolean;
  /**
   * The hub and its token. Only hub_url is stored in the database: the token lives in the token
   * store (session-token.ts), so the cache file never holds it.
   */
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
  readonly tokens: TokenStore;
  constructor(private readonly db: Db, tokens?: TokenStore) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.tokens = tokens ?? (db.memory ? new MemoryTokenStore() : new FileTokenStore(path.dirname(db.name)));
  }
  get<K extends keyof MetaValues>(key: K): MetaValues[K] {
    const raw = this.getStmt.get(key) as string | undefined;
    if (key === 'session') return this.session(raw) as MetaValues[K];
    return raw === undefined ? DEFAULTS[key] : (JSON.parse(raw) as MetaValues[K]);
  }
  set<K extends keyof MetaValues>(key: K, value: MetaValues[K]): void {
    if (key === 'session') {
      const session = value as MetaValues['session'];
      // Token first: a crash in between leaves a token without a session row, which reads as signed out.
      if (session) this.tokens.save(session.token);
      else this.tokens.clear();
      this.setStmt.run(key, JSON.stringify(session ? { hub_url: session.hub_url } : null));
      return;
    }
    this.setStmt.run(key, JSON.stringify(value));
  }
  clear(): void {
    this.db.prepare('DELETE FROM meta').run();
    this.tokens.clear();
  }

  private session(raw: string | undefined): MetaValues['session'] {
    const stored = raw === undefined ? null : (JSON.parse(raw) as { hub_url: string; token?: string } | null);
    if (!stored) return null;
    const token = this.tokens.load() ?? stored.token ?? null;
    return token ? { hub_url: stored.hub_url, token } : null;
  }

  /**
   * Versions before issue 11 kept the token in the `session` row. Moves it to the token store and
   * overwrites it in the file: secure_delete zeroes the old row's bytes, and a truncating checkpoint
   * drops the WAL frames that still held them. Returns whether there was one to move.
   */
  moveTokenOutOfCache(): boolean {
    const raw = this.getStmt.get('session') as string | undefined;
    const stored = raw === undefined ? null : (JSON.parse(raw) as { hub_url: string; token?: string } | null);
    if (!stored || stored.token === undefined) return false;
    if (this.tokens.load() === null) this.tokens.save(stored.token);
    const secureDelete = this.db.pragma('secure_delete', { simple: true });
    this.db.pragma('secure_delete = ON');
    try {
      this.setStmt.run('session', JSON.stringify({ hub_url: stored.hub_url }));
    } finally {
      this.db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return true;
  }
}
