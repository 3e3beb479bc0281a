/**
 * A small pool of worker threads running the pipeline, one document per worker at a time.
 *
 * Why threads: PDF parsing and OCR are CPU-heavy and can hang or blow up on hostile input. In a worker
 * they run in parallel, under a heap limit, and a document that exceeds its time limit is stopped by
 * terminating its worker (a hung synchronous loop cannot be interrupted any other way). Workers are
 * reused across documents, so a tiny text document costs one message round trip, not a thread start.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DocumentError } from '../findings.js';
import { failedDocument } from '../pipeline.js';
import type { ProcessOptions } from '../pipeline.js';
import { sniffFormat } from '../stages/load.js';
import type { ProcessedDocument } from '../types.js';
import type { WorkerCancel, WorkerJob, WorkerReply } from './document-worker.js';
import { unpackDocument } from './wire.js';

export interface PoolOptions {
  size: number;
  /** Seconds one document may take before its worker is terminated. */
  timeoutS: number;
  /** Heap limit of each worker, in MB. */
  maxMemoryMb: number;
  processOptions: ProcessOptions;
  /** The compiled worker script (defaults to document-worker.js next to this module). */
  workerUrl?: URL;
  /** A document being read reports how far it is (OCR pages). */
  onProgress?: (path: string, done: number, total: number) => void;
}

interface Job {
  jobId: number;
  path: string;
  resolve: (doc: ProcessedDocument | null) => void;
  /** A cancel was sent for it (not started yet): on the worker's answer it is requeued, or dropped. */
  recall?: 'requeue' | 'drop';
}

interface Slot {
  worker: Worker;
  /** The worker has loaded the pipeline and can take documents. */
  ready: boolean;
  /** The worker's OS thread id, once it is ready (Linux; null elsewhere). */
  tid: number | null;
  /** Jobs sent to the worker, in order: the first is running, the others wait in the worker. */
  jobs: Job[];
  timer: NodeJS.Timeout | null;
  /** When the running job started (performance.now()). */
  startedAt: number;
}

const YOUNG_GENERATION_MB = 16;

/**
 * Jobs a busy worker holds: the one it runs and at least the next one. With jobs already there, a worker
 * goes from one document to the next without waiting for the main thread, which may be busy storing, or
 * not running at all: on two cores, two workers and the main thread take turns. So each worker is given
 * about QUEUED_WORK_MS of documents beyond the one it runs, judged by how long documents have taken so far:
 * a dozen text reports, or one more PDF. (5,000 text reports, two workers: the cores were busy 90% of the
 * time with two jobs a worker, 96% with ten.) A long document's waiting jobs go to an idle worker
 * (scheduleRebalance).
 */
const MIN_JOBS_PER_WORKER = 2;
const MAX_JOBS_PER_WORKER = 16;
const QUEUED_WORK_MS = 10;
/** How long a worker may sit idle while another holds a job it has not started, before that job is moved. */
const REBALANCE_DELAY_MS = 50;

export class DocumentPool {
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private nextJobId = 1;
  private closed = false;
  private startupFailure: string | null = null;
  private rebalanceTimer: NodeJS.Timeout | null = null;
  /** How long a document has taken, from its start in a worker to its result here (a moving average), ms. */
  private documentMs: number | null = null;

  /** What each document is processed with: the pool's options, and whether OCR may use a spare core. */
  private readonly processOptions: ProcessOptions;

  constructor(private readonly options: PoolOptions) {
    // Fewer workers than cores: an OCR worker prepares its next page on a free core while tesseract reads
    // (measured in BENCHMARKS.md, "OCR speed (issue 13)"); with a worker per core it would only compete.
    this.processOptions = { ocrOverlap: options.size < availableParallelism(), ...options.processOptions };
  }

