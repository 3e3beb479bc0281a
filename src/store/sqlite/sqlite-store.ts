/**
 * The Store interface over the SQLite file: what the review server reads, and the corrections it records.
 * Reads run while an ingest writes (WAL); a correction is one small transaction of its own.
 */
import type { Correction } from '../../review/corrections.js';
import type { Finding, Severity } from '../../findings.js';
import type { Cell, DocumentStatus, ExtractedTable, InputFormat, Layout, PlacementMethod, ProcessedDocument, Provenance } from '../../types.js';
import { UnknownCellError } from '../store.js';
import type { BodyYear, CollectionSummary, DocumentListItem, DocumentQuery, NewCorrection, SortKey, Store, StoredDocument } from '../store.js';
import { openDatabase } from './db.js';
import type { Db } from './db.js';

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

export class SqliteStore implements Store {
  readonly db: Db;

  constructor(path: string, options: { lockTimeoutS?: number } = {}) {
    this.db = openDatabase(path, { mustExist: true, ...(options.lockTimeoutS !== undefined ? { lockTimeoutS: options.lockTimeoutS } : {}) });
  }

  async listDocuments(query: DocumentQuery): Promise<{ total: number; documents: DocumentListItem[] }> {
    const where: string[] = [];
    const params: (string | number)[] = [];
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
      where.push(`(instr(r.agency, ?) > 0 OR instr(d.file_name, ?) > 0 OR instr(r.title, ?) > 0)`);
      params.push(query.q, query.q, query.q);
    }
    if (query.hasErrors) where.push(`EXISTS (SELECT 1 FROM findings e WHERE e.document_id = d.id AND e.severity = 'error')`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare<(string | number)[], { n: number }>(`SELECT COUNT(*) AS n FROM documents d LEFT JOIN reports r ON r.document_id = d.id ${filter}`).get(...params)!.n;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, query.pageSize ?? DEFAULT_PAGE_SIZE));
    const page = Math.max(1, query.page ?? 1);
    const order = `${SORT_COLUMNS[query.sort ?? 'file']} ${query.descending ? 'DESC' : 'ASC'}, d.path`;
    return { total, documents: this.listRows(filter, params, order, pageSize, (page - 1) * pageSize) };
  }

  /** Listed documents with their error and warning counts — counted for these rows only (index on findings). */
  private listRows(filter: string, params: (string | number)[], order: string, limit: number, offset: number): DocumentListItem[] {
    return this.db
      .prepare<(string | number)[], DocumentListItem>(
        `SELECT d.id, d.file_name AS file, d.path, r.agency, r.year, r.layout, d.format, d.status,
                (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'error') AS errors,
                (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id AND f.severity = 'warning') AS warnings
         FROM documents d LEFT JOIN reports r ON r.document_id = d.id ${filter} ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset);
  }

  async summary(): Promise<CollectionSummary> {
    const all = <T>(sql: string): T[] => this.db.prepare<[], T>(sql).all();
    return {
      documents: all<{ n: number }>('SELECT COUNT(*) AS n FROM documents')[0]!.n,
      byStatus: all('SELECT status, COUNT(*) AS n FROM documents GROUP BY status ORDER BY n DESC'),
      byRule: all('SELECT rule, severity, COUNT(*) AS n FROM findings GROUP BY rule, severity ORDER BY n DESC'),
      byYear: all('SELECT r.year AS year, COUNT(*) AS n FROM documents d LEFT JOIN reports r ON r.document_id = d.id GROUP BY r.year ORDER BY r.year'),
      facets: {
        years: all<{ y: number }>('SELECT DISTINCT year AS y FROM reports WHERE year IS NOT NULL ORDER BY y').map((r) => r.y),
        layouts: all<{ l: string }>('SELECT DISTINCT layout AS l FROM reports WHERE layout IS NOT NULL ORDER BY l').map((r) => r.l),
        formats: all<{ f: string }>('SELECT DISTINCT format AS f FROM documents WHERE format IS NOT NULL ORDER BY f').map((r) => r.f),
      },
    };
  }

  async getDocument(id: string): Promise<StoredDocument | null> {
    return loadStoredDocument(this.db, id);
  }

  async addCorrection(c: NewCorrection): Promise<Correction> {
    const add = this.db.transaction((): number => {
      const cell = this.db
        .prepare<[string, string, string, string], { value: number | null; raw: string | null; method: string }>(
          `SELECT value, raw, method FROM cells WHERE document_id = ? AND "table" = ? AND "row" = ? AND col = ?`,
        )
        .get(c.documentId, c.table, c.row, c.col);
      if (!cell) throw new UnknownCellError(`document ${c.documentId} has no cell ${c.table}.${c.row}.${c.col}`);
      const value = c.action === 'confirm' ? cell.value : c.value;
      const info = this.db
        .prepare(
          `INSERT INTO corrections (document_id, "table", "row", col, action, value, extracted_value, extracted_raw, extracted_method, reason, reviewer, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(c.documentId, c.table, c.row, c.col, c.action, value, cell.value, cell.raw, cell.method, c.reason.trim(), c.reviewer, new Date().toISOString());
      return Number(info.lastInsertRowid);
    });
    const id = add.immediate();
    return correctionsOf(this.db, c.documentId).find((x) => x.id === id)!;
  }

  async bodyYears(agency: string): Promise<BodyYear[]> {
    const out: BodyYear[] = [];
    // The body, not the printed name: `洪泽区人民政府` and `淮安市洪泽区人民政府` are one body's years.
    const where = 'WHERE r.body_id IN (SELECT body_id FROM reports WHERE agency = ?) OR (r.body_id IS NULL AND r.agency = ?)';
    for (const document of this.listRows(where, [agency, agency], 'r.year, d.path', MAX_PAGE_SIZE, 0)) {
      const doc = await this.getDocument(document.id);
      if (doc) out.push({ document, tables: doc.tables });
    }
    return out;
  }

  async close(): Promise<void> {
    this.db.close();
  }


}

