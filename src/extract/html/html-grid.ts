/**
 * Table grids for HTML and DOCX: expands rowspan/colspan into a true grid, then turns the grid into
 * `row` blocks the table stage can trust.
 *
 * Two rules make every figure land in its column:
 * - A LABEL cell that spans rows or columns is repeated into every slot it covers, so each grid row
 *   carries its own parent labels (三、本年度办理结果 on every outcome row) and each column its header
 *   group (法人或其他组织 over five columns). A NUMERIC cell is never repeated: it sits in its first slot
 *   and the other slots are '' — a figure printed once must be read once.
 * - Columns that exist only because of spans are folded away per band (see `findBands`, `keptColumns`),
 *   so that the table stage, which right-aligns the data columns of a grid row, finds a figure spanning
 *   three columns (2021 layout: 本年处理决定数量 over the three data columns of the 第二十条 table) in the
 *   last column. Trailing columns blank in every row of a band are dropped for the same reason.
 *   `col` is the column after folding; `prov.gridCol` stays the column in the source grid, so a figure
 *   can still be found in the page.
 * Rows whose slots are all empty are dropped; a full-width title row says its text once.
 */
import { DocumentError } from '../../findings.js';
import type { RowBlock, SourceField } from '../../types.js';

/** One source cell, before expansion. */
export interface SourceCell {
  text: string;
  rowspan: number;
  colspan: number;
}

/** One slot of the expanded grid. */
export interface GridSlot {
  /** The cell's text as printed ('' for an empty cell). */
  text: string;
  /** Identity of the source cell covering the slot (same id = same merged cell). */
  cellId: number;
  /** True in the cell's first (top-left) slot. */
  origin: boolean;
  /** Source grid row/column of the covering cell's top-left slot. */
  originRow: number;
  originCol: number;
}

/** Spans beyond these are malformed (or hostile): HTML caps colspan at 1000; no report table is that wide. */
const MAX_COLSPAN = 200;
const MAX_GRID_CELLS = 200_000;

/**
 * Expands source rows into a rectangular grid (rows × width). Ragged rows are padded with empty
 * slots at the end, as browsers do. rowspan="0" (HTML: to the end of the table) and rowspans past the
 * last row are clamped to the rows that exist.
 */
export function expandGrid(rows: readonly (readonly SourceCell[])[]): GridSlot[][] {
  const grid: (GridSlot | undefined)[][] = rows.map(() => []);
  let nextId = 0;
  let cells = 0;
  rows.forEach((row, r) => {
    let c = 0;
    for (const cell of row) {
      while (grid[r]![c] !== undefined) c++;
      const colspan = clampSpan(cell.colspan, MAX_COLSPAN);
      const rowspan = cell.rowspan <= 0 ? rows.length - r : Math.min(clampSpan(cell.rowspan, rows.length), rows.length - r);
      const id = nextId++;
      for (let dr = 0; dr < rowspan; dr++) {
        for (let dc = 0; dc < colspan; dc++) {
          const target = grid[r + dr]!;
          // A later cell never overwrites an earlier one (overlapping spans in malformed tables).
          if (target[c + dc] !== undefined) continue;
          target[c + dc] = { text: cell.text, cellId: id, origin: dr === 0 && dc === 0, originRow: r, originCol: c };
          cells++;
          if (cells > MAX_GRID_CELLS) throw new DocumentError('extract', `a table expands to more than ${MAX_GRID_CELLS} grid cells (row/column spans out of proportion); the file is malformed`);
        }
      }
      c += colspan;
    }
  });
  const width = grid.reduce((w, row) => Math.max(w, row.length), 0);
  // Padding makes every row as wide as the widest: one wide row over many narrow ones is a big grid too.
  if (grid.length * width > MAX_GRID_CELLS) {
    throw new DocumentError('extract', `a table expands to more than ${MAX_GRID_CELLS} grid cells (${grid.length} rows × ${width} columns); the file is malformed`);
  }
  return grid.map((row, r) => {
    const out: GridSlot[] = [];
    for (let c = 0; c < width; c++) {
      out.push(row[c] ?? { text: '', cellId: -1 - r * width - c, origin: true, originRow: r, originCol: c });
    }
    return out;
  });
}

function clampSpan(n: number, max: number): number {
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(Math.floor(n), max);
}

/** A figure as printed in a cell: digits with optional sign, separators, decimals, unit or percent. */
const NUMERIC_CELL = /^[+\-−]?\d[\d,，]*(?:[.．]\d+)?\s*(?:%|％|元|万元|件|条|个|项)?$/;

export function isNumericText(text: string): boolean {
  return NUMERIC_CELL.test(text.trim());
}

/** The text a slot shows: the cell's text in its origin slot; elsewhere only if it is a label. */
export function slotText(slot: GridSlot): string {
  if (slot.origin) return slot.text;
  return isNumericText(slot.text) ? '' : slot.text;
}

