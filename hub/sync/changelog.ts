/**
 * The one write path. Every change to a synced entity goes through a Writer inside
 * ChangeLog.write(): the row is written, a `changes` entry with the FULL row snapshot is
 * appended, and the row's sync_id is set to that entry's sync_id.
 *
 * Writers serialize on pg_advisory_xact_lock, taken before any sync_id is drawn and held until
 * commit, so sync_ids become visible in increasing order: a reader that has seen sync_id N
 * never later finds a newly committed change below N.
 *
 * Scope keys of a change: 'a:<agent>' when the conversation is assigned, 'q:<team>' when it
 * waits unassigned in a team queue, for the OLD and the NEW state (an agent who loses a
 * conversation still receives the change that takes it away); 'g:<agent>' for an agent's
 * own record. customer_id lets agents who hold the customer's history receive it too.
 */
import { EventEmitter } from 'node:events';
import type { Db, Queryable } from '../db/db';
import { JSON_OF, TABLE, type Entity } from './rows';

/** A raw SQL fragment as a column value, e.g. sql('message_count + 1'). */
export class Sql {
  constructor(readonly text: string) {}
}
export const sql = (text: string) => new Sql(text);

const JSONB_COLUMNS = new Set(['analysis', 'skills', 'capacity', 'config', 'result', 'data']);

/** SQL for the scope key of a conversation row aliased `a` (null when neither assigned nor queued). */
export const conversationKey = (a: string) =>
  `CASE WHEN ${a}.assignee_id IS NOT NULL THEN 'a:' || ${a}.assignee_id WHEN ${a}.team_id IS NOT NULL THEN 'q:' || ${a}.team_id END`;

export function keyOf(c: { assignee_id: string | null; team_id: string | null }): string | null {
  return c.assignee_id ? `a:${c.assignee_id}` : c.team_id ? `q:${c.team_id}` : null;
}

function scopeOf(entity: Entity): { customer: string; keys: string } {
  switch (entity) {
    case 'conversation':
      return { customer: 'u.customer_id', keys: `array_remove(ARRAY[${conversationKey('u')}], NULL)` };
    case 'message':
    case 'note':
      return {
        customer: '(SELECT c.customer_id FROM conversations c WHERE c.id = u.conversation_id)',
        keys: `coalesce((SELECT array_remove(ARRAY[${conversationKey('c')}], NULL) FROM conversations c WHERE c.id = u.conversation_id), '{}')`,
      };
    case 'customer':
      return { customer: 'u.id', keys: `'{}'::text[]` };
    case 'agent':
      return { customer: 'NULL', keys: `ARRAY['g:' || u.id]` };
  }
}

export interface ChangeRecord {
  sync_id: number;
  entity: Entity;
  keys: string[];
  customer_id: string | null;
  data: Record<string, any>;
}

export class Writer {
  readonly changes: ChangeRecord[] = [];
  constructor(readonly tx: Queryable) {}

