/**
 * A batch of documents going through the worker pool and into the database — shared by `ingest`
 * and `rerun`. The main thread alone writes, as results come back: each document all or nothing (its own
 * savepoint), committed in groups when results wait (see openGroup).
 * Ctrl-C (SIGINT/SIGTERM) once: take no new documents, let those in flight finish; twice: abandon them.
 */
import { DocumentError } from '../findings.js';
import { failedDocument } from '../pipeline.js';
import type { ProcessOptions } from '../pipeline.js';
import { asDatabaseError, isFatalDatabaseError } from '../store/sqlite/db.js';
import type { Db } from '../store/sqlite/db.js';
import { DocumentWriter } from '../store/sqlite/write-document.js';
import type { SeenPath, StoreOutcome } from '../store/sqlite/write-document.js';
import type { Statement } from 'better-sqlite3';
import type { ProcessedDocument } from '../types.js';
import type { Progress } from '../commands/progress.js';
import { BatchSummary } from '../commands/summary.js';
import { DocumentPool } from './pool.js';

/** A commit at least every this many documents, however far behind the main thread is. */
const MAX_DOCUMENTS_PER_COMMIT = 64;

export interface Limits {
  maxFileSizeBytes: number;
  maxPages: number;
  /** Table cells an HTML page may have (see extract/html.ts); the extractor's default when absent. */
  maxTableCells?: number;
  timeoutS: number;
  maxMemoryMb: number;
}

export interface BatchOptions {
  db: Db;
  runId: number;
  concurrency: number;
  force: boolean;
  limits: Limits;
  progress: Progress;
  /** Extra pipeline options (OCR on/off …), passed to every document. */
  processOptions?: ProcessOptions;
  /** Called with each stored document (rerun prints its findings). */
  onStored?: (doc: ProcessedDocument) => void;
}

export class Batch {
  readonly summary = new BatchSummary();
  readonly writer: DocumentWriter;
  private readonly pool: DocumentPool;
  private readonly inFlight = new Set<Promise<void>>();
  private stopRequested = false;
  /** Documents written in the open transaction, not committed yet. */
  private readonly uncommitted: { doc: ProcessedDocument; seen: SeenPath; outcome: StoreOutcome }[] = [];
  private readonly statements: { begin: Statement; commit: Statement };
  private readonly onSignal = () => this.interrupt();

  constructor(private readonly options: BatchOptions) {
    this.writer = new DocumentWriter(options.db);
    this.statements = { begin: options.db.prepare('BEGIN IMMEDIATE'), commit: options.db.prepare('COMMIT') };
    this.pool = new DocumentPool({
      size: options.concurrency,
      timeoutS: options.limits.timeoutS,
      maxMemoryMb: options.limits.maxMemoryMb,
      processOptions: { ...options.processOptions, maxBytes: options.limits.maxFileSizeBytes, maxPages: options.limits.maxPages, maxTableCells: options.limits.maxTableCells },
      onProgress: (path, done, total) => options.progress.working(path, done, total),
    });
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** False once Ctrl-C was pressed or the database failed: the caller stops feeding documents. */
  get accepting(): boolean {
    return !this.stopRequested;
  }

  /** Queues one file; waits while enough documents are in flight (keeps the walk lazy and memory flat). */
  async add(seen: SeenPath): Promise<void> {
    // Enough for every worker to hold its running and next job (see pool.ts), plus a few queued.
    while (this.inFlight.size >= this.options.concurrency * 3 && !this.stopRequested) {
      await Promise.race(this.inFlight);
    }
    if (this.stopRequested) return;
    const job = this.pool
      .process(seen.path)
      .then((doc) => this.handle(doc, seen))
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  /** Waits for the documents in flight, stops the workers and detaches the signal handlers. */
  async finish(): Promise<BatchSummary> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.commitGroupOrFail();
    await this.pool.close();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    this.options.progress.stop();
    return this.summary;
  }

  interrupt(): void {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.summary.interrupted = true;
      this.pool.dropQueued();
      const n = this.pool.pending;
      this.options.progress.message(
        `Interrupted: taking no new documents; finishing the ${n} in flight (Ctrl-C again abandons them).`,
      );
      return;
    }
    this.options.progress.message('Abandoning the documents in flight; they are not stored and the next ingest does them.');
    void this.pool.abort();
  }

