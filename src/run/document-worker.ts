/**
 * A worker thread of the document pool: runs the pipeline on one path at a time and posts the
 * ProcessedDocument back. It never touches the database; the main thread alone writes.
 *
 * The pool may send the next job while one is running (so the worker never waits for the main thread
 * between two small documents); jobs wait here in order, and one not started yet can be taken back
 * with a cancel message (Ctrl-C, or another worker fell idle and takes it over).
 */
import { parentPort } from 'node:worker_threads';
import { processFile } from '../pipeline.js';
import { onProgress } from '../progress.js';
import { divisionIndex } from '../region/divisions.js';
import type { ProcessOptions } from '../pipeline.js';
import { osThreadId } from './thread-cpu.js';
import { packDocument } from './wire.js';
import type { WireDocument } from './wire.js';

export interface WorkerJob {
  jobId: number;
  path: string;
  options: ProcessOptions;
}

/** Takes back a job sent earlier, if the worker has not started it. */
export interface WorkerCancel {
  cancel: number;
}

export type WorkerMessage = WorkerJob | WorkerCancel;

export type WorkerReply =
  | { jobId: number; doc: WireDocument }
  | { jobId: number; crash: string }
  | { jobId: number; progress: true; done: number; total: number }
  /** The job was cancelled before it started: the pool may give it to another worker. */
  | { jobId: number; cancelled: true }
  /** Loaded; `tid` is the worker's OS thread id (Linux), for the batch's CPU by thread. */
  | { ready: true; tid: number | null };

const port = parentPort;
if (!port) throw new Error('document-worker must run in a worker thread');

const waiting: WorkerJob[] = [];
let running = false;

port.on('message', (message: WorkerMessage) => {
  if ('cancel' in message) {
    const at = waiting.findIndex((job) => job.jobId === message.cancel);
    // A job already started is not interrupted: its result comes back as usual.
    if (at >= 0) {
      waiting.splice(at, 1);
      reply({ jobId: message.cancel, cancelled: true });
    }
    return;
  }
  waiting.push(message);
  if (!running) runNext();
});

function runNext(): void {
  const job = waiting.shift();
  running = job !== undefined;
  if (!job) return;
  onProgress((step) => reply({ jobId: job.jobId, progress: true, done: step.done, total: step.total }));
  processFile(job.path, job.options)
    .then(
      // Packed: the main thread deserializes a few flat arrays instead of ~200 cell objects.
      (doc) => reply({ jobId: job.jobId, doc: packDocument(doc) }),
      // processFile only throws for non-Error values or bugs in failure handling: report, do not die.
      (e: unknown) => reply({ jobId: job.jobId, crash: e instanceof Error ? e.message : String(e) }),
    )
    // setImmediate: messages that arrived meanwhile (a cancel) are handled before the next job starts.
    .finally(() => setImmediate(runNext));
}

function reply(message: WorkerReply): void {
  port!.postMessage(message);
}

// The division index (~0.1 s to read) is part of loading the pipeline, not of the first document's time. If it
// cannot be read, each document fails with the reason instead.
try {
  divisionIndex();
} catch {
  // reported per document by the pipeline
}
// Signals that the pipeline modules are loaded: a document's time limit starts only now, not during start-up.
reply({ ready: true, tid: osThreadId() });
