/**
 * The identities of a table as linear equations over its cells (Σ coef·cell = 0), and a propagator that
 * solves an equation with a single unknown. Used twice: by the table stage to choose between placements
 * of a damaged row, and by validate to check the figures as printed.
 *
 * A blank cell counts as 0 in an equation (tables leave zeros blank); an unknown cell (lost by the
 * flattening) is what propagation solves for.
 */
import type { IdentityDef, ReportKind } from '../kind.js';

export interface Term {
  row: string;
  col: string;
  coef: 1 | -1;
}

export interface Equation {
  id: string;
  description: string;
  /** The row (per-row identity) or column (per-col identity) the equation is about. */
  row?: string;
  col?: string;
  terms: Term[];
}

/** Known value, blank (null) or unknown (undefined). */
export type CellState = number | null | undefined;
export type GridState = Map<string, CellState>;

export const cellKey = (row: string, col: string): string => `${row}|${col}`;

export function equationsFor(table: string, rows: readonly string[], cols: readonly string[], kind: ReportKind): Equation[] {
  const eqs: Equation[] = [];
  for (const def of kind.identities.filter((d) => d.table === table)) eqs.push(...instantiate(def, rows, cols));
  return eqs;
}

function instantiate(def: IdentityDef, rows: readonly string[], cols: readonly string[]): Equation[] {
  const present = def.kind === 'per-col' ? new Set(rows) : new Set(cols);
  const lhs = def.lhs.filter((k) => present.has(k));
  const rhs = def.rhs.filter((k) => present.has(k));
  if (lhs.length === 0 || rhs.length === 0) return [];
  const across = def.kind === 'per-col' ? cols : rows;
  return across.map((k) => {
    const terms: Term[] =
      def.kind === 'per-col'
        ? [...lhs.map((r) => ({ row: r, col: k, coef: 1 as const })), ...rhs.map((r) => ({ row: r, col: k, coef: -1 as const }))]
        : [...lhs.map((c) => ({ row: k, col: c, coef: 1 as const })), ...rhs.map((c) => ({ row: k, col: c, coef: -1 as const }))];
    return def.kind === 'per-col'
      ? { id: def.id, description: def.description, col: k, terms }
      : { id: def.id, description: def.description, row: k, terms };
  });
}

export interface Propagation {
  /** Values found for unknown cells. */
  solved: Map<string, number>;
  /** Equations whose cells are all known and that do not hold. */
  violated: Equation[];
  /** An unknown would have to be negative or fractional: this placement is impossible. */
  impossible: boolean;
}

/** Solves unknowns one equation at a time until nothing changes; reports violated equations. */
export function propagate(grid: GridState, equations: readonly Equation[]): Propagation {
  const state = new Map(grid);
  const solved = new Map<string, number>();
  let impossible = false;
  let changed = true;
  while (changed) {
    changed = false;
    for (const eq of equations) {
      let sum = 0;
      let unknown: Term | null = null;
      let unknowns = 0;
      for (const t of eq.terms) {
        const v = state.get(cellKey(t.row, t.col));
        if (v === undefined) {
          unknowns++;
          unknown = t;
        } else sum += t.coef * (v ?? 0);
      }
      if (unknowns === 1 && unknown) {
        const value = round(-sum / unknown.coef);
        if (value < 0 || !Number.isInteger(value)) impossible = true;
        const key = cellKey(unknown.row, unknown.col);
        state.set(key, value);
        solved.set(key, value);
        changed = true;
      }
    }
  }
  const violated = equations.filter((eq) => {
    let sum = 0;
    for (const t of eq.terms) {
      const v = state.get(cellKey(t.row, t.col));
      if (v === undefined) return false;
      sum += t.coef * (v ?? 0);
    }
    return Math.abs(sum) > 1e-6;
  });
  return { solved, violated, impossible };
}

/** Sum of an equation's sides as printed: [lhs, rhs], blanks as 0; null if a cell is unknown. */
export function sides(eq: Equation, grid: GridState): [number, number] | null {
  let lhs = 0;
  let rhs = 0;
  for (const t of eq.terms) {
    const v = grid.get(cellKey(t.row, t.col));
    if (v === undefined) return null;
    if (t.coef === 1) lhs += v ?? 0;
    else rhs += v ?? 0;
  }
  return [round(lhs), round(rhs)];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
