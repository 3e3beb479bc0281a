/**
 * A batch of documents going through the worker pool and into the store — shared by `ingest`, `rerun` and
 * the queue mode's workers. The main thread alone writes, as results come back (see batch-writer.ts): into
 * SQLite by group commit, or into PostgreSQL a transaction per document.
 * Ctrl-C (SIGINT/SIGTERM) once: take no new documents, let those in flight finish; twice: abandon them.
 */
import type { ProcessOptions } from '../pipeline.js';
import type { SeenPath } from '../store/document-rows.js';
import type { SqlStore } from '../store/sql-store.js';
import type { Db } from '../store/sqlite/db.js';
import type { ProcessedDocument } from '../types.js';
import type { Progress } from '../commands/progress.js';
import { threadCpuSplit } from './thread-cpu.js';
import { BatchSummary, documentOutcome } from '../commands/summary.js';
import type { BatchWriter } from './batch-writer.js';
import { DocumentPool } from './pool.js';
import { SqliteBatchWriter } from './sqlite-writer.js';
import { StoreBatchWriter } from './store-writer.js';
import { SqliteClient } from '../store/sqlite/sqlite-client.js';

export interface Limits {
  maxFileSizeBytes: number;
  maxPages: number;
  /** Table cells an HTML page may have (see extract/html.ts); the extractor's default when absent. */
  maxTableCells?: number;
  timeoutS: number;
  maxMemoryMb: number;
}

export interface BatchOptions {
  /** Where results go: a SQLite database (group commit), or a store (one transaction per document). */
  target: { db: Db } | { store: SqlStore };
  runId: number;
  concurrency: number;
  force: boolean;
  limits: Limits;
  progress: Progress;
  /** Extra pipeline options (OCR on/off …), passed to every document. */
  processOptions?: ProcessOptions;
  /** Called with each stored document (rerun prints its findings). */
  onStored?: (doc: ProcessedDocument) => void | Promise<void>;
  /** Signals are left to the caller (a queue worker handles its own). */
  handleSignals?: boolean;
}

/** Where a batch over this store writes: SQLite's own database (group commit), or the store itself. */
export function batchTarget(store: SqlStore): BatchOptions['target'] {
  return store.sql instanceof SqliteClient ? { db: store.sql.db } : { store };
}

export class Batch {
  readonly summary = new BatchSummary();
  private readonly writer: BatchWriter;
  private readonly pool: DocumentPool;
  private readonly inFlight = new Set<Promise<void>>();
  private stopRequested = false;
  private readonly onSignal = () => this.interrupt();

  constructor(private readonly options: BatchOptions) {
    const events = {
      stored: (doc: ProcessedDocument, seen: SeenPath, outcome: 'stored' | 'duplicate') => {
        const o = documentOutcome(doc);
        this.summary.recordOutcome(o, outcome);
        this.options.progress.done(o, seen.path, outcome === 'duplicate' ? 'duplicate' : undefined);
        if (outcome === 'stored') void this.options.onStored?.(doc);
      },
      fatal: (message: string, abandoned: string[]) => {
        this.summary.fatal ??= message;
        this.summary.abandoned.push(...abandoned);
        this.stopRequested = true;
        void this.pool.abort();
      },
      time: (ms: number) => this.summary.addTime('store', ms),
    };
    const storeOptions = { runId: options.runId, force: options.force };
    this.writer = 'db' in options.target ? new SqliteBatchWriter(options.target.db, storeOptions, events) : new StoreBatchWriter(options.target.store, storeOptions, events);
    this.pool = new DocumentPool({
      size: options.concurrency,
      timeoutS: options.limits.timeoutS,
      maxMemoryMb: options.limits.maxMemoryMb,
      processOptions: { ...options.processOptions, maxBytes: options.limits.maxFileSizeBytes, maxPages: options.limits.maxPages, maxTableCells: options.limits.maxTableCells },
      onProgress: (path, done, total) => options.progress.working(path, done, total),
    });
    if (options.handleSignals !== false) {
      process.on('SIGINT', this.onSignal);
      process.on('SIGTERM', this.onSignal);
    }
  }

  /** False once Ctrl-C was pressed or the database failed: the caller stops feeding documents. */
  get accepting(): boolean {
    return !this.stopRequested;
  }

  /** Starts the workers `documents` to come will need, while the caller is still finding them (see DocumentPool.prestart). */
  prestart(documents: number): void {
    if (!this.stopRequested) this.pool.prestart(documents);
  }

  /** Queues one file; waits while enough documents are in flight (keeps the walk lazy and memory flat). */
  async add(seen: SeenPath): Promise<void> {
    // Enough for every worker to hold its running and waiting jobs (see pool.ts), plus a few queued.
    while (this.inFlight.size >= this.pool.capacity && !this.stopRequested) {
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
    this.writer.flush();
    // Before the workers stop: a thread that has ended counts only in the process's total.
    this.summary.threadCpuMs = threadCpuSplit(this.pool.workerThreadIds());
    await this.pool.close();
    await this.writer.close();
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

  private handle(doc: ProcessedDocument | null, seen: SeenPath): void | Promise<void> {
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
    return this.writer.write(doc, seen);
  }
}