export function loadStoredDocument(db: Db, id: string): StoredDocument | null {
  const d = db
    .prepare<[string], Record<string, string | number | null>>(
      `SELECT d.*, r.agency, r.year, r.layout, r.published_date, r.title, r.publisher, r.source_url
       FROM documents d LEFT JOIN reports r ON r.document_id = d.id WHERE d.id = ?`,
    )
    .get(id);
  if (!d) return null;
  const paths = db.prepare<[string], { path: string }>('SELECT path FROM document_paths WHERE document_id = ? ORDER BY path').all(id).map((p) => p.path);
  const cells = db
    .prepare<[string], CellRow>(
      `SELECT "table" AS "table", "row" AS "row", col, value, raw, unit, note, method, page, line, table_index, grid_row, grid_col, box, confidence, char_offset
       FROM cells WHERE document_id = ?`,
    )
    .all(id);
  const tables = db
    .prepare<[string], { table: string; layout: Layout; page: number | null; line: number | null }>(`SELECT "table" AS "table", layout, page, line FROM report_tables WHERE document_id = ?`)
    .all(id)
    .map((t): ExtractedTable => ({ table: t.table, layout: t.layout, prov: provOf(t), cells: cells.filter((c) => c.table === t.table).map(cellOf) }));
  const findings = db
    .prepare<[string], Record<string, string | number | null>>(`SELECT * FROM findings WHERE document_id = ? ORDER BY position`)
    .all(id)
    .map(findingOf);
  const sections = db
    .prepare<[string], { key: ProcessedDocument['sections'][number]['key']; heading: string; text: string; line: number | null; page: number | null }>(
      'SELECT key, heading, text, line, page FROM sections WHERE document_id = ? ORDER BY position',
    )
    .all(id);
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
    corrections: correctionsOf(db, id),
  };
}

export function correctionsOf(db: Db, documentId: string): Correction[] {
  return db
    .prepare<[string], CorrectionRow>(`SELECT * FROM corrections WHERE document_id = ? ORDER BY id`)
    .all(documentId)
    .map((r) => ({
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
