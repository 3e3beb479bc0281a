/**
 * A table's grid header read as columns: which source-grid column is which template column, and what the
 * rows that do not fit the template's columns add to the findings. A table may print fewer columns than the
 * template (自然人 | 法人或其他组织 | 总计) or more (小计, 备注); its header, not the position of its
 * figures, says which figure is which (stages/placement places the rows: placedByHeader).
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { TableVariant } from '../kind.js';
import { labelKey } from './labels.js';
import { placedByHeader } from './placement.js';
import type { HeaderColumns } from './placement.js';
import type { PendingRow } from './solve.js';

/** A label field of a header row above a table's grid: as printed, folded, its source-grid column, and its grid's width. */
export interface GridHead {
  key: string;
  text: string;
  col: number;
  width: number | null;
}

/**
 * The template columns the table's grid header names (see HeaderColumns), or null when the header names
 * none. A source column whose header names two template columns names neither.
 */
export function headerColumns(gridHeads: readonly GridHead[], variant: TableVariant, groupKeys: readonly string[]): HeaderColumns | null {
  if (gridHeads.length === 0) return null;
  // The header rows of the grid nearest the table (as wide as the last of them).
  const gridWidth = gridHeads[gridHeads.length - 1]!.width;
  const heads = gridHeads.filter((h) => h.width === gridWidth);
  const columnKeys = variant.columns.map((c) => c.labels.map(labelKey));
  const named = new Map<number, Set<number>>();
  const grouped = new Set<number>();
  const columnOf = (key: string): number => {
    const c = columnKeys.findIndex((keys) => keys.includes(key));
    if (c >= 0) return c;
    // A merged header cell printed over two lines and read as one: "法人或其他组织" + "商业企业".
    const group = groupKeys.find((gk) => gk !== '' && key.startsWith(gk) && key.length > gk.length);
    return group ? columnKeys.findIndex((keys) => keys.includes(key.slice(group.length))) : -1;
  };
  for (const h of heads) {
    const c = columnOf(h.key);
    if (c >= 0) named.set(h.col, (named.get(h.col) ?? new Set()).add(c));
    else if (groupKeys.includes(h.key)) grouped.add(h.col);
  }
  const columnAt = new Map<number, number>();
  for (const [col, cs] of named) if (cs.size === 1) columnAt.set(col, [...cs][0]!);
  for (const col of columnAt.keys()) grouped.delete(col);
  // Columns the template does not have stand among or after its own: a header over the label columns (项目,
  // the note on the identities) is no such column.
  const firstNamed = Math.min(...columnAt.keys());
  const otherCols = new Map<number, string>();
  for (const h of heads) if (h.key !== '' && h.col > firstNamed && !named.has(h.col) && !grouped.has(h.col)) otherCols.set(h.col, h.text);
  const complete = new Set(columnAt.values()).size === variant.columns.length;
  return columnAt.size > 0 ? { columnAt, groupCols: grouped, otherCols, gridWidth, complete } : null;
}

/**
 * What the rows that misfit the template add to the solver's findings. Placed by a header that leaves
 * template columns out: one error naming them (their cells are empty), instead of an "unresolved" error per
 * cell. Figures under columns the template does not have: one warning naming those columns, whose figures
 * are not stored. A table whose every row is narrower than the template and that no header places: its
 * figures were right-aligned, one warning says they may stand in other columns.
 */
export function misfitRowFindings(table: string, variant: TableVariant, header: HeaderColumns | null, pending: readonly PendingRow[], solved: Finding[]): Finding[] {
  const ncols = variant.columns.length;
  const byHeader = header ? pending.filter((p) => placedByHeader(p.view, ncols, header) !== null) : [];
  const withFigures = pending.filter((p) => p.view.values.some((v) => v.value !== null));
  const narrow = withFigures.filter((p) => p.view.positions === 'grid' && p.view.dataFields !== null && p.view.dataFields.length < ncols);
  const assumed = narrow.length === withFigures.length ? narrow.filter((p) => !byHeader.includes(p)) : [];
  if (byHeader.length === 0 && assumed.length === 0) return solved;
  const out: Finding[] = [...solved];
  if (header && byHeader.length > 0) {
    const prov = byHeader[0]!.view.prov;
    /** Whether a figure of a row placed by the header stands in one of these source columns. */
    const figureUnder = (cols: { has(col: number): boolean }): boolean =>
      byHeader.some((p) => p.view.dataFields!.some((f, i) => f !== null && f.value !== null && cols.has(p.view.dataCols![i]!)));
    const printed = new Set(header.columnAt.values());
    const missing = variant.columns.filter((_, i) => !printed.has(i));
    if (missing.length > 0) {
      const missingKeys = new Set(missing.map((c) => c.key));
      const shown = variant.columns.filter((_, i) => printed.has(i)).map((c) => c.labels[0]);
      const sums = figureUnder(header.groupCols) ? ', and group sums that belong to no single cell' : '';
      const kept = out.filter((f) => !(f.rule === 'table/unresolved-cell' && f.table === table && f.col !== undefined && missingKeys.has(f.col)));
      out.length = 0;
      out.push(...kept);
      out.push(
        finding(
          'table/columns-not-printed',
          'error',
          `${table}: the table's header prints ${shown.length} of its ${ncols} columns (${shown.join('、')})${sums}; ${missing.map((c) => c.labels[0]).join('、')} ${missing.length === 1 ? 'is' : 'are'} not printed, so ${missing.length === 1 ? 'its cells are' : 'their cells are'} empty unless the identities imply them`,
          { table: table, actual: shown.join(' | '), expected: variant.columns.map((c) => c.labels[0]).join(' | '), prov },
        ),
      );
    }
    const extra = [...header.otherCols].filter(([col]) => figureUnder(new Set([col]))).map(([, text]) => text);
    if (extra.length > 0) {
      out.push(
        finding(
          'table/extra-columns',
          'warning',
          `${table}: the table prints ${extra.length === 1 ? 'a column' : 'columns'} the template does not have (${extra.join('、')}); ${extra.length === 1 ? 'its figures are' : 'their figures are'} not stored, the other columns are read by their headers`,
          { table: table, actual: extra.join(' | '), prov },
        ),
      );
    }
  }
  if (assumed.length > 0) {
    out.push(
      finding(
        'table/columns-assumed',
        'warning',
        `${table}: ${assumed.length} ${assumed.length === 1 ? 'row prints' : 'rows print'} fewer figures than the table's ${ncols} columns and no header names their columns; the figures were placed in the last columns (${assumed.map((p) => p.label).join(', ')}) — they may belong to others`,
        { table: table, ...(assumed.length === 1 ? { row: assumed[0]!.label } : {}), prov: assumed[0]!.view.prov },
      ),
    );
  }
  return out;
}
