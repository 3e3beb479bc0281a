/**
 * Findings particular to figures read by OCR (cells whose provenance carries a confidence):
 *
 * - `ocr/low-confidence`: tesseract was unsure of a figure — the cell is named, the value stays as read.
 * - `ocr/unreadable`: an OCR cell holds text that is not a figure (nor a blank marker such as "/" or "—").
 * - `ocr/identity-proposal`: a broken identity with a single doubtful OCR cell in it settles that cell —
 *   "OCR read 7, the row sum implies 1". Only proposed: the figure as read is never overwritten.
 * - `ocr/in-broken-identity`: a broken identity whose culprit cannot be singled out: each OCR figure in it
 *   is marked, so that no misread figure goes without a finding.
 */
import { finding, type Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import { cellKey, equationsFor, sides, type Equation, type GridState } from '../stages/identities.js';
import type { Cell, ExtractedTable } from '../types.js';

/** Below this word confidence (0–100) an OCR figure is reported; measured on the scanned fixtures (scripts/ocr-accuracy.ts). */
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
  const out: Finding[] = [];
  const byKey = new Map(t.cells.map((c) => [cellKey(c.row, c.col), c]));
  const doubtful = new Set<string>();
  for (const c of t.cells) {
    if (!isOcr(c)) continue;
    const where = { table: c.table, row: c.row, col: c.col, actual: c.raw ?? '', prov: c.prov };
    const name = `${c.table}.${c.row}.${c.col}`;
    if (c.value === null && c.raw !== null && !BLANK_MARKERS.test(c.raw)) {
      doubtful.add(cellKey(c.row, c.col));
      out.push(finding('ocr/unreadable', 'warning', `${name}: OCR read "${c.raw}", which is not a figure`, where));
    } else if (c.value !== null && (c.prov.confidence ?? 100) < threshold) {
      doubtful.add(cellKey(c.row, c.col));
      out.push(
        finding('ocr/low-confidence', 'warning', `${name}: OCR read ${c.raw ?? c.value} with confidence ${Math.round(c.prov.confidence ?? 0)}%`, where),
      );
    }
  }
  out.push(...settleByIdentities(t, kind, byKey, doubtful));
  return out;
}

/**
 * For each identity that does not hold as read: with one doubtful OCR cell in it, the identity gives
 * that cell's value; with none, a cell where two broken identities cross is the likely misread; else
 * every OCR figure of the identity is marked.
 */
function settleByIdentities(t: ExtractedTable, kind: ReportKind, byKey: Map<string, Cell>, doubtful: Set<string>): Finding[] {
  const rows = [...new Set(t.cells.map((c) => c.row))];
  const cols = [...new Set(t.cells.map((c) => c.col))];
  const grid: GridState = new Map();
  for (const c of t.cells) grid.set(cellKey(c.row, c.col), c.method === 'unresolved' ? undefined : c.value);
  const equations = equationsFor(t.table, rows, cols, kind);
  const out: Finding[] = [];
  const proposed = new Set<string>();
  const marked = new Set<string>();
  const propose = (key: string, implied: number, eq: Equation) => {
    const c = byKey.get(key);
    if (!c || proposed.has(key)) return;
    proposed.add(key);
    out.push(
      finding(
        'ocr/identity-proposal',
        'warning',
        `${c.table}.${c.row}.${c.col}: OCR read ${c.raw ?? 'nothing'}, the ${describe(eq)} implies ${implied}`,
        { table: c.table, row: c.row, col: c.col, actual: c.raw ?? '', expected: String(implied), prov: c.prov },
      ),
    );
  };
  // A cell OCR could not place at all, alone in an identity: the identity gives it.
  for (const eq of equations) {
    const unknown = eq.terms.map((term) => cellKey(term.row, term.col)).filter((k) => grid.get(k) === undefined);
    if (unknown.length !== 1 || !isOcrKey(byKey, unknown[0]!)) continue;
    const implied = impliedValue(eq, unknown[0]!, grid);
    if (implied !== null) propose(unknown[0]!, implied, eq);
  }
  const broken = equations.filter((eq) => {
    const s = sides(eq, grid);
    return s !== null && s[0] !== s[1] && eq.terms.some((term) => isOcrKey(byKey, cellKey(term.row, term.col)));
  });
  for (const eq of broken) {
    const keys = eq.terms.map((term) => cellKey(term.row, term.col));
    const suspects = keys.filter((k) => doubtful.has(k));
    if (suspects.length === 1) {
      const implied = impliedValue(eq, suspects[0]!, grid);
      if (implied !== null) {
        propose(suspects[0]!, implied, eq);
        continue;
      }
    }
    // Where two broken identities cross at one OCR cell and agree on its value, that cell is the misread.
    let settled = false;
    if (suspects.length === 0) {
      for (const k of keys) {
        if (!isOcrKey(byKey, k)) continue;
        for (const other of broken) {
          if (other === eq || !other.terms.some((term) => cellKey(term.row, term.col) === k)) continue;
          const a = impliedValue(eq, k, grid);
          const b = impliedValue(other, k, grid);
          if (a !== null && a === b) {
            propose(k, a, eq);
            settled = true;
          }
        }
      }
    }
    if (settled) continue;
    for (const k of keys) {
      const c = byKey.get(k);
      if (!c || !isOcr(c) || doubtful.has(k) || proposed.has(k) || marked.has(k)) continue;
      marked.add(k);
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

function isOcrKey(byKey: Map<string, Cell>, key: string): boolean {
  const c = byKey.get(key);
  return c !== undefined && isOcr(c);
}

/** The value the cell must have for the equation to hold, if it is a non-negative integer. */
export function impliedValue(eq: Equation, key: string, grid: GridState): number | null {
  let rest = 0;
  let coef = 0;
  for (const term of eq.terms) {
    const k = cellKey(term.row, term.col);
    if (k === key) {
      coef += term.coef;
      continue;
    }
    const v = grid.get(k);
    if (v === undefined) return null;
    rest += term.coef * (v ?? 0);
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
