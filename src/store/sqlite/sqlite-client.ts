/**
 * SqlClient over a better-sqlite3 database: synchronous underneath, answered as promises. A transaction
 * holds the one connection: nothing else runs between its statements in this process, and SQLite's lock
 * keeps other processes out.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { SqlClient, SqlValue } from '../sql.js';

export class SqliteClient implements SqlClient {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  /** Prepared statements by text: the same few statements run once per document of an export. */
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {
    this.location = db.name;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.statement(sql).all(...params) as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.statement(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: this.statement(sql).run(...params).changes };
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    // DEFERRED for a read (a snapshot from the first read on), IMMEDIATE for a write (the lock up front).
    this.db.exec(options.readOnly ? 'BEGIN' : 'BEGIN IMMEDIATE');
    try {
      const result = await fn(this);
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
