/**
 * Named prepared statements for PGlite. PGlite's query() parses, plans and describes every
 * statement from scratch (an unnamed statement, six calls into the engine); in the hub's
 * serialized writer that planning is a large part of each write. A statement text seen again is
 * prepared once under a name, then run with one call (bind, describe, execute, sync), and
 * PostgreSQL's plan cache keeps its plan (a generic one once it is no worse than a custom one).
 *
 * Locks as PGlite's own query() does: inside a transaction (the caller holds PGlite's transaction
 * lock) the query lock; outside one both, and the data dir is synced after. DDL runs through
 * exec(): any exec forgets every prepared statement, so a statement never outlives the schema
 * it was planned on.
 */
import { parse, protocol, type PGlite } from '@electric-sql/pglite';

const { serialize } = protocol;

interface Statement { name: string; types: number[] }

export class PreparedStatements {
  private readonly statements = new Map<string, Statement>();
  /** how often each not-yet-prepared text was seen (texts that never repeat are not prepared) */
  private readonly seen = new Map<string, number>();
  private next = 0;
  private stale = false;

  constructor(private readonly lite: PGlite, private readonly options: { max?: number; after?: number } = {}) {}

  /**
   * Rows of `text`, or null when it should run the ordinary way (not seen often enough yet, or the
   * cache is full). `inTransaction: false`: a statement of its own (takes the transaction lock too).
   */
  async query<T>(text: string, params: unknown[], inTransaction = true): Promise<T[] | null> {
    const st = this.statements.get(text);
    if (!st) {
      const n = (this.seen.get(text) ?? 0) + 1;
      if (n < (this.options.after ?? 2) || this.statements.size >= (this.options.max ?? 500)) {
        if (this.seen.size > 20_000) this.seen.clear();
        this.seen.set(text, n);
        return null;
      }
      this.seen.delete(text);
    }
    if (!inTransaction) {
      const rows = await this.lite._runExclusiveTransaction(() => this.run<T>(text, params));
      await this.lite.syncToFs();
      return rows;
    }
    return this.run<T>(text, params);
  }

  private run<T>(text: string, params: unknown[]): Promise<T[]> {
    return this.lite._runExclusiveQuery(async () => {
      // looked up under the lock: an exec meanwhile may have deallocated everything
      if (this.stale) await this.deallocateAll();
      const st = this.statements.get(text) ?? await this.prepare(text);
      const values = params.map((v, i) => {
        if (v === null || v === undefined) return null;
        const ser = this.lite.serializers[st!.types[i]];
        return ser ? ser(v) : String(v);
      });
      const message = concat([
        serialize.bind({ statement: st.name, values: values as (string | null)[] }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]);
      let messages;
      try {
        ({ messages } = await this.lite.execProtocol(message, { syncToFs: false }));
      } catch (err) {
        // e.g. "cached plan must not change result type" after a table changed under it
        if ((err as { code?: unknown } | null)?.code === '0A000') await this.forget(text);
        if (err && typeof err === 'object') Object.assign(err, { query: text, params });
        throw err;
      }
      return parse.parseResults(messages, this.lite.parsers)[0]?.rows as T[] ?? [];
    });
  }

  /** Called on every exec (DDL, migrations): every statement is deallocated before the next use. */
  invalidate(): void {
    if (this.statements.size) this.stale = true;
  }

  private async prepare(text: string): Promise<Statement> {
    const name = `tend_${++this.next}`;
    const { messages } = await this.lite.execProtocol(concat([
      serialize.parse({ name, text, types: [] }),
      serialize.describe({ type: 'S', name }),
      serialize.sync(),
    ]), { syncToFs: false });
    const desc = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
    const st = { name, types: desc?.dataTypeIDs ?? [] };
    this.statements.set(text, st);
    return st;
  }

  private async forget(text: string): Promise<void> {
    const st = this.statements.get(text);
    if (!st) return;
    this.statements.delete(text);
    await this.lite.execProtocol(concat([serialize.close({ type: 'S', name: st.name }), serialize.sync()]), { syncToFs: false, throwOnError: false });
  }

  private async deallocateAll(): Promise<void> {
    this.stale = false;
    this.statements.clear();
    await this.lite.execProtocol(concat([serialize.query('DEALLOCATE ALL')]), { syncToFs: false, throwOnError: false });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
