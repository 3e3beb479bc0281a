/**
 * Migration 5: corrections made by reviewers (`ogi serve`). A correction sets a cell's value (a number, or
 * blank) or confirms the figure as read, always with a reason and a reviewer; it never overwrites the
 * extracted cell, which stays in `cell_values` as read. The extracted value it replaced is kept, so that a
 * re-extraction (`ogi rerun`) can tell whether the correction still applies: when the re-extracted cell
 * holds another value, the correction is marked stale (kept, shown, not applied).
 */
import { toPostgres } from './001-init.js';
import type { Migration } from './index.js';

const SQL = `
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  "table" TEXT NOT NULL,
  "row" TEXT NOT NULL,
  col TEXT NOT NULL,
  -- 'set': the value below replaces the extracted one; 'confirm': the extracted figure is right as read.
  action TEXT NOT NULL CHECK (action IN ('set', 'confirm')),
  value REAL,
  extracted_value REAL,
  extracted_raw TEXT,
  extracted_method TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  reviewer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- 'stale': a re-extraction changed the cell it was made on; kept and shown, not applied.
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stale'))
) STRICT;
CREATE INDEX corrections_document ON corrections(document_id, "table", "row", col);

-- The correction in force for each cell: the newest active one.
CREATE VIEW current_corrections AS
SELECT c.* FROM corrections c
WHERE c.status = 'active'
  AND c.id = (SELECT MAX(k.id) FROM corrections k WHERE k.document_id = c.document_id AND k."table" = c."table"
              AND k."row" = c."row" AND k.col = c.col AND k.status = 'active');

-- Every cell with the correction in force applied: the figures an analyst should use.
CREATE VIEW corrected_cells AS
SELECT x.document_id, x."table", x."row", x.col,
       CASE WHEN k.action = 'set' THEN k.value ELSE x.value END AS value,
       x.value AS extracted_value, x.raw, x.unit, x.note,
       CASE WHEN k.action = 'set' THEN 'corrected' ELSE x.method END AS method,
       x.page, x.line, x.table_index, x.grid_row, x.grid_col, x.box, x.confidence, x.char_offset,
       k.id AS correction_id
FROM cells x
LEFT JOIN current_corrections k ON k.document_id = x.document_id AND k."table" = x."table" AND k."row" = x."row" AND k.col = x.col;
`;

export const corrections: Migration = {
  version: 5,
  name: 'corrections by reviewers',
  sql: SQL,
  postgres: toPostgres(SQL),
};
