/**
 * A ProcessedDocument as rows, and the statements that write them — one text for both engines (the few
 * words they spell differently chosen by dialect). The SQLite writer (sqlite/write-document.ts, the fast
 * path of an embedded batch) and the generic one (sql-store.ts, PostgreSQL) write the same rows the same way.
 */
import { basename } from 'node:path';
import { unlinkedBody } from '../stages/region.js';
import type { Cell, ProcessedDocument, RegionLink } from '../types.js';
import type { Dialect, SqlValue } from './sql.js';

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

export const CELL_COLUMNS = ['document_key', 'slot', 'value', 'raw', 'unit', 'note', 'method', 'page', 'line', 'table_index', 'grid_row', 'grid_col', 'box', 'confidence', 'char_offset'];
/**
 * The columns a cell read from text carries (no page, box, grid position, confidence or note): such a
 * document's cells are inserted naming only these, the others left NULL — a bound value costs as much as a
 * quarter of a row's insert.
 */
export const TEXT_CELL_COLUMNS = ['document_key', 'slot', 'value', 'raw', 'unit', 'method', 'line', 'char_offset'];
export const SECTION_COLUMNS = ['document_key', 'position', 'key', 'heading', 'text', 'line', 'page'];
export const TABLE_COLUMNS = ['document_key', '"table"', 'layout', 'page', 'line'];
export const FINDING_COLUMNS = ['document_key', 'position', 'rule', 'severity', 'message', '"table"', '"row"', 'col', 'actual', 'expected', 'page', 'line', 'char_offset'];

/**
 * The tables a document's child rows are written to, keyed by its integer key (migrations 3, 7 and 8); readers
 * read them through the views `cells`, `sections`, `report_tables` and `findings`.
 */
export const CHILD_TABLES = { cells: 'cell_values', sections: 'sections_by_key', tables: 'report_tables_by_key', findings: 'findings_by_key' } as const;
const KEYED_TABLES = Object.values(CHILD_TABLES);

