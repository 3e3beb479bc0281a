/**
 * Worker start-up (issue 6): how long a document worker takes to say it is ready, and to finish its
 * first document, from `new Worker(...)`. Extractors load on first use (src/extract/index.ts), so the
 * first document of a format pays for its reader and no other.
 *
 *   node dist/scripts/bench/bench-worker-startup.js [--runs 9] [FILE]
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { WorkerJob, WorkerReply } from '../../src/run/document-worker.js';

const WORKER = new URL('../../src/run/document-worker.js', import.meta.url);

async function once(file: string | null): Promise<{ ready: number; first: number | null }> {
  const t0 = performance.now();
  const worker = new Worker(WORKER);
  try {
    const replies: WorkerReply[] = [];
    let wake: (() => void) | null = null;
    worker.on('message', (m: WorkerReply) => {
      replies.push(m);
      wake?.();
    });
    const next = async (): Promise<WorkerReply> => {
      while (replies.length === 0) await new Promise<void>((res, rej) => ((wake = res), worker.once('error', rej)));
      return replies.shift()!;
    };
    const hello = await next();
    if (!('ready' in hello)) throw new Error('the worker did not start with a ready message');
    const ready = performance.now() - t0;
    if (!file) return { ready, first: null };
    worker.postMessage({ jobId: 1, path: file, options: {} } satisfies WorkerJob);
    const reply = await next();
    if (!('doc' in reply)) throw new Error(`the first document did not come back: ${JSON.stringify(reply).slice(0, 200)}`);
    return { ready, first: performance.now() - t0 };
  } finally {
    await worker.terminate();
  }
}

function describe(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label}: min ${sorted[0]!.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms`;
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 9;
  const file = argv.find((a, k) => !a.startsWith('--') && argv[k - 1] !== '--runs') ?? null;
  const ready: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = await once(file ? resolve(file) : null);
    ready.push(t.ready);
    if (t.first !== null) first.push(t.first);
  }
  process.stdout.write(`${runs} workers\n  ${describe('ready', ready)}\n`);
  if (first.length > 0) process.stdout.write(`  ${describe(`first document done (${file})`, first)}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
