/**
 * A worker thread of the document pool: runs the pipeline on one path at a time and posts the
 * ProcessedDocument back. It never touches the database; the main thread alone writes.
 */
import { parentPort } from 'node:worker_threads';
import { processFile } from '../pipeline.js';
import { onProgress } from '../progress.js';
import type { ProcessOptions } from '../pipeline.js';
import { packDocument } from './wire.js';
import type { WireDocument } from './wire.js';

export interface WorkerJob {
  jobId: number;
  path: string;
  options: ProcessOptions;
}

export type WorkerReply = { jobId: number; doc: WireDocument } | { jobId: number; crash: string } | { jobId: number; progress: true } | { ready: true };

const port = parentPort;
if (!port) throw new Error('document-worker must run in a worker thread');

port.on('message', (job: WorkerJob) => {
  onProgress(() => port.postMessage({ jobId: job.jobId, progress: true } satisfies WorkerReply));
  processFile(job.path, job.options).then(
    // Packed: the main thread deserializes a few flat arrays instead of ~200 cell objects.
    (doc) => port.postMessage({ jobId: job.jobId, doc: packDocument(doc) } satisfies WorkerReply),
    // processFile only throws for non-Error values or bugs in failure handling: report, do not die.
    (e: unknown) => port.postMessage({ jobId: job.jobId, crash: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
  );
});

// Signals that the pipeline modules are loaded: a document's time limit starts only now, not during start-up.
port.postMessage({ ready: true } satisfies WorkerReply);
