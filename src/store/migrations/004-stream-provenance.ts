/**
 * Migration 4: what copies saved as one paragraph need. A figure cut out of a long line (a whole report on
 * one line) needs more than its line to be found: `char_offset` is where it starts in that line. A
 * crawler's header names the page's publisher and address: `reports.publisher`, `reports.source_url`.
 */
import type { Migration } from './index.js';

const CELL_COLUMNS = `"table", "row", col, value, raw, unit, note, method, page, line, table_index, grid_row, grid_col, box, confidence, char_offset`;

export const streamProvenance: Migration = {
  version: 4,
  name: 'character offsets of cells, publisher and source URL of reports',
  sql: `
ALTER TABLE cell_values ADD COLUMN char_offset INTEGER;
ALTER TABLE findings ADD COLUMN char_offset INTEGER;
ALTER TABLE reports ADD COLUMN publisher TEXT;
ALTER TABLE reports ADD COLUMN source_url TEXT;

DROP VIEW cells;
CREATE VIEW cells AS
SELECT d.id AS document_id, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cell_values c JOIN documents d ON d.key = c.document_key;
`,
  // PostgreSQL adds a column to a view by replacing it (the new column last).
  postgres: `
ALTER TABLE cell_values ADD COLUMN char_offset BIGINT;
ALTER TABLE findings ADD COLUMN char_offset BIGINT;
ALTER TABLE reports ADD COLUMN publisher TEXT;
ALTER TABLE reports ADD COLUMN source_url TEXT;

CREATE OR REPLACE VIEW cells AS
SELECT d.id AS document_id, ${CELL_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
FROM cell_values c JOIN documents d ON d.key = c.document_key;
`,
};
