/** What the in-process measuring scripts share: their options, a document in memory, and the thread's own CPU clock. */
import { createHash } from 'node:crypto';
import { ownThreadCpuMs } from '../../src/run/thread-cpu.js';
import type { LoadedFile } from '../../src/stages/load.js';
import { sniffFormat } from '../../src/stages/load.js';
import { generateReport } from '../generate/corpus.js';
import { streamCopy } from './stream-corpus.js';

/** The value after `flag` in argv, or `fallback`. */
export function option(argv: string[], flag: string, fallback: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

/** Nanoseconds this thread has run on a CPU (Linux): neither other threads nor the host's other load count. */
export function threadCpuNs(): number {
  const ms = ownThreadCpuMs();
  if (ms === null) throw new Error('no /proc/thread-self/schedstat: the thread CPU clock is read on Linux only');
  return ms * 1e6;
}

/** The generated reports (from seed `firstSeed` on) that have a one-paragraph copy, as text and as that copy: `n` pairs. */
export function textAndParagraphCopies(n: number, firstSeed: number): [LoadedFile, LoadedFile][] {
  const out: [LoadedFile, LoadedFile][] = [];
  for (let seed = firstSeed; out.length < n; seed++) {
    const r = generateReport(seed);
    const copy = streamCopy(r, seed);
    if (!copy) continue;
    out.push([loadedOf(r.name, r.bytes), loadedOf(copy.name, copy.bytes)]);
  }
  return out;
}

/** A document as the pipeline takes it, from its name and bytes. */
export function loadedOf(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), format: sniffFormat(bytes, name), sizeBytes: bytes.length };
}
