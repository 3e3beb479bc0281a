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
 * For propagating from a few cells: the equations each cell is in (by index into the list) with the cell's
 * coefficient in each, and scratch space reused from one propagation to the next (one thread propagates one
 * trial at a time). Memoised per equation list: a layout's equations never change.
 */
interface EquationIndex {
  eqsOf: Int32Array[];
  /** coefsOf[c][k]: the coefficient of cell c in equation eqsOf[c][k]. */
  coefsOf: Int8Array[];
  /** stamp[e] === generation: equation e was queued in the current propagation. */
  stamp: Uint32Array;
  generation: number;
  queue: IndexList;
  visited: IndexList;
  /** A trial's sums of the equations it touched (propagateChange): valid where stamped. Arrays as EquationSums's. */
  lhs: number[];
  rhs: number[];
  unknowns: number[];
}

/**
 * A list of equation numbers emptied by a count, not by `length = 0`: that gives the array's storage back, and a
 * propagation, thirty-odd a one-paragraph report, grew it again push by push.
 */
class IndexList {
  items: number[] = [];
  size = 0;

  push(e: number): void {
    this.items[this.size++] = e;
  }

  clear(): void {
    this.size = 0;
  }
}

const NO_EQUATIONS = new Int32Array(0);
const NO_COEFS = new Int8Array(0);
const indexCache = new WeakMap<readonly Equation[], EquationIndex>();

function equationIndex(equations: readonly Equation[]): EquationIndex {
  let index = indexCache.get(equations);
  if (!index) {
    const lists: number[][] = [];
    const coefLists: number[][] = [];
    equations.forEach((eq, e) => {
      eq.cells.forEach((c, i) => {
        (lists[c] ??= []).push(e);
        (coefLists[c] ??= []).push(eq.coefs[i]!);
      });
    });
    const eqsOf = Array.from({ length: lists.length }, (_, c) => (lists[c] ? Int32Array.from(lists[c]) : NO_EQUATIONS));
    const coefsOf = Array.from({ length: lists.length }, (_, c) => (coefLists[c] ? Int8Array.from(coefLists[c]) : NO_COEFS));
    const n = equations.length;
    index = { eqsOf, coefsOf, stamp: new Uint32Array(n), generation: 0, queue: new IndexList(), visited: new IndexList(), lhs: zeros(n), rhs: zeros(n), unknowns: zeros(n) };
    indexCache.set(equations, index);
  }
  return index;
}

function zeros(n: number): number[] {
  return Array.from({ length: n }, () => 0);
}

/** Starts a propagation: a new generation of stamps, empty queue and visited list. */
function nextGeneration(index: EquationIndex): number {
  if (++index.generation === 0xffffffff) {
    index.stamp.fill(0);
    index.generation = 1;
  }
  index.queue.clear();
  index.visited.clear();
  return index.generation;
}

/** Equation e is visited in this propagation: stamped, and listed in `visited`. True on its first visit. */
function markVisited(index: EquationIndex, e: number, generation: number): boolean {
  if (index.stamp[e] === generation) return false;
  index.stamp[e] = generation;
  index.visited.push(e);
  return true;
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
  const { eqsOf, queue, visited } = index;
  const generation = nextGeneration(index);
  for (let i = 0; i < changed.length; i++) {
    const list = eqsOf[changed[i]!] ?? NO_EQUATIONS;
    for (let k = 0; k < list.length; k++) if (markVisited(index, list[k]!, generation)) queue.push(list[k]!);
  }
  let impossible = false;
  for (let q = 0; q < queue.size; q++) {
    const cell = solveSingleUnknown(equations[queue.items[q]!]!, state);
    if (cell < 0) continue;
    if (isImpossible(state[cell]!)) impossible = true;
    // Every equation of the solved cell may now have one unknown, or be complete: look at them (again).
    const list = eqsOf[cell] ?? NO_EQUATIONS;
    for (let k = 0; k < list.length; k++) {
      markVisited(index, list[k]!, generation);
      queue.push(list[k]!);
    }
  }
  const violated: Equation[] = [];
  for (let v = 0; v < visited.size; v++) {
    const e = visited.items[v]!;
    if (isBroken(equations[e]!, state)) violated.push(equations[e]!);
  }
  return { state, violated, impossible };
}

/**
 * A state's equations summed: each one's two sides over its known cells, and how many of its cells are unknown —
 * kept in step as the state's cells are set (setCell), so that a trial that changes a few cells weighs the
 * equations it touches without reading all their cells again (propagateChange). Only while every known cell is a
 * whole number small enough that any order of adding gives the same sums (`exact`): then the sums, and every
 * figure solved from them, are those that reading the cells gives, to the bit.
 */
export interface EquationSums {
  // Plain arrays: made once per table solved, where three typed arrays' allocations (off V8's heap) cost more
  // than summing the equations.
  lhs: number[];
  rhs: number[];
  unknowns: number[];
}

/** Whole numbers below 2^46: sums of up to a hundred of them stay exact in a double, whatever the order. */
const EXACT_LIMIT = 2 ** 46;

function isExactFigure(v: number): boolean {
  return Number.isInteger(v) && v < EXACT_LIMIT && v > -EXACT_LIMIT;
}

/** A cell the sums can hold: unknown, or an exact figure. */
function isSummable(v: number): boolean {
  return Number.isNaN(v) || isExactFigure(v);
}

