/**
 * The Store over SQL — the SQLite file or a PostgreSQL server, the same statements on both (sql.ts):
 * what the review server and the exports read, the corrections reviewers record, and the writes of a
 * batch that is not SQLite's own fast path (the queue mode's workers, an ingest into PostgreSQL): each
 * document in one transaction, complete or absent.
 */
import { hostname } from 'node:os';
import { PIPELINE_VERSION } from '../pipeline.js';
import type { Correction } from '../review/corrections.js';
import type { Finding, Severity } from '../findings.js';
import type { Cell, DocumentStatus, ExtractedTable, InputFormat, Layout, PlacementMethod, ProcessedDocument, Provenance } from '../types.js';
import { CellSlots, CHILD_TABLES, childRows, documentRow, FINDING_COLUMNS, insertSql, pathRow, reportRow, SECTION_COLUMNS, TABLE_COLUMNS, writeStatements } from './document-rows.js';
import type { KnownPath, SeenPath, SlotRow, StoreOptions, StoreOutcome } from './document-rows.js';
import type { SqlClient, SqlValue } from './sql.js';
import { UnknownCellError } from './store.js';
import type { BodyYear, CollectionSummary, DocumentListItem, DocumentQuery, NewCorrection, SortKey, Store, StoredDocument } from './store.js';

const SORT_COLUMNS: Record<SortKey, string> = {
  agency: 'r.agency',
  year: 'r.year',
  layout: 'r.layout',
  format: 'd.format',
  status: 'd.status',
  errors: 'errors',
  warnings: 'warnings',
  file: 'd.file_name',
  ingested: 'd.ingested_at',
};

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;


/** A row of the `cells` view (and of `corrected_cells`, which has the same columns and a few more). */
export interface CellRow {
  table: string;
  row: string;
  col: string;
  value: number | null;
  raw: string | null;
  unit: string | null;
  note: string | null;
  method: string;
  page: number | null;
  line: number | null;
  table_index: number | null;
  grid_row: number | null;
  grid_col: number | null;
  box: string | null;
  confidence: number | null;
  char_offset: number | null;
}

interface CorrectionRow {
  id: number;
  document_id: string;
  table: string;
  row: string;
  col: string;
  action: 'set' | 'confirm';
  value: number | null;
  extracted_value: number | null;
  extracted_raw: string | null;
  extracted_method: string;
  reason: string;
  reviewer: string;
  created_at: string;
  status: 'active' | 'stale';
}

export interface RunCounts {
  ok: number;
  findings: number;
  failed: number;
  skipped: number;
}

export type RunStatus = 'completed' | 'interrupted' | 'failed';

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters for the widest table (17 columns). */
const MAX_ROWS_PER_INSERT = 128;

export class SqlStore implements Store {
  private readonly slots = new CellSlots();
  private slotsLoaded = false;

  constructor(readonly sql: SqlClient) {}

