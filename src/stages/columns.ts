/**
 * A table's grid header read as columns: which source-grid column is which template column, and what the
 * rows that do not fit the template's columns add to the findings. A table may print fewer columns than the
 * template (自然人 | 法人或其他组织 | 总计) or more (小计, 备注); its header, not the position of its
 * figures, says which figure is which (stages/placement places the rows: placedByHeader).
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { TableVariant } from '../kind.js';
import type { Provenance } from '../types.js';
import { editDistance, labelKey } from './labels.js';
import { fittedFields, headerOf, placedByHeader } from './placement.js';
import type { HeaderColumns } from './placement.js';
import { figureColumnSpans } from './rows.js';
import type { RowView, ValueToken } from './rows.js';
import type { PendingRow, Solved } from './solve.js';

/** A label field of a header row above a table's grid: as printed, folded, its source-grid column, and its grid's width. */
export interface GridHead {
  key: string;
  text: string;
  col: number;
  width: number | null;
  /** The source table (prov.tableIndex) of the header row. */
  table: number;
}

export const NO_HEADERS: ReadonlyMap<number, HeaderColumns> = new Map();

/** The header of each source table a table's rows stand in (see headerColumns), by its index. */
export function headersByGrid(gridHeads: readonly GridHead[], variant: TableVariant, groupKeys: readonly string[]): ReadonlyMap<number, HeaderColumns> {
  if (gridHeads.length === 0) return NO_HEADERS;
  const out = new Map<number, HeaderColumns>();
  for (const table of new Set(gridHeads.map((h) => h.table))) {
    const header = headerColumns(gridHeads.filter((h) => h.table === table), variant, groupKeys);
    if (header) out.set(table, header);
  }
  return out;
}

/** Headers at least this long may be matched with one character misread (shorter ones, 其他 or 总计, may not). */
const MIN_MISREAD_HEADER = 4;

/** Same length, one character different. */
function oneCharOff(a: string, b: string): boolean {
  return a.length === b.length && editDistance(a, b) === 1;
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
    if (group) return columnKeys.findIndex((keys) => keys.includes(key.slice(group.length)));
    // One character misread in a long header (OCR's 社会公蔓组织): the one column it is a character off.
    if (key.length < MIN_MISREAD_HEADER) return -1;
    const near = columnKeys.flatMap((keys, c) => (keys.some((k) => oneCharOff(key, k)) ? [c] : []));
    return near.length === 1 ? near[0]! : -1;
  };
  for (const h of heads) {
    const c = columnOf(h.key);
    if (c >= 0) named.set(h.col, (named.get(h.col) ?? new Set()).add(c));
    else if (groupKeys.includes(h.key)) grouped.add(h.col);
  }
  // A header cell wrapped over two lines that were read as two header rows ("社会公益" over "组织"): the
  // fragments of a column no whole piece names, joined top to bottom.
  const fragments = new Map<number, string[]>();
  for (const h of heads) if (h.key !== '' && !named.has(h.col) && !groupKeys.includes(h.key)) fragments.set(h.col, [...(fragments.get(h.col) ?? []), h.key]);
  for (const [col, keys] of fragments) {
    const c = keys.length > 1 ? columnOf(keys.join('')) : -1;
    if (c >= 0) named.set(col, new Set([c]));
  }
  const columnAt = new Map<number, number>();
  for (const [col, cs] of named) if (cs.size === 1) columnAt.set(col, [...cs][0]!);
  for (const col of columnAt.keys()) grouped.delete(col);
  // Columns the template does not have stand among or after its own: a header over the label columns (项目,
  // the note on the identities) is no such column.
  if (columnAt.size === 0) return null;
  const firstCol = Math.min(...columnAt.keys());
  // Nor is a group label over the label columns (the corner's note, merged across them): a figure under it
  // is a row printed left of its place (a table continued on the next page without its group cells), not a group's sum.
  for (const col of grouped) if (col < firstCol) grouped.delete(col);
  const otherCols = new Map<number, string>();
  for (const h of heads) if (h.key !== '' && h.col > firstCol && !named.has(h.col) && !grouped.has(h.col)) otherCols.set(h.col, h.text);
  const complete = new Set(columnAt.values()).size === variant.columns.length;
  const lastCol = Math.max(...columnAt.keys(), ...otherCols.keys(), ...grouped);
  return { columnAt, firstCol, lastCol, groupCols: grouped, otherCols, gridWidth, complete };
}

