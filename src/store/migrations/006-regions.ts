/**
 * Migration 6: which body, which place. A `bodies` row per reporting body, keyed by the stable key the region
 * stage gives it (the division's code, plus the department for a department; `name:` and the printed name
 * when no division was found), with its division's code, level and names. Each report points at its body,
 * and the cross-year checks follow the body instead of the printed name, so `洪泽区人民政府` (2023) and
 * `淮安市洪泽区人民政府` (2024) are compared. Reports stored before get a body by their printed name until
 * they are ingested again. `reports_by_region` is the analysts' view: one row per report with its place.
 */
import { toPostgres } from './001-init.js';
import type { Migration } from './index.js';

/** Plain SQL that both engines read alike (PostgreSQL drops STRICT and widens the types: toPostgres). */
const SQL = `
CREATE TABLE bodies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region_code TEXT,
  region_level TEXT CHECK (region_level IN ('province', 'city', 'county', 'township')),
  province TEXT,
  city TEXT,
  county TEXT,
  township TEXT
) STRICT;
CREATE INDEX bodies_region ON bodies(region_code);

ALTER TABLE reports ADD COLUMN body_id TEXT REFERENCES bodies(id);
CREATE INDEX reports_body_year ON reports(body_id, year);

INSERT INTO bodies (id, name)
SELECT 'name:' || replace(agency, ' ', ''), MIN(agency) FROM reports WHERE agency IS NOT NULL
GROUP BY 'name:' || replace(agency, ' ', '');
UPDATE reports SET body_id = 'name:' || replace(agency, ' ', '') WHERE agency IS NOT NULL;

DROP VIEW cross_year_checks;
CREATE VIEW cross_year_checks AS
WITH totals AS (
  SELECT r.document_id, r.body_id, r.agency, r.year, c."table", c."row", c.col, c.value
  FROM reports r JOIN cells c ON c.document_id = r.document_id
  WHERE r.body_id IS NOT NULL AND r.year IS NOT NULL
)
SELECT 'carry-over' AS rule, cur.agency, cur.year,
       prev.document_id AS previous_document_id, cur.document_id,
       prev.value AS previous_value, cur.value AS value,
       '上年结转 (' || cur.year || ') should equal 结转下年度 (' || prev.year || ')' AS message,
       cur.body_id, prev.agency AS previous_agency
FROM totals cur
JOIN totals prev ON prev.body_id = cur.body_id AND prev.year = cur.year - 1
WHERE cur."table" = 'sec3' AND cur."row" = 'carried_over' AND cur.col = 'total'
  AND prev."table" = 'sec3' AND prev."row" = 'carried_forward' AND prev.col = 'total'
  AND cur.value IS NOT NULL AND prev.value IS NOT NULL AND cur.value <> prev.value
UNION ALL
SELECT 'in-force', cur.agency, cur.year, prev.document_id, cur.document_id,
       prev.value + issued.value - repealed.value, cur.value,
       '现行有效件数 (' || cur.year || ') should be about last year''s + 制发 − 废止',
       cur.body_id, prev.agency
FROM totals cur
JOIN totals prev ON prev.body_id = cur.body_id AND prev.year = cur.year - 1
  AND prev."table" = 'sec2_art20_1' AND prev."row" = cur."row" AND prev.col = 'in_force'
JOIN totals issued ON issued.document_id = cur.document_id AND issued."table" = 'sec2_art20_1' AND issued."row" = cur."row" AND issued.col = 'issued'
JOIN totals repealed ON repealed.document_id = cur.document_id AND repealed."table" = 'sec2_art20_1' AND repealed."row" = cur."row" AND repealed.col = 'repealed'
WHERE cur."table" = 'sec2_art20_1' AND cur.col = 'in_force'
  AND cur.value IS NOT NULL AND prev.value IS NOT NULL AND issued.value IS NOT NULL AND repealed.value IS NOT NULL
  AND cur.value <> prev.value + issued.value - repealed.value;

CREATE VIEW reports_by_region AS
SELECT b.region_code, b.region_level, b.province, b.city, b.county, b.township,
       b.id AS body_id, b.name AS body, r.agency, r.year, r.layout, r.document_id, d.file_name, d.status
FROM reports r
JOIN documents d ON d.id = r.document_id
LEFT JOIN bodies b ON b.id = r.body_id;
`;

export const regions: Migration = {
  version: 6,
  name: 'bodies and their administrative divisions',
  sql: SQL,
  postgres: toPostgres(SQL),
};
