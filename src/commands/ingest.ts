/**
 * `ogi ingest <file|folder>…`: walk the inputs, skip what is already stored by this pipeline version,
 * run the rest through the worker pool, store each document all or nothing (see batch.ts), print a summary.
 */
import { statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { PIPELINE_VERSION } from '../pipeline.js';
import { Batch, batchTarget } from '../run/batch.js';
import type { Limits } from '../run/batch.js';
import type { SeenPath } from '../store/document-rows.js';
import { withStoreErrors } from '../store/errors.js';
import { openStore } from '../store/open.js';
import { displayDb } from '../store/sql.js';
import { createProgress } from './progress.js';
import type { Progress } from './progress.js';
import type { SqlStore } from '../store/sql-store.js';
import { formatSummary, timingsReport } from './summary.js';
import type { BatchSummary } from './summary.js';
import { walkInputs } from '../run/walk.js';

export interface IngestOptions {
  inputs: string[];
  db: string;
  concurrency: number;
  force: boolean;
  timings: boolean;
  /** Also write the timings as JSON to this file. */
  timingsJson?: string;
  limits: Limits;
  lockTimeoutS: number;
  progress?: 'auto' | 'lines' | 'none';
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

export interface BatchResult {
  summary: BatchSummary;
  exitCode: number;
}

export async function ingest(options: IngestOptions): Promise<BatchResult> {
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS });
  try {
    const runId = await withStoreErrors(store.sql, options.lockTimeoutS, () => store.startRun('ingest', { inputs: options.inputs, force: options.force, limits: options.limits }));
    const progress = createProgress(options.stderr ?? process.stderr, options.progress);
    const batch = new Batch({ target: batchTarget(store), runId, concurrency: options.concurrency, force: options.force, limits: options.limits, progress });
    const summary = batch.summary;
    try {
      const todo = await scanInputs(options.inputs, store, { force: options.force, lockTimeoutS: options.lockTimeoutS }, summary, progress, () => batch.accepting, (n) => batch.prestart(n));
      progress.start(todo.length);
      for (const seen of todo) {
        if (!batch.accepting) break;
        await batch.add(seen);
      }
    } finally {
      await batch.finish();
    }
    const status = summary.fatal ? 'failed' : summary.interrupted ? 'interrupted' : 'completed';
    try {
      await store.finishRun(runId, status, { ok: summary.ok, findings: summary.withFindings, failed: summary.failed.length, skipped: summary.skipped });
    } catch (e) {
      // After a database failure the run row may not be writable: it stays 'running' and the next run marks it abandoned.
      if (!summary.fatal) throw e;
    }
    if (options.timingsJson) writeFileSync(options.timingsJson, JSON.stringify(timingsReport(summary), null, 2) + '\n');
    (options.stdout ?? process.stdout).write(
      formatSummary(summary, { verb: 'Ingested', dbPath: displayDb(options.db), runId, pipelineVersion: PIPELINE_VERSION, timings: options.timings }),
    );
    return { summary, exitCode: summary.exitCode() };
  } finally {
    await store.close();
  }
}

/**
 * The inputs to process: the whole walk first (20,000 files take well under a second), so that the bar shows
 * a true total; files already ingested by this pipeline version (same path, size and time) are skipped.
 */
export async function scanInputs(
  inputs: readonly string[],
  store: SqlStore,
  options: { force: boolean; lockTimeoutS: number },
  summary: BatchSummary,
  progress: Progress,
  accepting: () => boolean,
  /** Told how many documents are to be processed so far, as they are found. */
  onTodo?: (count: number) => void,
): Promise<SeenPath[]> {
  const todo: SeenPath[] = [];
  let found = 0;
  for await (const entry of walkInputs(inputs)) {
    if (!accepting()) break;
    progress.scanning(++found);
    if (entry.kind === 'ignored') summary.ignored++;
    else if (entry.kind === 'unreadable-folder') summary.unreadableFolders.push({ path: entry.path, stage: null, reason: `cannot list the folder (${entry.reason}): its files were not ingested; give the user running ogi permission to read it` });
    else {
      const info = statOrNull(entry.path);
      const seen = { path: entry.path, sizeBytes: info?.size ?? null, mtimeMs: info ? Math.trunc(info.mtimeMs) : null };
      if (!options.force && info) {
        const known = await withStoreErrors(store.sql, options.lockTimeoutS, () => store.knownPath(entry.path));
        if (known && known.pipelineVersion === PIPELINE_VERSION && known.sizeBytes === seen.sizeBytes && known.mtimeMs === seen.mtimeMs) {
          summary.skipped++;
          if (known.status === 'failed') summary.skippedFailed++;
          continue;
        }
      }
      todo.push(seen);
      onTodo?.(todo.length);
    }
  }
  return todo;
}

/**
 * Synchronous on purpose: the main thread stores every document and so paces the batch; a promise
 * stat cost it ~0.25 ms per file (a thread-pool round trip), a sync stat of a local file a few µs.
 */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}
