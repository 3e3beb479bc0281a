/**
 * The identities of a table as linear equations over its cells (Σ coef·cell = 0), and a propagator that
 * solves an equation with a single unknown. Used twice: by the table stage to choose between placements
 * of a damaged row, and by validate to check the figures as printed.
 *
 * Cells are addressed by index (row-major) and held in a Float64Array: NaN is an unknown cell (lost by
 * the flattening); a blank cell is held as 0 — tables leave zeros blank, so an identity counts it as 0.
 */
import type { IdentityDef, ReportKind } from '../kind.js';

export interface Equation {
  id: string;
  description: string;
  /** The row (per-row identity) or column (per-col identity) the equation is about. */
  row?: string;
  col?: string;
  /** Cell indexes and their coefficients (+1 left side, −1 right side). */
  cells: Int32Array;
  coefs: Int8Array;
}

/** The cells of one table and its equations. */
export interface TableSpace {
  rows: readonly string[];
  cols: readonly string[];
  equations: Equation[];
}

export const cellIndex = (space: TableSpace, row: string, col: string): number => space.rows.indexOf(row) * space.cols.length + space.cols.indexOf(col);

const spaces = new WeakMap<ReportKind, Map<string, TableSpace>>();

/** The equations of a table with these rows and columns (memoised: a layout's space never changes). */
export function tableSpace(table: string, rows: readonly string[], cols: readonly string[], kind: ReportKind): TableSpace {
  let byKey = spaces.get(kind);
  if (!byKey) {
    byKey = new Map();
    spaces.set(kind, byKey);
  }
  const key = `${table}|${rows.join(',')}|${cols.join(',')}`;
  let space = byKey.get(key);
  if (!space) {
    const equations: Equation[] = [];
    for (const def of kind.identities) if (def.table === table) equations.push(...instantiate(def, rows, cols));
    space = { rows: [...rows], cols: [...cols], equations };
    byKey.set(key, space);
  }
  return space;
}

function instantiate(def: IdentityDef, rows: readonly string[], cols: readonly string[]): Equation[] {
  const rowAt = new Map(rows.map((r, i) => [r, i]));
  const colAt = new Map(cols.map((c, i) => [c, i]));
  const present = def.kind === 'per-col' ? rowAt : colAt;
  const lhs = def.lhs.filter((k) => present.has(k));
  const rhs = def.rhs.filter((k) => present.has(k));
  if (lhs.length === 0 || rhs.length === 0) return [];
  const across = def.kind === 'per-col' ? cols : rows;
  return across.map((k) => {
    const index = (side: string): number =>
      def.kind === 'per-col' ? rowAt.get(side)! * cols.length + colAt.get(k)! : rowAt.get(k)! * cols.length + colAt.get(side)!;
    const cells = Int32Array.from([...lhs, ...rhs].map(index));
    const coefs = Int8Array.from([...lhs.map(() => 1), ...rhs.map(() => -1)]);
    return def.kind === 'per-col'
      ? { id: def.id, description: def.description, col: k, cells, coefs }
      : { id: def.id, description: def.description, row: k, cells, coefs };
  });
}

export interface Propagation {
  /** The state after propagation (the array given, updated): unknowns solved where an equation allowed it. */
  state: Float64Array;
  /** Equations whose cells are all known and that do not hold. */
  violated: Equation[];
  /** An unknown would have to be negative or fractional: this placement is impossible. */
  impossible: boolean;
}

/**
 * Solves unknowns one equation at a time until nothing changes; reports violated equations.
 * Works in place: the caller passes a state of its own (a trial copy), so it is not copied twice.
 */
export function propagate(state: Float64Array, equations: readonly Equation[]): Propagation {
  let impossible = false;
  let changed = true;
  while (changed) {
    changed = false;
    for (const eq of equations) {
      const cell = solveSingleUnknown(eq, state);
      if (cell < 0) continue;
      if (isImpossible(state[cell]!)) impossible = true;
      changed = true;
    }
  }
  const violated = equations.filter((eq) => isBroken(eq, state));
  return { state, violated, impossible };
}

/**
 * For propagating from a few cells: the equations each cell is in (by index into the list), and scratch
 * space reused from one propagation to the next (one thread propagates one trial at a time). Memoised per
 * equation list: a layout's equations never change.
 */
interface EquationIndex {
  eqsOf: Int32Array[];
  /** stamp[e] === generation: equation e was queued in the current propagation. */
  stamp: Uint32Array;
  generation: number;
  queue: number[];
  visited: number[];
}

const NO_EQUATIONS = new Int32Array(0);
const indexCache = new WeakMap<readonly Equation[], EquationIndex>();