/**
 * A table whose header prints only some of its template's columns (`printed`, by index): one error naming the
 * others, whose cells are empty unless the identities imply them, in place of an "unresolved" error for each of
 * their cells. The findings unchanged when it prints them all.
 */
export function withColumnsNotPrinted(findings: Finding[], table: string, variant: TableVariant, printed: ReadonlySet<number>, groupSums: boolean, prov: Provenance): Finding[] {
  const missing = variant.columns.filter((_, i) => !printed.has(i));
  if (missing.length === 0) return findings;
  const ncols = variant.columns.length;
  const missingKeys = new Set(missing.map((c) => c.key));
  const shown = variant.columns.filter((_, i) => printed.has(i)).map((c) => c.labels[0]);
  const sums = groupSums ? ', and group sums that belong to no single cell' : '';
  const out = findings.filter((f) => !(f.rule === 'table/unresolved-cell' && f.table === table && f.col !== undefined && missingKeys.has(f.col)));
  out.push(
    finding(
      'table/columns-not-printed',
      'error',
      `${table}: the table's header prints ${shown.length} of its ${ncols} columns (${shown.join('、')})${sums}; ${missing.map((c) => c.labels[0]).join('、')} ${missing.length === 1 ? 'is' : 'are'} not printed, so ${missing.length === 1 ? 'its cells are' : 'their cells are'} empty unless the identities imply them`,
      { table, actual: shown.join(' | '), expected: variant.columns.map((c) => c.labels[0]).join(' | '), prov },
    ),
  );
  return out;
}

/**
 * What the rows that misfit the template add to the solver's findings (`headers`: each grid's, by source table). Placed by a header that leaves
 * template columns out: one error naming them (their cells are empty), instead of an "unresolved" error per
 * cell. Figures under columns the template does not have: one warning naming those columns, whose figures
 * are not stored. Rows placed by their positions where the positions are a guess (see guessedRows): one
 * warning says their figures may stand in other columns. Figures a header puts in another column than the
 * one they were placed in: one error (see contradictedRows).
 */
