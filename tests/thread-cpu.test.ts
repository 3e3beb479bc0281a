/**
 * CPU by thread (src/run/thread-cpu.ts): a worker's own CPU is told apart from the main thread's, and a batch's
 * timings split its CPU between the main thread, each worker and the rest. Linux only (/proc).
 */
import { mkdirSync, mkdtempSync, readdirSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { osThreadId, ownThreadCpuMs, threadCpuMs, threadCpuSplit } from '../src/run/thread-cpu.js';
import { assertBuilt, ROOT, runCli, SAMPLES } from './helpers/cli.js';

const linux = process.platform === 'linux';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.runIf(linux)('thread CPU', () => {
  it('gives the main thread the process id, and a worker a thread id of its own', () => {
    expect(osThreadId()).toBe(process.pid);
  });

  it('counts a busy worker in its own thread, not in the main thread', async () => {
    assertBuilt();
    const module = pathToFileURL(join(ROOT, 'dist', 'src', 'run', 'thread-cpu.js')).href;
    // The worker reports its thread id, spins for 300 ms of its own CPU, says so, and waits to be told to end.
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(module)}).then(({ osThreadId, ownThreadCpuMs }) => {
        parentPort.postMessage({ tid: osThreadId() });
        const start = ownThreadCpuMs();
        while (ownThreadCpuMs() - start < 300) {}
        parentPort.postMessage({ spun: true });
        parentPort.once('message', () => process.exit(0));
      });`;
    const worker = new Worker(code, { eval: true });
    const messages: Record<string, unknown>[] = [];
    const next = (): Promise<Record<string, unknown>> => new Promise((resolve) => worker.once('message', resolve));
    messages.push(await next());
    const tid = messages[0]!.tid as number;
    expect(tid).toBeGreaterThan(0);
    expect(tid).not.toBe(process.pid);
    const mainBefore = ownThreadCpuMs()!;
    const workerBefore = threadCpuMs(tid)!;
    messages.push(await next());
    // While the worker spun, its clock moved by (nearly) its 300 ms; the main thread's, waiting, hardly at all.
    expect(threadCpuMs(tid)! - workerBefore).toBeGreaterThan(200);
    expect(ownThreadCpuMs()! - mainBefore).toBeLessThan(100);
    const split = threadCpuSplit([tid])!;
    expect(split.workers[0]).toBeGreaterThanOrEqual(300);
    worker.postMessage('end');
    await new Promise((resolve) => worker.once('exit', resolve));
  });

  it('splits a batch CPU between the main thread, each worker and the other threads', () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ogi-thread-cpu-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'in'));
    for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.txt'))) copyFileSync(join(SAMPLES, f), join(dir, 'in', f));
    const json = join(dir, 'timings.json');
    const r = runCli(['ingest', join(dir, 'in'), '--db', join(dir, 'ogi.sqlite'), '--concurrency', '2', '--timings', '--timings-json', json]);
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(json, 'utf8')) as { cpuMs: number; threadCpuMs: { main: number; workers: number[]; other: number } };
    // The worker that took the documents is listed; the other one too, unless it was still starting when they were
    // done (a busy machine): then its CPU is among the other threads'.
    const workers = t.threadCpuMs.workers;
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.length).toBeLessThanOrEqual(2);
    for (const ms of [t.threadCpuMs.main, ...workers]) expect(ms).toBeGreaterThan(0);
    // The parts add up to the process's CPU, taken a moment before it (the summary comes after the workers stop).
    const parts = t.threadCpuMs.main + workers.reduce((a, b) => a + b, 0) + t.threadCpuMs.other;
    expect(parts).toBeLessThanOrEqual(t.cpuMs + 2);
    expect(parts).toBeGreaterThan(t.cpuMs * 0.5);
    const listed = workers.length === 2 ? 'workers \\d+\\.\\d\\d \\+ \\d+\\.\\d\\d' : 'worker \\d+\\.\\d\\d';
    expect(r.stdout).toMatch(new RegExp(`CPU\\s+main thread \\d+\\.\\d\\d, ${listed}, other threads \\d+\\.\\d\\d ms/document`));
  });

  it('counts a worker whose thread is not known yet, or has ended, among the other threads', async () => {
    // Still starting: no thread id yet. The split is still made (it was null before, and a short batch on a busy
    // machine printed no CPU line at all).
    const starting = threadCpuSplit([null])!;
    expect(starting.workers).toEqual([]);
    expect(starting.main).toBeGreaterThan(0);
    // Ended: its /proc entry is gone.
    const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop())`, { eval: true });
    const tid = Number(await new Promise((resolve) => worker.once('message', resolve)));
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(threadCpuMs(tid)).toBeNull();
    const ended = threadCpuSplit([tid, null])!;
    expect(ended.workers).toEqual([]);
    expect(ended.other).toBeGreaterThanOrEqual(0);
  });
});