  private handle(doc: ProcessedDocument | null, seen: SeenPath): void {
    if (doc === null) {
      this.summary.abandoned.push(seen.path);
      this.options.progress.done(null, seen.path);
      return;
    }
    // The worker may have been given a relative or differently spelled path: record the walked one.
    doc.path = seen.path;
    if (this.summary.fatal) {
      this.summary.abandoned.push(seen.path);
      return;
    }
    const t0 = performance.now();
    try {
      this.openGroup();
      const outcome = this.store(doc, seen);
      this.uncommitted.push({ doc, seen, outcome });
      if (this.uncommitted.length >= MAX_DOCUMENTS_PER_COMMIT) this.commitGroup();
    } catch (e) {
      this.failDatabase(e, seen.path);
    } finally {
      this.summary.addTime('store', performance.now() - t0);
    }
  }

  /**
   * Group commit. Each document is written in its own savepoint — all of it or none — inside a
   * transaction that is committed once the results already waiting have been stored: right away when the
   * main thread keeps up, every few documents when it is the bottleneck (a commit costs as much as
   * storing ~30 cells). A document counts as stored, in the summary and the progress, once committed.
   */
  private openGroup(): void {
    if (this.options.db.inTransaction) return;
    // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading read locks.
    this.statements.begin.run();
    setImmediate(() => this.commitGroupOrFail());
  }

  private commitGroup(): void {
    if (!this.options.db.inTransaction) return;
    this.statements.commit.run();
    for (const { doc, seen, outcome } of this.uncommitted.splice(0)) {
      this.summary.record(doc, outcome);
      this.options.progress.done(doc, seen.path, outcome === 'duplicate' ? 'duplicate' : undefined);
      if (outcome === 'stored') this.options.onStored?.(doc);
    }
  }

  /** Commits outside handle() (which times its own commits as store time): once the waiting results are stored, and at the end. */
  private commitGroupOrFail(): void {
    const t0 = performance.now();
    try {
      this.commitGroup();
    } catch (e) {
      this.failDatabase(e, null);
    } finally {
      this.summary.addTime('store', performance.now() - t0);
    }
  }

  /** The database itself failed (lock not obtained, disk full…): nothing more can be stored, and what the open group held is not. */
  private failDatabase(e: unknown, path: string | null): void {
    const db = this.options.db;
    this.summary.fatal = asDatabaseError(e, db.name, db.pragma('busy_timeout', { simple: true }) as number).message;
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The transaction may already be gone with the failure; either way nothing of it is kept.
      }
    }
    for (const { seen } of this.uncommitted.splice(0)) this.summary.abandoned.push(seen.path);
    if (path !== null) this.summary.abandoned.push(path);
    this.stopRequested = true;
    void this.pool.abort();
  }

  /** Stores a document; if its rows cannot be written (a bug in a stage), stores it as failed instead. */
  private store(doc: ProcessedDocument, seen: SeenPath) {
    const storeOptions = { runId: this.options.runId, force: this.options.force };
    try {
      return this.writer.store(doc, seen, storeOptions);
    } catch (e) {
      if (isFatalDatabaseError(e)) throw e;
      const failed = failedDocument(seen.path, null, new DocumentError('store', `its data could not be stored (${(e as Error).message}); please report this`), 'store', doc.timings);
      failed.id = doc.id;
      failed.format = doc.format;
      failed.sizeBytes = doc.sizeBytes;
      Object.assign(doc, failed);
      return this.writer.store(failed, seen, storeOptions);
    }
  }
}