/** The sums of a state's equations, or null when a known cell is not an exact figure (then cells are read each time). */
export function equationSums(state: Float64Array, equations: readonly Equation[]): EquationSums | null {
  const n = equations.length;
  const sums: EquationSums = { lhs: [], rhs: [], unknowns: [] };
  for (let e = 0; e < n; e++) {
    const eq = equations[e]!;
    let lhs = 0;
    let rhs = 0;
    let unknowns = 0;
    for (let i = 0; i < eq.cells.length; i++) {
      const v = state[eq.cells[i]!]!;
      if (Number.isNaN(v)) unknowns++;
      else if (!isExactFigure(v)) return null;
      else if (eq.coefs[i] === 1) lhs += v;
      else rhs += v;
    }
    sums.lhs.push(lhs);
    sums.rhs.push(rhs);
    sums.unknowns.push(unknowns);
  }
  return sums;
}

/** Equation e's sums in the trial, from the base's on its first touch in this propagation: true on that first touch. */
function touchEquation(index: EquationIndex, sums: EquationSums, e: number, generation: number): boolean {
  if (!markVisited(index, e, generation)) return false;
  index.lhs[e] = sums.lhs[e]!;
  index.rhs[e] = sums.rhs[e]!;
  index.unknowns[e] = sums.unknowns[e]!;
  return true;
}

/** One cell of an equation goes from `from` to `to` (NaN: unknown): its side and unknown count follow. */
function shiftCell(lhs: number[], rhs: number[], unknowns: number[], e: number, coef: number, from: number, to: number): void {
  const side = coef === 1 ? lhs : rhs;
  if (Number.isNaN(from)) unknowns[e]!--;
  else side[e] = side[e]! - from;
  if (Number.isNaN(to)) unknowns[e]!++;
  else side[e] = side[e]! + to;
}

/** A cell goes from `from` to `to` (NaN: unknown) in every equation it is in. Object.is: NaN to NaN is no change. */
function shiftCellEverywhere(index: EquationIndex, lhs: number[], rhs: number[], unknowns: number[], cell: number, from: number, to: number): void {
  if (Object.is(from, to)) return;
  const list = index.eqsOf[cell] ?? NO_EQUATIONS;
  const coefs = index.coefsOf[cell] ?? NO_COEFS;
  for (let k = 0; k < list.length; k++) shiftCell(lhs, rhs, unknowns, list[k]!, coefs[k]!, from, to);
}

/**
 * Sets a cell of a summed state, keeping its sums in step. Returns false when the figure is not exact: the sums
 * no longer hold, and the caller drops them.
 */
export function setCell(state: Float64Array, sums: EquationSums, equations: readonly Equation[], cell: number, value: number): boolean {
  const from = state[cell]!;
  state[cell] = value;
  if (!isSummable(value)) return false;
  shiftCellEverywhere(equationIndex(equations), sums.lhs, sums.rhs, sums.unknowns, cell, from, value);
  return true;
}

/**
 * propagateFrom for a trial made from a summed state (`base`, whose sums are `sums`) by changing the cells
 * `changed`: the same propagation, in the same order, with the same result, but each equation weighed from its
 * sums — only an equation left with one unknown has its cells read, to find that one. Null when a changed cell
 * holds a figure that is not exact (the caller then uses propagateFrom).
 */
export function propagateChange(state: Float64Array, base: Float64Array, sums: EquationSums, equations: readonly Equation[], changed: ArrayLike<number>): Propagation | null {
  for (let i = 0; i < changed.length; i++) if (!isSummable(state[changed[i]!]!)) return null;
  const index = equationIndex(equations);
  const { eqsOf, coefsOf, queue, visited, lhs, rhs, unknowns } = index;
  const generation = nextGeneration(index);
  // Every equation of a changed cell is queued (as propagateFrom does), and then each changed cell shifts its sums.
  for (let i = 0; i < changed.length; i++) {
    const list = eqsOf[changed[i]!] ?? NO_EQUATIONS;
    for (let k = 0; k < list.length; k++) if (touchEquation(index, sums, list[k]!, generation)) queue.push(list[k]!);
  }
  for (let i = 0; i < changed.length; i++) {
    const cell = changed[i]!;
    shiftCellEverywhere(index, lhs, rhs, unknowns, cell, base[cell]!, state[cell]!);
  }
  let impossible = false;
  for (let q = 0; q < queue.size; q++) {
    const e = queue.items[q]!;
    if (unknowns[e] !== 1) continue;
    const eq = equations[e]!;
    let at = 0;
    while (!Number.isNaN(state[eq.cells[at]!]!)) at++;
    const cell = eq.cells[at]!;
    // Σ coef·cell over the known cells is lhs − rhs: the unknown is what makes it 0 (as solveSingleUnknown).
    const value = round(-(lhs[e]! - rhs[e]!) / eq.coefs[at]!);
    state[cell] = value;
    if (isImpossible(value)) impossible = true;
    const list = eqsOf[cell] ?? NO_EQUATIONS;
    const coefs = coefsOf[cell] ?? NO_COEFS;
    for (let k = 0; k < list.length; k++) {
      const other = list[k]!;
      touchEquation(index, sums, other, generation);
      shiftCell(lhs, rhs, unknowns, other, coefs[k]!, NaN, value);
      queue.push(other);
    }
  }
  const violated: Equation[] = [];
  for (let v = 0; v < visited.size; v++) {
    const e = visited.items[v]!;
    if (unknowns[e] === 0 && round(lhs[e]!) !== round(rhs[e]!)) violated.push(equations[e]!);
  }
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