function equationIndex(equations: readonly Equation[]): EquationIndex {
  let index = indexCache.get(equations);
  if (!index) {
    const lists: number[][] = [];
    equations.forEach((eq, e) => {
      for (const c of eq.cells) (lists[c] ??= []).push(e);
    });
    const eqsOf = Array.from({ length: lists.length }, (_, c) => (lists[c] ? Int32Array.from(lists[c]) : NO_EQUATIONS));
    index = { eqsOf, stamp: new Uint32Array(equations.length), generation: 0, queue: [], visited: [] };
    indexCache.set(equations, index);
  }
  return index;
}

/**
 * Propagation from a few changed cells: only the equations those cells are in, then the equations of
 * the cells that solves, and so on — what a full `propagate` would change, when the rest of the state
 * was already settled, at the cost of the few equations concerned. Violated equations are those visited.
 * (The solver evaluates every candidate cut of every glued row with it: typed arrays and stamps instead
 * of sets keep it from allocating.)
 */
export function propagateFrom(state: Float64Array, equations: readonly Equation[], changed: ArrayLike<number>): Propagation {
  const index = equationIndex(equations);
  const { eqsOf, stamp, queue, visited } = index;
  if (++index.generation === 0xffffffff) {
    stamp.fill(0);
    index.generation = 1;
  }
  const generation = index.generation;
  queue.length = 0;
  visited.length = 0;
  for (let i = 0; i < changed.length; i++) {
    const list = eqsOf[changed[i]!] ?? NO_EQUATIONS;
    for (let k = 0; k < list.length; k++) {
      const e = list[k]!;
      if (stamp[e] === generation) continue;
      stamp[e] = generation;
      visited.push(e);
      queue.push(e);
    }
  }
  let impossible = false;
  for (let q = 0; q < queue.length; q++) {
    const cell = solveSingleUnknown(equations[queue[q]!]!, state);
    if (cell < 0) continue;
    if (isImpossible(state[cell]!)) impossible = true;
    // Every equation of the solved cell may now have one unknown, or be complete: look at them (again).
    const list = eqsOf[cell] ?? NO_EQUATIONS;
    for (let k = 0; k < list.length; k++) {
      const e = list[k]!;
      if (stamp[e] !== generation) {
        stamp[e] = generation;
        visited.push(e);
      }
      queue.push(e);
    }
  }
  const violated: Equation[] = [];
  for (const e of visited) if (isBroken(equations[e]!, state)) violated.push(equations[e]!);
  return { state, violated, impossible };
}

/**
 * When exactly one of the equation's cells is unknown, sets it to what the equation requires and returns its
 * index; otherwise -1 (nothing to solve, or not yet).
 */
function solveSingleUnknown(eq: Equation, state: Float64Array): number {
  let sum = 0;
  let unknownAt = -1;
  let unknowns = 0;
  for (let i = 0; i < eq.cells.length; i++) {
    const v = state[eq.cells[i]!]!;
    if (Number.isNaN(v)) {
      unknowns++;
      unknownAt = i;
    } else sum += eq.coefs[i]! * v;
  }
  if (unknowns !== 1) return -1;
  const cell = eq.cells[unknownAt]!;
  state[cell] = round(-sum / eq.coefs[unknownAt]!);
  return cell;
}

/** A count can be neither negative nor fractional: a placement that needs one is impossible. */
function isImpossible(value: number): boolean {
  return value < 0 || !Number.isInteger(value);
}

/** The equation's cells are all known and its sides differ. */
function isBroken(eq: Equation, state: Float64Array): boolean {
  return sumSides(eq, state) && round(SIDES[0]!) !== round(SIDES[1]!);
}

/** The two sides of an equation as they stand: [lhs, rhs]; null while a cell is unknown. */
export function sides(eq: Equation, state: Float64Array): [number, number] | null {
  return sumSides(eq, state) ? [round(SIDES[0]!), round(SIDES[1]!)] : null;
}

/** Where sumSides leaves the two sides (propagation checks equations by the thousand: no tuple each). */
const SIDES = new Float64Array(2);

/** Sums the equation's two sides into SIDES; false while a cell is unknown. */
function sumSides(eq: Equation, state: Float64Array): boolean {
  let lhs = 0;
  let rhs = 0;
  for (let i = 0; i < eq.cells.length; i++) {
    const v = state[eq.cells[i]!]!;
    if (Number.isNaN(v)) return false;
    if (eq.coefs[i] === 1) lhs += v;
    else rhs += v;
  }
  SIDES[0] = lhs;
  SIDES[1] = rhs;
  return true;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6 + 0; // + 0 turns -0 into 0
}
