/**
 * `ogi export`: the database as three CSV files in --out — cells.csv (long), reports.csv (wide, one row
 * per document) and findings.csv. Read in one transaction, so a concurrent ingest never shows half a document.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { UsageError } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { Finding } from '../findings.js';
import { reviewDocument } from '../review/corrections.js';
import { openStore } from '../store/open.js';
import { loadStoredDocument } from '../store/sql-store.js';
import type { CellRow } from '../store/sql-store.js';
import type { SqlClient } from '../store/sql.js';
import { asStoreError } from '../store/errors.js';
import { CsvFile } from './csv.js';
import { KindLabels, shown } from './display-labels.js';
import type { LabelMode } from './display-labels.js';

export interface ExportOptions {
  db: string;
  out: string;
  lockTimeoutS: number;
  /** Template keys (default), the format's own words, or both (display-labels.ts). */
  labels?: LabelMode;
  stdout?: NodeJS.WritableStream;
}

export interface ExportResult {
  files: { file: string; rows: number }[];
}

/** The report's division and body (stages/region.ts), on every row of cells.csv and reports.csv. */
export const REGION_COLUMNS = ['region_code', 'region_level', 'province', 'city', 'county', 'township', 'body_id'] as const;
export const CELL_COLUMNS = [
  'document_id', 'path', 'file', 'agency', 'year', 'layout', 'table', 'row', 'col', 'value', 'raw', 'unit', 'note',
  'page', 'line', 'box', 'method', 'table_index', 'grid_row', 'grid_col', 'confidence', 'char_offset', 'extracted_value', ...REGION_COLUMNS,
] as const;
export const FINDING_COLUMNS = ['document_id', 'file', 'rule', 'severity', 'message', 'table', 'row', 'col', 'actual', 'expected', 'page', 'line', 'char_offset', 'resolved'] as const;
export const CORRECTION_COLUMNS = [
  'id', 'document_id', 'file', 'table', 'row', 'col', 'action', 'value', 'extracted_value', 'extracted_raw', 'extracted_method', 'reason', 'reviewer', 'created_at', 'status',
] as const;
export const REPORT_COLUMNS = [
  'document_id', 'path', 'file', 'format', 'agency', 'year', 'layout', 'published_date', 'title', 'publisher', 'source_url', 'status', 'failed_stage', 'error', 'errors', 'warnings', 'infos',
  ...REGION_COLUMNS,
] as const;

export async function exportCsv(options: ExportOptions): Promise<ExportResult> {
  const outDir = prepareOutDir(options.out);
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS, mustExist: true });
  const files: CsvFile[] = [];
  try {
    // One read-only transaction: a consistent snapshot, whatever an ingest writes meanwhile.
    const result = await store.sql.transaction(
      async (sql) => {
        const mode = options.labels ?? 'keys';
        const names = new KindLabels(OGI_ANNUAL_REPORT);
        const order = templateOrder(OGI_ANNUAL_REPORT);
        const cells = new CsvFile(join(outDir, 'cells.csv'), mode === 'both' ? [...CELL_COLUMNS, ...LABEL_COLUMNS] : CELL_COLUMNS);
        files.push(cells);
        const reports = new CsvFile(join(outDir, 'reports.csv'), [...REPORT_COLUMNS, ...wideHeaders(await wideColumns(sql, order), mode, names)]);
        files.push(reports);
        const findings = new CsvFile(join(outDir, 'findings.csv'), FINDING_COLUMNS);
        files.push(findings);
        const corrections = new CsvFile(join(outDir, 'corrections.csv'), CORRECTION_COLUMNS);
        files.push(corrections);
        await writeDocuments(sql, order, { cells, reports, findings }, cellLabeller(mode, names));
        await writeCorrections(sql, corrections);
        for (const f of files) f.commit();
        return [
          { file: join(outDir, 'cells.csv'), rows: cells.rows },
          { file: join(outDir, 'reports.csv'), rows: reports.rows },
          { file: join(outDir, 'findings.csv'), rows: findings.rows },
          { file: join(outDir, 'corrections.csv'), rows: corrections.rows },
        ];
      },
      { readOnly: true },
    );
    const out = options.stdout ?? process.stdout;
    for (const f of result) out.write(`wrote ${f.file} (${f.rows} row${f.rows === 1 ? '' : 's'})\n`);
    return { files: result };
  } catch (e) {
    for (const f of files) f.discard();
    throw asStoreError(e, store.sql, options.lockTimeoutS);
  } finally {
    await store.close();
  }
}

