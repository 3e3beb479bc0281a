/**
 * The queue mode: beyond one machine. A producer (`ogi ingest … --queue redis://…`) walks the inputs,
 * skips what the store already has, and puts one BullMQ job per document on Redis; workers
 * (`ogi worker --queue redis://… --db postgres://…`), on any machines, run each job through the same
 * worker-thread pool and pipeline as an embedded ingest and store the result in the shared store.
 *
 * - A job carries its file's bytes (reports are 10 KB–5 MB) up to an inline limit, so a worker needs no
 *   shared disk; a larger file travels as its path only, which the worker must be able to read (shared
 *   storage), else the document fails naming the limit.
 * - A worker killed mid-document loses nothing: BullMQ hands a job whose lock lapsed to another worker, and
 *   storing is idempotent (content-hash identity; a document is complete or absent).
 * - A job that keeps failing (the store down, a crash) ends failed after a few attempts, with its reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Job, JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { documentOutcome } from '../commands/summary.js';
import type { DocumentOutcome } from '../commands/summary.js';
import { DatabaseError } from '../findings.js';
import type { ProcessOptions } from '../pipeline.js';
import type { SeenPath, StoreOutcome } from '../store/document-rows.js';
import type { SqlStore } from '../store/sql-store.js';
import { redactUrl } from '../store/sql.js';
import type { Limits } from './batch.js';
import { DocumentPool } from './pool.js';
import { storeOrFail } from './store-writer.js';

/**
 * The queue of a store: its name carries the store's identity, so that workers storing into another
 * database never take its jobs (and a producer never hears of another store's).
 */
export function queueName(storeId: string): string {
  return `ogi-documents-${storeId.slice(0, 16)}`;
}
/** Files up to this size travel inside their job; larger ones as a path the worker reads (shared storage). */
export const DEFAULT_INLINE_BYTES = 16 * 1024 * 1024;
/** Whether a file's job carries its bytes (not over the limit), or only its path. */
export function travelsInline(seen: SeenPath, inlineBytes: number): seen is SeenPath & { sizeBytes: number } {
  return seen.sizeBytes !== null && seen.sizeBytes <= inlineBytes;
}
/** Attempts before a job ends failed (a job fails only when the store or the worker itself fails). */
export const JOB_ATTEMPTS = 3;
/**
 * A job whose worker stops renewing its lock for this long is handed to another worker (a live worker renews
 * it every half of this, however long the document takes). OGI_QUEUE_LOCK_MS sets it (tests shorten it).
 */
const LOCK_MS = Number(process.env.OGI_QUEUE_LOCK_MS) || 15_000;

export interface DocumentJob {
  path: string;
  sizeBytes: number | null;
  mtimeMs: number | null;
  /** The file's bytes (base64), when not over the inline limit. */
  bytes?: string;
  runId: number;
  force: boolean;
}

export interface JobResult {
  outcome: StoreOutcome;
  document: DocumentOutcome;
}

/** Connects to Redis or says clearly that it cannot (exit 2), instead of retrying forever. */
export async function connectRedis(url: string): Promise<Redis> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    probe.disconnect();
    throw new DatabaseError(`cannot reach Redis at ${redactUrl(url)} (${(e as Error).message}): is the server running, and the URL right?`);
  }
  probe.disconnect();
  // BullMQ's own connections: blocking commands wait as long as they need.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  return connection;
}

export interface ProducerEvents {
  /** A job finished: the document is stored (or failed as a document, stored as such). */
  completed(jobId: string, result: JobResult): void;
  /** A job failed for good (the store or a worker failed on every attempt). */
  failed(jobId: string, reason: string): void;
}