/**
 * A band is a run of rows introduced by a full-width single-cell row (a title row such as
 * 第二十条第（五）项 inside the one big table of section 二). Returns [start, end) row ranges.
 */
export function findBands(grid: readonly (readonly GridSlot[])[]): [number, number][] {
  const bands: [number, number][] = [];
  let start = 0;
  grid.forEach((row, r) => {
    if (r > start && isFullWidthTitleRow(row)) {
      bands.push([start, r]);
      start = r;
    }
  });
  if (grid.length > 0) bands.push([start, grid.length]);
  return bands;
}

function isFullWidthTitleRow(row: readonly GridSlot[]): boolean {
  const first = row[0];
  return first !== undefined && row.length > 1 && first.origin && row.every((s) => s.cellId === first.cellId);
}

/**
 * For each band, the grid columns that start a compacted column: a column is kept when, in some row
 * of the band, its slot belongs to a different cell than the slot to its left. A column where every
 * row just continues the cell on its left exists only because of a span elsewhere in the table.
 */
export function keptColumns(grid: readonly (readonly GridSlot[])[], band: [number, number]): number[] {
  const width = grid[0]?.length ?? 0;
  const kept: number[] = [];
  for (let c = 0; c < width; c++) {
    if (c === 0) {
      kept.push(0);
      continue;
    }
    for (let r = band[0]; r < band[1]; r++) {
      const row = grid[r]!;
      if (row[c]!.cellId !== row[c - 1]!.cellId) {
        kept.push(c);
        break;
      }
    }
  }
  return kept;
}

/**
 * Drops kept columns at the right edge that are empty in every row of the band: a trailing blank
 * column (an extra <td> in every row, as pages converted from spreadsheets or typed tables carry)
 * would otherwise stand where the table stage looks for the last data column. Interior blank
 * columns are kept: in a table without header rows they may be a real column that is all blank.
 */
export function trimTrailingEmptyColumns(grid: readonly (readonly GridSlot[])[], band: [number, number], kept: number[]): number[] {
  const out = [...kept];
  while (out.length > 1) {
    const c = out[out.length - 1]!;
    let empty = true;
    for (let r = band[0]; r < band[1] && empty; r++) {
      const row = grid[r]!;
      if (!isFullWidthTitleRow(row) && slotText(row[c]!) !== '') empty = false;
    }
    if (!empty) break;
    out.pop();
  }
  return out;
}

/**
 * A figure in a cell merged over several columns of its row ("行政处罚 | 1195545" over 上一年项目数量 · 本年增/减 ·
 * 处理决定数量): it says nothing of which column it is — one figure, or the row's figures glued — and the columns
 * after it are not blank but covered. Its row is read by its figures in order, not by their positions, which
 * put it in the first column with two blanks, in silence. A figure merged over rows leaves the rows below it
 * a covered cell, read so too (it was a blank).
 */
function spansFigureColumns(row: readonly GridSlot[], r: number, kept: readonly number[]): boolean {
  for (let k = 0; k < kept.length; k++) {
    const slot = row[kept[k]!]!;
    if (!isNumericText(slot.text)) continue;
    if (k > 0 && slot.cellId === row[kept[k - 1]!]!.cellId) return true;
    // The same over rows: a figure merged down from a row above covers this row's cell, which is no blank.
    if (!slot.origin && slot.originRow < r) return true;
  }
  return false;
}

export interface GridRowsOptions {
  tableIndex: number;
  /** Line number of the table's first row in the document's text rendering; one line per row. */
  firstLine: number;
}

/**
 * Turns an expanded grid into `row` blocks with positions 'grid'. Rows whose slots are all empty
 * carry nothing and are dropped (their line number is still counted, so lines stay stable).
 * Returns the blocks and the number of lines the table took.
 */
export function gridToRowBlocks(grid: readonly (readonly GridSlot[])[], options: GridRowsOptions): { blocks: RowBlock[]; lines: number } {
  const blocks: RowBlock[] = [];
  for (const band of findBands(grid)) {
    const kept = trimTrailingEmptyColumns(grid, band, keptColumns(grid, band));
    for (let r = band[0]; r < band[1]; r++) {
      const line = options.firstLine + r;
      const row = grid[r]!;
      // A title row spanning the whole table (第二十条第（五）项) heads no column: its text is said once.
      const title = isFullWidthTitleRow(row);
      const fields: SourceField[] = kept.map((gridCol, col) => ({
        text: title && col > 0 ? '' : slotText(row[gridCol]!),
        col,
        prov: { line, tableIndex: options.tableIndex, gridRow: r, gridCol },
      }));
      if (fields.every((f) => f.text === '')) continue;
      const positions = title || !spansFigureColumns(row, r, kept) ? 'grid' : 'none';
      blocks.push({ kind: 'row', positions, gridWidth: kept.length, fields, prov: { line, tableIndex: options.tableIndex, gridRow: r } });
    }
  }
  return { blocks, lines: grid.length };
}
