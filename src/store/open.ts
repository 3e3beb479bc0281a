/**
 * Opening the store a `--db` argument names: a SQLite file (the default, embedded), or a PostgreSQL server
 * (`postgres://user@host:port/dbname`) shared by many machines. Both are migrated to the current schema on
 * open, and a newer schema is refused.
 */
import { SqlStore } from './sql-store.js';
import { isPostgresUrl } from './sql.js';
import { openDatabase } from './sqlite/db.js';
import { SqliteClient } from './sqlite/sqlite-client.js';

export interface OpenStoreOptions {
  lockTimeoutS?: number;
  /** Refuse to create a new SQLite database (export, show, serve read what ingest wrote). */
  mustExist?: boolean;
}

export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  if (isPostgresUrl(db)) {
    // Loaded only for a PostgreSQL store: every command but the queue's works on SQLite, and the driver is large.
    const { PgClient } = await import('./postgres/pg-client.js');
    return new SqlStore(await PgClient.open(db));
  }
  const sqlite = openDatabase(db, { ...(options.lockTimeoutS !== undefined ? { lockTimeoutS: options.lockTimeoutS } : {}), mustExist: options.mustExist === true });
  return new SqlStore(new SqliteClient(sqlite));
}
