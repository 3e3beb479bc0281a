/**
 * Arrays of one elements kind whatever tier of V8 runs the code that makes them.
 *
 * `Array.prototype.map` gives a packed array while its caller runs in the interpreter, and a holey one once the
 * caller is optimised (TurboFan allocates the result at its length first). Code optimised on arrays of the first
 * kind then meets the second, is thrown away and compiled again: the table stage's largest functions were
 * compiled several times per worker for this alone, most of a batch's warm-up. Hot producers use packedMap.
 */

/** `xs.map(f)`, always a packed array. */
export function packedMap<T, U>(xs: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i]!, i));
  return out;
}

/**
 * Grids of unknown (NaN) cells that one caller fills and drops before it asks for the next: one buffer per size,
 * reused. A Float64Array of a table's size lives off V8's heap, and allocating one cost more than the rest of the
 * function that wanted it (solving a table, checking its identities), several times a report. Each caller has a
 * pool of its own, and must not keep a grid past its call.
 */
export class NanGrids {
  private readonly bySize = new Map<number, Float64Array>();

  /** A grid of `size` cells, all NaN: the one this pool gave last for this size, refilled. */
  take(size: number): Float64Array {
    let grid = this.bySize.get(size);
    if (!grid) {
      grid = new Float64Array(size);
      this.bySize.set(size, grid);
    }
    return grid.fill(NaN);
  }
}
