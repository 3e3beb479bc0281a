/**
 * Opening the database: pragmas, migrations, and turning SQLite's lock and format errors into
 * messages a user can act on.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from '../../findings.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../migrations/index.js';

export type Db = Database.Database;

export const DEFAULT_DB_PATH = 'out/ogi.sqlite';
/** How long a statement waits for another process's write lock before giving up. */
export const DEFAULT_LOCK_TIMEOUT_S = 30;

export interface OpenOptions {
  /** Seconds to wait for a lock held by another process. */
  lockTimeoutS?: number;
  /** Open an existing database for reading only; never creates or migrates. */
  readonly?: boolean;
  /** Refuse to create a new database (export, show, rerun read what ingest wrote). */
  mustExist?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const file = resolve(path);
  const timeoutMs = Math.round((options.lockTimeoutS ?? DEFAULT_LOCK_TIMEOUT_S) * 1000);
  let db: Db;
  try {
    if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: timeoutMs, readonly: options.readonly === true, fileMustExist: options.readonly === true || options.mustExist === true });
  } catch (e) {
    if ((options.readonly || options.mustExist) && (e as { code?: string }).code === 'SQLITE_CANTOPEN') {
      throw new DatabaseError(`no database at ${file}: run \`ogi ingest\` first, or point --db at an existing database`);
    }
    throw asDatabaseError(e, file, timeoutMs);
  }
  try {
    configure(db, options.readonly === true, timeoutMs);
    if (options.readonly) checkVersion(db, file, currentVersion(db));
    else migrate(db, file);
    return db;
  } catch (e) {
    db.close();
    throw asDatabaseError(e, file, timeoutMs);
  }
}

/**
 * The WAL is checkpointed every ~40 MB instead of every 4 MB: each checkpoint costs two fsyncs (~10 ms each on a
 * VM disk), which at the default came to ~0.4 ms per stored document in a batch. (A long batch checkpoints on a
 * thread of its own instead: checkpointer.ts.)
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10000;

function configure(db: Db, readonly: boolean, timeoutMs: number): void {
  // WAL lets readers (export, show) run while an ingest writes; NORMAL sync is crash-safe in WAL mode
  // (a killed process never corrupts the file; a power cut may only lose the last commits).
  if (!readonly) retryWhileBusy(() => db.pragma('journal_mode = WAL'), timeoutMs);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A larger page cache than the default 2 MB keeps the upper levels of the indexes in memory; 16 MB is
  // enough for that (leaf pages are read from the OS cache), and 64 MB cost 60 MB more peak RSS for no
  // measurable speed (3,000-report bench).
  db.pragma('cache_size = -16384');
  if (!readonly) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}

/**
 * Runs a statement, again while SQLite answers SQLITE_BUSY, until the lock timeout. Turning a new database to
 * WAL while another process holds its write lock (two ingests starting at once on a file that does not exist
 * yet) is a deadlock to SQLite: it answers SQLITE_BUSY at once without calling its busy handler, so the lock
 * timeout given at open does not apply there.
 */
function retryWhileBusy<T>(statement: () => T, timeoutMs: number): T {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return statement();
    } catch (e) {
      if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_BUSY') || Date.now() >= until) throw e;
      Atomics.wait(BUSY_SLEEP, 0, 0, BUSY_RETRY_MS);
    }
  }
}

const BUSY_RETRY_MS = 25;
/** A cell to wait on: Atomics.wait is the synchronous sleep (better-sqlite3's calls are synchronous too). */
const BUSY_SLEEP = new Int32Array(new SharedArrayBuffer(4));

function currentVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkVersion(db: Db, file: string, version: number): void {
  void db;
  if (version > SCHEMA_VERSION) {
    throw new DatabaseError(
      `${file} was written by a newer version of ogi (database schema ${version}; this ogi knows schemas up to ${SCHEMA_VERSION}). ` +
        'Upgrade ogi to use it, or choose another file with --db.',
    );
  }
}

/** Applies the pending migrations, each in its own IMMEDIATE transaction that also sets user_version. */
export function migrate(db: Db, file = db.name): void {
  checkVersion(db, file, currentVersion(db));
  for (const migration of MIGRATIONS) {
    // Checked before taking the write lock, so opening an up-to-date database never waits for a writer.
    if (currentVersion(db) >= migration.version) continue;
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const version = currentVersion(db);
      checkVersion(db, file, version);
      if (version >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** Maps SQLite failures to DatabaseError with a message saying what happened and what to do. */
export function asDatabaseError(e: unknown, file: string, timeoutMs: number): Error {
  if (e instanceof DatabaseError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseError(
      `the database ${file} is locked by another process (waited ${timeoutMs / 1000} s for it). ` +
        'Wait for the other ogi command to finish, or raise --lock-timeout.',
    );
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new DatabaseError(`${file} is not a usable ogi database (${message}); choose another file with --db`);
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new DatabaseError(`cannot write the database ${file} (${message}); check the folder's permissions and free space`);
  }
  return e instanceof Error ? e : new Error(message);
}

/** Runs `fn`, turning a lock timeout or other SQLite failure into a DatabaseError with a clear message. */

/** True for SQLite errors that concern the database as a whole (not one document's data). */
export function isFatalDatabaseError(e: unknown): boolean {
  if (e instanceof DatabaseError) return true;
  const code = (e as { code?: string }).code ?? '';
  return /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|NOTADB|CORRUPT|NOMEM)/.test(code);
}
