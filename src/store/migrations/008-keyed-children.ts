/**
 * Migration 8: a document's sections, tables and findings keyed by its integer key, as its cells are (migration 3).
 *
 * Why: a document's id is the SHA-256 of its content, so each report inserted its sections, tables and findings
 * at random places in three indexes on `document_id`; every such insert dirties a page of its own, which is
 * journalled, written to the WAL and copied back by the checkpoint. Keys are given in ascending order, so the
 * rows of a new report go at the end of each index. Measured with scripts/debug/store-profile.ts (BENCHMARKS.md).
 *
 * Readers see no change: `sections`, `report_tables` and `findings` are now views with the old tables' columns in
 * their order (document_id still the content hash), so every query, view and export written against them keeps
 * working. Writers insert into `sections_by_key`, `report_tables_by_key` and `findings_by_key`. The view
 * `document_findings` counts from `findings_by_key` directly (a grouped LEFT JOIN onto a view that is itself a
 * join is not flattened by SQLite), and `doubtful_cells` joins the keyed tables; their rows are the same.
 *
 * SQLite: the rows go with their document through a trigger, as its cells do (migration 7). PostgreSQL keeps
 * foreign keys, and makes again the views that dropping the tables took with them.
 */
import { toPostgres, VIEWS_1 } from './001-init.js';
import type { Migration } from './index.js';

/** The new tables in SQLite's words; `fk`: each one's reference to its document. */
function tables(fk: string): string {
  return `
CREATE TABLE sections_by_key (
  document_key INTEGER NOT NULL${fk},
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  heading TEXT NOT NULL,
  text TEXT NOT NULL,
  line INTEGER,
  page INTEGER,
  -- A rowid table: a section's text is kilobytes, too wide for a WITHOUT ROWID table's pages.
  PRIMARY KEY (document_key, position)
) STRICT;

CREATE TABLE report_tables_by_key (
  document_key INTEGER NOT NULL${fk},
  "table" TEXT NOT NULL,
  layout TEXT NOT NULL,
  page INTEGER,
  line INTEGER,
  PRIMARY KEY (document_key, "table")
) STRICT, WITHOUT ROWID;

CREATE TABLE findings_by_key (
  id INTEGER PRIMARY KEY,
  document_key INTEGER NOT NULL${fk},
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
  line INTEGER,
  char_offset INTEGER
) STRICT;
CREATE INDEX findings_by_key_document ON findings_by_key(document_key, position);
`;
}

const SECTION = 'position, key, heading, text, line, page';
const TABLE = '"table", layout, page, line';
const FINDING = 'position, rule, severity, message, "table", "row", col, actual, expected, page, line, char_offset';
const prefixed = (columns: string, alias: string): string => columns.split(', ').map((c) => `${alias}.${c}`).join(', ');

/** Every row moved over, its document's key in place of its id (findings keep their ids). */
const COPY = `
INSERT INTO sections_by_key (document_key, ${SECTION})
SELECT d.key, ${prefixed(SECTION, 's')} FROM sections s JOIN documents d ON d.id = s.document_id;
INSERT INTO report_tables_by_key (document_key, ${TABLE})
SELECT d.key, ${prefixed(TABLE, 't')} FROM report_tables t JOIN documents d ON d.id = t.document_id;
INSERT INTO findings_by_key (id, document_key, ${FINDING})
SELECT f.id, d.key, ${prefixed(FINDING, 'f')} FROM findings f JOIN documents d ON d.id = f.document_id;
`;

/** The old tables' shapes, column for column, for every reader. */
const VIEWS = `
CREATE VIEW sections AS
SELECT d.id AS document_id, ${prefixed(SECTION, 's')}
FROM sections_by_key s JOIN documents d ON d.key = s.document_key;

CREATE VIEW report_tables AS
SELECT d.id AS document_id, ${prefixed(TABLE, 't')}
FROM report_tables_by_key t JOIN documents d ON d.key = t.document_key;

CREATE VIEW findings AS
SELECT f.id, d.id AS document_id, ${prefixed(FINDING, 'f')}
FROM findings_by_key f JOIN documents d ON d.key = f.document_key;
`;

/** Migration 1's view, the same rows, counted from the keyed table. */
const DOCUMENT_FINDINGS = `
CREATE VIEW document_findings AS
SELECT d.id AS document_id, d.file_name, d.status,
       COUNT(CASE WHEN f.severity = 'error' THEN 1 END) AS errors,
       COUNT(CASE WHEN f.severity = 'warning' THEN 1 END) AS warnings,
       COUNT(CASE WHEN f.severity = 'info' THEN 1 END) AS infos
FROM documents d LEFT JOIN findings_by_key f ON f.document_key = d.key
GROUP BY d.id;
`;

/**
 * Migration 1's view, the same rows and columns, on the keyed tables directly: a finding meets its cells by the
 * document key and the slot, not through the views' content hashes (counting it over 5,000 copies of the samples,
 * a million cells: 1.4 → 0.9 s).
 */
const DOUBTFUL_CELLS = `
CREATE VIEW doubtful_cells AS
SELECT d.id AS document_id, d.path, d.file_name, r.agency, r.year, r.layout,
       s."table", s."row", s.col, c.value, c.raw, c.unit, c.note, c.method, c.page, c.line, c.confidence,
       f.rule, f.severity, f.message
FROM findings_by_key f
JOIN cell_slots s ON s."table" = f."table" AND (f."row" IS NULL OR s."row" = f."row") AND (f.col IS NULL OR s.col = f.col)
JOIN cell_values c ON c.document_key = f.document_key AND c.slot = s.slot
JOIN documents d ON d.key = f.document_key
LEFT JOIN reports r ON r.document_id = d.id
WHERE f."table" IS NOT NULL;
`;

/** One view of migration 1, as it wrote it. */
function viewOf1(name: string): string {
  const found = new RegExp(`CREATE VIEW ${name} AS[\\s\\S]*?;\\n`).exec(VIEWS_1);
  if (!found) throw new Error(`migration 1 has no view ${name}`);
  return found[0];
}

export const keyedChildren: Migration = {
  version: 8,
  name: 'sections, tables and findings keyed by the document key',
  sql: `
${tables('')}
${COPY}
DROP TABLE sections;
DROP TABLE report_tables;
DROP TABLE findings;
${VIEWS}
DROP VIEW document_findings;
${DOCUMENT_FINDINGS}
DROP VIEW doubtful_cells;
${DOUBTFUL_CELLS}
CREATE TRIGGER documents_delete_children AFTER DELETE ON documents
BEGIN
  DELETE FROM sections_by_key WHERE document_key = OLD.key;
  DELETE FROM report_tables_by_key WHERE document_key = OLD.key;
  DELETE FROM findings_by_key WHERE document_key = OLD.key;
END;
`,
  // Dropping the tables drops the views built on them (document_findings, report_summary through it,
  // doubtful_cells): they are made again, the same rows. Findings keep their ids, so the identity goes on after them.
  postgres: `
${toPostgres(tables(' REFERENCES documents(key) ON DELETE CASCADE'))}
${COPY}
SELECT setval(pg_get_serial_sequence('findings_by_key', 'id'), COALESCE((SELECT MAX(id) FROM findings_by_key), 0) + 1, false);
DROP TABLE sections CASCADE;
DROP TABLE report_tables CASCADE;
DROP TABLE findings CASCADE;
${VIEWS}
${DOCUMENT_FINDINGS}
${viewOf1('report_summary')}
${DOUBTFUL_CELLS}
`,
};
