/**
 * SQLite's batch writer: group commit. Each document is written in its own savepoint — all of it or none —
 * inside a transaction that is committed COMMIT_INTERVAL_MS after its first document, or after
 * MAX_DOCUMENTS_PER_COMMIT documents, or at the end of the batch. A document counts as stored, in the summary
 * and the progress, once committed.
 */
import type { Statement } from 'better-sqlite3';
import { DocumentError } from '../findings.js';
import { failedDocument } from '../pipeline.js';
import type { SeenPath, StoreOutcome } from '../store/document-rows.js';
import { asDatabaseError, isFatalDatabaseError } from '../store/sqlite/db.js';
import type { Db } from '../store/sqlite/db.js';
import { WalCheckpointer } from '../store/sqlite/checkpointer.js';
import type { QuietMoments } from '../store/sqlite/checkpointer.js';
import { DocumentWriter } from '../store/sqlite/write-document.js';
import type { ProcessedDocument } from '../types.js';
import type { BatchWriter, WriterEvents } from './batch-writer.js';

/** A commit at least every this many documents, however far behind the main thread is. */
const MAX_DOCUMENTS_PER_COMMIT = 64;
/**
 * …and at most this long after the group's first document. A commit costs ~0.3–0.5 ms (its pages appended to
 * the WAL) — as much as storing a report: committing whenever the main thread caught up meant a commit per
 * document once the store got fast. What a SIGKILL can lose is this much work, which the next ingest redoes.
 */
const COMMIT_INTERVAL_MS = 20;
/**
 * Documents committed before the WAL is checkpointed on a thread of its own (checkpointer.ts): ~5 MB of text
 * reports, well before SQLite's own threshold (~40 MB); a rerun of a few documents starts no thread.
 */
const DOCUMENTS_BEFORE_CHECKPOINT_THREAD = 256;
/**
 * A quiet moment lasts one small checkpoint (~20–40 ms). Should it last longer (a disk slow to sync), the results
 * held are written anyway past this many or this long — the WAL then starts over at a later moment.
 */
const MAX_HELD_DOCUMENTS = 128;
const MAX_HOLD_MS = 1000;

export class SqliteBatchWriter implements BatchWriter, QuietMoments {
  readonly writer: DocumentWriter;
  /** Documents written in the open transaction, not committed yet. */
  private readonly uncommitted: { doc: ProcessedDocument; seen: SeenPath; outcome: StoreOutcome }[] = [];
  private readonly statements: { begin: Statement; commit: Statement };
  private failed = false;
  private commitTimer: NodeJS.Timeout | null = null;
  private committed = 0;
  /** Started once DOCUMENTS_BEFORE_CHECKPOINT_THREAD are committed; stays null where it does not apply. */
  private checkpointer: WalCheckpointer | null | undefined;
  /** Results held while the checkpoint thread has its quiet moment (no transaction open); written after it. */
  private held: { doc: ProcessedDocument; seen: SeenPath }[] | null = null;
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: { runId: number; force: boolean },
    private readonly events: WriterEvents,
  ) {
    this.writer = new DocumentWriter(db);
    this.statements = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT') };
  }

  write(doc: ProcessedDocument, seen: SeenPath): void {
    if (this.failed) return;
    if (this.held) {
      this.held.push({ doc, seen });
      if (this.held.length >= MAX_HELD_DOCUMENTS) this.release();
      return;
    }
    const t0 = performance.now();
    try {
      this.openGroup();
      const outcome = this.store(doc, seen);
      this.uncommitted.push({ doc, seen, outcome });
      if (this.uncommitted.length >= MAX_DOCUMENTS_PER_COMMIT) this.commitGroup();
    } catch (e) {
      this.fail(e, seen.path);
    } finally {
      this.events.time(performance.now() - t0);
    }
  }

  /** Commits outside write() (which times its own commits as store time): once the waiting results are stored, and at the end. */
  flush(): void {
    this.release();
    const t0 = performance.now();
    try {
      this.commitGroup();
    } catch (e) {
      this.fail(e, null);
    } finally {
      this.events.time(performance.now() - t0);
    }
  }

  private openGroup(): void {
    if (this.db.inTransaction) return;
    // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading read locks.
    this.statements.begin.run();
    this.commitTimer = setTimeout(() => this.flush(), COMMIT_INTERVAL_MS);
  }

  private commitGroup(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    if (!this.db.inTransaction) return;
    this.statements.commit.run();
    this.committed += this.uncommitted.length;
    if (this.checkpointer === undefined && this.committed >= DOCUMENTS_BEFORE_CHECKPOINT_THREAD) {
      this.checkpointer = WalCheckpointer.start(this.db, this);
    }
    for (const { doc, seen, outcome } of this.uncommitted.splice(0)) this.events.stored(doc, seen, outcome);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
  }

  /**
   * The checkpoint thread's quiet moment (QuietMoments): commits the open group and holds the next results until
   * `release` — or until MAX_HELD_DOCUMENTS are held, or MAX_HOLD_MS have passed. False if it cannot (the database failed).
   */
  hold(): boolean {
    if (this.failed || this.held) return false;
    const t0 = performance.now();
    try {
      this.commitGroup();
    } catch (e) {
      this.fail(e, null);
      return false;
    } finally {
      this.events.time(performance.now() - t0);
    }
    this.held = [];
    this.holdTimer = setTimeout(() => this.release(), MAX_HOLD_MS);
    return true;
  }

  /** Writes the results held since `hold`; writes go on as usual. */
  release(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const held = this.held;
    this.held = null;
    for (const { doc, seen } of held ?? []) this.write(doc, seen);
  }

  /** The database itself failed (lock not obtained, disk full…): nothing more can be stored, and what the open group held is not. */
  private fail(e: unknown, path: string | null): void {
    this.failed = true;
    const message = asDatabaseError(e, this.db.name, this.db.pragma('busy_timeout', { simple: true }) as number).message;
    if (this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // The transaction may already be gone with the failure; either way nothing of it is kept.
      }
      this.writer.reloadSlots();
    }
    const abandoned = [...this.uncommitted.splice(0), ...(this.held?.splice(0) ?? [])].map((u) => u.seen.path);
    if (path !== null) abandoned.push(path);
    this.events.fatal(message, abandoned);
  }

  /** Stores a document; if its rows cannot be written (a bug in a stage), stores it as failed instead. */
  private store(doc: ProcessedDocument, seen: SeenPath): StoreOutcome {
    const storeOptions = { runId: this.options.runId, force: this.options.force };
    try {
      return this.writer.store(doc, seen, storeOptions);
    } catch (e) {
      if (isFatalDatabaseError(e)) throw e;
      return this.writer.store(asUnstorable(doc, seen, e), seen, storeOptions);
    }
  }
}

/** A document whose rows could not be written (a bug in a stage), to be stored as failed in their place. */
export function asUnstorable(doc: ProcessedDocument, seen: SeenPath, e: unknown): ProcessedDocument {
  const failed = failedDocument(seen.path, null, new DocumentError('store', `its data could not be stored (${(e as Error).message}); please report this`), 'store', doc.timings);
  failed.id = doc.id;
  failed.format = doc.format;
  failed.sizeBytes = doc.sizeBytes;
  return Object.assign(doc, failed);
}