function prepareOutDir(out: string): string {
  const dir = resolve(out);
  const info = statSync(dir, { throwIfNoEntry: false });
  if (info && !info.isDirectory()) throw new UsageError(`Expected --out to be a folder, but ${dir} is a file`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Position of every known (table,row,col) in the templates, both layouts: the column order of reports.csv. */
function templateOrder(kind: ReportKind): Map<string, number> {
  const order = new Map<string, number>();
  for (const table of kind.tables) {
    for (const variant of table.variants) {
      for (const row of variant.rows) {
        for (const col of variant.columns) {
          const key = `${table.key}.${row.key}.${col.key}`;
          if (!order.has(key)) order.set(key, order.size);
        }
      }
    }
  }
  return order;
}

/** Template keys, then any key the database holds that the templates do not know (sorted). */
async function wideColumns(sql: SqlClient, order: Map<string, number>): Promise<string[]> {
  const extra = (await sql.all<{ k: string }>(`SELECT DISTINCT "table" || '.' || "row" || '.' || col AS k FROM cells`))
    .map((r) => r.k)
    .filter((k) => !order.has(k))
    .sort();
  for (const k of extra) order.set(k, order.size);
  return [...order.keys()];
}

interface DocumentRow {
  id: string;
  path: string;
  file_name: string;
  format: string | null;
  status: string;
  failed_stage: string | null;
  error: string | null;
  agency: string | null;
  year: number | null;
  layout: string | null;
  published_date: string | null;
  title: string | null;
  publisher: string | null;
  source_url: string | null;
  region_code: string | null;
  region_level: string | null;
  province: string | null;
  city: string | null;
  county: string | null;
  township: string | null;
  body_id: string | null;
  errors: number;
  warnings: number;
  infos: number;
}

/** A row of `corrected_cells`: a cell with the correction in force applied. */
interface CorrectedCellRow extends CellRow {
  /** The value as extracted, when a reviewer's correction set another (value holds the corrected one). */
  extracted_value: number | null;
}

/** The labels cells.csv carries: keys, the format's words in place of the keys, or both (labels in columns of their own). */
const LABEL_COLUMNS = ['table_label', 'row_label', 'col_label'] as const;

type CellLabeller = (c: { table: string; row: string; col: string }, layout: string | null) => { keys: [string, string, string]; extra: string[] };

function cellLabeller(mode: LabelMode, names: KindLabels): CellLabeller {
  return (c, layout) => {
    if (mode === 'keys') return { keys: [c.table, c.row, c.col], extra: [] };
    const words: [string, string, string] = [names.table(c.table), names.row(c.table, c.row, layout), names.column(c.table, c.col, layout)];
    return mode === 'zh' ? { keys: words, extra: [] } : { keys: [c.table, c.row, c.col], extra: words };
  };
}

/** reports.csv's template columns: `sec3.new_received.total`, or as the format writes them (kept unique). */
function wideHeaders(keys: string[], mode: LabelMode, names: KindLabels): string[] {
  if (mode === 'keys') return keys;
  const used = new Set<string>();
  return keys.map((key) => {
    const [table, row, col] = key.split('.') as [string, string, string];
    let words = `${names.table(table)}·${names.row(table, row)}·${names.column(table, col)}`;
    if (used.has(words)) words = `${words} (${key})`;
    used.add(words);
    return shown(mode, key, words);
  });
}

/** Documents in path order, byte by byte in both engines (PostgreSQL would sort by its locale). */
const byPath = (sql: SqlClient): string => (sql.dialect === 'postgres' ? 'd.path COLLATE "C"' : 'd.path');

/**
 * cells.csv and reports.csv, document by document; findings.csv too — each finding `resolved` when the
 * document's corrections resolve it (re-checked with the corrected figures), then the findings the
 * corrected figures raise that the extracted ones did not.
 */
async function writeDocuments(sql: SqlClient, order: Map<string, number>, csv: { cells: CsvFile; reports: CsvFile; findings: CsvFile }, labelled: CellLabeller): Promise<void> {
  const documents = await sql.all<DocumentRow>(
    `SELECT d.id, d.path, d.file_name, d.format, d.status, d.failed_stage, d.error,
            r.agency, r.year, r.layout, r.published_date, r.title, r.publisher, r.source_url, f.errors, f.warnings, f.infos,
            b.region_code, b.region_level, b.province, b.city, b.county, b.township, r.body_id
     FROM documents d LEFT JOIN reports r ON r.document_id = d.id JOIN document_findings f ON f.document_id = d.id
     LEFT JOIN bodies b ON b.id = r.body_id
     ORDER BY ${byPath(sql)}`,
  );
  const reviewed = new Set((await sql.all<{ document_id: string }>(`SELECT DISTINCT document_id FROM current_corrections`)).map((r) => r.document_id));
  const added: { documentId: string; file: string; findings: Finding[] }[] = [];
  const width = order.size;
  for (const d of documents) {
    const region = [d.region_code, d.region_level, d.province, d.city, d.county, d.township, d.body_id];
    const cells = await sql.all<CorrectedCellRow>(
      `SELECT "table" AS "table", "row" AS "row", col, value, raw, unit, note, page, line, box, method, table_index, grid_row, grid_col, confidence, char_offset,
              CASE WHEN method = 'corrected' THEN extracted_value END AS extracted_value
       FROM corrected_cells WHERE document_id = ?`,
      [d.id],
    );
    const position = (c: CorrectedCellRow) => order.get(`${c.table}.${c.row}.${c.col}`) ?? width;
    // Template order; cells the templates do not know after them, by key (the same order from every engine).
    const keyOf = (c: CorrectedCellRow) => `${c.table}.${c.row}.${c.col}`;
    cells.sort((a, b) => position(a) - position(b) || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const wide: (number | string | null)[] = new Array<number | string | null>(width).fill(null);
    for (const c of cells) {
      const { keys, extra } = labelled(c, d.layout);
      csv.cells.writeRow([
        d.id, d.path, d.file_name, d.agency, d.year, d.layout, ...keys, c.value, c.raw, c.unit, c.note,
        c.page, c.line, c.box, c.method, c.table_index, c.grid_row, c.grid_col, c.confidence, c.char_offset, c.extracted_value, ...region, ...extra,
      ]);
      const i = position(c);
      if (i < width) wide[i] = c.value;
    }
    csv.reports.writeRow([
      d.id, d.path, d.file_name, d.format, d.agency, d.year, d.layout, d.published_date, d.title, d.publisher, d.source_url, d.status, d.failed_stage, d.error,
      d.errors, d.warnings, d.infos, ...region, ...wide,
    ]);
    const doc = reviewed.has(d.id) ? await loadStoredDocument(sql, d.id) : null;
    const review = doc ? reviewDocument(doc, doc.corrections, OGI_ANNUAL_REPORT) : null;
    const findings = await sql.all<Record<(typeof FINDING_COLUMNS)[number], string | number | null> & { position: number }>(
      `SELECT f.document_id, ? AS file, f.position, f.rule, f.severity, f.message, f."table" AS "table", f."row" AS "row", f.col,
              f.actual, f.expected, f.page, f.line, f.char_offset
       FROM findings f WHERE f.document_id = ? ORDER BY f.position`,
      [d.file_name, d.id],
    );
    for (const f of findings) csv.findings.writeRow(FINDING_COLUMNS.map((c) => (c === 'resolved' ? String(review?.findings[f.position]?.resolved ?? false) : f[c])));
    if (review && review.added.length > 0) added.push({ documentId: d.id, file: d.file_name, findings: review.added });
  }
  for (const { documentId, file, findings } of added) {
    for (const a of findings) {
      const row: Record<string, string | number | null> = { document_id: documentId, file, rule: a.rule, severity: a.severity, message: `after corrections: ${a.message}`,
        table: a.table ?? null, row: a.row ?? null, col: a.col ?? null, actual: a.actual ?? null, expected: a.expected ?? null, page: a.page ?? null, line: a.line ?? null, char_offset: a.offset ?? null, resolved: 'false' };
      csv.findings.writeRow(FINDING_COLUMNS.map((c) => row[c] ?? null));
    }
  }
}

/** corrections.csv: every correction, stale ones included, with the extracted cell it was made on. */
async function writeCorrections(sql: SqlClient, csv: CsvFile): Promise<void> {
  const rows = await sql.all<Record<(typeof CORRECTION_COLUMNS)[number], string | number | null>>(
    `SELECT k.id, k.document_id, d.file_name AS file, k."table" AS "table", k."row" AS "row", k.col, k.action, k.value, k.extracted_value,
            k.extracted_raw, k.extracted_method, k.reason, k.reviewer, k.created_at, k.status
     FROM corrections k JOIN documents d ON d.id = k.document_id ORDER BY ${byPath(sql)}, k.id`,
  );
  for (const r of rows) csv.writeRow(CORRECTION_COLUMNS.map((c) => r[c]));
}
