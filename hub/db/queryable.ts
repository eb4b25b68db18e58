/** What runs SQL: a database, or a transaction of one (db.ts Db.transaction). */
export interface Queryable {
  /** one statement with $1.. parameters; returns the rows */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** several statements, no parameters (migrations, truncation) */
  exec(sql: string): Promise<void>;
}
