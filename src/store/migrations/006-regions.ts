/**
 * Migration 6: which body, which place. A `bodies` row per reporting body, keyed by the stable key the region
 * stage gives it (the division's code, plus the department for a department; `name:` and the printed name
 * when no division was found), with its division's code, level and names. Each report points at its body,
 * and the cross-year checks follow the body instead of the printed name, so `洪泽区人民政府` (2023) and
 * `淮安市洪泽区人民政府` (2024) are compared. Reports stored before get a body by their printed name until
 * they are ingested again. `reports_by_region` is the analysts' view: one row per report with its place.
 */
import { toPostgres } from './001-init.js';
import { crossYearView } from './002-cross-year.js';
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
${crossYearView('body_id')}
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
