/**
 * pdf.js's legacy build (the one that runs on Node 20) carries core-js, which on Node 20 replaces some
 * built-ins that V8 already has with JavaScript versions, for edge cases pdf.js never meets: Array.prototype.push
 * (an error on arrays whose length is read-only), JSON.stringify (boxed symbols) and JSON.parse (a reviver
 * reading the source text). The replacements are global to the thread and slow: the JavaScript push alone took
 * a quarter of the CPU time of reading a text-layer PDF (pdf.js builds its font files byte by byte with push).
 * Every pdf.js module (pdf.mjs, its worker module, the text-only copy of the worker) is therefore imported
 * through `importKeepingNatives`, which puts these three back once the module has run; what core-js adds
 * (functions Node 20 lacks, such as Promise.withResolvers) stays.
 */

/** The built-ins put back, as they are before any pdf.js module has run in this thread. */
interface Natives {
  push: typeof Array.prototype.push;
  stringify: typeof JSON.stringify;
  parse: typeof JSON.parse;
}

function currentNatives(): Natives {
  return { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };
}

function restoreNatives(natives: Natives): void {
  Array.prototype.push = natives.push;
  JSON.stringify = natives.stringify;
  JSON.parse = natives.parse;
}

/**
 * Imports run one after another: an import that started while another was loading would take the other's
 * core-js replacements for the natives, and put them back after the first had restored the real ones.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `load` (an import of a pdf.js module) and restores the natives it replaces, whether it succeeds or not. */
export function importKeepingNatives<T>(load: () => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const natives = currentNatives();
    try {
      return await load();
    } finally {
      restoreNatives(natives);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
