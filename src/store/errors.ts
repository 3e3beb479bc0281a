/**
 * A store's failures in words a user can act on (DatabaseError), whichever engine failed: SQLite's lock,
 * format and disk errors, PostgreSQL's connection and login errors (mapped where they are raised).
 */
import type { SqlClient } from './sql.js';
import { asDatabaseError } from './sqlite/db.js';

export function asStoreError(e: unknown, sql: SqlClient, lockTimeoutS: number): unknown {
  if (sql.dialect !== 'sqlite') return e;
  return asDatabaseError(e, sql.location, lockTimeoutS * 1000);
}

/** Runs a store operation, its failure turned into words a user can act on. */
export async function withStoreErrors<T>(sql: SqlClient, lockTimeoutS: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asStoreError(e, sql, lockTimeoutS);
  }
}
