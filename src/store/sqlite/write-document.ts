/**
 * Writing one ProcessedDocument: everything in one IMMEDIATE transaction — or, inside a transaction the
 * caller opened (ingest's group commit), in one savepoint — so a document is either fully stored or
 * absent, whatever happens to the process. Re-storing a document replaces all of its rows.
 */
import { basename } from 'node:path';
import { PIPELINE_VERSION } from '../../pipeline.js';
import { unlinkedBody } from '../../stages/region.js';
import type { Cell, ProcessedDocument, RegionLink } from '../../types.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';

/** The path a document was read from, with what `stat` said then (used to skip unchanged files). */
export interface SeenPath {
  path: string;
  sizeBytes: number | null;
  mtimeMs: number | null;
}

export interface StoreOptions {
  runId: number | null;
  /** Replace a document stored by the same pipeline version in an earlier run (ingest --force, rerun). */
  force?: boolean;
  pipelineVersion?: string;
}

/** `stored`: the document's rows were (re)written. `duplicate`: its content was already stored; only the path was recorded. */
export type StoreOutcome = 'stored' | 'duplicate';

export interface KnownPath {
  documentId: string;
  sizeBytes: number | null;
  mtimeMs: number | null;
  pipelineVersion: string;
  status: string;
}

/** Rows go in multi-row INSERTs of up to this many rows: a document's ~200 cells take one or two statement calls. */
const MAX_ROWS_PER_INSERT = 128;

/**
 * A multi-row INSERT for one table, prepared once per row count (at most MAX_ROWS_PER_INSERT of them):
 * one statement call per batch of rows instead of one per row. (Measured: the calls were not the main
 * cost — SQLite's own work on ~200 cells and their unique index is — but they no longer add to it.)
 */
class BatchedInsert {
  private readonly byCount = new Map<number, Database.Statement>();
  private readonly head: string;
  private readonly tuple: string;
  private readonly width: number;

  constructor(
    private readonly db: Db,
    table: string,
    columns: readonly string[],
  ) {
    this.head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.tuple = `(${columns.map(() => '?').join(',')})`;
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
      stmt = this.db.prepare(this.head + new Array(n).fill(this.tuple).join(','));
      this.byCount.set(n, stmt);
    }
    return stmt;
  }
}

const CELL_COLUMNS = ['document_key', '"table"', '"row"', 'col', 'value', 'raw', 'unit', 'note', 'method', 'page', 'line', 'table_index', 'grid_row', 'grid_col', 'box', 'confidence', 'char_offset'];
const SECTION_COLUMNS = ['document_id', 'position', 'key', 'heading', 'text', 'line', 'page'];
const TABLE_COLUMNS = ['document_id', '"table"', 'layout', 'page', 'line'];
const FINDING_COLUMNS = ['document_id', 'position', 'rule', 'severity', 'message', '"table"', '"row"', 'col', 'actual', 'expected', 'page', 'line', 'char_offset'];

export class DocumentWriter {
  private readonly stmt;
  private readonly insert;
  private readonly storeTx;

