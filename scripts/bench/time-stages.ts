/**
 * Per-stage cost of the pipeline on one thread, steadier than a single pass on a shared machine:
 * several passes, each over its own generated documents (different ones, so that the memo caches of
 * labels only help as much as real batches let them), and each stage's best pass is reported (the one
 * least disturbed by other processes; the first pass also pays for JIT warm-up).
 *
 * `cpu` is the process's CPU time over the pass (all threads), the steadier figure on a shared machine.
 *
 *   npm run build && node dist/scripts/bench/time-stages.js [--docs N] [--passes P] [--format text|html|stream]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { processLoaded } from '../../src/pipeline.js';
import type { LoadedFile } from '../../src/stages/load.js';
import { reportAsHtml } from './bench.js';
import { streamCopy } from './stream-corpus.js';
import { generateReport } from '../generate/corpus.js';
import { cpuMsSince } from './cpu-time.js';
import { loadedOf, option } from './measure.js';


function inputs(n: number, format: string, firstSeed: number): LoadedFile[] {
  const out: LoadedFile[] = [];
  for (let seed = firstSeed; out.length < n; seed++) {
    const r = generateReport(seed);
    const bytes = format === 'html' ? reportAsHtml(r, out.length) : format === 'stream' ? (streamCopy(r, seed)?.bytes ?? null) : r.bytes;
    if (!bytes) continue;
    out.push(loadedOf(r.name, bytes));
  }
  return out;
}

/** One pass over all documents: total milliseconds per stage, and for the whole pipeline. */
async function pass(docs: LoadedFile[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const loaded of docs) {
    const t: Record<string, number> = {};
    await processLoaded(loaded, {}, t);
    for (const [k, v] of Object.entries(t)) totals[k] = (totals[k] ?? 0) + v;
  }
  totals.pipeline = performance.now() - t0;
  // CPU of the whole process (V8's background compiler and collector included): steadier than wall time on a shared machine.
  totals.cpu = cpuMsSince(cpu0);
  return totals;
}

async function main(argv: string[]): Promise<void> {
  const n = Number(option(argv, '--docs', '2000'));
  const passes = Number(option(argv, '--passes', '5'));
  const format = option(argv, '--format', 'text');
  // Seeds far enough apart that no pass repeats another's documents (HTML skips some reports).
  const batches = Array.from({ length: passes }, (_, p) => inputs(n, format, 1 + p * n * 20));
  const best: Record<string, number> = {};
  let first: Record<string, number> = {};
  for (let p = 0; p < passes; p++) {
    const totals = await pass(batches[p]!);
    if (p === 0) first = totals;
    for (const [k, v] of Object.entries(totals)) best[k] = Math.min(best[k] ?? Infinity, v);
  }
  const perDoc = (ms: number | undefined): string => `${((ms ?? NaN) / n).toFixed(3)} ms/doc`;
  console.log(`${n} ${format} documents, one thread: best of ${passes} passes (first pass, with JIT warm-up)`);
  for (const [k, v] of Object.entries(best)) console.log(`  ${k.padEnd(9)} ${perDoc(v)}  (${perDoc(first[k])})`);
  console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

void main(process.argv.slice(2));
