/**
 * Migration 2: the soft rules that need two reports of one body — last year's 结转下年度 should equal this
 * year's 上年结转, and 现行有效件数 should follow last year's plus 制发 minus 废止 — as a view an analyst
 * can query across the whole collection (per-document findings cannot see other documents).
 */
import type { Migration } from './index.js';

/**
 * The view, the same SQL in both dialects, with the two reports of one body paired on `key`: the printed
 * name here (migration 3 recreates this form in PostgreSQL); the body from migration 6 on, which also adds the
 * body and last year's printed name as the last columns.
 */
export function crossYearView(key: 'agency' | 'body_id'): string {
  const byBody = key === 'body_id';
  const totalsColumns = byBody ? 'r.document_id, r.body_id, r.agency' : 'r.document_id, r.agency';
  const bodyColumns = (alias: string): string => (byBody ? `,\n       cur.body_id, prev.agency${alias}` : '');
  return `
CREATE VIEW cross_year_checks AS
WITH totals AS (
  SELECT ${totalsColumns}, r.year, c."table", c."row", c.col, c.value
  FROM reports r JOIN cells c ON c.document_id = r.document_id
  WHERE r.${key} IS NOT NULL AND r.year IS NOT NULL
)
SELECT 'carry-over' AS rule, cur.agency, cur.year,
       prev.document_id AS previous_document_id, cur.document_id,
       prev.value AS previous_value, cur.value AS value,
       '上年结转 (' || cur.year || ') should equal 结转下年度 (' || prev.year || ')' AS message${bodyColumns(' AS previous_agency')}
FROM totals cur
JOIN totals prev ON prev.${key} = cur.${key} AND prev.year = cur.year - 1
WHERE cur."table" = 'sec3' AND cur."row" = 'carried_over' AND cur.col = 'total'
  AND prev."table" = 'sec3' AND prev."row" = 'carried_forward' AND prev.col = 'total'
  AND cur.value IS NOT NULL AND prev.value IS NOT NULL AND cur.value <> prev.value
UNION ALL
SELECT 'in-force', cur.agency, cur.year, prev.document_id, cur.document_id,
       prev.value + issued.value - repealed.value, cur.value,
       '现行有效件数 (' || cur.year || ') should be about last year''s + 制发 − 废止'${bodyColumns('')}
FROM totals cur
JOIN totals prev ON prev.${key} = cur.${key} AND prev.year = cur.year - 1
  AND prev."table" = 'sec2_art20_1' AND prev."row" = cur."row" AND prev.col = 'in_force'
JOIN totals issued ON issued.document_id = cur.document_id AND issued."table" = 'sec2_art20_1' AND issued."row" = cur."row" AND issued.col = 'issued'
JOIN totals repealed ON repealed.document_id = cur.document_id AND repealed."table" = 'sec2_art20_1' AND repealed."row" = cur."row" AND repealed.col = 'repealed'
WHERE cur."table" = 'sec2_art20_1' AND cur.col = 'in_force'
  AND cur.value IS NOT NULL AND prev.value IS NOT NULL AND issued.value IS NOT NULL AND repealed.value IS NOT NULL
  AND cur.value <> prev.value + issued.value - repealed.value;
`;
}

export const CROSS_YEAR_VIEW = crossYearView('agency');

export const crossYear: Migration = {
  version: 2,
  name: 'cross-year checks',
  sql: CROSS_YEAR_VIEW,
  postgres: CROSS_YEAR_VIEW,
};
