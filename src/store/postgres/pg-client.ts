/**
 * PostgreSQL as the shared store (`--db postgres://user@host:port/dbname`): a connection pool, the same
 * numbered migrations as SQLite (their `postgres` statements), recorded in a one-row table as SQLite
 * records them in `user_version`, and a newer schema refused. An unreachable server is a clear error
 * naming the URL, not a stack trace.
 */
import pg from 'pg';
import { DatabaseError } from '../../findings.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../migrations/index.js';
import { numberedPlaceholders, redactUrl } from '../sql.js';
import type { SqlClient, SqlValue } from '../sql.js';

// Counts (BIGINT) and NUMERIC as JavaScript numbers, as SQLite gives them: every figure here fits.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Seconds to wait for the server before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 5000;
/** A lock key for migrations: two processes opening a new database at once migrate it once. */
const MIGRATION_LOCK = 424_242;

type Queryable = pg.Pool | pg.PoolClient;

class PgQueries implements SqlClient {
  readonly dialect = 'postgres' as const;
  constructor(
    protected readonly conn: Queryable,
    readonly location: string,
  ) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    // Already on one connection (inside a transaction): run on it.
    return fn(this);
  }

  async close(): Promise<void> {}

  private async query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await this.conn.query(numberedPlaceholders(sql), params as SqlValue[]);
    } catch (e) {
      throw asDatabaseError(e, this.location);
    }
  }
}

export class PgClient extends PgQueries {
  private constructor(
    private readonly pool: pg.Pool,
    location: string,
  ) {
    super(pool, location);
  }

  /** Connects, checks the schema version and applies the pending migrations. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PgClient> {
    const location = redactUrl(url);
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection the server dropped is an 'error' on the pool: it is replaced on the next query.
    pool.on('error', () => undefined);
    const client = new PgClient(pool, location);
    try {
      await client.migrate();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw asDatabaseError(e, location);
    }
    return client;
  }

  override async transaction<T>(fn: (tx: SqlClient) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    const conn = await this.connect();
    try {
      await conn.query(options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      const result = await fn(new PgQueries(conn, this.location));
      await conn.query('COMMIT');
      return result;
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      conn.release();
    }
  }

  override async close(): Promise<void> {
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw asDatabaseError(e, this.location);
    }
  }

  private async migrate(): Promise<void> {
    const conn = await this.connect();
    try {
      await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await conn.query('CREATE TABLE IF NOT EXISTS ogi_schema (version BIGINT NOT NULL)');
      const row = (await conn.query('SELECT version FROM ogi_schema')).rows[0] as { version: number } | undefined;
      let version = row?.version ?? 0;
      if (!row) await conn.query('INSERT INTO ogi_schema (version) VALUES (0)');
      if (version > SCHEMA_VERSION) {
        throw new DatabaseError(
          `${this.location} was written by a newer version of ogi (database schema ${version}; this ogi knows schemas up to ${SCHEMA_VERSION}). ` +
            'Upgrade ogi to use it, or choose another database with --db.',
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= version) continue;
        await conn.query('BEGIN');
        try {
          await conn.query(m.postgres);
          await conn.query('UPDATE ogi_schema SET version = $1', [m.version]);
          await conn.query('COMMIT');
        } catch (e) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw new DatabaseError(`migration ${m.version} (${m.name}) failed on ${this.location}: ${(e as Error).message}`);
        }
        version = m.version;
      }
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      conn.release();
    }
  }
}

/** PostgreSQL failures a user can act on, as DatabaseError; others as they are. */
export function asDatabaseError(e: unknown, location: string): Error {
  if (e instanceof DatabaseError) return e;
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  const message = err.message ?? String(e);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(code) || /timeout|terminated|connect/i.test(message) && !code) {
    return new DatabaseError(`cannot reach PostgreSQL at ${location} (${code || message}): is the server running, and the URL right?`);
  }
  if (code === '28P01' || code === '28000') return new DatabaseError(`PostgreSQL at ${location} refused the login (${message})`);
  if (code === '3D000') return new DatabaseError(`PostgreSQL at ${location}: ${message}; create it first (createdb)`);
  return e instanceof Error ? e : new Error(message);
}