export function misfitRowFindings(table: string, variant: TableVariant, headers: ReadonlyMap<number, HeaderColumns>, pending: readonly PendingRow[], solved: Solved): Finding[] {
  // Text copies have no grid rows: nothing to say (and this runs for every table of every report).
  if (headers.size === 0 && !pending.some((p) => p.view.positions === 'grid')) return solved.findings;
  const ncols = variant.columns.length;
  const placed = pending.flatMap((p) => {
    const header = headerOf(p.view, headers);
    return header && placedByHeader(p.view, ncols, header) !== null ? [{ p, header }] : [];
  });
  const byHeader = placed.map((x) => x.p);
  const placedRows = new Set(byHeader);
  const contradicted = contradictedRows(pending, variant, headers, placedRows, solved);
  // A row the header contradicts has its error: the warning that its positions are a guess would say less.
  const guessed = guessedRows(pending, ncols, placedRows, placed);
  const contradictedRowSet = new Set(contradicted.map((c) => c.p));
  const assumed = guessed.assumed.filter((p) => !contradictedRowSet.has(p));
  const trimmed = guessed.trimmed.filter((p) => !contradictedRowSet.has(p));
  if (byHeader.length === 0 && assumed.length === 0 && trimmed.length === 0 && contradicted.length === 0) return solved.findings;
  let out: Finding[] = [...solved.findings];
  if (placed.length > 0) {
    const prov = byHeader[0]!.view.prov;
    // Where the placed rows' figures stand: under a group label only, or under columns the template does not have (per header).
    let groupSums = false;
    const extraFigures = new Map<HeaderColumns, Set<number>>();
    for (const { p, header } of placed) {
      p.view.dataFields!.forEach((f, i) => {
        if (f === null || f.value === null) return;
        const col = p.view.dataCols![i]!;
        if (header.groupCols.has(col)) groupSums = true;
        if (header.otherCols.has(col)) extraFigures.set(header, (extraFigures.get(header) ?? new Set()).add(col));
      });
    }
    const printed = new Set(placed.flatMap(({ header }) => [...header.columnAt.values()]));
    out = withColumnsNotPrinted(out, table, variant, printed, groupSums, prov);
    // In each header's column order, as it prints them.
    const extra = [...new Set([...extraFigures].flatMap(([header, cols]) => [...header.otherCols].filter(([col]) => cols.has(col)).map(([, text]) => text)))];
    if (extra.length > 0) {
      out.push(
        finding(
          'table/extra-columns',
          'warning',
          `${table}: the table prints ${extra.length === 1 ? 'a column' : 'columns'} the template does not have (${extra.join('、')}); ${extra.length === 1 ? 'its figures are' : 'their figures are'} not stored, the other columns are read by their headers`,
          { table, actual: extra.join(' | '), prov },
        ),
      );
    }
  }
  if (assumed.length > 0) {
    out.push(
      finding(
        'table/columns-assumed',
        'warning',
        `${table}: ${assumed.length} ${assumed.length === 1 ? 'row prints' : 'rows print'} figures in fewer columns than the table's ${Math.max(ncols, assumed[0]!.targets.length)} and no header names their columns; the figures were placed in the last columns (${assumed.map((p) => p.label).join(', ')}) — they may belong to others`,
        { table, ...(assumed.length === 1 && oneRow(assumed[0]!) ? { row: assumed[0]!.label } : {}), prov: assumed[0]!.view.prov },
      ),
    );
  }
  if (trimmed.length > 0) {
    out.push(
      finding(
        'table/columns-assumed',
        'warning',
        `${table}: ${trimmed.length} ${trimmed.length === 1 ? 'row prints' : 'rows print'} more fields than the table's ${ncols} columns where no header names them (${trimmed.map((p) => p.label).join(', ')}); they were fitted by dropping blank fields at one end, but the table has columns the template does not have, which may be among them — the figures may belong to other columns`,
        { table, ...(trimmed.length === 1 && oneRow(trimmed[0]!) ? { row: trimmed[0]!.label } : {}), prov: trimmed[0]!.view.prov },
      ),
    );
  }
  if (contradicted.length > 0) {
    const first = contradicted[0]!;
    out.push(
      finding(
        'table/header-contradicts',
        'error',
        `${table}: ${contradicted.length} ${contradicted.length === 1 ? 'row was' : 'rows were'} read by ${contradicted.length === 1 ? 'its' : 'their'} positions, but the table's header puts ${contradicted.length === 1 ? 'its' : 'their'} figures in other columns (${contradicted.map((c) => c.p.label).join(', ')}; ${first.p.label}: ${first.figure} was read as ${first.readAs}, the header prints ${first.header} above it) — the figures of ${contradicted.length === 1 ? 'this row' : 'these rows'} may stand in the wrong columns`,
        { table, ...(contradicted.length === 1 ? { row: first.p.label } : {}), actual: first.readAs, expected: first.header, prov: first.p.view.prov },
      ),
    );
  }
  return out;
}

/** A pending row that fills one template row (not a flat table's figures, which fill all its rows). */
function oneRow(p: PendingRow): boolean {
  return p.targets.every((t) => t.row === p.targets[0]?.row);
}

/** A grid of the source: its source table and width (a table's rows on the next page may be a grid of another width). */
function gridOf(v: RowView): string | undefined {
  return v.prov.tableIndex === undefined ? undefined : `${v.prov.tableIndex}/${v.gridWidth ?? ''}`;
}

/**
 * Rows placed by their positions where those are a guess (rows a header placed are not):
 *  - `assumed`: narrower rows right-aligned, when no row fits the template, when a header showed the table does
 *    not fit it, or when the grid's figures stand in fewer columns than the template has (rows of such a grid
 *    that look as wide as the template do so by counting empty label columns as data);
 *  - `trimmed`: wider rows fitted by dropping blank fields at one end, in a table that has a column the template
 *    does not have — shown by a header that placed rows, or by a grid whose figures stand in more columns than
 *    the template has: a blank 小计 or 备注 may be one of the fields dropped.
 */
