/**
 * The queue mode's commands: `ogi ingest … --queue redis://… --db postgres://…` (the producer: walk, skip
 * what the store has, enqueue, follow the jobs to the end, print the same summary), `ogi worker` (take jobs,
 * run them through the pipeline, store the results) and `ogi queue-clear` (drop the jobs left in the queue).
 */
import { UsageError } from '../findings.js';
import { PIPELINE_VERSION } from '../pipeline.js';
import type { Limits } from '../run/batch.js';
import { clearQueue, JOB_ATTEMPTS, QueueProducer, QueueWorker, travelsInline } from '../run/queue.js';
import type { JobResult } from '../run/queue.js';
import type { SeenPath } from '../store/document-rows.js';
import { withStoreErrors } from '../store/errors.js';
import { openStore } from '../store/open.js';
import { displayDb, isPostgresUrl, redactUrl } from '../store/sql.js';
import type { BatchResult } from './ingest.js';
import { scanInputs } from './ingest.js';
import { createProgress } from './progress.js';
import { BatchSummary, formatSummary } from './summary.js';

export interface QueueIngestOptions {
  inputs: string[];
  queue: string;
  db: string;
  force: boolean;
  inlineBytes: number;
  /** Most file bytes carried by jobs not yet finished: the producer waits for the workers beyond it (Redis holds them in memory). */
  backlogBytes: number;
  lockTimeoutS: number;
  progress?: 'auto' | 'lines' | 'none';
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

function requireSharedStore(db: string): void {
  if (!isPostgresUrl(db)) throw new UsageError(`the queue mode needs a store every worker reaches: --db postgres://user@host:port/dbname (got ${db})`);
}

/** The producer: every document to do becomes a job; the batch ends when every job has. */
export async function ingestThroughQueue(options: QueueIngestOptions): Promise<BatchResult> {
  requireSharedStore(options.db);
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS });
  const out = options.stdout ?? process.stdout;
  const progress = createProgress(options.stderr ?? process.stderr, options.progress);
  const summary = new BatchSummary();
  const pending = new Map<string, SeenPath>();
  const inlineOf = (seen: SeenPath): number => (travelsInline(seen, options.inlineBytes) ? seen.sizeBytes : 0);
  let pendingBytes = 0;
  let stopRequested = false;
  let wake: (() => void) | null = null;
  const settle = (jobId: string, record: (seen: SeenPath) => void): void => {
    const seen = pending.get(jobId);
    if (!seen) return; // another producer's job
    pending.delete(jobId);
    pendingBytes -= inlineOf(seen);
    record(seen);
    wake?.();
  };
  /** Until `done()` holds (checked at each job's end) or Ctrl-C. */
  const waitUntil = async (done: () => boolean): Promise<void> => {
    while (!done() && !stopRequested) await new Promise<void>((resolve) => (wake = resolve));
  };
  let producer: QueueProducer | null = null;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    summary.interrupted = true;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const runId = await withStoreErrors(store.sql, options.lockTimeoutS, () => store.startRun('ingest', { inputs: options.inputs, force: options.force, queue: redactUrl(options.queue) }));
    producer = await QueueProducer.open(options.queue, store.storeId!, {
      completed: (jobId: string, result: JobResult) =>
        settle(jobId, (seen) => {
          const doc = { ...result.document, path: seen.path };
          summary.recordOutcome(doc, result.outcome);
          progress.done(doc, seen.path, result.outcome === 'duplicate' ? 'duplicate' : undefined);
        }),
      failed: (jobId: string, reason: string) =>
        settle(jobId, (seen) => {
          summary.failed.push({ path: seen.path, stage: 'queue', reason: `the job failed on all ${JOB_ATTEMPTS} attempts: ${reason}` });
          progress.done(null, seen.path, 'failed');
        }),
    });
    const todo = await scanInputs(options.inputs, store, { force: options.force, lockTimeoutS: options.lockTimeoutS }, summary, progress, () => !stopRequested);
    progress.start(todo.length);
    let n = 0;
    for (const seen of todo) {
      // Redis holds the bytes of the jobs not yet done: a collection of scans is fed as the workers take it.
      await waitUntil(() => pending.size === 0 || pendingBytes + inlineOf(seen) <= options.backlogBytes);
      if (stopRequested) break;
      const jobId = `${runId}-${++n}`;
      pending.set(jobId, seen);
      pendingBytes += inlineOf(seen);
      await producer.add(jobId, seen, { runId, force: options.force, inlineBytes: options.inlineBytes });
    }
    // Until every job has ended (or Ctrl-C): workers may be on other machines, and slow (scans).
    await waitUntil(() => pending.size === 0);
    progress.stop();
    const status = summary.interrupted ? 'interrupted' : 'completed';
    await store.finishRun(runId, status, { ok: summary.ok, findings: summary.withFindings, failed: summary.failed.length, skipped: summary.skipped });
    out.write(formatSummary(summary, { verb: 'Ingested', dbPath: displayDb(options.db), runId, pipelineVersion: PIPELINE_VERSION, timings: false }));
    if (summary.interrupted && pending.size > 0) {
      const waiting = await producer.waiting();
      out.write(
        `Interrupted: ${pending.size} documents were not done yet (${waiting} still waiting in the queue). They stay in the queue and the workers ` +
          `go on with them: their results are stored. To drop the ones still waiting instead: ogi queue-clear --queue ${redactUrl(options.queue)} --db ${displayDb(options.db)}\n`,
      );
    }
    return { summary, exitCode: summary.interrupted ? 130 : summary.exitCode() };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await producer?.close();
    await store.close();
  }
}

export interface WorkerCommandOptions {
  queue: string;
  db: string;
  concurrency: number;
  limits: Limits;
  inlineBytes: number;
  lockTimeoutS: number;
  stderr?: NodeJS.WriteStream;
  stdout?: NodeJS.WritableStream;
}

/** A worker: takes jobs until Ctrl-C (SIGINT/SIGTERM), finishes those it holds, then stops. */
export async function runWorker(options: WorkerCommandOptions): Promise<number> {
  requireSharedStore(options.db);
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS });
  const err = options.stderr ?? process.stderr;
  const log = (path: string, result: JobResult): void => {
    const d = result.document;
    const what = result.outcome === 'duplicate' ? 'duplicate' : d.status === 'findings' ? `findings ${d.errors}e/${d.warnings}w` : d.status;
    err.write(`${what.padEnd(13)} ${path}\n`);
  };
  let worker: QueueWorker | null = null;
  try {
    worker = await QueueWorker.start({
      url: options.queue,
      store,
      concurrency: options.concurrency,
      limits: options.limits,
      inlineBytes: options.inlineBytes,
      onDocument: log,
    });
    (options.stdout ?? process.stdout).write(
      `ogi worker: taking jobs from ${redactUrl(options.queue)} into ${displayDb(options.db)} (${options.concurrency} at once); Ctrl-C stops it\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        // A second signal stops at once: the jobs it held go to another worker once their locks lapse.
        process.once('SIGINT', () => process.exit(130));
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  } finally {
    await worker?.close();
    await store.close();
  }
}

export async function queueClear(options: { queue: string; db: string; lockTimeoutS: number; stdout?: NodeJS.WritableStream }): Promise<number> {
  requireSharedStore(options.db);
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS });
  try {
    const n = await clearQueue(options.queue, store.storeId!);
    (options.stdout ?? process.stdout).write(`dropped ${n} jobs of ${displayDb(options.db)} from ${redactUrl(options.queue)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