  async listDocuments(query: DocumentQuery): Promise<{ total: number; documents: DocumentListItem[] }> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.status) {
      where.push('d.status = ?');
      params.push(query.status);
    }
    if (query.year !== undefined) {
      where.push('r.year = ?');
      params.push(query.year);
    }
    if (query.layout) {
      where.push('r.layout = ?');
      params.push(query.layout);
    }
    if (query.format) {
      where.push('d.format = ?');
      params.push(query.format);
    }
    if (query.q) {
      const found = this.sql.dialect === 'postgres' ? (col: string) => `strpos(${col}, ?) > 0` : (col: string) => `instr(${col}, ?) > 0`;
      where.push(`(${found('r.agency')} OR ${found('d.file_name')} OR ${found('r.title')})`);
      params.push(query.q, query.q, query.q);
    }
    if (query.hasErrors) where.push(`EXISTS (SELECT 1 FROM findings e WHERE e.document_id = d.id AND e.severity = 'error')`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM documents d LEFT JOIN reports r ON r.document_id = d.id ${filter}`, params))!.n;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, query.pageSize ?? DEFAULT_PAGE_SIZE));
    const page = Math.max(1, query.page ?? 1);
    const nulls = this.sql.dialect === 'postgres' ? (query.descending ? ' NULLS LAST' : ' NULLS FIRST') : '';
    const order = `${SORT_COLUMNS[query.sort ?? 'file']} ${query.descending ? 'DESC' : 'ASC'}${nulls}, d.path`;
    return { total, documents: await this.listRows(filter, params, order, pageSize, (page - 1) * pageSize) };
  }

  /** Listed documents with their error and warning counts — counted for these rows only (index on findings). */
  private listRows(filter: string, params: SqlValue[], order: string, limit: number, offset: number): Promise<DocumentListItem[]> {
    return this.sql.all<DocumentListItem>(
      `SELECT d.id, d.file_name AS file, d.path, r.agency, r.year, r.layout, d.format, d.status,
              (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error') AS errors,
              (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'warning') AS warnings
       FROM documents d LEFT JOIN reports r ON r.document_id = d.id ${filter} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
  }

  async summary(): Promise<CollectionSummary> {
    const all = <T>(sql: string): Promise<T[]> => this.sql.all<T>(sql);
    return {
      documents: (await all<{ n: number }>('SELECT COUNT(*) AS n FROM documents'))[0]!.n,
      byStatus: await all('SELECT status, COUNT(*) AS n FROM documents GROUP BY status ORDER BY n DESC, status'),
      byRule: await all('SELECT rule, severity, COUNT(*) AS n FROM findings GROUP BY rule, severity ORDER BY n DESC, rule'),
      byYear: await all('SELECT r.year AS year, COUNT(*) AS n FROM documents d LEFT JOIN reports r ON r.document_id = d.id GROUP BY r.year ORDER BY r.year'),
      facets: {
        years: (await all<{ y: number }>('SELECT DISTINCT year AS y FROM reports WHERE year IS NOT NULL ORDER BY y')).map((r) => r.y),
        layouts: (await all<{ l: string }>('SELECT DISTINCT layout AS l FROM reports WHERE layout IS NOT NULL ORDER BY l')).map((r) => r.l),
        formats: (await all<{ f: string }>('SELECT DISTINCT format AS f FROM documents WHERE format IS NOT NULL ORDER BY f')).map((r) => r.f),
      },
    };
  }

  getDocument(id: string): Promise<StoredDocument | null> {
    return loadStoredDocument(this.sql, id);
  }

  async addCorrection(c: NewCorrection): Promise<Correction> {
    const id = await this.sql.transaction(async (tx) => {
      const cell = await tx.get<{ value: number | null; raw: string | null; method: string }>(
        `SELECT value, raw, method FROM cells WHERE document_id = ? AND "table" = ? AND "row" = ? AND col = ?`,
        [c.documentId, c.table, c.row, c.col],
      );
      if (!cell) throw new UnknownCellError(`document ${c.documentId} has no cell ${c.table}.${c.row}.${c.col}`);
      const value = c.action === 'confirm' ? cell.value : c.value;
      const row = await tx.get<{ id: number }>(
        `INSERT INTO corrections (document_id, "table", "row", col, action, value, extracted_value, extracted_raw, extracted_method, reason, reviewer, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [c.documentId, c.table, c.row, c.col, c.action, value, cell.value, cell.raw, cell.method, c.reason.trim(), c.reviewer, new Date().toISOString()],
      );
      return row!.id;
    });
    return (await correctionsOf(this.sql, c.documentId)).find((x) => x.id === id)!;
  }

  async bodyYears(agency: string): Promise<BodyYear[]> {
    const out: BodyYear[] = [];
    // The body, not the printed name: `洪泽区人民政府` and `淮安市洪泽区人民政府` are one body's years.
    const where = 'WHERE r.body_id IN (SELECT body_id FROM reports WHERE agency = ?) OR (r.body_id IS NULL AND r.agency = ?)';
    for (const document of await this.listRows(where, [agency, agency], 'r.year, d.path', MAX_PAGE_SIZE, 0)) {
      const doc = await this.getDocument(document.id);
      if (doc) out.push({ document, tables: doc.tables });
    }
    return out;
  }

  // ── writing (a batch that is not SQLite's own group-commit path) ──

  /** What the store knows about a path: lets ingest skip unchanged files without reading them. */
  async knownPath(path: string): Promise<KnownPath | undefined> {
    const row = await this.sql.get<{ document_id: string; size_bytes: number | null; mtime_ms: number | null; pipeline_version: string; status: string }>(
      writeStatements(this.sql.dialect).knownPath,
      [path],
    );
    return row && { documentId: row.document_id, sizeBytes: row.size_bytes, mtimeMs: row.mtime_ms, pipelineVersion: row.pipeline_version, status: row.status };
  }

  /**
   * Stores a document in one transaction — complete or absent; a document stored again replaces its rows;
   * the same content under another path is one document with one more path. As the SQLite writer does.
   */
  async storeDocument(doc: ProcessedDocument, seen: SeenPath, options: StoreOptions): Promise<StoreOutcome> {
    const sql = writeStatements(this.sql.dialect);
    const slots = await this.slotsOf(doc);
    return this.sql.transaction(async (tx) => {
      // Two workers storing the same content at once wait for each other (SQLite's write lock does this there).
      if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(hashtext(?))', [doc.id]);
      const version = options.pipelineVersion ?? PIPELINE_VERSION;
      const existing = await tx.get<{ pipeline_version: string; run_id: number | null; key: number }>(sql.existing, [doc.id]);
      const alreadyThisRun = existing !== undefined && options.runId !== null && existing.run_id === options.runId;
      const alreadyCurrent = existing !== undefined && !options.force && existing.pipeline_version === version;
      if (alreadyThisRun || alreadyCurrent) {
        await recordPath(tx, sql, doc.id, seen);
        return 'duplicate';
      }
      if (existing) {
        for (const del of sql.deleteKeyed) await tx.run(del, [existing.key]);
        await tx.run(sql.deleteReport, [doc.id]);
      }
      const { key } = (await tx.get<{ key: number }>(sql.upsertDocument, documentRow(doc, seen, version, options.runId)))!;
      const report = reportRow(doc);
      if (report?.body) await tx.run(sql.upsertBody, report.body);
      if (report) await tx.run(sql.insertReport, report.report);
      const rows = childRows(doc, key, slots);
      await insertRows(tx, CHILD_TABLES.sections, SECTION_COLUMNS, rows.sections);
      await insertRows(tx, CHILD_TABLES.tables, TABLE_COLUMNS, rows.tables);
      await insertRows(tx, CHILD_TABLES.cells, rows.cellColumns, rows.cells);
      await insertRows(tx, CHILD_TABLES.findings, FINDING_COLUMNS, rows.findings);
      if (existing) await tx.run(sql.markStale, [doc.id, key]);
      await recordPath(tx, sql, doc.id, seen);
      return 'stored';
    });
  }

  /**
   * Gives the document's new places (table, row, column) their slots before its transaction, each in a
   * statement of its own: a slot, once committed, is never lost with a document that fails to store, so
   * the slots known here are always in the database (several workers may add the same place at once).
   */
  private async slotsOf(doc: ProcessedDocument): Promise<number[]> {
    const sql = writeStatements(this.sql.dialect);
    if (!this.slotsLoaded) {
      this.slots.load(await this.sql.all<SlotRow>(sql.allSlots));
      this.slotsLoaded = true;
    }
    const placed = this.slots.slotsOf(doc);
    if (placed.missing.length === 0) return placed.slots;
    for (const place of placed.missing) {
      await this.sql.run(sql.addSlot, [place.table, place.row, place.col]);
      const row = await this.sql.get<{ slot: number | string }>(sql.slot, [place.table, place.row, place.col]);
      this.slots.add({ ...place, slot: Number(row!.slot) });
    }
    return this.slots.slotsOf(doc).slots;
  }

  /** The reviewers' corrections of a document: still applying, and stale. */
  async correctionCounts(documentId: string): Promise<{ active: number; stale: number }> {
    const row = await this.sql.get<{ active: number | null; stale: number | null }>(
      `SELECT SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS active, SUM(CASE WHEN status = 'stale' THEN 1 ELSE 0 END) AS stale FROM corrections WHERE document_id = ?`,
      [documentId],
    );
    return { active: row?.active ?? 0, stale: row?.stale ?? 0 };
  }

  /** Records a run (ingest, rerun, a queue batch); runs left running by a process gone from this host are marked abandoned. */
  async startRun(command: string, args: unknown): Promise<number> {
    const running = await this.sql.all<{ id: number; pid: number | null }>(`SELECT id, pid FROM runs WHERE status = 'running' AND hostname = ?`, [hostname()]);
    for (const run of running) {
      if (run.pid === null || !processAlive(run.pid)) await this.sql.run(`UPDATE runs SET status = 'abandoned' WHERE id = ?`, [run.id]);
    }
    const row = await this.sql.get<{ id: number }>(
      `INSERT INTO runs (command, pipeline_version, started_at, status, pid, hostname, arguments) VALUES (?, ?, ?, 'running', ?, ?, ?) RETURNING id`,
      [command, PIPELINE_VERSION, new Date().toISOString(), process.pid, hostname(), JSON.stringify(args)],
    );
    return row!.id;
  }

  async finishRun(runId: number, status: RunStatus, counts: RunCounts): Promise<void> {
    await this.sql.run(
      `UPDATE runs SET finished_at = ?, status = ?, documents_ok = ?, documents_findings = ?, documents_failed = ?, documents_skipped = ? WHERE id = ?`,
      [new Date().toISOString(), status, counts.ok, counts.findings, counts.failed, counts.skipped, runId],
    );
  }

  /** An identity of the store shared by every machine that opens it (PostgreSQL); null for a local SQLite file. */
  get storeId(): string | null {
    return this.sql.storeId ?? null;
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}

/** Points the path at the document; a document left with no path (its file now has other content) is removed, its corrections moved along. */
async function recordPath(tx: SqlClient, sql: ReturnType<typeof writeStatements>, documentId: string, seen: SeenPath): Promise<void> {
  const previous = (await tx.get<{ document_id: string }>(sql.pathOwner, [seen.path]))?.document_id;
  await tx.run(sql.upsertPath, pathRow(documentId, seen));
  if (previous !== undefined && previous !== documentId) {
    await tx.run(sql.moveCorrectionsIfPathless, [documentId, previous, previous]);
    const moved = await tx.get<{ key: number }>(sql.existing, [documentId]);
    if (moved) await tx.run(sql.markStale, [documentId, moved.key]);
    await tx.run(sql.deleteIfPathless, [previous, previous]);
  }
}

async function insertRows(tx: SqlClient, table: string, columns: readonly string[], values: SqlValue[]): Promise<void> {
  const width = columns.length;
  const rows = values.length / width;
  for (let first = 0; first < rows; first += MAX_ROWS_PER_INSERT) {
    const n = Math.min(MAX_ROWS_PER_INSERT, rows - first);
    await tx.run(insertSql(table, columns, n), values.slice(first * width, (first + n) * width));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A stored document with its tables, findings, sections and corrections (export and the review server read it so). */
export async function loadStoredDocument(sql: SqlClient, id: string): Promise<StoredDocument | null> {
  const d = await sql.get<Record<string, string | number | null>>(
    `SELECT d.*, r.agency, r.year, r.layout, r.published_date, r.title, r.publisher, r.source_url
     FROM documents d LEFT JOIN reports r ON r.document_id = d.id WHERE d.id = ?`,
    [id],
  );
  if (!d) return null;
  const paths = (await sql.all<{ path: string }>('SELECT path FROM document_paths WHERE document_id = ? ORDER BY path', [id])).map((p) => p.path);
  const cells = await sql.all<CellRow>(
    `SELECT "table" AS "table", "row" AS "row", col, value, raw, unit, note, method, page, line, table_index, grid_row, grid_col, box, confidence, char_offset
     FROM cells WHERE document_id = ? ORDER BY "table", "row", col`,
    [id],
  );
  const tables = (await sql.all<{ table: string; layout: Layout; page: number | null; line: number | null }>(`SELECT "table" AS "table", layout, page, line FROM report_tables WHERE document_id = ?`, [id])).map(
    (t): ExtractedTable => ({ table: t.table, layout: t.layout, prov: provOf(t), cells: cells.filter((c) => c.table === t.table).map(cellOf) }),
  );
  const findings = (await sql.all<Record<string, string | number | null>>(`SELECT * FROM findings WHERE document_id = ? ORDER BY position`, [id])).map(findingOf);
  const sections = await sql.all<{ key: ProcessedDocument['sections'][number]['key']; heading: string; text: string; line: number | null; page: number | null }>(
    'SELECT key, heading, text, line, page FROM sections WHERE document_id = ? ORDER BY position',
    [id],
  );
  return {
    document: {
      id,
      path: String(d.path),
      paths: paths.length ? paths : [String(d.path)],
      file: String(d.file_name),
      format: (d.format as InputFormat | null) ?? null,
      status: d.status as DocumentStatus,
      error: (d.error as string | null) ?? null,
      failedStage: (d.failed_stage as string | null) ?? null,
      agency: (d.agency as string | null) ?? null,
      year: (d.year as number | null) ?? null,
      layout: (d.layout as string | null) ?? null,
      publishedDate: (d.published_date as string | null) ?? null,
      title: (d.title as string | null) ?? null,
      publisher: (d.publisher as string | null) ?? null,
      sourceUrl: (d.source_url as string | null) ?? null,
      pipelineVersion: String(d.pipeline_version),
      ingestedAt: String(d.ingested_at),
      extractMeta: d.extract_meta ? (JSON.parse(String(d.extract_meta)) as Record<string, string | number | boolean>) : {},
    },
    tables,
    findings,
    sections,
    corrections: await correctionsOf(sql, id),
  };
}

export async function correctionsOf(sql: SqlClient, documentId: string): Promise<Correction[]> {
  return (await sql.all<CorrectionRow>(`SELECT * FROM corrections WHERE document_id = ? ORDER BY id`, [documentId])).map((r) => ({
    id: r.id,
    documentId: r.document_id,
    table: r.table,
    row: r.row,
    col: r.col,
    action: r.action,
    value: r.value,
    extractedValue: r.extracted_value,
    extractedRaw: r.extracted_raw,
    extractedMethod: r.extracted_method,
    reason: r.reason,
    reviewer: r.reviewer,
    createdAt: r.created_at,
    status: r.status,
  }));
}


function provOf(r: { page?: number | null; line?: number | null }): Provenance {
  const p: Provenance = {};
  if (r.page != null) p.page = r.page;
  if (r.line != null) p.line = r.line;
  return p;
}

function cellOf(r: CellRow): Cell {
  const prov = provOf(r);
  if (r.table_index != null) prov.tableIndex = r.table_index;
  if (r.grid_row != null) prov.gridRow = r.grid_row;
  if (r.grid_col != null) prov.gridCol = r.grid_col;
  if (r.confidence != null) prov.confidence = r.confidence;
  if (r.char_offset != null) prov.offset = r.char_offset;
  if (r.box) {
    const [x0, y0, x1, y1] = JSON.parse(r.box) as [number, number, number, number];
    prov.box = { x0, y0, x1, y1 };
  }
  return { table: r.table, row: r.row, col: r.col, value: r.value, raw: r.raw, unit: r.unit, note: r.note, method: r.method as PlacementMethod, prov };
}

function findingOf(r: Record<string, string | number | null>): Finding {
  const f: Finding = { rule: String(r.rule), severity: r.severity as Severity, message: String(r.message) };
  for (const [key, column] of [['table', 'table'], ['row', 'row'], ['col', 'col'], ['actual', 'actual'], ['expected', 'expected']] as const) {
    if (r[column] != null) f[key] = String(r[column]);
  }
  if (r.page != null) f.page = Number(r.page);
  if (r.line != null) f.line = Number(r.line);
  if (r.char_offset != null) f.offset = Number(r.char_offset);
  return f;
}