function guessedRows(
  pending: readonly PendingRow[],
  ncols: number,
  byHeader: ReadonlySet<PendingRow>,
  placed: readonly { p: PendingRow; header: HeaderColumns }[],
): { assumed: PendingRow[]; trimmed: PendingRow[] } {
  const withFigures = pending.filter((p) => p.view.values.some((v) => v.value !== null));
  const inGrid = withFigures.filter((p) => p.view.positions === 'grid' && p.view.dataFields !== null && !byHeader.has(p));
  // A row fills the template's columns; a flat table's figures (sec4's one row of 15) fill all its cells.
  const cellsOf = (p: PendingRow): number => Math.max(ncols, p.targets.length);
  const narrow = new Set(inGrid.filter((p) => p.view.dataFields!.length < cellsOf(p)));
  const spans = figureColumnSpans(pending.map((p) => p.view), gridOf);
  const spanOf = (p: PendingRow): number => {
    const grid = gridOf(p.view);
    const span = grid === undefined ? undefined : spans.get(grid);
    return span ? span.last - span.first + 1 : 0;
  };
  // Rows of one grid that disagree about its width, whose figures stand in fewer columns than the template: the
  // wide ones count empty label columns as data (a band of narrow rows alone, a table's tail on the next page
  // that lost its empty columns, is right-aligned without a word, as any narrow rows beside full ones).
  const withNarrowRows = new Set([...narrow].map((p) => gridOf(p.view)));
  const withWideRows = new Set(inGrid.filter((p) => p.view.dataFields!.length >= cellsOf(p)).map((p) => gridOf(p.view)));
  const narrowGrid = (p: PendingRow): boolean => spanOf(p) < cellsOf(p) && withNarrowRows.has(gridOf(p.view)) && withWideRows.has(gridOf(p.view));
  // A scan's narrow rows are no table's tail that lost its empty columns but, as likely, cells whose rulings OCR
  // did not see (自然人 … 其他 read as one cell, its figures but the first lost): their right-alignment is a guess.
  const scanned = (p: PendingRow): boolean => p.view.values.some((v) => v.prov.confidence !== undefined);
  const assumed =
    narrow.size === withFigures.length || byHeader.size > 0
      ? inGrid.filter((p) => narrow.has(p) || narrowGrid(p))
      : inGrid.filter((p) => narrowGrid(p) || (scanned(p) && narrow.has(p)));
  const extraColumns = placed.some(({ header }) => header.otherCols.size > 0);
  const trimmed = inGrid.filter((p) => p.view.dataFields!.length > cellsOf(p) && fittedFields(p.view.dataFields!, cellsOf(p)).length === cellsOf(p) && (extraColumns || spanOf(p) > cellsOf(p)));
  return { assumed, trimmed };
}

/**
 * Rows placed by their positions whose figures the grid's header names as other template columns: a figure
 * read as 科研机构 under the header 自然人 (a table printing five columns, its empty label columns counted as
 * data). Each with its first such figure, the column it was read as and the header above it.
 */
function contradictedRows(
  pending: readonly PendingRow[],
  variant: TableVariant,
  headers: ReadonlyMap<number, HeaderColumns>,
  byHeader: ReadonlySet<PendingRow>,
  solved: Solved,
): { p: PendingRow; figure: string; readAs: string; header: string }[] {
  const out: { p: PendingRow; figure: string; readAs: string; header: string }[] = [];
  if (headers.size === 0) return out;
  const label = (c: number): string => variant.columns[c]!.labels[0]!;
  for (const p of pending) {
    const header = headerOf(p.view, headers);
    const { dataFields, dataCols } = p.view;
    if (!header || !dataFields || !dataCols || byHeader.has(p) || (header.gridWidth !== null && p.view.gridWidth !== header.gridWidth)) continue;
    const colOf = new Map<ValueToken, number>();
    dataFields.forEach((f, i) => f !== null && colOf.set(f, dataCols[i]!));
    // A row with figures beyond the header's last column is not aligned with it (its cells shifted by a label
    // printed over more columns): the header says nothing about it.
    if (dataFields.some((f, i) => f !== null && f.value !== null && dataCols[i]! > header.lastCol)) continue;
    for (let k = 0; k < p.indexes.length && k < variant.columns.length; k++) {
      const token = solved.cells[p.indexes[k]!]?.token;
      const col = token && token.value !== null ? colOf.get(token) : undefined;
      if (col === undefined) continue;
      // Only a header naming a template column counts: other header text may be a fragment of a wrapped label.
      const named = header.columnAt.get(col);
      if (named === undefined || named === k) continue;
      out.push({ p, figure: token!.raw, readAs: label(k), header: label(named) });
      break;
    }
  }
  return out;
}
