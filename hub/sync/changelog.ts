/**
 * The one write path. Every change to a synced entity goes through a Writer inside
 * ChangeLog.write(): the row is written, a `changes` entry with the FULL row snapshot is
 * appended, and the row's sync_id is set to that entry's sync_id.
 *
 * Writers serialize on pg_advisory_xact_lock, taken before any sync_id is drawn and held until
 * commit, so sync_ids become visible in increasing order: a reader that has seen sync_id N
 * never later finds a newly committed change below N. (PGlite is one connection that runs one
 * transaction at a time: writers are serialized there without the lock, so it is not taken.)
 *
 * Scope keys of a change: 'a:<agent>' when the conversation is assigned, 'q:<team>' when it
 * waits unassigned in a team queue, for the OLD and the NEW state (an agent who loses a
 * conversation still receives the change that takes it away); 'g:<agent>' for an agent's
 * own record. customer_id lets agents who hold the customer's history receive it too.
 */
import { EventEmitter } from 'node:events';
import type { Agent, Conversation, Customer, Message, Note } from '../../shared/domain';
import type { Db, Queryable } from '../db/db';
import { customerJson, JSON_OF, TABLE, type Entity } from './rows';

/** The snapshot a change carries: the entity's row in the shape of shared/domain.ts (rows.ts builds it). */
export interface Snapshots { conversation: Conversation; message: Message; note: Note; customer: Customer; agent: Agent }
export type Snapshot<E extends Entity> = Snapshots[E];

/**
 * A raw SQL fragment as a column value, e.g. sql('message_count + 1'). Values go in as parameters
 * where the text has `$?` (in order): sql('greatest(last_message_at, $?::timestamptz)', at). A
 * statement text that does not change with the values is planned once (PGlite prepares repeats).
 */
export class Sql {
  constructor(readonly text: string, readonly values: unknown[] = []) {}
}
export const sql = (text: string, ...values: unknown[]) => new Sql(text, values);

const JSONB_COLUMNS = new Set(['analysis', 'skills', 'capacity', 'config', 'result', 'data']);

/** SQL for the scope key of a conversation row aliased `a` (null when neither assigned nor queued). */
export const conversationKey = (a: string) =>
  `CASE WHEN ${a}.assignee_id IS NOT NULL THEN 'a:' || ${a}.assignee_id WHEN ${a}.team_id IS NOT NULL THEN 'q:' || ${a}.team_id END`;

export function keyOf(c: { assignee_id: string | null; team_id: string | null }): string | null {
  return c.assignee_id ? `a:${c.assignee_id}` : c.team_id ? `q:${c.team_id}` : null;
}

function scopeOf(entity: Entity, conversationsBefore: string[] = []): { customer: string; keys: string } {
  switch (entity) {
    case 'conversation':
      return { customer: 'u.customer_id', keys: `array_remove(ARRAY[${conversationKey('u')}], NULL)` };
    case 'message':
    case 'note': {
      // a conversation written earlier in the same statement is not visible in the table yet: its
      // row is read from that statement's CTE (the latest first), as a later statement would see it
      const pick = (col: string) => [...conversationsBefore].reverse().concat('conversations')
        .map((src) => `(SELECT ${col} FROM ${src} c WHERE c.id = u.conversation_id)`).join(', ');
      return {
        customer: conversationsBefore.length ? `coalesce(${pick('c.customer_id')})` : pick('c.customer_id'),
        keys: `coalesce(${pick(`array_remove(ARRAY[${conversationKey('c')}], NULL)`)}, '{}')`,
      };
    }
    case 'customer':
      return { customer: 'u.id', keys: `'{}'::text[]` };
    case 'agent':
      return { customer: 'NULL', keys: `ARRAY['g:' || u.id]` };
  }
}

/** One write of `Writer.writeAll`: an insert (values by column) or an update by id (as `insert` and `update`). */
export type WriteOp =
  | { op: 'insert'; entity: 'conversation' | 'message' | 'note'; values: Record<string, unknown> }
  /** a new customer with one identity (its snapshot lists it) */
  | { op: 'insert'; entity: 'customer'; values: Record<string, unknown>; identity: CustomerIdentity }
  | { op: 'update'; entity: 'conversation' | 'message' | 'note' | 'customer'; id: string; patch: Record<string, unknown> };

export interface CustomerIdentity { channel: string; handle: string; platform_user_id: string | null }

