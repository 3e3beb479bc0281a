/**
 * What the text figure of `npm run bench` is compared with (issue 13): ogi's own figure before the work on
 * issue 13, measured on this machine with the same command, and the issue's targets.
 */

/**
 * ogi on generated text reports before issue 13: main at 8409703 (the store of migration 6), built in a worktree
 * of its own and run alternately with the current code. Re-measured when the machine moved to another host:
 * the figures of one host are not comparable with another's (469 documents/s, CPU 3.89 ms, on the earlier
 * Intel Xeon host at 00:54 UTC).
 */
export const TEXT_BEFORE_ISSUE_13 = {
  documentsPerS: 362,
  /** CPU of all threads per document: the steadier figure on a shared machine. */
  cpuMsPerDocument: 5.16,
  documents: 3000,
  concurrency: 2,
  measured: '2026-12-04 04:20–04:23 UTC on the AMD EPYC host, `--formats text --docs 3000`, median of 4 runs (318–379/s), load 2.2–3.3',
} as const;
/**
 * The same on copies of the five samples (`--text-corpus samples`: ~11 KB each, the corpus issue 13 measured
 * on): main at 8409703 ingesting 3,000 copies (`ogi ingest <copies> --timings-json`), alternating with the current
 * code.
 */
export const TEXT_SAMPLES_BEFORE_ISSUE_13 = {
  documentsPerS: 567,
  cpuMsPerDocument: 3.02,
  documents: 3000,
  concurrency: 2,
  measured: '2026-12-04 05:52–05:56 UTC on the AMD EPYC host, 3,000 copies of the samples, median of 3 runs (5.01–5.29 s), load 1.4–1.9',
} as const;

/** Issue 13: at least this many documents/s on text, and the store's cost per document at most this. */
export const TEXT_TARGET_DOCUMENTS_PER_S = 1000;
export const TEXT_TARGET_STORE_MS = 0.6;

/** What the text figure is measured on: generated reports, or copies of the five samples (issue 13's corpus). */
export type TextCorpus = 'generated' | 'samples';

export interface TextComparison {
  /** What the figure was measured on; each corpus has its own reference. */
  corpus: TextCorpus;
  documentsPerS: number;
  cpuMsPerDocument: number;
  /** The main thread's store time per document in this run (wall time: it includes waiting for a core). */
  storeMsPerDocument: number;
  timesBefore: number;
  cpuTimesBefore: number;
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** The figure before issue 13 that a run on this corpus is compared with. */
function referenceFor(corpus: TextCorpus): typeof TEXT_BEFORE_ISSUE_13 | typeof TEXT_SAMPLES_BEFORE_ISSUE_13 {
  return corpus === 'samples' ? TEXT_SAMPLES_BEFORE_ISSUE_13 : TEXT_BEFORE_ISSUE_13;
}

export function compareText(documentsPerS: number, cpuMsPerDocument: number, storeMsPerDocument: number, corpus: TextCorpus = 'generated'): TextComparison {
  const before = referenceFor(corpus);
  return {
    corpus,
    documentsPerS,
    cpuMsPerDocument,
    storeMsPerDocument,
    timesBefore: ratio(documentsPerS, before.documentsPerS),
    cpuTimesBefore: ratio(cpuMsPerDocument, before.cpuMsPerDocument),
  };
}

/** The comparison as the bench prints it, under the text figure. */
export function describeTextComparison(c: TextComparison): string[] {
  const b = referenceFor(c.corpus);
  const reports = c.corpus === 'samples' ? 'copies of the samples' : 'generated reports';
  return [
    `  text (${reports}): ${c.documentsPerS} documents/s, CPU ${c.cpuMsPerDocument} ms/document`,
    `    before issue 13: ${b.documentsPerS} documents/s, CPU ${b.cpuMsPerDocument} ms/document (main's code, ${b.documents} ${reports}, ${b.concurrency} workers, measured here ${b.measured}) → ${c.timesBefore}×, CPU ${c.cpuTimesBefore}×`,
    `    target: ≥ ${TEXT_TARGET_DOCUMENTS_PER_S} documents/s: ${c.documentsPerS >= TEXT_TARGET_DOCUMENTS_PER_S ? 'met' : 'not met'}; store ${c.storeMsPerDocument} ms/document on the main thread (target ≤ ${TEXT_TARGET_STORE_MS}; in-process: node dist/scripts/debug/store-profile.js)`,
  ];
}