  query<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.tx.query<T>(text, params);
  }

  /** Inserts a row (values by column) and records it. Returns the row snapshot. */
  async insert(entity: Entity, values: Record<string, unknown>): Promise<Record<string, any>> {
    const cols = Object.keys(values);
    const params: unknown[] = [];
    const exprs = cols.map((c) => this.value(c, values[c], params));
    await this.tx.query(`INSERT INTO ${TABLE[entity]} (${cols.join(', ')}) VALUES (${exprs.join(', ')})`, params);
    return this.record(entity, String(values.id));
  }

  /** Updates a row by id (undefined values are left unchanged) and records it. Conversations keep the scope key of their old state. */
  async update(entity: Entity, id: string, patch: Record<string, unknown>): Promise<Record<string, any>> {
    const oldKeys: string[] = [];
    if (entity === 'conversation') {
      const [old] = await this.tx.query<{ assignee_id: string | null; team_id: string | null }>(
        'SELECT assignee_id, team_id FROM conversations WHERE id = $1', [id]);
      if (!old) throw new Error(`conversation ${id} not found`);
      const k = keyOf(old);
      if (k) oldKeys.push(k);
    }
    const params: unknown[] = [id];
    // undefined means "leave as is"; null writes NULL
    const sets = Object.keys(patch).filter((c) => patch[c] !== undefined).map((c) => `${c} = ${this.value(c, patch[c], params)}`);
    if (sets.length) {
      const res = await this.tx.query(`UPDATE ${TABLE[entity]} SET ${sets.join(', ')} WHERE id = $1 RETURNING id`, params);
      if (!res.length) throw new Error(`${entity} ${id} not found`);
    }
    return this.record(entity, id, oldKeys);
  }

  /**
   * Appends a change with the row's full snapshot and stamps the row with its sync_id.
   * Use directly after a write done with plain SQL (e.g. agent_teams rows of an agent).
   */
  async record(entity: Entity, id: string, extraKeys: string[] = []): Promise<Record<string, any>> {
    const s = scopeOf(entity);
    const rows = await this.tx.query<{ sync_id: number; keys: string[]; customer_id: string | null; data: Record<string, any> }>(
      `WITH s AS (SELECT nextval('changes_sync_id_seq') AS v),
            u AS (UPDATE ${TABLE[entity]} t SET sync_id = (SELECT v FROM s) WHERE t.id = $1 RETURNING t.*)
       INSERT INTO changes (sync_id, workspace_id, entity, entity_id, customer_id, keys, data)
       SELECT u.sync_id, u.workspace_id, '${entity}', u.id, ${s.customer},
              ARRAY(SELECT DISTINCT k FROM unnest(${s.keys} || $2::text[]) k), ${JSON_OF[entity]('u')}::jsonb
       FROM u RETURNING sync_id, keys, customer_id, data`,
      [id, extraKeys]);
    if (!rows.length) throw new Error(`${entity} ${id} not found`);
    const change: ChangeRecord = { sync_id: rows[0].sync_id, entity, keys: rows[0].keys, customer_id: rows[0].customer_id, data: rows[0].data };
    this.changes.push(change);
    return change.data;
  }

  private value(col: string, v: unknown, params: unknown[]): string {
    if (v instanceof Sql) return v.text;
    if (v instanceof Date) v = v.toISOString();
    else if (JSONB_COLUMNS.has(col) && v !== null && v !== undefined && typeof v !== 'string') v = JSON.stringify(v);
    params.push(v === undefined ? null : v);
    return `$${params.length}`;
  }
}

export interface ChangeLogOptions {
  /** NOTIFY channel shared by hub instances on one PostgreSQL server */
  notifyChannel?: string;
}

export const NOTIFY_CHANNEL = 'tend_changes';

export class ChangeLog {
  /** 'committed' (records) after every write transaction that changed something */
  readonly events = new EventEmitter();

  constructor(readonly db: Db) {
    this.events.setMaxListeners(0);
  }

  /** One write transaction: lock, run fn with a Writer, commit, then poke listeners. */
  async write<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
    let writer: Writer | null = null;
    const out = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.db.lockKey]);
      writer = new Writer(tx);
      const result = await fn(writer);
      // delivered at commit, to every hub instance listening on this server
      if (writer.changes.length && this.db.kind === 'pg') {
        await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.db.schema]);
      }
      return result;
    });
    const w = writer as Writer | null;
    if (w && w.changes.length) this.events.emit('committed', w.changes);
    return out;
  }

  /** Pokes local listeners with no details (another hub instance committed): they must read the log. */
  poke(): void {
    this.events.emit('committed', []);
  }

  async maxSyncId(q: Queryable = this.db): Promise<number> {
    const [r] = await q.query<{ m: number }>('SELECT coalesce(max(sync_id), 0)::int8 AS m FROM changes');
    return r.m;
  }

  /**
   * Drops log entries up to and including `upTo`. Clients whose checkpoint is older must
   * bootstrap again (the changes endpoint answers reset: true).
   */
  async prune(upTo: number): Promise<void> {
    await this.write(async (w) => {
      await w.query('DELETE FROM changes WHERE sync_id <= $1', [upTo]);
      await w.query('UPDATE sync_state SET retained_from = greatest(retained_from, $1)', [upTo + 1]);
    });
  }
}
