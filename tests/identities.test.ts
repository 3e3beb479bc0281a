/**
 * The propagator works in place on the state it is given (the solver hands it a trial copy), and
 * reports as violated exactly the equations whose sides, as `sides` computes them, differ.
 */
import { describe, expect, it } from 'vitest';
import { propagate, sides } from '../src/stages/identities.js';
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
