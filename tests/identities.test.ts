/**
 * The propagator works in place on the state it is given (the solver hands it a trial copy), and
 * reports as violated exactly the equations whose sides, as `sides` computes them, differ.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../scripts/generate/corpus.js';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
import { equationSums, propagate, propagateChange, propagateFrom, setCell, sides, tableSpace } from '../src/stages/identities.js';
import type { Equation } from '../src/stages/identities.js';

/** a + b = total, over cells 0, 1 and 2; and c = d over cells 3 and 4. */
const EQUATIONS: Equation[] = [
  { id: 'sum', description: 'a + b = total', cells: Int32Array.from([0, 1, 2]), coefs: Int8Array.from([1, 1, -1]) },
  { id: 'same', description: 'c = d', cells: Int32Array.from([3, 4]), coefs: Int8Array.from([1, -1]) },
];

describe('propagate', () => {
  it('solves an equation with one unknown, in the state it was given', () => {
    const state = Float64Array.from([2, NaN, 5, 1, 1]);
    const result = propagate(state, EQUATIONS);
    expect(result.state).toBe(state);
    expect(Array.from(state)).toEqual([2, 3, 5, 1, 1]);
    expect(result.violated).toEqual([]);
    expect(result.impossible).toBe(false);
  });

  it('calls a placement impossible when an unknown would be negative', () => {
    expect(propagate(Float64Array.from([6, NaN, 5, 0, 0]), EQUATIONS).impossible).toBe(true);
  });

  it('reports as violated the equations whose known sides differ, and no equation with an unknown', () => {
    const state = Float64Array.from([2, 2, 5, 1, 1, NaN, NaN]);
    const withUnknown: Equation = { id: 'open', description: 'e = f', cells: Int32Array.from([5, 6]), coefs: Int8Array.from([1, -1]) };
    const result = propagate(state, [...EQUATIONS, withUnknown]);
    expect(result.violated.map((e) => e.id)).toEqual(['sum']);
    expect(sides(withUnknown, state)).toBeNull();
    for (const eq of [...EQUATIONS, withUnknown]) {
      const s = sides(eq, state);
      expect(result.violated.includes(eq)).toBe(s !== null && s[0] !== s[1]);
    }
  });
});

describe('propagateChange: propagation weighed from running sums', () => {
  // Section 三's equations, as the solver weighs them: rows from its identities, columns from its row sum.
  const sec3 = OGI_ANNUAL_REPORT.identities.filter((d) => d.table === 'sec3');
  const rows = [...new Set(sec3.filter((d) => d.kind === 'per-col').flatMap((d) => [...d.lhs, ...d.rhs]))];
  const cols = [...new Set(sec3.filter((d) => d.kind === 'per-row').flatMap((d) => [...d.lhs, ...d.rhs]))];
  const space = tableSpace('sec3', rows, cols, OGI_ANNUAL_REPORT);
  const eqs = space.equations;
  const width = cols.length;

  it('gives the state, the violated equations (in order) and impossibility that propagateFrom gives', () => {
    let compared = 0;
    let solvedSome = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const grid = new Float64Array(rows.length * width).fill(NaN);
      let sums = equationSums(grid, eqs);
      // Rows are fixed one after another (as the solver does), and after each, other rows are tried.
      for (let fixed = 0; fixed < rows.length; fixed++) {
        const row = Math.floor(r() * rows.length);
        for (let c = 0; c < width; c++) {
          const value = r() < 0.15 ? NaN : Math.floor(r() * 4);
          expect(setCell(grid, sums!, eqs, row * width + c, value)).toBe(true);
        }
        expect(sums).toEqual(equationSums(grid, eqs));
        const trialRow = Math.floor(r() * rows.length);
        const changed = Int32Array.from({ length: width }, (_, c) => trialRow * width + c);
        const trial = Float64Array.from(grid);
        for (const at of changed) trial[at] = r() < 0.3 ? NaN : Math.floor(r() * 6);
        const expected = propagateFrom(Float64Array.from(trial), eqs, changed);
        const got = propagateChange(Float64Array.from(trial), grid, sums!, eqs, changed)!;
        expect(Array.from(got.state)).toEqual(Array.from(expected.state));
        expect(got.violated.map((e) => `${e.id}:${e.row ?? e.col}`)).toEqual(expected.violated.map((e) => `${e.id}:${e.row ?? e.col}`));
        expect(got.impossible).toBe(expected.impossible);
        compared++;
        if (expected.state.some((v, i) => Number.isNaN(trial[i]!) && !Number.isNaN(v))) solvedSome++;
      }
      sums = null;
    }
    expect(compared).toBe(150 * rows.length);
    // The comparison covered propagation that solves cells, not only checks.
    expect(solvedSome).toBeGreaterThan(50);
  });

  it('steps aside for a figure that is not a whole number: its sums could depend on the order of adding', () => {
    const grid = new Float64Array(rows.length * width).fill(NaN);
    const sums = equationSums(grid, eqs)!;
    expect(setCell(grid, sums, eqs, 0, 2.5)).toBe(false);
    expect(equationSums(grid, eqs)).toBeNull();
    const trial = Float64Array.from(grid);
    trial[width] = 0.1;
    expect(propagateChange(trial, grid, equationSums(new Float64Array(grid.length).fill(NaN), eqs)!, eqs, [width])).toBeNull();
  });
});
