/**
 * Writing one ProcessedDocument: everything in one IMMEDIATE transaction — or, inside a transaction the
 * caller opened (ingest's group commit), in one savepoint — so a document is either fully stored or
 * absent, whatever happens to the process. Re-storing a document replaces all of its rows.
 */
import { PIPELINE_VERSION } from '../../pipeline.js';
import type { ProcessedDocument } from '../../types.js';
import type Database from 'better-sqlite3';
import { CELL_COLUMNS, CellSlots, CHILD_TABLES, childRows, documentRow, TEXT_CELL_COLUMNS, FINDING_COLUMNS, insertSql, pathRow, reportRow, SECTION_COLUMNS, TABLE_COLUMNS, writeStatements } from '../document-rows.js';
import type { KnownPath, SeenPath, SlotRow, StoreOptions, StoreOutcome } from '../document-rows.js';
import type { Db } from './db.js';

export type { KnownPath, SeenPath, StoreOptions, StoreOutcome } from '../document-rows.js';

/** Rows go in multi-row INSERTs of up to this many rows: a document's ~200 cells take one or two statement calls. */
const MAX_ROWS_PER_INSERT = 128;

/**
 * A multi-row INSERT for one table, prepared once per row count (at most MAX_ROWS_PER_INSERT of them):
 * one statement call per batch of rows instead of one per row. (Measured: the calls were not the main
 * cost — SQLite's own work on ~200 cells and their unique index is — but they no longer add to it.)
 */
class BatchedInsert {
  private readonly byCount = new Map<number, Database.Statement>();
  private readonly width: number;

  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {
    this.width = columns.length;
  }

  /** Inserts the rows given as one flat array of values, one value per column, row after row. */
  run(values: unknown[]): void {
    const width = this.width;
    const rows = values.length / width;
    for (let first = 0; first < rows; first += MAX_ROWS_PER_INSERT) {
      const n = Math.min(MAX_ROWS_PER_INSERT, rows - first);
      const slice = first === 0 && n === rows ? values : values.slice(first * width, (first + n) * width);
      this.statement(n).run(slice);
    }
  }

  private statement(n: number): Database.Statement {
    let stmt = this.byCount.get(n);
    if (!stmt) {
      stmt = this.db.prepare(insertSql(this.table, this.columns, n));
      this.byCount.set(n, stmt);
    }
    return stmt;
  }
}

export class DocumentWriter {
  private readonly stmt;
  private readonly insert;
  private readonly storeTx;
  private readonly slots = new CellSlots();

  constructor(db: Db) {
    // Each document is written inside a savepoint of the group's transaction (a document that fails to
    // store leaves nothing behind), and SQLite journals the old content of every page a savepoint touches:
    // ~35 pages a report, spilled to a temporary file past 64 KB — two write calls a page, 200,000 for
    // 3,000 reports. In memory a savepoint's journal is a few hundred KB. Only on the writing connection:
    // readers keep large sorts (an export's ORDER BY) on disk.
    db.pragma('temp_store = MEMORY');
    this.insert = {
      cells: new BatchedInsert(db, CHILD_TABLES.cells, CELL_COLUMNS),
      textCells: new BatchedInsert(db, CHILD_TABLES.cells, TEXT_CELL_COLUMNS),
      sections: new BatchedInsert(db, CHILD_TABLES.sections, SECTION_COLUMNS),
      tables: new BatchedInsert(db, CHILD_TABLES.tables, TABLE_COLUMNS),
      findings: new BatchedInsert(db, CHILD_TABLES.findings, FINDING_COLUMNS),
    };
    const sql = writeStatements('sqlite');
    this.stmt = {
      existing: db.prepare<[string], { pipeline_version: string; run_id: number | null; key: number }>(sql.existing),
      deleteKeyed: sql.deleteKeyed.map((d) => db.prepare(d)),
      deleteReport: db.prepare(sql.deleteReport),
      markStale: db.prepare(sql.markStale),
      upsertDocument: db.prepare(sql.upsertDocument),
      insertReport: db.prepare(sql.insertReport),
      upsertBody: db.prepare(sql.upsertBody),
      pathOwner: db.prepare<[string], { document_id: string }>(sql.pathOwner),
      upsertPath: db.prepare(sql.upsertPath),
      moveCorrectionsIfPathless: db.prepare(sql.moveCorrectionsIfPathless),
      deleteIfPathless: db.prepare(sql.deleteIfPathless),
      knownPath: db.prepare<[string], { document_id: string; size_bytes: number | null; mtime_ms: number | null; pipeline_version: string; status: string }>(sql.knownPath),
      allSlots: db.prepare<[], SlotRow>(sql.allSlots),
      addSlot: db.prepare(sql.addSlot),
      slot: db.prepare<[string, string, string], { slot: number }>(sql.slot),
    };
    this.reloadSlots();
    this.storeTx = db.transaction((doc: ProcessedDocument, seen: SeenPath, options: StoreOptions): StoreOutcome => {
      const version = options.pipelineVersion ?? PIPELINE_VERSION;
      const existing = this.stmt.existing.get(doc.id);
      const alreadyThisRun = existing !== undefined && options.runId !== null && existing.run_id === options.runId;
      const alreadyCurrent = existing !== undefined && !options.force && existing.pipeline_version === version;
      if (alreadyThisRun || alreadyCurrent) {
        this.recordPath(doc.id, seen);
        return 'duplicate';
      }
      if (existing) {
        for (const del of this.stmt.deleteKeyed) del.run(existing.key);
        this.stmt.deleteReport.run(doc.id);
      }
      this.writeRows(doc, seen, version, options.runId);
      // Reviewers' corrections survive a re-extraction only where the cell still holds what they replaced.
      if (existing) this.stmt.markStale.run(doc.id, existing.key);
      this.recordPath(doc.id, seen);
      return 'stored';
    });
  }