/** The producer's side: puts jobs on the queue and hears how each ends. */
export class QueueProducer {
  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly connections: Redis[],
  ) {}

  static async open(url: string, storeId: string, listener: ProducerEvents): Promise<QueueProducer> {
    const a = await connectRedis(url);
    const b = await connectRedis(url);
    const queue = new Queue(queueName(storeId), { connection: a });
    const events = new QueueEvents(queueName(storeId), { connection: b });
    events.on('completed', ({ jobId, returnvalue }) => {
      const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as JobResult;
      listener.completed(jobId, result);
    });
    events.on('failed', ({ jobId, failedReason }) => listener.failed(jobId, failedReason));
    // Listening before the first job is added: no completion is missed.
    await events.waitUntilReady();
    return new QueueProducer(queue, events, [a, b]);
  }

  /** Adds a document's job; its bytes go inline up to `inlineBytes`. Returns the job id. */
  async add(jobId: string, seen: SeenPath, options: { runId: number; force: boolean; inlineBytes: number }): Promise<string> {
    const data: DocumentJob = { path: seen.path, sizeBytes: seen.sizeBytes, mtimeMs: seen.mtimeMs, runId: options.runId, force: options.force };
    if (travelsInline(seen, options.inlineBytes)) {
      try {
        data.bytes = (await readFile(seen.path)).toString('base64');
      } catch {
        // Unreadable here: the worker reads the path (and reports why it cannot).
      }
    }
    const opts: JobsOptions = {
      jobId,
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      // Finished jobs leave Redis (their outcome reached the producer by event); failed ones stay a while to be looked at.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    };
    await this.queue.add('document', data, opts);
    return jobId;
  }

  /** Jobs still waiting for a worker (not started). */
  waiting(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}

/** Removes every job of the queue (waiting, delayed, failed): `ogi queue clear`. */
export async function clearQueue(url: string, storeId: string): Promise<number> {
  const connection = await connectRedis(url);
  const queue = new Queue(queueName(storeId), { connection });
  try {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'failed', 'paused', 'prioritized', 'waiting-children');
    await queue.obliterate({ force: true });
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export interface WorkerOptions {
  url: string;
  store: SqlStore;
  concurrency: number;
  limits: Limits;
  processOptions?: ProcessOptions;
  inlineBytes: number;
  /** Told of each document stored (the worker's own log). */
  onDocument?: (path: string, result: JobResult) => void;
}

/** A queue worker: BullMQ jobs through the worker-thread pool into the store. */
export class QueueWorker {
  private constructor(
    private readonly worker: Worker,
    private readonly pool: DocumentPool,
    private readonly connection: Redis,
    private readonly scratch: string,
  ) {}

  static async start(o: WorkerOptions): Promise<QueueWorker> {
    const connection = await connectRedis(o.url);
    const pool = new DocumentPool({
      size: o.concurrency,
      timeoutS: o.limits.timeoutS,
      maxMemoryMb: o.limits.maxMemoryMb,
      processOptions: { ...o.processOptions, maxBytes: o.limits.maxFileSizeBytes, maxPages: o.limits.maxPages, maxTableCells: o.limits.maxTableCells },
    });
    const scratch = mkdtempSync(join(tmpdir(), 'ogi-worker-'));
    const processor = async (job: Job<DocumentJob>): Promise<JobResult> => {
      const d = job.data;
      const seen: SeenPath = { path: d.path, sizeBytes: d.sizeBytes, mtimeMs: d.mtimeMs };
      // The bytes the producer read, in a file of this machine's (the pool reads files), named as the original.
      let file = d.path;
      if (d.bytes !== undefined) {
        file = join(scratch, `${job.id ?? 'job'}-${basename(d.path, extname(d.path)).slice(0, 60)}${extname(d.path)}`);
        writeFileSync(file, Buffer.from(d.bytes, 'base64'));
      }
      try {
        const doc = await pool.process(file);
        if (!doc) throw new Error('the worker was stopped before the document was read');
        if (d.bytes === undefined && doc.status === 'failed' && doc.failedStage === 'load') {
          doc.error = `${doc.error} (the file is over the inline limit of ${Math.round(o.inlineBytes / 1024 / 1024)} MB, so its job carried only its path, which this worker cannot read: put the files on storage the workers share, or raise --inline-max)`;
        }
        doc.path = d.path;
        const outcome = await storeOrFail(o.store, doc, seen, { runId: d.runId, force: d.force });
        const result = { outcome, document: documentOutcome(doc) };
        o.onDocument?.(d.path, result);
        return result;
      } finally {
        if (file !== d.path) rmSync(file, { force: true });
      }
    };
    const worker = new Worker<DocumentJob, JobResult>(queueName(o.store.storeId!), processor, {
      connection,
      // Enough jobs at once for every pool worker to hold its running and next document.
      concurrency: o.concurrency * 2,
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS / 3,
      maxStalledCount: 2,
    });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    return new QueueWorker(worker, pool, connection, scratch);
  }

  /** Stops taking jobs, lets those running finish (they are stored), then stops the pool. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.pool.close();
    this.connection.disconnect();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