/** One entry of the change log, as listeners of `committed` get it. */
export type ChangeRecord = { [E in Entity]: { sync_id: number; entity: E; keys: string[]; customer_id: string | null; data: Snapshot<E> } }[Entity];

export class Writer {
  readonly changes: ChangeRecord[] = [];
  constructor(readonly tx: Queryable) {}

  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.tx.query<T>(text, params);
  }

  exec(text: string): Promise<void> {
    return this.tx.exec(text);
  }

  /** Inserts a row (values by column) and records it, in one statement. Returns the row snapshot. */
  async insert<E extends Entity>(entity: E, values: Record<string, unknown>): Promise<Snapshot<E>> {
    const cols = Object.keys(values).filter((c) => c !== 'sync_id');
    const params: unknown[] = [];
    const exprs = cols.map((c) => this.value(c, values[c], params));
    return this.append(entity,
      `INSERT INTO ${TABLE[entity]} AS t (${cols.join(', ')}, sync_id) VALUES (${exprs.join(', ')}, (SELECT v FROM s)) RETURNING t.*`,
      params, `'{}'::text[]`, `${entity} ${String(values.id)} was not inserted`);
  }

  /**
   * Updates a row by id (undefined values are left unchanged; null writes NULL) and records it,
   * in one statement. A conversation's change also carries the scope key of its OLD state.
   */
  async update<E extends Entity>(entity: E, id: string, patch: Record<string, unknown>): Promise<Snapshot<E>> {
    const params: unknown[] = [id];
    const sets = Object.keys(patch).filter((c) => patch[c] !== undefined && c !== 'sync_id')
      .map((c) => `${c} = ${this.value(c, patch[c], params)}`);
    sets.push('sync_id = (SELECT v FROM s)');
    // every CTE reads the snapshot from before the UPDATE: o holds the old assignee and team
    const oldKeys = entity === 'conversation'
      ? `coalesce((SELECT array_remove(ARRAY[${conversationKey('o')}], NULL) FROM conversations o WHERE o.id = $1), '{}')`
      : `'{}'::text[]`;
    return this.append(entity, `UPDATE ${TABLE[entity]} t SET ${sets.join(', ')} WHERE t.id = $1 RETURNING t.*`,
      params, oldKeys, `${entity} ${id} not found`);
  }

  /**
   * Several inserts and updates recorded in ONE statement (one round trip instead of one each), with
   * the same rows, changes and sync_ids, in the same order, as the same calls to `insert` and
   * `update` one after the other: each write draws its sync_id after the one before it, and a
   * message written after its conversation gets its scope from that conversation's new row. Each
   * row at most once a batch. Returns the snapshots in the order of `ops`.
   */
  async writeAll(ops: WriteOp[]): Promise<Array<Snapshot<WriteOp['entity']>>> {
    const seen = new Set<string>();
    const params: unknown[] = [];
    const ctes: string[] = [];
    const changes: string[] = [];
    const conversations: string[] = [];
    ops.forEach((o, k) => {
      const n = k + 1;
      const id = o.op === 'insert' ? String(o.values.id) : o.id;
      if (seen.has(`${o.entity}:${id}`)) throw new Error(`writeAll: ${o.entity} ${id} is written twice`);
      seen.add(`${o.entity}:${id}`);
      // the previous write's CTE is read first, so sync_ids are drawn in the order of ops
      ctes.push(`s${n} AS (SELECT nextval('changes_sync_id_seq') AS v${n > 1 ? ` FROM u${n - 1}` : ''})`);
      let oldKeys = `'{}'::text[]`;
      if (o.op === 'insert') {
        const cols = Object.keys(o.values).filter((c) => c !== 'sync_id');
        const exprs = cols.map((c) => this.value(c, o.values[c], params));
        ctes.push(`u${n} AS (INSERT INTO ${TABLE[o.entity]} AS t (${cols.join(', ')}, sync_id) VALUES (${exprs.join(', ')}, (SELECT v FROM s${n})) RETURNING t.*)`);
        if (o.entity === 'customer') {
          // its identity in the same statement; the change's snapshot reads it from this insert (the table does not show it yet)
          const ident = [o.identity.channel, o.identity.handle, o.identity.platform_user_id].map((v) => { params.push(v); return `$${params.length}`; });
          ctes.push(`i${n} AS (INSERT INTO customer_identities AS ci (customer_id, workspace_id, channel, handle, platform_user_id)
                     SELECT u.id, u.workspace_id, ${ident.join(', ')} FROM u${n} u RETURNING ci.*)`);
        }
      } else {
        params.push(o.id);
        const idParam = `$${params.length}`;
        const sets = Object.keys(o.patch).filter((c) => o.patch[c] !== undefined && c !== 'sync_id')
          .map((c) => `${c} = ${this.value(c, o.patch[c], params)}`);
        sets.push(`sync_id = (SELECT v FROM s${n})`);
        ctes.push(`u${n} AS (UPDATE ${TABLE[o.entity]} t SET ${sets.join(', ')} WHERE t.id = ${idParam} RETURNING t.*)`);
        if (o.entity === 'conversation') {
          oldKeys = `coalesce((SELECT array_remove(ARRAY[${conversationKey('o')}], NULL) FROM conversations o WHERE o.id = ${idParam}), '{}')`;
        }
      }
      const sc = scopeOf(o.entity, conversations);
      changes.push(`c${n} AS (INSERT INTO changes (sync_id, workspace_id, entity, entity_id, customer_id, keys, data)
         SELECT u.sync_id, u.workspace_id, '${o.entity}', u.id, ${sc.customer},
                ARRAY(SELECT DISTINCT k FROM unnest(${sc.keys} || ${oldKeys}) k), ${o.op === 'insert' && o.entity === 'customer' ? customerJson('u', `i${n}`) : JSON_OF[o.entity]('u')}::jsonb
         FROM u${n} u RETURNING sync_id, keys, customer_id, data)`);
      if (o.entity === 'conversation') conversations.push(`u${n}`);
    });
    const rows = await this.tx.query<{ n: number; sync_id: number; keys: string[]; customer_id: string | null; data: Snapshot<WriteOp['entity']> }>(
      `WITH ${ctes.concat(changes).join(',\n')}
       ${ops.map((_, k) => `SELECT ${k + 1} AS n, c${k + 1}.* FROM c${k + 1}`).join(' UNION ALL ')} ORDER BY n`,
      params);
    const out: Array<Snapshot<WriteOp['entity']>> = [];
    for (const [k, o] of ops.entries()) {
      const r = rows.find((x) => x.n === k + 1);
      if (!r) throw new Error(`${o.entity} ${o.op === 'insert' ? String(o.values.id) : o.id} ${o.op === 'insert' ? 'was not inserted' : 'not found'}`);
      this.changes.push({ sync_id: r.sync_id, entity: o.entity, keys: r.keys, customer_id: r.customer_id, data: r.data } as ChangeRecord);
      out.push(r.data);
    }
    return out;
  }

  /**
   * Appends a change with the row's full snapshot and stamps the row with its sync_id.
   * Use directly after a write done with plain SQL (e.g. agent_teams rows of an agent).
   */
  async record<E extends Entity>(entity: E, id: string, extraKeys: string[] = []): Promise<Snapshot<E>> {
    return this.append(entity, `UPDATE ${TABLE[entity]} t SET sync_id = (SELECT v FROM s) WHERE t.id = $1 RETURNING t.*`,
      [id, extraKeys], '$2::text[]', `${entity} ${id} not found`);
  }

  /**
   * `write` is a data-modifying statement over the row (alias t) that RETURNING t.* and uses s.v as sync_id.
   */
  private async append<E extends Entity>(entity: E, write: string, params: unknown[], extraKeys: string, missing: string): Promise<Snapshot<E>> {
    const sc = scopeOf(entity);
    const rows = await this.tx.query<{ sync_id: number; keys: string[]; customer_id: string | null; data: Snapshot<E> }>(
      `WITH s AS (SELECT nextval('changes_sync_id_seq') AS v),
            u AS (${write})
       INSERT INTO changes (sync_id, workspace_id, entity, entity_id, customer_id, keys, data)
       SELECT u.sync_id, u.workspace_id, '${entity}', u.id, ${sc.customer},
              ARRAY(SELECT DISTINCT k FROM unnest(${sc.keys} || ${extraKeys}) k), ${JSON_OF[entity]('u')}::jsonb
       FROM u RETURNING sync_id, keys, customer_id, data`,
      params);
    if (!rows.length) throw new Error(missing);
    const { sync_id, keys, customer_id, data } = rows[0];
    this.changes.push({ sync_id, entity, keys, customer_id, data } as ChangeRecord);
    return data;
  }

  private value(col: string, v: unknown, params: unknown[]): string {
    if (v instanceof Sql) {
      const frag = v;
      let i = 0;
      return frag.text.replace(/\$\?/g, () => {
        if (i >= frag.values.length) throw new Error(`sql fragment "${frag.text}" has more $? than values`);
        params.push(frag.values[i++]);
        return `$${params.length}`;
      });
    }
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

/**
 * The newest sync_id a reader can be at: the log's max, or (when pruning emptied the log)
 * the last pruned one, so a watermark never falls behind the retained log.
 */
export const MAX_SYNC_ID_SQL =
  `(SELECT greatest(coalesce((SELECT max(sync_id) FROM changes), 0), (SELECT retained_from - 1 FROM sync_state))::int8)`;

export class ChangeLog {
  /** 'committed' (records) after every write transaction that changed something */
  readonly events = new EventEmitter();

  constructor(readonly db: Db) {
    this.events.setMaxListeners(0);
  }

  private readonly queue: Array<{ fn: (w: Writer) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private draining = false;
  /** most writes committed together (group commit) */
  maxBatch = 64;

  /**
   * One write: lock, run fn with a Writer, commit, then poke listeners. Resolves after the commit.
   *
   * Group commit: writers are serialized anyway (the advisory lock), so writes that queue up
   * while one runs are committed together in one transaction: one lock, one commit (and on a
   * server one fsync) for the group. A write that throws rejects only its own caller (see
   * runGroup). Never call write() from inside a write's fn.
   */
  write<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // start after the I/O callbacks of this turn: requests that arrived together are grouped
        // (PGlite runs a whole transaction without returning to the event loop)
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        await this.runGroup(this.queue.splice(0, this.maxBatch));
        // let requests that arrived meanwhile be read and queue up for the next group
        if (this.queue.length < this.maxBatch) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.draining = false;
      if (this.queue.length) { this.draining = true; setImmediate(() => void this.drain()); }
    }
  }

  private async runGroup(group: ChangeLog['queue']): Promise<void> {
    // Optimistic: the whole group in one transaction without savepoints (each costs two round
    // trips). A write that throws is rare (a refused batch, a brand post answering nothing): the
    // group is rolled back and every write runs again alone, so only the failing one fails.
    // Write functions are transaction bodies: running one again after a rollback is safe.
    if (group.length > 1) {
      let failed = false;
      const done = await this.runTogether(group, () => { failed = true; }).catch(() => null);
      if (done && !failed) return;
      for (const item of group) await this.runTogether([item]);
      return;
    }
    await this.runTogether(group);
  }

  /** Runs writes in one transaction; settles their promises unless `onFail` is given and one throws. */
  private async runTogether(group: ChangeLog['queue'], onFail?: () => void): Promise<true | null> {
    const writers: Writer[] = [];
    const values: unknown[] = [];
    try {
      await this.db.transaction(async (tx) => {
        writers.length = 0;
        values.length = 0;
        if (this.db.kind === 'pg') await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.db.lockKey]);
        for (const item of group) {
          const writer = new Writer(tx);
          writers.push(writer);
          values.push(await item.fn(writer));
        }
        // delivered at commit, to every hub instance listening on this server
        if (this.db.kind === 'pg' && writers.some((w) => w.changes.length)) {
          await tx.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, this.db.schema]);
        }
      });
    } catch (error) {
      if (onFail) { onFail(); return null; }
      for (const item of group) item.reject(error);
      return null;
    }
    group.forEach((item, i) => {
      if (writers[i].changes.length) this.events.emit('committed', writers[i].changes);
      item.resolve(values[i]);
    });
    return true;
  }

  /** Pokes local listeners with no details (another hub instance committed): they must read the log. */
  poke(): void {
    this.events.emit('committed', []);
  }

  /**
   * On a PostgreSQL server, other hub instances sharing this server and schema commit too: their
   * NOTIFY pokes this log's listeners. Returns the way to stop listening (nothing to do on PGlite).
   */
  async listenToOtherHubs(): Promise<() => Promise<void>> {
    const db = this.db;
    if (db.kind !== 'pg') return async () => {};
    return db.listen(NOTIFY_CHANNEL, (payload) => { if (payload === db.schema) this.poke(); });
  }

  async maxSyncId(q: Queryable = this.db): Promise<number> {
    const [r] = await q.query<{ m: number }>(`SELECT ${MAX_SYNC_ID_SQL} AS m`);
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
