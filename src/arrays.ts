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
