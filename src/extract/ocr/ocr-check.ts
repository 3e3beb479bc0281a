/**
 * Findings particular to figures read by OCR (cells whose provenance carries a confidence):
 *
 * - `ocr/low-confidence`: tesseract was unsure of a figure, or of a blank marker ("-" may be what it kept of "-5")
 *   — the cell is named, the value stays as read.
 * - `ocr/unreadable`: an OCR cell holds text that is not a figure (nor a blank marker such as "/" or "—").
 * - `ocr/identity-proposal`: a broken identity with a single doubtful OCR cell in it settles that cell —
 *   "OCR read 7, the row sum implies 1". Only proposed: the figure as read is never overwritten.
 * - `ocr/in-broken-identity`: a broken identity whose culprit cannot be singled out: each OCR figure in it
 *   is marked, so that no misread figure goes without a finding.
 */
import { finding, type Finding } from '../../findings.js';
import type { ReportKind } from '../../kind.js';
import { sides, tableSpace, type Equation } from '../../stages/identities.js';
import type { Cell, ExtractedTable } from '../../types.js';

/** Below this word confidence (0–100) an OCR figure is reported; measured on the scanned fixtures (scripts/bench/ocr-accuracy.ts). */
export const LOW_CONFIDENCE = 80;

/** Printed in place of a figure to mean "none" / "not applicable": not a misread. */
const BLANK_MARKERS = /^[/／\\—–\-－一无\s]*$/u;

export function checkOcrCells(tables: ExtractedTable[], kind: ReportKind, threshold = LOW_CONFIDENCE): Finding[] {
  const out: Finding[] = [];
  for (const t of tables) out.push(...checkTable(t, kind, threshold));
  return out;
}

function isOcr(c: Cell): boolean {
  return c.prov.confidence !== undefined;
}

function checkTable(t: ExtractedTable, kind: ReportKind, threshold: number): Finding[] {
  // Every finding here names an OCR cell: a table read without OCR (text, HTML, DOCX…) has none.
  if (!t.cells.some(isOcr)) return [];
  const out: Finding[] = [];
  const rows = [...new Set(t.cells.map((c) => c.row))];
  const cols = [...new Set(t.cells.map((c) => c.col))];
  const space = tableSpace(t.table, rows, cols, kind);
  // Cells by index (row-major), the figures as read (blank = 0, unplaced = unknown), and the doubtful ones.
  const cells: (Cell | undefined)[] = [];
  const state = new Float64Array(rows.length * cols.length).fill(NaN);
  const doubtful = new Set<number>();
  for (const c of t.cells) {
    const i = rows.indexOf(c.row) * cols.length + cols.indexOf(c.col);
    cells[i] = c;
    state[i] = c.method === 'unresolved' ? NaN : (c.value ?? 0);
    if (!isOcr(c)) continue;
    const where = { table: c.table, row: c.row, col: c.col, actual: c.raw ?? '', prov: c.prov };
    const name = `${c.table}.${c.row}.${c.col}`;
    if (c.value === null && c.raw !== null && !BLANK_MARKERS.test(c.raw)) {
      doubtful.add(i);
      out.push(finding('ocr/unreadable', 'warning', `${name}: OCR read "${c.raw}", which is not a figure`, where));
    } else if ((c.value !== null || (c.raw ?? '').trim() !== '') && (c.prov.confidence ?? 100) < threshold) {
      // A blank marker read unsurely may be what OCR kept of a figure: "-" of "-5", or a "2" read as "-".
      const blank = c.value === null;
      doubtful.add(i);
      out.push(
        finding(
          'ocr/low-confidence',
          'warning',
          `${name}: OCR read ${blank ? `"${c.raw}" (blank)` : (c.raw ?? c.value)} with confidence ${Math.round(c.prov.confidence ?? 0)}%${blank ? '; a figure may stand there' : ''}`,
          where,
        ),
      );
    }
  }
  out.push(...settleByIdentities(space.equations, cells, state, doubtful));
  return out;
}

/**
 * For each identity that does not hold as read: with one doubtful OCR cell in it, the identity gives
 * that cell's value; with none, a cell where two broken identities cross and agree is the likely misread;
 * else every OCR figure of the identity is marked. A cell OCR left unplaced, alone in an identity, is
 * given by it too.
 */
