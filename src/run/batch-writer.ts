/**
 * Where a batch's results go. The main thread stores each document as it comes back from the worker pool,
 * all of it or none, and tells the batch once it is durable (committed): only then does it count as stored.
 * Two writers: SQLite's group commit (the embedded default, tuned for throughput) and one transaction per
 * document through the Store (PostgreSQL).
 */
import type { SeenPath, StoreOutcome } from '../store/document-rows.js';
import type { ProcessedDocument } from '../types.js';

export interface WriterEvents {
  /** The document is durable; `outcome` says whether its rows were written or only a path recorded. */
  stored(doc: ProcessedDocument, seen: SeenPath, outcome: StoreOutcome): void;
  /** The store itself failed: nothing more can be stored; the documents not yet durable are given back. */
  fatal(message: string, abandoned: string[]): void;
  /** Time spent storing, for --timings. */
  time(ms: number): void;
}

export interface BatchWriter {
  /** Stores one document (durable now or at the next flush). Never throws: failures go to `events.fatal`. */
  write(doc: ProcessedDocument, seen: SeenPath): void | Promise<void>;
  /** Makes durable what was written. */
  flush(): void;
  /** After the last flush: stops what the writer runs beside the batch (SQLite's checkpoint thread). */
  close(): Promise<void>;
}