  /** Processes one file; resolves to its document (failed ones included), or null if abandoned by abort(). */
  process(path: string): Promise<ProcessedDocument | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const job = { jobId: this.nextJobId++, path, resolve };
      if (this.startupFailure) this.failJob(job, 'worker', this.startupFailure);
      else {
        this.queue.push(job);
        this.dispatch();
      }
    });
  }

  /**
   * Starts workers for `documents` coming (up to the pool's size) before they are sent: a worker takes ~0.2 s to
   * load, which then overlaps with the walk of the inputs instead of following it.
   */
  prestart(documents: number): void {
    if (this.closed || this.startupFailure) return;
    while (this.slots.size < Math.min(documents, this.options.size)) this.spawn();
  }

  /** Jobs each busy worker is given now (see QUEUED_WORK_MS). */
  get jobsPerWorker(): number {
    if (this.documentMs === null) return MIN_JOBS_PER_WORKER;
    return Math.max(MIN_JOBS_PER_WORKER, Math.min(MAX_JOBS_PER_WORKER, 1 + Math.ceil(QUEUED_WORK_MS / Math.max(this.documentMs, 0.01))));
  }

  /** Documents worth handing the pool at once: every worker's jobs, and as many waiting for the next free place. */
  get capacity(): number {
    return this.options.size * (this.jobsPerWorker + 1);
  }

  /** The OS thread ids of the workers alive (null where unknown). */
  workerThreadIds(): (number | null)[] {
    return [...this.slots].map((slot) => slot.tid);
  }

  /** Number of documents queued or being processed (not counting those being taken back after Ctrl-C). */
  get pending(): number {
    let sent = 0;
    for (const slot of this.slots) for (const job of slot.jobs) if (job.recall !== 'drop') sent++;
    return sent + this.queue.length;
  }

  /** Drops the documents not started (they resolve to null); those being processed go on. */
  dropQueued(): void {
    for (const job of this.queue.splice(0)) job.resolve(null);
    for (const slot of this.slots) for (const job of slot.jobs.slice(1)) this.recall(slot, job, 'drop');
  }

  /** Stops every worker now; documents in flight or queued resolve to null (absent from the database). */
  async abort(): Promise<void> {
    this.closed = true;
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    for (const job of this.queue.splice(0)) job.resolve(null);
    const stopping: Promise<number>[] = [];
    for (const slot of this.slots) {
      this.release(slot);
      for (const job of slot.jobs.splice(0)) job.resolve(null);
      stopping.push(slot.worker.terminate());
    }
    this.slots.clear();
    await Promise.all(stopping);
  }

  /** Terminates the (idle) workers once no more documents will come. */
  async close(): Promise<void> {
    await this.abort();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.send(slot, this.queue.shift()!);
    }
    this.scheduleRebalance();
  }

  /** An idle worker; else, once every worker is up, a busy one with room for its next job. */
  private freeSlot(): Slot | null {
    let starting = 0;
    for (const slot of this.slots) {
      if (!slot.ready) starting++;
      else if (slot.jobs.length === 0) return slot;
    }
    // Start another worker if the pool is not full and none is already starting for the waiting jobs.
    if (this.slots.size < this.options.size && starting < this.queue.length) this.spawn();
    if (starting > 0 || this.slots.size < this.options.size) return null;
    const jobsPerWorker = this.jobsPerWorker;
    let roomiest: Slot | null = null;
    for (const slot of this.slots) if (slot.jobs.length < jobsPerWorker && (!roomiest || slot.jobs.length < roomiest.jobs.length)) roomiest = slot;
    return roomiest;
  }

  /**
   * An idle worker while another holds a job it has not started (behind a long PDF, say): that job is
   * recalled, to be given to the idle one. Checked after a short delay: between two small documents a
   * worker is idle only until the batch sends the next one, and recalling then would only churn.
   */
  private scheduleRebalance(): void {
    if (this.rebalanceTimer || this.closed || !this.hasIdleWorker()) return;
    this.rebalanceTimer = setTimeout(() => {
      this.rebalanceTimer = null;
      if (this.closed || this.queue.length > 0 || !this.hasIdleWorker()) return;
      for (const slot of this.slots) for (const waitingJob of slot.jobs.slice(1)) if (!waitingJob.recall) this.recall(slot, waitingJob, 'requeue');
    }, REBALANCE_DELAY_MS);
    this.rebalanceTimer.unref();
  }

  private hasIdleWorker(): boolean {
    for (const slot of this.slots) if (slot.ready && slot.jobs.length === 0) return true;
    return false;
  }

  private recall(slot: Slot, job: Job, then: 'requeue' | 'drop'): void {
    if (job.recall === 'drop') return;
    job.recall = then;
    slot.worker.postMessage({ cancel: job.jobId } satisfies WorkerCancel);
  }

  private spawn(): void {
    const url = this.options.workerUrl ?? new URL('./document-worker.js', import.meta.url);
    // A small young generation: per-document garbage is short-lived, and the default lets each worker's
    // RSS grow by tens of MB for nothing. 16 MB rather than 8: 2,000 text reports with one worker took
    // 5.85 s instead of 6.46 s (one run each), for 3 MB more RSS.
    const worker = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, ready: false, tid: null, jobs: [], timer: null, startedAt: 0 };
    worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) {
        slot.ready = true;
        slot.tid = reply.tid;
        this.dispatch();
      } else this.onReply(slot, reply);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.onWorkerDeath(slot, oom ? 'memory' : 'worker', describeCrash(e, this.options.maxMemoryMb));
    });
    worker.on('exit', (code) => this.onWorkerDeath(slot, 'worker', `the worker processing it stopped unexpectedly (exit code ${code})`));
    this.slots.add(slot);
  }

  private send(slot: Slot, job: Job): void {
    slot.jobs.push(job);
    if (slot.jobs.length === 1) this.start(slot);
    const message: WorkerJob = { jobId: job.jobId, path: job.path, options: this.processOptions };
    slot.worker.postMessage(message);
  }

  /** The slot's first job has started: its time limit and its duration count from now. */
  private start(slot: Slot): void {
    slot.startedAt = performance.now();
    this.arm(slot);
  }

  /** (Re)starts the running document's time limit: at its start, and each time it reports progress (an OCR page). */
  private arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.onTimeout(slot), this.options.timeoutS * 1000);
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  }

  private onReply(slot: Slot, reply: Exclude<WorkerReply, { ready: true }>): void {
    if ('cancelled' in reply) {
      this.onCancelled(slot, reply.jobId);
      return;
    }
    const job = slot.jobs[0];
    if (!job || job.jobId !== reply.jobId) return;
    if ('progress' in reply) {
      this.arm(slot);
      // Older stand-in workers (tests) report progress without counts.
      if (typeof reply.done === 'number') this.options.onProgress?.(job.path, reply.done, reply.total);
      return;
    }
    slot.jobs.shift();
    const tookMs = performance.now() - slot.startedAt;
    this.documentMs = this.documentMs === null ? tookMs : 0.9 * this.documentMs + 0.1 * tookMs;
    // The worker starts its next job as soon as it has answered: that job's time limit starts now.
    if (slot.jobs.length > 0) this.start(slot);
    else this.release(slot);
    if ('doc' in reply) job.resolve(unpackDocument(reply.doc));
    else this.failJob(job, 'process', `internal error: ${reply.crash}`);
    this.dispatch();
  }

  private onCancelled(slot: Slot, jobId: number): void {
    const at = slot.jobs.findIndex((j) => j.jobId === jobId);
    if (at < 0) return;
    const [job] = slot.jobs.splice(at, 1);
    // It was next in line when the job before it finished, and had already been counted as running.
    if (at === 0) {
      if (slot.jobs.length > 0) this.start(slot);
      else this.release(slot);
    }
    this.takeBack(job!);
    this.dispatch();
  }

  /** A job its worker never started: back to the front of the queue, or gone (null) after Ctrl-C or once the pool is closed. */
  private takeBack(job: Job): void {
    if (job.recall === 'drop' || this.closed) job.resolve(null);
    else {
      job.recall = undefined;
      this.queue.unshift(job);
    }
  }

  private onTimeout(slot: Slot): void {
    const job = slot.jobs[0];
    if (!job) return;
    this.retire(slot);
    this.failJob(
      job,
      'timeout',
      `timed out after ${this.options.timeoutS} s without progress and was stopped; raise --timeout to give it more time (then \`ogi rerun --failed\`)`,
    );
    this.dispatch();
  }

  private onWorkerDeath(slot: Slot, stage: string, reason: string): void {
    if (!this.slots.has(slot)) return;
    const job = slot.jobs[0];
    const wasReady = slot.ready;
    this.retire(slot);
    if (job) this.failJob(job, stage, reason);
    if (!wasReady) {
      // A worker that dies while starting will die again: fail what waits instead of respawning forever.
      this.startupFailure = `the worker thread could not start (${reason}); this is a bug or a broken installation`;
      for (const queued of this.queue.splice(0)) this.failJob(queued, 'worker', this.startupFailure);
      return;
    }
    this.dispatch();
  }

  /**
   * Removes a worker from the pool for good (timed out or crashed); a fresh one is spawned on demand.
   * The jobs it held but had not started go back to the front of the queue (or are dropped after Ctrl-C).
   */
  private retire(slot: Slot): void {
    this.release(slot);
    const notStarted = slot.jobs.splice(0).slice(1);
    // Last first, so that they keep their order at the front of the queue.
    for (let i = notStarted.length - 1; i >= 0; i--) this.takeBack(notStarted[i]!);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  /** A document whose worker was stopped still gets an id (its content hash) and a format, so it can be stored as failed. */
  private failJob(job: Job, stage: string, reason: string): void {
    describeUnfinished(job.path).then(
      ({ sha256, sizeBytes, format }) => {
        const doc = failedDocument(job.path, null, new DocumentError(stage, reason), stage, {});
        if (sha256) doc.id = sha256;
        doc.sizeBytes = sizeBytes;
        doc.format = format;
        job.resolve(doc);
      },
      () => job.resolve(failedDocument(job.path, null, new DocumentError(stage, reason), stage, {})),
    );
  }
}

function describeCrash(e: Error & { code?: string }, maxMemoryMb: number): string {
  if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `ran out of memory: processing it needed more than ${maxMemoryMb} MB; raise --max-memory if the file is genuine`;
  }
  return `internal error while processing it: ${e.message}`;
}

interface Unfinished {
  sha256: string | null;
  sizeBytes: number;
  format: ProcessedDocument['format'];
}

/** Hashes a file by streaming it (bounded memory) and sniffs its format from its first bytes. */
async function describeUnfinished(path: string): Promise<Unfinished> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  if (sizeBytes === 0) return { sha256: null, sizeBytes, format: null };
  return { sha256: hash.digest('hex'), sizeBytes, format: sniffFormat(head, path) };
}
