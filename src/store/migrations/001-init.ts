/**
 * Migration 1: the initial schema. STRICT tables so a wrong type is an error, not a silent coercion;
 * every child row references its document with ON DELETE CASCADE so a document is removed in one statement.
 * PostgreSQL: the same tables and views, with its types (BIGINT for integers that may pass 2³¹, DOUBLE
 * PRECISION for REAL, identity columns for the rowid keys).
 */
import type { Migration } from './index.js';

/** The analysts' views: the same SQL in both dialects (migration 3 recreates them over the cells view in PostgreSQL). */
export const VIEWS_1 = `
-- Views for analysts -------------------------------------------------------------------------------

-- Finding counts per document (documents without findings included, with zeros).
CREATE VIEW document_findings AS
SELECT d.id AS document_id, d.file_name, d.status,
       COUNT(CASE WHEN f.severity = 'error' THEN 1 END) AS errors,
       COUNT(CASE WHEN f.severity = 'warning' THEN 1 END) AS warnings,
       COUNT(CASE WHEN f.severity = 'info' THEN 1 END) AS infos
FROM documents d LEFT JOIN findings f ON f.document_id = d.id
GROUP BY d.id;

-- One row per report: metadata, status, finding counts and the 总计 column of sec3 plus sec4 totals.
CREATE VIEW report_summary AS
SELECT d.id AS document_id, d.path, d.file_name, d.format, d.status, d.error,
       r.agency, r.year, r.layout, r.published_date,
       df.errors, df.warnings,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'new_received' AND c.col = 'total') AS sec3_new_received,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'carried_over' AND c.col = 'total') AS sec3_carried_over,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'granted' AND c.col = 'total') AS sec3_granted,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'partial' AND c.col = 'total') AS sec3_partial,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'total' AND c.col = 'total') AS sec3_total,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec3' AND c."row" = 'carried_forward' AND c.col = 'total') AS sec3_carried_forward,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec4' AND c."row" = 'review' AND c.col = 'total') AS sec4_review_total,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec4' AND c."row" = 'direct' AND c.col = 'total') AS sec4_direct_total,
       (SELECT value FROM cells c WHERE c.document_id = d.id AND c."table" = 'sec4' AND c."row" = 'after_review' AND c.col = 'total') AS sec4_after_review_total
FROM documents d
LEFT JOIN reports r ON r.document_id = d.id
LEFT JOIN document_findings df ON df.document_id = d.id;

-- Every cell with the report it belongs to (the long CSV).
CREATE VIEW report_cells AS
SELECT c.document_id, d.path, d.file_name, r.agency, r.year, r.layout,
       c."table", c."row", c.col, c.value, c.raw, c.unit, c.note, c.method, c.page, c.line, c.confidence
FROM cells c
JOIN documents d ON d.id = c.document_id
LEFT JOIN reports r ON r.document_id = c.document_id;

-- Cells that were not read as printed: inferred or placed by the identities. Check these first.
CREATE VIEW inferred_cells AS
SELECT * FROM report_cells
WHERE method IN ('identity-inferred', 'identity-placed', 'glued-split', 'joined', 'lone-total');

-- Cells a finding points at: the figures in doubt.
CREATE VIEW doubtful_cells AS
SELECT rc.*, f.rule, f.severity, f.message
FROM findings f
JOIN report_cells rc ON rc.document_id = f.document_id AND rc."table" = f."table"
  AND (f."row" IS NULL OR rc."row" = f."row") AND (f.col IS NULL OR rc.col = f.col)
WHERE f."table" IS NOT NULL;

-- Documents that could not be processed, with the reason.
CREATE VIEW failed_documents AS
SELECT id AS document_id, path, file_name, format, failed_stage, error, ingested_at
FROM documents WHERE status = 'failed';
`;

const TABLES_SQLITE = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  pipeline_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed', 'abandoned')),
  pid INTEGER,
  hostname TEXT,
  arguments TEXT NOT NULL DEFAULT '[]',
  documents_ok INTEGER NOT NULL DEFAULT 0,
  documents_findings INTEGER NOT NULL DEFAULT 0,
  documents_failed INTEGER NOT NULL DEFAULT 0,
  documents_skipped INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  format TEXT,
  size_bytes INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'findings', 'failed')),
  error TEXT,
  failed_stage TEXT,
  pipeline_version TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  ingested_at TEXT NOT NULL,
  extract_meta TEXT NOT NULL DEFAULT '{}',
  timings TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX documents_status ON documents(status);

-- Every path a document was found at: duplicates with different names are one document with several paths.
CREATE TABLE document_paths (
  path TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  file_name TEXT NOT NULL,
  size_bytes INTEGER,
  mtime_ms INTEGER,
  seen_at TEXT NOT NULL
) STRICT;
CREATE INDEX document_paths_document ON document_paths(document_id);

CREATE TABLE reports (
  document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  agency TEXT,
  year INTEGER,
  layout TEXT,
  published_date TEXT,
  title TEXT
) STRICT;

CREATE TABLE sections (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  heading TEXT NOT NULL,
  text TEXT NOT NULL,
  line INTEGER,
  page INTEGER,
  PRIMARY KEY (document_id, position)
) STRICT;

-- The tables found in a document, with the layout decided for each.
CREATE TABLE report_tables (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  "table" TEXT NOT NULL,
  layout TEXT NOT NULL,
  page INTEGER,
  line INTEGER,
  PRIMARY KEY (document_id, "table")
) STRICT;

CREATE TABLE cells (
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  "table" TEXT NOT NULL,
  "row" TEXT NOT NULL,
  col TEXT NOT NULL,
  value REAL,
  raw TEXT,
  unit TEXT,
  note TEXT,
  method TEXT NOT NULL,
  page INTEGER,
  line INTEGER,
  table_index INTEGER,
  grid_row INTEGER,
  grid_col INTEGER,
  box TEXT,
  confidence REAL,
  -- A rowid table with a unique key (not WITHOUT ROWID): rows are wide, and appends are cheaper this way.
  UNIQUE (document_id, "table", "row", col)
) STRICT;

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
  message TEXT NOT NULL,
  "table" TEXT,
  "row" TEXT,
  col TEXT,
  actual TEXT,
  expected TEXT,
  page INTEGER,
  line INTEGER
) STRICT;
CREATE INDEX findings_document ON findings(document_id);
`;

/** SQLite's table definitions in PostgreSQL's types. */
export function toPostgres(sql: string): string {
  return sql
    .replace(/\) STRICT, WITHOUT ROWID;/g, ');')
    .replace(/\) STRICT;/g, ');')
    .replace(/\bid INTEGER PRIMARY KEY\b/g, 'id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION');
}

export const init: Migration = {
  version: 1,
  name: 'init',
  sql: TABLES_SQLITE + VIEWS_1,
  postgres: toPostgres(TABLES_SQLITE) + VIEWS_1,
};
