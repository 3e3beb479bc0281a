/**
 * Migration 3: cells keyed by a small integer document key instead of the 64-character content hash.
 *
 * Why: cells are ~95% of the database's rows. Each row and its unique index repeated the hash, so a
 * report cost ~54 KB on disk and storing it was the batch's bottleneck. Keyed by an integer in a
 * WITHOUT ROWID table (the key is the primary key: no second index), a report takes ~13 KB and is
 * stored in about half the time (BENCHMARKS.md).
 *
 * Readers see no change: `cells` is now a view with the same columns as the old table (document_id is
 * still the content hash), so every query, view and export written against `cells` keeps working.
 * Writers insert into `cell_values`.
 */
import { toPostgres, VIEWS_1 } from './001-init.js';
import { CROSS_YEAR_VIEW } from './002-cross-year.js';
import type { Migration } from './index.js';

const CELL_COLUMNS = `"table", "row", col, value, raw, unit, note, method, page, line, table_index, grid_row, grid_col, box, confidence`;

export const cellKeys: Migration = {
  version: 3,
  name: 'integer document keys for cells',
  sql: `
-- A document's key: assigned when it is first stored, kept when it is re-stored (rerun, --force).
ALTER TABLE documents ADD COLUMN key INTEGER;
UPDATE documents SET key = rowid;
CREATE UNIQUE INDEX documents_key ON documents(key);

CREATE TABLE cell_values (
  document_key INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
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
  PRIMARY KEY (document_key, "table", "row", col)
) STRICT, WITHOUT ROWID;

INSERT INTO cell_values (document_key, ${CELL_COLUMNS})
SELECT d.key, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cells c JOIN documents d ON d.id = c.document_id;

DROP TABLE cells;

-- The old table's shape, for every reader: queries, the views of migrations 1 and 2, exports.
CREATE VIEW cells AS
SELECT d.id AS document_id, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cell_values c JOIN documents d ON d.key = c.document_key;
`,
  // PostgreSQL has no rowid, and dropping the cells table drops the views built on it: they are made again.
  postgres: `
ALTER TABLE documents ADD COLUMN key BIGINT;
UPDATE documents d SET key = n.k FROM (SELECT id, row_number() OVER (ORDER BY ingested_at, id) AS k FROM documents) n WHERE n.id = d.id;
CREATE UNIQUE INDEX documents_key ON documents(key);
-- Writers run at once in PostgreSQL: new keys come from a sequence (SQLite has one writer: MAX + 1).
CREATE SEQUENCE documents_key_seq;
SELECT setval('documents_key_seq', COALESCE((SELECT MAX(key) FROM documents), 0) + 1, false);

${toPostgres(`CREATE TABLE cell_values (
  document_key INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
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
  PRIMARY KEY (document_key, "table", "row", col)
) STRICT, WITHOUT ROWID;`)}

INSERT INTO cell_values (document_key, ${CELL_COLUMNS})
SELECT d.key, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cells c JOIN documents d ON d.id = c.document_id;

DROP TABLE cells CASCADE;

CREATE VIEW cells AS
SELECT d.id AS document_id, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cell_values c JOIN documents d ON d.key = c.document_key;
${orReplace(VIEWS_1)}
${orReplace(CROSS_YEAR_VIEW)}
`,
};

/** PostgreSQL recreates the views the dropped table took with it (and leaves the others as they were). */
function orReplace(sql: string): string {
  return sql.replace(/CREATE VIEW/g, 'CREATE OR REPLACE VIEW');
}