  /**
   * Stores a document (or records one more path of an already stored one) in one transaction, or in one
   * savepoint of the caller's open transaction: a write that fails leaves nothing of the document.
   */
  store(doc: ProcessedDocument, seen: SeenPath, options: StoreOptions): StoreOutcome {
    try {
      // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading read locks.
      return this.storeTx.immediate(doc, seen, options);
    } catch (e) {
      // The slots this document added are gone with its rows.
      this.reloadSlots();
      throw e;
    }
  }

  /** Forgets the slots added in a transaction that was rolled back: what the database holds now. */
  reloadSlots(): void {
    this.slots.load(this.stmt.allSlots.all());
  }

  /** What the database knows about a path: lets ingest skip unchanged files without reading them. */
  knownPath(path: string): KnownPath | undefined {
    const row = this.stmt.knownPath.get(path);
    if (!row) return undefined;
    return { documentId: row.document_id, sizeBytes: row.size_bytes, mtimeMs: row.mtime_ms, pipelineVersion: row.pipeline_version, status: row.status };
  }

  private writeRows(doc: ProcessedDocument, seen: SeenPath, version: string, runId: number | null): void {
    const s = this.stmt;
    const { key } = s.upsertDocument.get(...documentRow(doc, seen, version, runId)) as { key: number };
    const report = reportRow(doc);
    if (report?.body) s.upsertBody.run(...report.body);
    if (report) s.insertReport.run(...report.report);
    let placed = this.slots.slotsOf(doc);
    if (placed.missing.length > 0) {
      for (const place of placed.missing) {
        s.addSlot.run(place.table, place.row, place.col);
        this.slots.add({ ...place, slot: s.slot.get(place.table, place.row, place.col)!.slot });
      }
      placed = this.slots.slotsOf(doc);
    }
    const rows = childRows(doc, key, placed.slots);
    this.insert.sections.run(rows.sections);
    this.insert.tables.run(rows.tables);
    (rows.cellColumns === TEXT_CELL_COLUMNS ? this.insert.textCells : this.insert.cells).run(rows.cells);
    this.insert.findings.run(rows.findings);
  }

  /** Points the path at the document; a document left with no path (its file now has other content) is removed. */
  private recordPath(documentId: string, seen: SeenPath): void {
    const previous = this.stmt.pathOwner.get(seen.path)?.document_id;
    this.stmt.upsertPath.run(...pathRow(documentId, seen));
    if (previous !== undefined && previous !== documentId) {
      // The file now holds other content: reviewers' corrections of the old content follow the file to the
      // new one (marked stale where its cell reads otherwise) rather than vanish with the old document.
      this.stmt.moveCorrectionsIfPathless.run(documentId, previous, previous);
      const moved = this.stmt.existing.get(documentId);
      if (moved) this.stmt.markStale.run(documentId, moved.key);
      this.stmt.deleteIfPathless.run(previous, previous);
    }
  }
}
