/**
 * The little SQL the stores need, over either engine: SQLite (the embedded default) or PostgreSQL (the
 * shared store of the queue mode). Statements are written once, with `?` placeholders and SQL both engines
 * read the same way; the few places where they differ ask `dialect`.
 */
import { resolve } from 'node:path';

export type SqlValue = string | number | null;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlClient {
  readonly dialect: Dialect;
  /** Where the database is (a file, or a URL without its password), for messages. */
  readonly location: string;
  /** An identity of the store shared by every machine that opens it (PostgreSQL); absent for a local file. */
  readonly storeId?: string;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction on one connection: all of it or nothing. `readOnly`: a consistent snapshot. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>, options?: { readOnly?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the statements never hold a `?` in a literal). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A database argument that names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

/** A --db argument as messages show it: a file's absolute path, a URL without its password. */
export function displayDb(db: string): string {
  return isPostgresUrl(db) ? redactUrl(db) : resolve(db);
}

/** A URL fit for messages: the password left out. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