/** The statements of a document's write, with `?` placeholders. */
export function writeStatements(dialect: Dialect) {
  // A new document takes the next key: PostgreSQL's writers run at once, so from a sequence.
  const nextKey = dialect === 'postgres' ? "nextval('documents_key_seq')" : '(SELECT COALESCE(MAX(key), 0) + 1 FROM documents)';
  return {
    existing: 'SELECT pipeline_version, run_id, key FROM documents WHERE id = ?',
    /** A stored document's rows, before it is stored again: by its key (parameter: the key). */
    deleteKeyed: KEYED_TABLES.map((t) => `DELETE FROM ${t} WHERE document_key = ?`),
    /** Parameter: the document's id. */
    deleteReport: 'DELETE FROM reports WHERE document_id = ?',
    /** Parameters: the document's key, its id. */
    markStale: `UPDATE corrections SET status = 'stale'
      WHERE document_id = ? AND status = 'active' AND NOT EXISTS (
        SELECT 1 FROM cell_values c JOIN cell_slots s ON s.slot = c.slot
        WHERE c.document_key = ? AND s."table" = corrections."table" AND s."row" = corrections."row"
          AND s.col = corrections.col AND c.value IS NOT DISTINCT FROM corrections.extracted_value)`,
    allSlots: 'SELECT slot, "table" AS "table", "row" AS "row", col FROM cell_slots',
    addSlot: 'INSERT INTO cell_slots ("table", "row", col) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    slot: 'SELECT slot FROM cell_slots WHERE "table" = ? AND "row" = ? AND col = ?',
    upsertDocument: `INSERT INTO documents (id, key, path, file_name, format, size_bytes, status, error, failed_stage, pipeline_version, run_id, ingested_at, extract_meta, timings)
      VALUES (?, ${nextKey}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
    insertReport: 'INSERT INTO reports (document_id, agency, year, layout, published_date, title, publisher, source_url, body_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    /** A body's row follows the latest report linked to it (a newer dataset may rename its places). */
    upsertBody: `INSERT INTO bodies (id, name, region_code, region_level, province, city, county, township) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code, region_level = excluded.region_level,
        province = excluded.province, city = excluded.city, county = excluded.county, township = excluded.township`,
    pathOwner: 'SELECT document_id FROM document_paths WHERE path = ?',
    upsertPath: `INSERT INTO document_paths (path, document_id, file_name, size_bytes, mtime_ms, seen_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET document_id = excluded.document_id, file_name = excluded.file_name,
        size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, seen_at = excluded.seen_at`,
    /** Parameters: the new document's id, the old one's id twice. */
    moveCorrectionsIfPathless: 'UPDATE corrections SET document_id = ? WHERE document_id = ? AND NOT EXISTS (SELECT 1 FROM document_paths WHERE document_id = ?)',
    deleteIfPathless: 'DELETE FROM documents WHERE id = ? AND NOT EXISTS (SELECT 1 FROM document_paths WHERE document_id = ?)',
    knownPath: `SELECT p.document_id, p.size_bytes, p.mtime_ms, d.pipeline_version, d.status
      FROM document_paths p JOIN documents d ON d.id = p.document_id WHERE p.path = ?`,
  };
}

/** The document row's values, in upsertDocument's order (after id and key). */
export function documentRow(doc: ProcessedDocument, seen: SeenPath, version: string, runId: number | null): SqlValue[] {
  return [
    doc.id,
    seen.path,
    basename(seen.path),
    doc.format,
    doc.sizeBytes,
    doc.status,
    doc.error,
    doc.failedStage,
    version,
    runId,
    new Date().toISOString(),
    JSON.stringify(doc.extractMeta),
    JSON.stringify(roundTimings(doc.timings)),
  ];
}

/** A path row's values, in upsertPath's order. */
export function pathRow(documentId: string, seen: SeenPath): SqlValue[] {
  return [seen.path, documentId, basename(seen.path), seen.sizeBytes, seen.mtimeMs === null ? null : Math.trunc(seen.mtimeMs), new Date().toISOString()];
}

/**
 * A report row is written unless the document failed before anything was learnt of it; with it, the row of its
 * body (upsertBody's order), written first.
 */
export function reportRow(doc: ProcessedDocument): { body: SqlValue[] | null; report: SqlValue[] } | null {
  const m = doc.meta;
  if (doc.status === 'failed' && m.agency === null && m.year === null) return null;
  // A document made elsewhere than the pipeline (a test, an older worker) may carry no link: its body is its printed name.
  const b: RegionLink | null = m.region ?? (m.agency ? unlinkedBody(m.agency) : null);
  return {
    body: b ? [b.bodyId, b.bodyName, b.code, b.level, b.province, b.city, b.county, b.township] : null,
    report: [doc.id, m.agency, m.year, m.layout, m.publishedDate, m.title, m.publisher ?? null, m.sourceUrl ?? null, b?.bodyId ?? null],
  };
}

/** A row of `cell_slots`: the integer a place (table, row, column) is stored as. */
export interface SlotRow {
  slot: number;
  table: string;
  row: string;
  col: string;
}

/** Thrown when a cell's place has no slot yet: a writer must add the document's new places first (`CellSlots.slotsOf`). */
export class UnknownSlotError extends Error {
  constructor(place: string) {
    super(`no cell slot for ${place}: add the document's new places to cell_slots before its cells`);
    this.name = 'UnknownSlotError';
  }
}

/**
 * The slots a writer knows, by place. A place seen for the first time gets a row in `cell_slots` before the
 * cells that use it; a writer whose transaction rolls back reloads what the database holds (`load`), so a
 * slot it added and lost is never used.
 */
export class CellSlots {
  /** table → row → column → slot: three lookups and no key string built per cell (a report has ~200 cells). */
  private readonly byPlace = new Map<string, Map<string, Map<string, number>>>();

  load(rows: readonly SlotRow[]): void {
    this.byPlace.clear();
    // PostgreSQL gives its BIGINTs as strings.
    for (const r of rows) this.add({ table: r.table, row: r.row, col: r.col, slot: Number(r.slot) });
  }

  add(r: SlotRow): void {
    let rows = this.byPlace.get(r.table);
    if (!rows) this.byPlace.set(r.table, (rows = new Map()));
    let cols = rows.get(r.row);
    if (!cols) rows.set(r.row, (cols = new Map()));
    cols.set(r.col, r.slot);
  }

  /** The slots of a document's cells, table after table, cell after cell; or the places that have none yet (usually none: a kind has a few hundred). */
  slotsOf(doc: ProcessedDocument): { slots: number[]; missing: { table: string; row: string; col: string }[] } {
    const slots: number[] = [];
    const missing: { table: string; row: string; col: string }[] = [];
    for (const t of doc.tables) {
      for (const c of t.cells) {
        const slot = this.byPlace.get(c.table)?.get(c.row)?.get(c.col);
        if (slot !== undefined) slots.push(slot);
        else if (!missing.some((m) => m.table === c.table && m.row === c.row && m.col === c.col)) missing.push({ table: c.table, row: c.row, col: c.col });
      }
    }
    return { slots, missing };
  }
}

/**
 * The child rows of a document, each table's as one flat array of values (row after row). `cellColumns`:
 * the cells' columns — the short list when no cell carries more than a text source gives.
 */
export function childRows(
  doc: ProcessedDocument,
  key: number,
  slots: readonly number[],
): { sections: SqlValue[]; tables: SqlValue[]; cells: SqlValue[]; cellColumns: readonly string[]; findings: SqlValue[] } {
  const sections: SqlValue[] = [];
  doc.sections.forEach((sec, i) => sections.push(key, i, sec.key, sec.heading, sec.text, sec.line, sec.page));
  const tables: SqlValue[] = [];
  const cells: SqlValue[] = [];
  const textOnly = doc.tables.every((t) => t.cells.every(isTextCell));
  let n = 0;
  for (const table of doc.tables) {
    tables.push(key, table.table, table.layout, table.prov.page ?? null, table.prov.line ?? null);
    for (const c of table.cells) {
      const slot = slots[n++];
      if (slot === undefined) throw new UnknownSlotError(`${c.table}.${c.row}.${c.col}`);
      if (textOnly) pushTextCell(cells, key, slot, c);
      else pushCell(cells, key, slot, c);
    }
  }
  const findings: SqlValue[] = [];
  doc.findings.forEach((f, i) =>
    findings.push(key, i, f.rule, f.severity, f.message, f.table ?? null, f.row ?? null, f.col ?? null, f.actual ?? null, f.expected ?? null, f.page ?? null, f.line ?? null, f.offset ?? null),
  );
  return { sections, tables, cells, cellColumns: textOnly ? TEXT_CELL_COLUMNS : CELL_COLUMNS, findings };
}

/** A cell with nothing beyond TEXT_CELL_COLUMNS. */
function isTextCell(c: Cell): boolean {
  const p = c.prov;
  return c.note == null && p.page == null && p.tableIndex == null && p.gridRow == null && p.gridCol == null && p.box == null && p.confidence == null;
}

function pushTextCell(out: SqlValue[], documentKey: number, slot: number, c: Cell): void {
  out.push(documentKey, slot, c.value, c.raw, c.unit, c.method, c.prov.line ?? null, c.prov.offset ?? null);
}

function pushCell(out: SqlValue[], documentKey: number, slot: number, c: Cell): void {
  const p = c.prov;
  out.push(
    documentKey,
    slot,
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

/** A multi-row INSERT statement's text for `rows` rows. */
export function insertSql(table: string, columns: readonly string[], rows: number): string {
  const tuple = `(${columns.map(() => '?').join(',')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array(rows).fill(tuple).join(',')}`;
}