function settleByIdentities(equations: Equation[], cells: (Cell | undefined)[], state: Float64Array, doubtful: Set<number>): Finding[] {
  const out: Finding[] = [];
  const proposed = new Set<number>();
  const marked = new Set<number>();
  const isOcrAt = (i: number) => cells[i] !== undefined && isOcr(cells[i]!);
  const propose = (i: number, implied: number, eq: Equation) => {
    const c = cells[i];
    if (!c || proposed.has(i)) return;
    proposed.add(i);
    out.push(
      finding('ocr/identity-proposal', 'warning', `${c.table}.${c.row}.${c.col}: OCR read ${c.raw ?? 'nothing'}, the ${describe(eq)} implies ${implied}`, {
        table: c.table,
        row: c.row,
        col: c.col,
        actual: c.raw ?? '',
        expected: String(implied),
        prov: c.prov,
      }),
    );
  };
  for (const eq of equations) {
    const unknown = Array.from(eq.cells).filter((i) => Number.isNaN(state[i]!));
    if (unknown.length !== 1 || !isOcrAt(unknown[0]!)) continue;
    const implied = impliedValue(eq, unknown[0]!, state);
    if (implied !== null) propose(unknown[0]!, implied, eq);
  }
  const broken = equations.filter((eq) => {
    const s = sides(eq, state);
    return s !== null && s[0] !== s[1] && Array.from(eq.cells).some(isOcrAt);
  });
  for (const eq of broken) {
    const members = Array.from(eq.cells);
    const suspects = members.filter((i) => doubtful.has(i));
    if (suspects.length === 1) {
      const implied = impliedValue(eq, suspects[0]!, state);
      if (implied !== null) {
        propose(suspects[0]!, implied, eq);
        continue;
      }
    }
    // Where two broken identities cross at one OCR cell and agree on its value, that cell is the misread.
    let settled = false;
    if (suspects.length === 0) {
      for (const i of members) {
        if (!isOcrAt(i)) continue;
        for (const other of broken) {
          if (other === eq || !other.cells.includes(i)) continue;
          const a = impliedValue(eq, i, state);
          if (a !== null && a === impliedValue(other, i, state)) {
            propose(i, a, eq);
            settled = true;
          }
        }
      }
    }
    if (settled) continue;
    for (const i of members) {
      const c = cells[i];
      if (!c || !isOcr(c) || doubtful.has(i) || proposed.has(i) || marked.has(i)) continue;
      marked.add(i);
      out.push(
        finding(
          'ocr/in-broken-identity',
          'info',
          `${c.table}.${c.row}.${c.col}: read by OCR as ${c.raw ?? 'nothing'} in a ${describe(eq)} that does not hold; it may be misread`,
          { table: c.table, row: c.row, col: c.col, actual: c.raw ?? '', prov: c.prov },
        ),
      );
    }
  }
  return out;
}

/** The value cell `at` must have for the equation to hold, if it is a non-negative integer. */
export function impliedValue(eq: Equation, at: number, state: Float64Array): number | null {
  let rest = 0;
  let coef = 0;
  for (let k = 0; k < eq.cells.length; k++) {
    const i = eq.cells[k]!;
    if (i === at) {
      coef += eq.coefs[k]!;
      continue;
    }
    const v = state[i]!;
    if (Number.isNaN(v)) return null;
    rest += eq.coefs[k]! * v;
  }
  if (coef === 0) return null;
  const x = Math.round((-rest / coef) * 1e6) / 1e6;
  return x >= 0 && Number.isInteger(x) ? x : null;
}

function describe(eq: Equation): string {
  if (eq.id.endsWith('row-sum')) return `row sum of ${eq.row}`;
  if (eq.id.endsWith('outcome-sum')) return `column sum of ${eq.col} (办理结果各项之和 = 总计)`;
  if (eq.id.endsWith('balance')) return `balance of column ${eq.col} (新收 + 结转 = 总计 + 结转下年)`;
  return `identity ${eq.id}${eq.row ? ` on row ${eq.row}` : eq.col ? ` on column ${eq.col}` : ''}`;
}