  constructor(db: Db) {
    this.insert = {
      cells: new BatchedInsert(db, 'cell_values', CELL_COLUMNS),
      sections: new BatchedInsert(db, 'sections', SECTION_COLUMNS),
      tables: new BatchedInsert(db, 'report_tables', TABLE_COLUMNS),
      findings: new BatchedInsert(db, 'findings', FINDING_COLUMNS),
    };
    this.stmt = {
      existing: db.prepare<[string], { pipeline_version: string; run_id: number | null; key: number }>('SELECT pipeline_version, run_id, key FROM documents WHERE id = ?'),
      deleteCells: db.prepare('DELETE FROM cell_values WHERE document_key = ?'),
      markStale: db.prepare(
        `UPDATE corrections SET status = 'stale'
         WHERE document_id = @id AND status = 'active' AND NOT EXISTS (
           SELECT 1 FROM cell_values c WHERE c.document_key = @key AND c."table" = corrections."table" AND c."row" = corrections."row"
             AND c.col = corrections.col AND c.value IS corrections.extracted_value)`,
      ),
      deleteChildren: [
        db.prepare('DELETE FROM findings WHERE document_id = ?'),
        db.prepare('DELETE FROM sections WHERE document_id = ?'),
        db.prepare('DELETE FROM report_tables WHERE document_id = ?'),
        db.prepare('DELETE FROM reports WHERE document_id = ?'),
      ],
      upsertDocument: db.prepare(
        // A new document takes the next key; a re-stored one keeps its key (the conflict branch leaves it).
        `INSERT INTO documents (id, key, path, file_name, format, size_bytes, status, error, failed_stage, pipeline_version, run_id, ingested_at, extract_meta, timings)
         VALUES (@id, (SELECT COALESCE(MAX(key), 0) + 1 FROM documents), @path, @file_name, @format, @size_bytes, @status, @error, @failed_stage, @pipeline_version, @run_id, @ingested_at, @extract_meta, @timings)
         ON CONFLICT (id) DO UPDATE SET
           -- The main path stays while it still holds this content; it moves only when that file changed or went.
           path = CASE WHEN EXISTS (SELECT 1 FROM document_paths p WHERE p.path = documents.path AND p.document_id = documents.id)
                       THEN documents.path ELSE excluded.path END,
           file_name = CASE WHEN EXISTS (SELECT 1 FROM document_paths p WHERE p.path = documents.path AND p.document_id = documents.id)
                       THEN documents.file_name ELSE excluded.file_name END,
           format = excluded.format,
           size_bytes = excluded.size_bytes, status = excluded.status, error = excluded.error, failed_stage = excluded.failed_stage,
           pipeline_version = excluded.pipeline_version, run_id = excluded.run_id, ingested_at = excluded.ingested_at,
           extract_meta = excluded.extract_meta, timings = excluded.timings
         RETURNING key`,
      ),
      insertReport: db.prepare('INSERT INTO reports (document_id, agency, year, layout, published_date, title, publisher, source_url, body_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      // A body's row follows the latest report linked to it (a newer dataset may rename its places).
      upsertBody: db.prepare(
        `INSERT INTO bodies (id, name, region_code, region_level, province, city, county, township) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, region_level = excluded.region_level,
           province = excluded.province, city = excluded.city, county = excluded.county, township = excluded.township`,
      ),
      pathOwner: db.prepare<[string], { document_id: string }>('SELECT document_id FROM document_paths WHERE path = ?'),
      upsertPath: db.prepare(
        `INSERT INTO document_paths (path, document_id, file_name, size_bytes, mtime_ms, seen_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET document_id = excluded.document_id, file_name = excluded.file_name,
           size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, seen_at = excluded.seen_at`,
      ),
      moveCorrectionsIfPathless: db.prepare(
        'UPDATE corrections SET document_id = ? WHERE document_id = ? AND NOT EXISTS (SELECT 1 FROM document_paths WHERE document_id = ?)',
      ),
      deleteIfPathless: db.prepare('DELETE FROM documents WHERE id = ? AND NOT EXISTS (SELECT 1 FROM document_paths WHERE document_id = ?)'),
      knownPath: db.prepare<[string], { document_id: string; size_bytes: number | null; mtime_ms: number | null; pipeline_version: string; status: string }>(
        `SELECT p.document_id, p.size_bytes, p.mtime_ms, d.pipeline_version, d.status
         FROM document_paths p JOIN documents d ON d.id = p.document_id WHERE p.path = ?`,
      ),
    };
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
        this.stmt.deleteCells.run(existing.key);
        for (const del of this.stmt.deleteChildren) del.run(doc.id);
      }
      this.writeRows(doc, seen, version, options.runId);
      // Reviewers' corrections survive a re-extraction only where the cell still holds what they replaced.
      if (existing) this.stmt.markStale.run({ key: existing.key, id: doc.id });
      this.recordPath(doc.id, seen);
      return 'stored';
    });
  }

  /**
   * Stores a document (or records one more path of an already stored one) in one transaction, or in one
   * savepoint of the caller's open transaction: a write that fails leaves nothing of the document.
   */
  store(doc: ProcessedDocument, seen: SeenPath, options: StoreOptions): StoreOutcome {
    // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading read locks.
    return this.storeTx.immediate(doc, seen, options);
  }

  /** What the database knows about a path: lets ingest skip unchanged files without reading them. */
  knownPath(path: string): KnownPath | undefined {
    const row = this.stmt.knownPath.get(path);
    if (!row) return undefined;
    return { documentId: row.document_id, sizeBytes: row.size_bytes, mtimeMs: row.mtime_ms, pipelineVersion: row.pipeline_version, status: row.status };
  }

  private writeRows(doc: ProcessedDocument, seen: SeenPath, version: string, runId: number | null): void {
    const s = this.stmt;
    const { key } = s.upsertDocument.get({
      id: doc.id,
      path: seen.path,
      file_name: basename(seen.path),
      format: doc.format,
      size_bytes: doc.sizeBytes,
      status: doc.status,
      error: doc.error,
      failed_stage: doc.failedStage,
      pipeline_version: version,
      run_id: runId,
      ingested_at: new Date().toISOString(),
      extract_meta: JSON.stringify(doc.extractMeta),
      timings: JSON.stringify(roundTimings(doc.timings)),
    }) as { key: number };
    const m = doc.meta;
    if (doc.status !== 'failed' || m.agency !== null || m.year !== null) {
      // A document made elsewhere than the pipeline (a test, an older worker) may carry no link: its body is its printed name.
      const body: RegionLink | null = m.region ?? (m.agency ? unlinkedBody(m.agency) : null);
      if (body) s.upsertBody.run(body.bodyId, body.bodyName, body.code, body.level, body.province, body.city, body.county, body.township);
      s.insertReport.run(doc.id, m.agency, m.year, m.layout, m.publishedDate, m.title, m.publisher ?? null, m.sourceUrl ?? null, body?.bodyId ?? null);
    }
    const id = doc.id;
    const sections: unknown[] = [];
    doc.sections.forEach((sec, i) => sections.push(id, i, sec.key, sec.heading, sec.text, sec.line, sec.page));
    this.insert.sections.run(sections);
    const tables: unknown[] = [];
    const cells: unknown[] = [];
    for (const table of doc.tables) {
      tables.push(id, table.table, table.layout, table.prov.page ?? null, table.prov.line ?? null);
      for (const c of table.cells) pushCell(cells, key, c);
    }
    this.insert.tables.run(tables);
    this.insert.cells.run(cells);
    const findings: unknown[] = [];
    doc.findings.forEach((f, i) =>
      findings.push(id, i, f.rule, f.severity, f.message, f.table ?? null, f.row ?? null, f.col ?? null, f.actual ?? null, f.expected ?? null, f.page ?? null, f.line ?? null, f.offset ?? null),
    );
    this.insert.findings.run(findings);
  }

  /** Points the path at the document; a document left with no path (its file now has other content) is removed. */
  private recordPath(documentId: string, seen: SeenPath): void {
    const previous = this.stmt.pathOwner.get(seen.path)?.document_id;
    this.stmt.upsertPath.run(
      seen.path,
      documentId,
      basename(seen.path),
      seen.sizeBytes,
      seen.mtimeMs === null ? null : Math.trunc(seen.mtimeMs),
      new Date().toISOString(),
    );
    if (previous !== undefined && previous !== documentId) {
      // The file now holds other content: reviewers' corrections of the old content follow the file to the
      // new one (marked stale where its cell reads otherwise) rather than vanish with the old document.
      this.stmt.moveCorrectionsIfPathless.run(documentId, previous, previous);
      const moved = this.stmt.existing.get(documentId);
      if (moved) this.stmt.markStale.run({ key: moved.key, id: documentId });
      this.stmt.deleteIfPathless.run(previous, previous);
    }
  }
}

function pushCell(out: unknown[], documentKey: number, c: Cell): void {
  const p = c.prov;
  out.push(
    documentKey,
    c.table,
    c.row,
    c.col,
    c.value,
    c.raw,
    c.unit,
    c.note,
    c.method,
    p.page ?? null,
    p.line ?? null,
    p.tableIndex ?? null,
    p.gridRow ?? null,
    p.gridCol ?? null,
    p.box ? JSON.stringify([p.box.x0, p.box.y0, p.box.x1, p.box.y1]) : null,
    p.confidence ?? null,
    p.offset ?? null,
  );
}

function roundTimings(t: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) out[k] = Math.round(v * 100) / 100;
  return out;
}
