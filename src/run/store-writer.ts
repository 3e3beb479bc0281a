/**
 * The batch writer for a Store other than SQLite's fast path (PostgreSQL): each document in a transaction
 * of its own, several at once (the store's connection pool), durable when its transaction commits.
 */
import { DatabaseError } from '../findings.js';
import type { SeenPath, StoreOptions, StoreOutcome } from '../store/document-rows.js';
import type { SqlStore } from '../store/sql-store.js';
import type { ProcessedDocument } from '../types.js';
import type { BatchWriter, WriterEvents } from './batch-writer.js';
import { asUnstorable } from './sqlite-writer.js';

export class StoreBatchWriter implements BatchWriter {
  private failed = false;

  constructor(
    private readonly store: SqlStore,
    private readonly options: { runId: number | null; force: boolean },
    private readonly events: WriterEvents,
  ) {}

  async write(doc: ProcessedDocument, seen: SeenPath): Promise<void> {
    if (this.failed) return;
    const t0 = performance.now();
    try {
      const outcome = await storeOrFail(this.store, doc, seen, this.options);
      this.events.stored(doc, seen, outcome);
    } catch (e) {
      // The first failure says why; the documents in flight with it are given back as well.
      this.failed = true;
      this.events.fatal((e as Error).message, [seen.path]);
    } finally {
      this.events.time(performance.now() - t0);
    }
  }

  flush(): void {}

  async close(): Promise<void> {}
}

/** Stores a document; if its rows cannot be written (a bug in a stage), stores it as failed; a store that fails throws. */
export async function storeOrFail(store: SqlStore, doc: ProcessedDocument, seen: SeenPath, options: StoreOptions): Promise<StoreOutcome> {
  try {
    return await store.storeDocument(doc, seen, options);
  } catch (e) {
    if (e instanceof DatabaseError) throw e;
    return store.storeDocument(asUnstorable(doc, seen, e), seen, options);
  }
}
